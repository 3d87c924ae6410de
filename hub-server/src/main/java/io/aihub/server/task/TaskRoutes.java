package io.aihub.server.task;

import io.aihub.protocol.Envelopes.CreatedTask;
import io.aihub.protocol.NewTask;
import io.aihub.protocol.Paging;
import io.aihub.protocol.TaskSearch;
import io.aihub.server.auth.Authenticator;
import io.aihub.server.auth.Caller;
import io.aihub.server.http.Bodies;
import io.aihub.server.http.IdempotencyHeader;
import io.aihub.server.http.QueryParams;
import io.aihub.server.http.Replies;
import io.aihub.store.task.Idempotent;
import io.aihub.store.task.TaskStore;
import io.vertx.ext.web.RoutingContext;
import java.util.concurrent.CompletionStage;

/** Tasks: subscribers submit and read them (R2, R3); builders list and search their agents' tasks (R6, R10). */
public final class TaskRoutes {
    private final Authenticator auth;
    private final TaskStore tasks;

    public TaskRoutes(Authenticator auth, TaskStore tasks) {
        this.auth = auth;
        this.tasks = tasks;
    }

    /**
     * R2 {@code POST /api/v1/agents/:did/tasks} → 201 {task, steps:[init]}; with an {@code Idempotency-Key},
     * a retry within a day gets the first answer again, and a different request with the key 422. Returns
     * once the task is handed to the lifecycle writer; the answer, when it comes, is for {@link
     * IdempotencyHeader#reply}.
     */
    public CompletionStage<Idempotent<CreatedTask>> create(RoutingContext ctx) {
        String did = ctx.pathParam("did");
        Caller caller = auth.subscriber(ctx, did);
        NewTask task = Bodies.read(ctx, NewTask.class);
        return tasks.createAsync(did, caller.address(), task, IdempotencyHeader.of(ctx, caller));
    }

    /** R3 {@code GET /api/v1/agents/:did/tasks/:taskId} → 200 {task, steps, logs}. */
    public void get(RoutingContext ctx) {
        String did = ctx.pathParam("did");
        Caller caller = auth.subscriber(ctx, did);
        Replies.ok(ctx, tasks.withSteps(did, ctx.pathParam("taskId"), caller.address()));
    }

    /**
     * {@code POST /api/v1/agents/:did/tasks/:taskId/cancel} → 200 the task, ended Failed with who cancelled
     * it; for its creator or its agent's owner; 409 once it has ended.
     */
    public void cancel(RoutingContext ctx) {
        String did = ctx.pathParam("did");
        Caller caller = auth.subscriber(ctx, did);
        Replies.ok(ctx, tasks.cancel(caller.address(), did, ctx.pathParam("taskId")));
    }

    /** R10 {@code GET /api/v1/agents[?status=]} → 200 {tasks, totalResults}. */
    public void listOwned(RoutingContext ctx) {
        Caller caller = auth.builder(ctx);
        Replies.ok(ctx, tasks.listOwned(caller.address(), QueryParams.status(ctx)));
    }

    /**
     * {@code GET /api/v1/account/tasks[?status=&page=&offset=]} → 200 {tasks, totalResults, page, offset}:
     * the tasks the caller submitted, to any agent, newest first.
     */
    public void listSubmitted(RoutingContext ctx) {
        Caller caller = auth.builder(ctx);
        Replies.ok(
                ctx,
                tasks.submitted(
                        caller.address(),
                        QueryParams.status(ctx),
                        Paging.of(QueryParams.integer(ctx, "page"), QueryParams.integer(ctx, "offset"))));
    }

    /** R6 {@code POST /api/v1/agents/search/tasks} → 200 {tasks, totalResults, page, offset}. */
    public void search(RoutingContext ctx) {
        Caller caller = auth.builder(ctx);
        Replies.ok(ctx, tasks.search(caller.address(), Bodies.read(ctx, TaskSearch.class)));
    }
}
