package io.aihub.store.task;

import io.aihub.protocol.ApiError;
import io.aihub.protocol.Ids;
import io.aihub.protocol.NewStep;
import io.aihub.protocol.Status;
import io.aihub.protocol.StepRecord;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The steps of a task as new ones are appended: resolves what each new step leaves out. Its id
 * (canonical, or generated), its predecessor (the latest step by order), its order (after the highest)
 * and its status (Pending once the predecessor is Completed, with that step's output as its input;
 * Not_Ready otherwise).
 */
final class StepChain {
    private final Map<String, StepRecord> existing = new LinkedHashMap<>();
    private final Map<String, StepRows.Row> added = new LinkedHashMap<>();
    private String latest;
    private int maxOrder;

    StepChain(List<StepRecord> steps) {
        for (StepRecord step : steps) {
            existing.put(step.stepId(), step);
            track(step.stepId(), step.order());
        }
    }

    StepRows.Row add(NewStep step, String where) {
        String id = Objects.requireNonNullElseGet(Ids.canonicalStepId(step.stepId()), Ids::newStepId);
        if (existing.containsKey(id) || added.containsKey(id)) {
            throw ApiError.conflict(where + ": step '" + id + "' already exists in this task");
        }
        String predecessor = step.predecessor() == null
                ? latest
                : Objects.requireNonNullElse(Ids.canonicalStepId(step.predecessor()), step.predecessor());
        if (predecessor != null && !existing.containsKey(predecessor) && !added.containsKey(predecessor)) {
            throw ApiError.invalid(
                    where + ".predecessor", "must name an earlier step of this task, not '" + step.predecessor() + "'");
        }
        StepRecord done = predecessor == null ? null : existing.get(predecessor);
        boolean runnable = predecessor == null || (done != null && done.stepStatus() == Status.Completed);
        Status status = step.stepStatus() != null ? step.stepStatus() : runnable ? Status.Pending : Status.Not_Ready;
        String inputQuery = step.inputQuery();
        String inputArtifacts = JsonShapes.json(step.inputArtifacts());
        if (done != null && done.stepStatus() == Status.Completed) {
            inputQuery = inputQuery == null || inputQuery.isEmpty() ? done.output() : inputQuery;
            inputArtifacts =
                    inputArtifacts == null || inputArtifacts.equals("[]") ? done.outputArtifacts() : inputArtifacts;
        }
        String inputParams = step.inputParams() != null
                ? JsonShapes.json(step.inputParams())
                : JsonShapes.entryArray(step.inputAdditional());
        String inputAdditional = step.inputAdditional() != null
                ? JsonShapes.json(step.inputAdditional())
                : JsonShapes.mergedObject(step.inputParams());
        int order = step.order() != null ? step.order() : maxOrder + 1;
        StepRows.Row row = new StepRows.Row(
                id,
                status,
                step.name(),
                order,
                predecessor,
                Boolean.TRUE.equals(step.isLast()),
                inputQuery,
                inputParams,
                inputAdditional,
                inputArtifacts,
                step.cost() == null ? 0 : step.cost());
        added.put(id, row);
        track(id, order);
        return row;
    }

    private void track(String id, int order) {
        if (latest == null || order >= maxOrder) {
            latest = id;
            maxOrder = order;
        }
    }
}
