package io.aihub.store.agent;

import io.aihub.protocol.ApiError;
import io.aihub.protocol.Ids;
import io.aihub.store.jdbc.Database;
import java.time.InstantSource;
import java.time.temporal.ChronoUnit;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Registered agents. */
public final class AgentStore {
    private final Database database;
    private final InstantSource clock;

    public AgentStore(Database database, InstantSource clock) {
        this.database = database;
        this.clock = clock;
    }

    public Agent register(String owner, String name, String description) {
        if (name == null || name.isBlank() || name.length() > 200) {
            throw ApiError.invalid("name", "is required: 1 to 200 characters naming the agent");
        }
        if (description != null && description.length() > 10_000) {
            throw ApiError.invalid("description", "must be at most 10000 characters");
        }
        return database.transaction(tx -> tx.one(
                        AgentSql.AGENT_INSERT,
                        AgentSql.AGENT,
                        Ids.newDid(),
                        owner,
                        name.strip(),
                        description == null ? "" : description,
                        clock.instant().truncatedTo(ChronoUnit.MILLIS))
                .orElseThrow());
    }

    public Optional<Agent> find(String did) {
        return database.lookup(tx -> tx.one(AgentSql.AGENT_FIND, AgentSql.AGENT, did));
    }

    /** The agent if it exists and {@code owner} owns it; otherwise a 404 that does not tell which. */
    public Agent findOwned(String did, String owner) {
        return find(did)
                .filter(agent -> agent.owner().equals(owner))
                .orElseThrow(() -> ApiError.notFound("agent", did));
    }

    /**
     * Sets how long the agent's steps' leases last and how often they are handed out (null: the hub's
     * settings), for its owner; anyone else learns nothing (404).
     */
    public Agent setLeases(String owner, String did, Integer leaseSeconds, Integer maxAttempts) {
        if (leaseSeconds != null && (leaseSeconds < 1 || leaseSeconds > Agent.MAX_LEASE_SECONDS)) {
            throw ApiError.invalid(
                    "step_lease_seconds",
                    "must be from 1 to " + Agent.MAX_LEASE_SECONDS + " seconds, or null for the hub's setting, not "
                            + leaseSeconds);
        }
        if (maxAttempts != null && (maxAttempts < 1 || maxAttempts > Agent.MAX_ATTEMPTS)) {
            throw ApiError.invalid(
                    "step_max_attempts",
                    "must be from 1 to " + Agent.MAX_ATTEMPTS + ", or null for the hub's setting, not " + maxAttempts);
        }
        return database.transaction(
                tx -> tx.one(AgentSql.AGENT_SET_LEASES, AgentSql.AGENT, leaseSeconds, maxAttempts, did, owner)
                        .orElseThrow(() -> ApiError.notFound("agent", did)));
    }

    /** The DIDs among these that {@code owner} owns. */
    public Set<String> ownedAmong(String owner, List<String> dids) {
        if (dids.isEmpty()) {
            return Set.of();
        }
        return new HashSet<>(database.lookup(
                tx -> tx.list(AgentSql.AGENT_DIDS_OWNED, row -> row.getString(1), dids.toArray(String[]::new), owner)));
    }

    public List<Agent> listOwned(String owner) {
        return database.read(tx -> tx.list(AgentSql.AGENT_LIST_BY_OWNER, AgentSql.AGENT, owner));
    }
}
