package io.aihub.server;

import static io.aihub.server.http.RouteNames.named;

import io.aihub.server.admin.AdminAgentRoutes;
import io.aihub.server.admin.AdminRoutes;
import io.aihub.server.agent.AgentRoutes;
import io.aihub.server.dashboard.DashboardRoutes;
import io.aihub.server.http.AccessLog;
import io.aihub.server.http.BlockingHandlers;
import io.aihub.server.http.BodyBudget;
import io.aihub.server.http.ConnectionGuard;
import io.aihub.server.http.CredentialGate;
import io.aihub.server.http.ErrorReplies;
import io.aihub.server.http.IdempotencyHeader;
import io.aihub.server.http.Replies;
import io.aihub.server.http.SystemRoutes;
import io.aihub.server.metrics.HttpMetrics;
import io.aihub.server.step.StepRoutes;
import io.aihub.server.task.TaskRoutes;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;

/**
 * The HTTP API as a table. Every request first passes the guards (connection deadlines, the
 * credential checked from its headers, the budget for bodies being read), then its body is read.
 * Handlers block on the database, so each runs on a worker thread (unordered: requests do not wait for
 * each other); the two of every task's lifecycle hand their write to the lifecycle writer and leave
 * the reply to the event loop ({@link BlockingHandlers#deferred}), and start on the event loop itself
 * when the start needs no database and little work: the caller's key known active without asking the
 * database, and a body small enough to parse in microseconds. Literal paths come before {@code :did}
 * patterns.
 */
public final class ApiRouter {
    /** The largest body a lifecycle request parses on its event loop; a larger one is parsed on a worker. */
    static final int EVENT_LOOP_BODY_BYTES = 8 * 1024;

    private ApiRouter() {}

    /** What every request passes through before its route's handler, in this order. */
    public record Guards(
            ConnectionGuard connections, CredentialGate credentials, BodyBudget bodies, int maxBodyBytes) {}

    /** The route handlers, by feature. */
    public record Handlers(
            SystemRoutes system,
            AdminRoutes admin,
            AdminAgentRoutes adminAgents,
            AgentRoutes agents,
            TaskRoutes tasks,
            StepRoutes steps,
            ErrorReplies errors,
            DashboardRoutes dashboard) {}

    public static Router create(Vertx vertx, Guards guards, Handlers h, HttpMetrics timed) {
        Router router = Router.router(vertx);
        BlockingHandlers blocking = new BlockingHandlers(ctx -> ctx.body().length() <= EVENT_LOOP_BODY_BYTES
                && guards.credentials().knownActive(ctx));
        router.route().handler(timed);
        router.route().handler(new AccessLog());
        router.route().handler(ctx -> {
            ctx.addEndHandler(ended -> guards.connections().requestEnded(ctx.request()));
            ctx.next();
        });
        // Only the API reads bodies, and only once the credential in the headers checks out.
        router.route("/api/v1/*").handler(guards.credentials());
        router.route("/api/v1/*").handler(guards.bodies());
        router.route("/api/v1/*").handler(BodyHandler.create(false).setBodyLimit(guards.maxBodyBytes()));
        router.route().handler(ctx -> {
            guards.connections().bodyReceived(ctx.request());
            ctx.next();
        });
        router.route().failureHandler(h.errors()::handle);
        router.errorHandler(404, h.errors()::noRoute);
        router.errorHandler(405, h.errors()::wrongMethod);

        // Vert.x Web tries routes in order, and matches a path with parameters by a regular expression
        // before it checks the method (a literal path is one string comparison). So literal paths come
        // first, then the two requests of every task's lifecycle, then the rest.
        named(router.get("/health")).handler(blocking.of(h.system()::health));
        named(router.get(SystemRoutes.LIVE)).handler(h.system()::live);
        named(router.get(SystemRoutes.READY)).handler(blocking.of(h.system()::ready));
        named(router.get("/api/v1/rest/docs-json")).handler(h.system()::openApi);
        named(router.get("/")).handler(h.dashboard()::page);
        named(router.get(DashboardRoutes.ASSETS)).handler(h.dashboard()::asset);
        named(router.post("/api/v1/admin/accounts")).handler(blocking.of(h.admin()::createAccount));
        named(router.get("/api/v1/admin/accounts")).handler(blocking.of(h.admin()::listAccounts));
        named(router.get("/api/v1/admin/figures")).handler(blocking.of(h.admin()::figures));
        named(router.get("/api/v1/account/agents")).handler(blocking.of(h.agents()::listOwn));
        named(router.get("/api/v1/account/tasks")).handler(blocking.of(h.tasks()::listSubmitted));
        named(router.post("/api/v1/agents")).handler(blocking.of(h.agents()::register));
        named(router.get("/api/v1/agents")).handler(blocking.of(h.tasks()::listOwned));
        named(router.post("/api/v1/agents/search/tasks")).handler(blocking.of(h.tasks()::search));
        named(router.post("/api/v1/agents/search")).handler(blocking.of(h.tasks()::search));
        named(router.post("/api/v1/agents/search/steps")).handler(blocking.of(h.steps()::search));
        named(router.get("/api/v1/agents/steps")).handler(blocking.of(h.steps()::listOwned));

        named(router.put("/api/v1/agents/:did/tasks/:taskId/step/:stepId"))
                .handler(blocking.deferred(h.steps()::update, Replies::created));
        named(router.post("/api/v1/agents/:did/tasks"))
                .handler(blocking.deferred(h.tasks()::create, IdempotencyHeader::reply));
        named(router.post("/api/v1/admin/accounts/:address/keys")).handler(blocking.of(h.admin()::issueKey));
        named(router.get("/api/v1/admin/accounts/:address/keys")).handler(blocking.of(h.admin()::listKeys));
        named(router.delete("/api/v1/admin/keys/:keyId")).handler(blocking.of(h.admin()::revokeKey));
        named(router.post("/api/v1/admin/accounts/:address/agents")).handler(blocking.of(h.adminAgents()::register));
        named(router.get("/api/v1/admin/accounts/:address/agents")).handler(blocking.of(h.adminAgents()::listAgents));
        named(router.get("/api/v1/admin/agents/:did/tasks")).handler(blocking.of(h.adminAgents()::listTasks));
        named(router.get("/api/v1/admin/agents/:did/tasks/:taskId")).handler(blocking.of(h.adminAgents()::getTask));
        named(router.get("/api/v1/payments/service/token/:did")).handler(blocking.of(h.agents()::serviceToken));
        named(router.get("/api/v1/agents/:did")).handler(blocking.of(h.agents()::get));
        named(router.get("/api/v1/agents/:did/task-counts")).handler(blocking.of(h.agents()::taskCounts));
        named(router.put("/api/v1/agents/:did")).handler(blocking.of(h.agents()::setLeases));
        named(router.get("/api/v1/agents/:did/tasks/:taskId")).handler(blocking.of(h.tasks()::get));
        named(router.post("/api/v1/agents/:did/tasks/:taskId/cancel")).handler(blocking.of(h.tasks()::cancel));
        named(router.post("/api/v1/agents/:did/tasks/:taskId/steps")).handler(blocking.of(h.steps()::create));
        named(router.get("/api/v1/agents/:did/tasks/:taskId/steps")).handler(blocking.of(h.steps()::listForTask));
        return router;
    }
}
