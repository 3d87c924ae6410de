package io.aihub.server.agent;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.aihub.protocol.ApiError;
import io.aihub.protocol.Envelopes.ServiceToken;
import io.aihub.protocol.Status;
import io.aihub.server.auth.Authenticator;
import io.aihub.server.auth.Caller;
import io.aihub.server.auth.Tokens;
import io.aihub.server.http.Bodies;
import io.aihub.server.http.Replies;
import io.aihub.store.agent.Agent;
import io.aihub.store.agent.AgentStore;
import io.aihub.store.task.TaskStore;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Map;

/** Agents: builders register and read their own; any account gets an access token to submit tasks to one. */
public final class AgentRoutes {
    private final Authenticator auth;
    private final AgentStore agents;
    private final TaskStore tasks;
    private final Tokens tokens;
    private final String proxyUrl;

    public AgentRoutes(Authenticator auth, AgentStore agents, TaskStore tasks, Tokens tokens, String proxyUrl) {
        this.auth = auth;
        this.agents = agents;
        this.tasks = tasks;
        this.tokens = tokens;
        this.proxyUrl = proxyUrl;
    }

    /** {@code POST /api/v1/agents {"name","description"?}} → 201 the agent with its new DID. */
    public void register(RoutingContext ctx) {
        Caller caller = auth.builder(ctx);
        NewAgent request = Bodies.read(ctx, NewAgent.class);
        Replies.created(ctx, agents.register(caller.address(), request.name(), request.description()));
    }

    /** {@code GET /api/v1/account/agents} → 200 {agents}: the caller's own agents, oldest first. */
    public void listOwn(RoutingContext ctx) {
        Caller caller = auth.builder(ctx);
        Replies.ok(ctx, new AgentList(agents.listOwned(caller.address())));
    }

    /** {@code GET /api/v1/agents/:did/task-counts} → 200 {counts: {status: n}}, for the agent's owner. */
    public void taskCounts(RoutingContext ctx) {
        Caller caller = auth.builder(ctx);
        Agent agent = agents.findOwned(ctx.pathParam("did"), caller.address());
        Replies.ok(ctx, new TaskCounts(tasks.countsByStatus(agent.did())));
    }

    /** {@code GET /api/v1/agents/:did} → 200 the agent, for its owner. */
    public void get(RoutingContext ctx) {
        Caller caller = auth.builder(ctx);
        Replies.ok(ctx, agents.findOwned(ctx.pathParam("did"), caller.address()));
    }

    /**
     * {@code PUT /api/v1/agents/:did {"step_lease_seconds"?, "step_max_attempts"?}} → 200 the agent, for its
     * owner: how long its steps' leases last and how often they are handed out (a setting left out or
     * null: the hub's).
     */
    public void setLeases(RoutingContext ctx) {
        Caller caller = auth.builder(ctx);
        AgentSettings settings = Bodies.read(ctx, AgentSettings.class);
        Replies.ok(
                ctx,
                agents.setLeases(
                        caller.address(),
                        ctx.pathParam("did"),
                        settings.stepLeaseSeconds(),
                        settings.stepMaxAttempts()));
    }

    /**
     * R1 {@code GET /api/v1/payments/service/token/:did} → 200 {token: {accessToken, neverminedProxyUri}}:
     * an access token bound to the caller, the caller's key and the agent.
     */
    public void serviceToken(RoutingContext ctx) {
        Caller caller = auth.caller(ctx);
        if (!caller.hasApiKey()) {
            throw ApiError.forbidden("get access tokens with your API key, not with another access token");
        }
        String did = ctx.pathParam("did");
        Agent agent = agents.find(did).orElseThrow(() -> ApiError.notFound("agent", did));
        String keyId = caller.keyId();
        Replies.ok(
                ctx,
                new ServiceToken(
                        new ServiceToken.Token(tokens.accessToken(caller.address(), keyId, agent.did()), proxyUrl)));
    }

    record AgentSettings(
            @JsonProperty("step_lease_seconds") Integer stepLeaseSeconds,
            @JsonProperty("step_max_attempts") Integer stepMaxAttempts) {}

    record TaskCounts(@JsonProperty("counts") Map<Status, Long> counts) {}

    /** A list of agents: the caller's own, or an account's for the operator. */
    public record AgentList(@JsonProperty("agents") List<Agent> agents) {}

    /** Body of a registration: here by the agent's owner, and by the operator for an account. */
    public record NewAgent(
            @JsonProperty("name") String name,
            @JsonProperty("description") String description) {}
}
