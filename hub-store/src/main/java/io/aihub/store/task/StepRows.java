package io.aihub.store.task;

import io.aihub.protocol.Status;
import io.aihub.protocol.StepRecord;
import io.aihub.protocol.TaskRecord;
import io.aihub.store.jdbc.Tx;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/** New step rows, fully defaulted, inserted in one statement (of one task, or of several created together). */
final class StepRows {
    private StepRows() {}

    /** The name of the step every task starts with. */
    static final String INIT_STEP_NAME = "init";

    /** A step ready to insert; JSON fields are JSON text. */
    record Row(
            String stepId,
            Status status,
            String name,
            int order,
            String predecessor,
            boolean isLast,
            String inputQuery,
            String inputParams,
            String inputAdditional,
            String inputArtifacts,
            long cost) {}

    /** Inserts steps of one task and returns the stored steps in the order given. */
    static List<StepRecord> insert(Tx tx, TaskRecord task, List<Row> rows, Instant now) throws SQLException {
        return insert(tx, Collections.nCopies(rows.size(), task), rows, now);
    }

    /** Inserts {@code rows.get(i)} as a step of {@code tasks.get(i)}; returns the stored steps in the order given. */
    static List<StepRecord> insert(Tx tx, List<TaskRecord> tasks, List<Row> rows, Instant now) throws SQLException {
        List<StepRecord> stored = tx.list(
                StepSql.STEP_INSERT_MANY,
                StepSql.STEP,
                now,
                now,
                column(rows, Row::stepId),
                tasks.stream().map(TaskRecord::taskId).toArray(String[]::new),
                tasks.stream().map(TaskRecord::did).toArray(String[]::new),
                tasks.stream().map(TaskRecord::owner).toArray(String[]::new),
                column(rows, row -> row.status().wire()),
                column(rows, Row::name),
                rows.stream().map(Row::order).toArray(Integer[]::new),
                column(rows, Row::predecessor),
                rows.stream().map(Row::isLast).toArray(Boolean[]::new),
                column(rows, Row::inputQuery),
                column(rows, Row::inputParams),
                column(rows, Row::inputAdditional),
                column(rows, Row::inputArtifacts),
                rows.stream().map(Row::cost).toArray(Long[]::new));
        Map<String, Integer> position = new HashMap<>();
        for (int i = 0; i < rows.size(); i++) {
            position.put(rows.get(i).stepId(), i);
        }
        return stored.stream()
                .sorted(Comparator.comparing(step -> position.get(step.stepId())))
                .toList();
    }

    private static String[] column(List<Row> rows, Function<Row, String> field) {
        return rows.stream().map(field).toArray(String[]::new);
    }
}
