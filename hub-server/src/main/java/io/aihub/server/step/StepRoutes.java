package io.aihub.server.step;

import com.fasterxml.jackson.databind.JsonNode;
import io.aihub.protocol.ApiError;
import io.aihub.protocol.NewStep;
import io.aihub.protocol.StepRecord;
import io.aihub.protocol.StepSearch;
import io.aihub.protocol.StepUpdate;
import io.aihub.server.auth.Authenticator;
import io.aihub.server.auth.Caller;
import io.aihub.server.http.Bodies;
import io.aihub.server.http.IdempotencyHeader;
import io.aihub.server.http.QueryParams;
import io.aihub.server.http.Replies;
import io.aihub.server.json.JsonInput;
import io.aihub.store.task.StepStore;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;

/** Steps: builders create and update their agents' steps (R4, R5), list and search them (R7, R8, R9). */
public final class StepRoutes {
    private final Authenticator auth;
    private final StepStore steps;

    public StepRoutes(Authenticator auth, StepStore steps) {
        this.auth = auth;
        this.steps = steps;
    }

    /** R4 {@code POST /api/v1/agents/:did/tasks/:taskId/steps {"steps":[...]}} (or a bare array) → 201 {task_id, steps}. */
    public void create(RoutingContext ctx) {
        Caller caller = auth.builder(ctx);
        JsonNode body = Bodies.tree(ctx);
        JsonNode list = body.isArray() ? body : body.get("steps");
        if (list == null || !list.isArray()) {
            throw ApiError.invalid("steps", "is required: send {\"steps\": [{\"name\": ...}, ...]}");
        }
        List<NewStep> requested = new ArrayList<>(list.size());
        for (int i = 0; i < list.size(); i++) {
            requested.add(JsonInput.convert(list.get(i), NewStep.class, "steps[" + i + "]."));
        }
        IdempotencyHeader.reply(
                ctx,
                steps.create(
                        caller.address(),
                        ctx.pathParam("did"),
                        ctx.pathParam("taskId"),
                        requested,
                        IdempotencyHeader.of(ctx, caller)));
    }

    /**
     * R5 {@code PUT /api/v1/agents/:did/tasks/:taskId/step/:stepId} → 201 the updated step. Returns once the
     * update is handed to the lifecycle writer; the step, when it comes, is for {@link Replies#created}.
     */
    public CompletionStage<StepRecord> update(RoutingContext ctx) {
        Caller caller = auth.builder(ctx);
        StepUpdate update = Bodies.read(ctx, StepUpdate.class);
        return steps.updateAsync(
                caller.address(), ctx.pathParam("did"), ctx.pathParam("taskId"), ctx.pathParam("stepId"), update);
    }

    /** R8 {@code GET /api/v1/agents/:did/tasks/:taskId/steps[?status=]} → 200 {steps, totalResults}. */
    public void listForTask(RoutingContext ctx) {
        String did = ctx.pathParam("did");
        Caller caller = auth.subscriber(ctx, did);
        Replies.ok(ctx, steps.listForTask(caller.address(), did, ctx.pathParam("taskId"), QueryParams.status(ctx)));
    }

    /** R9 {@code GET /api/v1/agents/steps?[&]status=S[&dids=d1,d2]} → 200 {steps, totalResults}. */
    public void listOwned(RoutingContext ctx) {
        Caller caller = auth.builder(ctx);
        Replies.ok(ctx, steps.listOwned(caller.address(), QueryParams.status(ctx), QueryParams.dids(ctx)));
    }

    /** R7 {@code POST /api/v1/agents/search/steps} → 200 {steps, totalResults, page, offset}. */
    public void search(RoutingContext ctx) {
        Caller caller = auth.builder(ctx);
        Replies.ok(ctx, steps.search(caller.address(), Bodies.read(ctx, StepSearch.class)));
    }
}
