package io.aihub.protocol;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.Collection;
import java.util.stream.Collectors;

/**
 * The execution status shared by tasks and steps, spelled exactly as the SDKs send it.
 * {@code Completed} and {@code Failed} are final: nothing moves a task or step out of them.
 */
public enum Status {
    Pending,
    In_Progress,
    Not_Ready,
    Completed,
    Failed;

    private static final String ALLOWED =
            Arrays.stream(values()).map(Enum::name).collect(Collectors.joining(", "));

    @JsonValue
    public String wire() {
        return name();
    }

    /** The wire names of these statuses, as an SQL guard takes them. */
    public static String[] wire(Collection<Status> statuses) {
        return statuses.stream().map(Status::wire).toArray(String[]::new);
    }

    public boolean isTerminal() {
        return this == Completed || this == Failed;
    }

    /** Parses a status from a request body field; the error names the field and the allowed values. */
    public static Status parse(String field, String value) {
        for (Status status : values()) {
            if (status.name().equals(value)) {
                return status;
            }
        }
        throw ApiError.invalid(field, "must be one of " + ALLOWED + " (case-sensitive), not '" + value + "'");
    }

    /** Jackson reports the failure with the JSON path of the field, so the message names the field. */
    @JsonCreator
    static Status fromJson(String value) {
        for (Status status : values()) {
            if (status.name().equals(value)) {
                return status;
            }
        }
        throw new IllegalArgumentException("not a status: " + value);
    }

    /**
     * Parses a {@code ?status=} query value. Python SDK 0.7 on Python 3.11+ sends the enum's repr,
     * {@code AgentExecutionStatus.Pending}: the part after the last dot is taken.
     */
    public static Status parseQuery(String value) {
        return parse("status", value.substring(value.lastIndexOf('.') + 1));
    }
}
