package io.aihub.store.account;

import io.aihub.store.jdbc.RowMapper;
import io.aihub.store.jdbc.Tx;

/** SQL of the {@code accounts}, {@code api_keys} and {@code hub_settings} tables, with their row mappers. */
final class AccountSql {
    private AccountSql() {}

    static final String ACCOUNT_INSERT = """
            insert into accounts (address, name, created_at) values (?, ?, ?)
            returning address, name, created_at
            """;

    static final String ACCOUNT_LIST = """
            select address, name, created_at from accounts order by created_at, address
            """;

    static final String ACCOUNT_FIND = """
            select address, name, created_at from accounts where address = ?
            """;

    static final String KEY_INSERT = """
            insert into api_keys (key_id, address, created_at) values (?, ?, ?)
            returning key_id, address, created_at, revoked_at
            """;

    static final String KEY_LIST_BY_ACCOUNT = """
            select key_id, address, created_at, revoked_at from api_keys where address = ? order by created_at
            """;

    static final String KEY_REVOKE = """
            update api_keys set revoked_at = coalesce(revoked_at, ?) where key_id = ?
            returning key_id, address, created_at, revoked_at
            """;

    static final String KEY_ACTIVE_OWNER = """
            select address from api_keys where key_id = ? and revoked_at is null
            """;

    static final String KEY_ACTIVE_AMONG = """
            select key_id from api_keys where key_id = any(?) and revoked_at is null
            """;

    static final String SETTING_INSERT_IF_ABSENT = """
            insert into hub_settings (name, value) values (?, ?) on conflict (name) do nothing
            """;

    static final String SETTING_FIND = """
            select value from hub_settings where name = ?
            """;

    static final RowMapper<Account> ACCOUNT =
            row -> new Account(row.getString("address"), row.getString("name"), Tx.instant(row, "created_at"));

    static final RowMapper<ApiKey> KEY = row -> new ApiKey(
            row.getString("key_id"),
            row.getString("address"),
            Tx.instant(row, "created_at"),
            Tx.instant(row, "revoked_at"));
}
