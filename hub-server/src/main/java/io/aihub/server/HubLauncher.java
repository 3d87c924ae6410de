package io.aihub.server;

import java.time.InstantSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts a hub for {@code serve} and {@code dev}: drains it on SIGTERM, says which admin token it runs
 * with (a generated one once; a well-known one as a warning), and logs where it listens.
 */
final class HubLauncher {
    private static final Logger LOG = LoggerFactory.getLogger(HubLauncher.class);

    private static volatile boolean launched;

    private HubLauncher() {}

    /** Whether this process started a hub (whose drain stops the logging when the process exits). */
    static boolean launchedAHub() {
        return launched;
    }

    /** Starts the hub with this configuration; {@code dev}: its fixed admin token is expected, not warned of. */
    static Hub launch(HubConfig config, boolean dev) throws Exception {
        Hub hub = Hub.start(config, InstantSource.system());
        Runtime.getRuntime().addShutdownHook(new Thread(() -> drain(hub, config), "hub-shutdown"));
        launched = true;
        if (hub.adminTokenGenerated()) {
            LOG.info("HUB_ADMIN_TOKEN was not set; admin token for this run: {}", hub.adminToken());
        } else if (dev) {
            LOG.info("dev mode: the admin token is the one printed on standard output; keep this hub to yourself");
        } else if (WellKnownTokens.isWellKnown(hub.adminToken())) {
            LOG.warn(
                    "HUB_ADMIN_TOKEN is a well-known default ({} characters, from an example): anyone who can reach"
                            + " port {} can create accounts and keys. Set a secret of your own, or leave it unset for"
                            + " one generated at start",
                    hub.adminToken().length(),
                    hub.port());
        }
        LOG.info(
                "AI Hub listening on port {}{} (public URL {})",
                hub.port(),
                config.extraPorts().isEmpty() ? "" : " and " + config.extraPorts(),
                config.publicUrl());
        return hub;
    }

    /** On SIGTERM (or Ctrl-C): drains, and exits a little after HUB_SHUTDOWN_SECONDS whatever happens. */
    private static void drain(Hub hub, HubConfig config) {
        Thread watchdog = Thread.ofPlatform().daemon().start(() -> {
            try {
                Thread.sleep(config.shutdown().plusSeconds(2));
                LOG.error(
                        "shutdown took longer than HUB_SHUTDOWN_SECONDS ({} s); exiting now",
                        config.shutdown().toSeconds());
                LogShutdown.stop();
                Runtime.getRuntime().halt(1);
            } catch (InterruptedException done) {
                // drained in time
            }
        });
        try {
            hub.drain();
        } catch (Exception e) {
            LOG.warn("shutdown was not clean: {}", e.toString());
        } finally {
            watchdog.interrupt();
            LogShutdown.stop();
        }
    }
}
