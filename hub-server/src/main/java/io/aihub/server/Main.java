package io.aihub.server;

import java.time.InstantSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Reads the configuration from the environment, starts the hub, and stops it on shutdown. */
public final class Main {
    private static final Logger LOG = LoggerFactory.getLogger(Main.class);

    private Main() {}

    public static void main(String[] args) {
        HubConfig config;
        try {
            config = HubConfig.fromEnvironment(System.getenv());
        } catch (HubConfig.InvalidConfig e) {
            System.err.println("AI Hub cannot start: " + e.getMessage());
            System.exit(2);
            return;
        }
        try {
            Hub hub = Hub.start(config, InstantSource.system());
            Runtime.getRuntime()
                    .addShutdownHook(new Thread(
                            () -> {
                                try {
                                    hub.close();
                                } catch (Exception e) {
                                    LOG.warn("shutdown was not clean", e);
                                }
                            },
                            "hub-shutdown"));
            if (hub.adminTokenGenerated()) {
                LOG.info("HUB_ADMIN_TOKEN was not set; admin token for this run: {}", hub.adminToken());
            }
            LOG.info(
                    "AI Hub listening on port {}{} (public URL {})",
                    hub.port(),
                    config.extraPorts().isEmpty() ? "" : " and " + config.extraPorts(),
                    config.publicUrl());
        } catch (Exception e) {
            LOG.error("AI Hub cannot start: {}", e.getMessage(), e);
            System.exit(1);
        }
    }
}
