package io.aihub.protocol;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/** Payloads of the Socket.IO control events (data events carry {@link StepRecord}, {@link TaskUpdated}, {@link TaskLogRecord}). */
public final class SocketPayloads {
    /** Most ids one join may name. */
    public static final int MAX_IDS = 1000;

    private SocketPayloads() {}

    /**
     * {@code _join-rooms}: the account room if asked, and agent rooms by DID. Python sends a single DID
     * as a string, or leaves the key out.
     */
    public record JoinRooms(
            @JsonProperty("joinAccountRoom") Boolean joinAccountRoom,
            @JsonProperty("joinAgentRooms") Object joinAgentRooms) {

        public JoinRooms {
            Fields.requireStringOrStrings("joinAgentRooms", joinAgentRooms, MAX_IDS);
        }

        @JsonIgnore
        public boolean accountRoom() {
            return Boolean.TRUE.equals(joinAccountRoom);
        }

        @JsonIgnore
        public List<String> agentDids() {
            return Fields.strings(joinAgentRooms);
        }
    }

    /** {@code _emit-steps}: replay the caller's steps in {@code status}; empty {@code dids} means all its agents. */
    public record EmitSteps(
            @JsonProperty("status") Status status,
            @JsonProperty("dids") Object dids) {
        public EmitSteps {
            status = status == null ? Status.Pending : status;
            Fields.requireStringOrStrings("dids", dids, MAX_IDS);
        }

        @JsonIgnore
        public List<String> agentDids() {
            return Fields.strings(dids);
        }
    }

    /** {@code _join-tasks}: task rooms, then (unless {@code history} is false) the tasks' logs and a snapshot. */
    public record JoinTasks(
            @JsonProperty("tasks") Object tasks,
            @JsonProperty("history") Boolean history) {
        public JoinTasks {
            Fields.requireStringOrStrings("tasks", tasks, MAX_IDS);
        }

        @JsonIgnore
        public List<String> taskIds() {
            return Fields.strings(tasks);
        }

        @JsonIgnore
        public boolean replayHistory() {
            return !Boolean.FALSE.equals(history);
        }
    }

    /** {@code _task-log}: a log line for a task, from its agent's owner or its creator. */
    public record NewTaskLog(
            @JsonProperty("task_id") String taskId,
            @JsonProperty("message") String message,
            @JsonProperty("level") String level,
            @JsonProperty("task_status") Status taskStatus,
            @JsonProperty("step_id") String stepId) {

        public static final int MAX_MESSAGE_LENGTH = 100_000;

        public NewTaskLog {
            if (taskId == null || taskId.isBlank()) {
                throw ApiError.invalid("task_id", "is required: the task this log line belongs to");
            }
            if (message == null) {
                throw ApiError.invalid("message", "is required: the text of the log line");
            }
            if (message.length() > MAX_MESSAGE_LENGTH) {
                throw ApiError.invalid("message", "must be at most " + MAX_MESSAGE_LENGTH + " characters");
            }
            level = level == null || level.isBlank() ? "info" : level;
            if (level.length() > 32) {
                throw ApiError.invalid("level", "must be a short word such as info, warning, error or debug");
            }
        }
    }

    /** {@code _connected}: sent once the socket's credential is verified. */
    public record Connected(
            @JsonProperty("sid") String sid,
            @JsonProperty("account") String account) {}

    /** {@code _join-rooms_}. */
    public record RoomsJoined(
            @JsonProperty("account") boolean account,
            @JsonProperty("agents") List<String> agents) {}

    /** {@code _join-tasks_}. */
    public record TasksJoined(@JsonProperty("tasks") List<String> tasks) {}

    /** {@code error}: what a socket sent that was refused; nothing changed. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Error(
            @JsonProperty("event") String event,
            @JsonProperty("message") String message) {}
}
