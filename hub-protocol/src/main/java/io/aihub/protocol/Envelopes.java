package io.aihub.protocol;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/** The response bodies of the Query Protocol endpoints, each named for the call that returns it. */
public final class Envelopes {
    private Envelopes() {}

    /** R2: {@code 201 {task, steps:[init]}}. */
    public record CreatedTask(TaskRecord task, List<StepRecord> steps) {}

    /** R3: {@code 200 {task, steps, logs}}. */
    public record TaskWithSteps(TaskRecord task, List<StepRecord> steps, List<TaskLogRecord> logs) {}

    /** R4: {@code 201 {task_id, steps}}. */
    public record CreatedSteps(@JsonProperty("task_id") String taskId, List<StepRecord> steps) {}

    /** R8, R9. */
    public record StepList(List<StepRecord> steps, long totalResults) {}

    /** R10. */
    public record TaskList(List<TaskRecord> tasks, long totalResults) {}

    /** R7. */
    public record StepPage(List<StepRecord> steps, long totalResults, int page, int offset) {}

    /** R6. */
    public record TaskPage(List<TaskRecord> tasks, long totalResults, int page, int offset) {}

    /** R1: the access token a subscriber presents to the task routes. */
    public record ServiceToken(Token token) {
        public record Token(String accessToken, String neverminedProxyUri) {}
    }
}
