package io.aihub.server;

import ch.qos.logback.classic.LoggerContext;
import org.slf4j.LoggerFactory;

/**
 * Writes out the log lines still queued (logback.xml writes them from a thread of its own) before the
 * process exits: the last lines of a drain, or why a command failed, would otherwise be lost with it.
 */
final class LogShutdown {
    private LogShutdown() {}

    /** Stops logging: what is queued is written (for up to Logback's one second); later lines are lost. */
    static void stop() {
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
            context.stop();
        }
    }
}
