package io.aihub.store.agent;

import io.aihub.store.jdbc.RowMapper;
import io.aihub.store.jdbc.Tx;

/** SQL of the {@code agents} table and its row mapper. */
final class AgentSql {
    private AgentSql() {}

    static final String AGENT_INSERT = """
            insert into agents (did, owner, name, description, created_at) values (?, ?, ?, ?, ?)
            returning did, owner, name, description, step_lease_seconds, step_max_attempts, created_at
            """;

    static final String AGENT_FIND = """
            select did, owner, name, description, step_lease_seconds, step_max_attempts, created_at from agents where did = ?
            """;

    static final String AGENT_LIST_BY_OWNER = """
            select did, owner, name, description, step_lease_seconds, step_max_attempts, created_at from agents where owner = ? order by created_at, did
            """;

    /** Sets an agent's own lease settings (null: the hub's). */
    static final String AGENT_SET_LEASES = """
            update agents set step_lease_seconds = ?, step_max_attempts = ? where did = ? and owner = ?
            returning did, owner, name, description, step_lease_seconds, step_max_attempts, created_at
            """;

    /** Which of these DIDs the owner's agents have. */
    static final String AGENT_DIDS_OWNED = """
            select did from agents where did = any(?) and owner = ?
            """;

    static final RowMapper<Agent> AGENT = row -> new Agent(
            row.getString("did"),
            row.getString("owner"),
            row.getString("name"),
            row.getString("description"),
            row.getObject("step_lease_seconds", Integer.class),
            row.getObject("step_max_attempts", Integer.class),
            Tx.instant(row, "created_at"));
}
