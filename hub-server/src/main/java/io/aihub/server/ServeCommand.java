package io.aihub.server;

import java.util.Map;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;

/** {@code hub serve}, and {@code hub} alone: runs the hub, configured by the {@code HUB_*} variables. */
@Command(
        name = "serve",
        description = "Run the hub (the default), configured by the HUB_* environment variables; see the README.")
final class ServeCommand implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(ServeCommand.class);

    @Override
    public Integer call() {
        try {
            serve(System.getenv(), false);
            return 0;
        } catch (CannotStart e) {
            return e.exitCode;
        }
    }

    /** The hub did not start, and said why: 2 for a configuration error, 1 for anything else. */
    static final class CannotStart extends Exception {
        final int exitCode;

        CannotStart(int exitCode) {
            super(null, null, false, false);
            this.exitCode = exitCode;
        }
    }

    /** Starts a hub configured by these variables, or says why it cannot. */
    static Started serve(Map<String, String> environment, boolean dev) throws CannotStart {
        HubConfig config;
        try {
            config = HubConfig.fromEnvironment(environment);
        } catch (HubConfig.InvalidConfig e) {
            System.err.println("AI Hub cannot start: " + e.getMessage());
            throw new CannotStart(2);
        }
        try {
            return new Started(HubLauncher.launch(config, dev), config);
        } catch (Exception e) {
            LOG.error("AI Hub cannot start: {}", e.getMessage(), e);
            throw new CannotStart(1);
        }
    }

    /** A hub that runs, with its configuration. */
    record Started(Hub hub, HubConfig config) {}
}
