package io.aihub.store.task;

/**
 * What one task may hold, so that no tenant can grow a task, its reads and its replays without bound;
 * and how much of a task's history a socket joining its room is sent.
 *
 * @param maxStepsPerTask steps a task may have, its init step included
 * @param maxLogsPerTask  log lines a task may have
 * @param maxLogBytesPerTask UTF-8 bytes of all a task's log messages together (what a read of the task carries)
 * @param maxLogBytes     UTF-8 bytes of one log line's message
 * @param replayLogs      the latest log lines replayed to a socket that joins a task's room
 * @param replayLogBytes  ... and at most about this many bytes of their messages (the latest line always)
 */
public record TaskLimits(
        int maxStepsPerTask,
        int maxLogsPerTask,
        long maxLogBytesPerTask,
        int maxLogBytes,
        int replayLogs,
        int replayLogBytes) {
    public static final TaskLimits DEFAULTS = new TaskLimits(1_000, 10_000, 4L * 1024 * 1024, 65_536, 100, 256 * 1024);

    public TaskLimits {
        if (maxStepsPerTask < 1
                || maxLogsPerTask < 1
                || maxLogBytesPerTask < 1
                || maxLogBytes < 1
                || replayLogs < 1
                || replayLogBytes < 1) {
            throw new IllegalArgumentException("task limits must be positive");
        }
    }
}
