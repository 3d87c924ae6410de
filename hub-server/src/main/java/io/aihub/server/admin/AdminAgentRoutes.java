package io.aihub.server.admin;

import io.aihub.protocol.ApiError;
import io.aihub.protocol.TaskSearch;
import io.aihub.server.agent.AgentRoutes;
import io.aihub.server.agent.AgentRoutes.NewAgent;
import io.aihub.server.auth.Authenticator;
import io.aihub.server.http.Bodies;
import io.aihub.server.http.QueryParams;
import io.aihub.server.http.Replies;
import io.aihub.store.account.AccountStore;
import io.aihub.store.agent.Agent;
import io.aihub.store.agent.AgentStore;
import io.aihub.store.task.TaskStore;
import io.vertx.ext.web.RoutingContext;

/**
 * The operator's view of agents (bearer {@code HUB_ADMIN_TOKEN}): registers an agent for an account, and
 * reads an agent's tasks as its owner would, through the owner's own queries.
 */
public final class AdminAgentRoutes {
    private final Authenticator auth;
    private final AccountStore accounts;
    private final AgentStore agents;
    private final TaskStore tasks;

    public AdminAgentRoutes(Authenticator auth, AccountStore accounts, AgentStore agents, TaskStore tasks) {
        this.auth = auth;
        this.accounts = accounts;
        this.agents = agents;
        this.tasks = tasks;
    }

    /** {@code POST /api/v1/admin/accounts/:address/agents {"name","description"}} → 201 the agent. */
    public void register(RoutingContext ctx) {
        auth.admin(ctx);
        String owner = accounts.get(ctx.pathParam("address")).address();
        NewAgent request = Bodies.read(ctx, NewAgent.class);
        Replies.created(ctx, agents.register(owner, request.name(), request.description()));
    }

    /** {@code GET /api/v1/admin/accounts/:address/agents} → 200 {agents}: the account's agents, oldest first. */
    public void listAgents(RoutingContext ctx) {
        auth.admin(ctx);
        String owner = accounts.get(ctx.pathParam("address")).address();
        Replies.ok(ctx, new AgentRoutes.AgentList(agents.listOwned(owner)));
    }

    /**
     * {@code GET /api/v1/admin/agents/:did/tasks[?status=&name=&page=&offset=]} → 200 {tasks, totalResults,
     * page, offset}, newest first.
     */
    public void listTasks(RoutingContext ctx) {
        auth.admin(ctx);
        Agent agent = agent(ctx);
        Replies.ok(
                ctx,
                tasks.search(
                        agent.owner(),
                        new TaskSearch(
                                agent.did(),
                                null,
                                ctx.queryParams().get("name"),
                                QueryParams.status(ctx),
                                QueryParams.integer(ctx, "page"),
                                QueryParams.integer(ctx, "offset"))));
    }

    /** {@code GET /api/v1/admin/agents/:did/tasks/:taskId} → 200 {task, steps, logs}. */
    public void getTask(RoutingContext ctx) {
        auth.admin(ctx);
        Agent agent = agent(ctx);
        Replies.ok(ctx, tasks.withSteps(agent.did(), ctx.pathParam("taskId"), agent.owner()));
    }

    private Agent agent(RoutingContext ctx) {
        String did = ctx.pathParam("did");
        return agents.find(did).orElseThrow(() -> ApiError.notFound("agent", did));
    }
}
