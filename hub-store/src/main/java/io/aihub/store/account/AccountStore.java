package io.aihub.store.account;

import io.aihub.protocol.ApiError;
import io.aihub.protocol.Ids;
import io.aihub.store.jdbc.Database;
import java.time.Instant;
import java.time.InstantSource;
import java.time.temporal.ChronoUnit;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/** Accounts and their API keys (the keys themselves are signed JWTs; only their ids are stored). */
public final class AccountStore {
    private final Database database;
    private final InstantSource clock;

    public AccountStore(Database database, InstantSource clock) {
        this.database = database;
        this.clock = clock;
    }

    /** Creates an account with a fresh random address and its first key. */
    public NewAccount create(String name) {
        if (name == null || name.isBlank() || name.length() > 200) {
            throw ApiError.invalid("name", "is required: 1 to 200 characters naming the account");
        }
        Instant now = now();
        return database.transaction(tx -> {
            Account account = tx.one(AccountSql.ACCOUNT_INSERT, AccountSql.ACCOUNT, Ids.newAddress(), name.strip(), now)
                    .orElseThrow();
            ApiKey key = tx.one(AccountSql.KEY_INSERT, AccountSql.KEY, Ids.newKeyId(), account.address(), now)
                    .orElseThrow();
            return new NewAccount(account, key);
        });
    }

    public List<Account> list() {
        return database.read(tx -> tx.list(AccountSql.ACCOUNT_LIST, AccountSql.ACCOUNT));
    }

    /** The account at this address; 404 when there is none. */
    public Account get(String address) {
        return database.read(tx -> tx.one(AccountSql.ACCOUNT_FIND, AccountSql.ACCOUNT, normalise(address))
                .orElseThrow(() -> ApiError.notFound("account", address)));
    }

    public ApiKey issueKey(String address) {
        String account = normalise(address);
        return database.transaction(tx -> {
            tx.one(AccountSql.ACCOUNT_FIND, AccountSql.ACCOUNT, account)
                    .orElseThrow(() -> ApiError.notFound("account", address));
            return tx.one(AccountSql.KEY_INSERT, AccountSql.KEY, Ids.newKeyId(), account, now())
                    .orElseThrow();
        });
    }

    public List<ApiKey> keys(String address) {
        String account = normalise(address);
        return database.read(tx -> {
            tx.one(AccountSql.ACCOUNT_FIND, AccountSql.ACCOUNT, account)
                    .orElseThrow(() -> ApiError.notFound("account", address));
            return tx.list(AccountSql.KEY_LIST_BY_ACCOUNT, AccountSql.KEY, account);
        });
    }

    /** Revokes a key; revoking twice keeps the first revocation time. */
    public ApiKey revokeKey(String keyId) {
        return database.transaction(tx -> tx.one(AccountSql.KEY_REVOKE, AccountSql.KEY, now(), keyId)
                .orElseThrow(() -> ApiError.notFound("key", keyId)));
    }

    /** The account of a key that exists and is not revoked. */
    public Optional<String> activeKeyOwner(String keyId) {
        return database.lookup(tx -> tx.one(AccountSql.KEY_ACTIVE_OWNER, row -> row.getString("address"), keyId));
    }

    /** The ids among these whose keys exist and are not revoked. */
    public Set<String> activeAmong(Collection<String> keyIds) {
        if (keyIds.isEmpty()) {
            return Set.of();
        }
        return new HashSet<>(database.lookup(tx ->
                tx.list(AccountSql.KEY_ACTIVE_AMONG, row -> row.getString(1), (Object) keyIds.toArray(String[]::new))));
    }

    /** Reads a hub-wide setting, storing {@code candidate} first if it is not set (first node wins). */
    public String settingOrInit(String name, String candidate) {
        return database.transaction(tx -> {
            tx.update(AccountSql.SETTING_INSERT_IF_ABSENT, name, candidate);
            return tx.one(AccountSql.SETTING_FIND, row -> row.getString("value"), name)
                    .orElseThrow();
        });
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }

    private static String normalise(String address) {
        if (!Ids.isAddress(address)) {
            throw ApiError.invalid("address", "must be 0x followed by 40 hex digits, not '" + address + "'");
        }
        return address.toLowerCase(Locale.ROOT);
    }

    /** A just-created account and the id of its first key. */
    public record NewAccount(Account account, ApiKey key) {}
}
