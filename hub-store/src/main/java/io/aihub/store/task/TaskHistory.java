package io.aihub.store.task;

import io.aihub.protocol.TaskLogRecord;
import io.aihub.protocol.TaskRecord;
import java.util.List;

/** What a socket joining a task's room is told first: the task's logs, oldest first, and its state. */
public record TaskHistory(List<TaskLogRecord> logs, TaskRecord task) {}
