package io.aihub.server.admin;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.aihub.server.auth.Authenticator;
import io.aihub.server.auth.Tokens;
import io.aihub.server.http.Bodies;
import io.aihub.server.http.Replies;
import io.aihub.server.metrics.HubMetrics;
import io.aihub.store.account.Account;
import io.aihub.store.account.AccountStore;
import io.aihub.store.account.ApiKey;
import io.vertx.ext.web.RoutingContext;
import java.util.List;

/** The operator's API (bearer {@code HUB_ADMIN_TOKEN}): accounts, their API keys, and the node's figures. */
public final class AdminRoutes {
    private final Authenticator auth;
    private final AccountStore accounts;
    private final Tokens tokens;
    private final HubMetrics metrics;

    public AdminRoutes(Authenticator auth, AccountStore accounts, Tokens tokens, HubMetrics metrics) {
        this.auth = auth;
        this.accounts = accounts;
        this.tokens = tokens;
        this.metrics = metrics;
    }

    /** {@code GET /api/v1/admin/figures} → 200 this node's key figures (the full set is on /metrics). */
    public void figures(RoutingContext ctx) {
        auth.admin(ctx);
        Replies.ok(ctx, metrics.figures());
    }

    /** {@code POST /api/v1/admin/accounts {"name"}} → 201 {address, name, api_key, key_id}. */
    public void createAccount(RoutingContext ctx) {
        auth.admin(ctx);
        AccountStore.NewAccount created =
                accounts.create(Bodies.read(ctx, NewAccount.class).name());
        Account account = created.account();
        Replies.created(
                ctx,
                new IssuedAccount(
                        account.address(),
                        account.name(),
                        tokens.apiKey(account.address(), created.key().keyId()),
                        created.key().keyId(),
                        account.createdAt()));
    }

    /** {@code GET /api/v1/admin/accounts} → 200 {accounts}. */
    public void listAccounts(RoutingContext ctx) {
        auth.admin(ctx);
        Replies.ok(ctx, new AccountList(accounts.list()));
    }

    /** {@code POST /api/v1/admin/accounts/:address/keys} → 201 {key_id, address, api_key}. */
    public void issueKey(RoutingContext ctx) {
        auth.admin(ctx);
        ApiKey key = accounts.issueKey(ctx.pathParam("address"));
        Replies.created(ctx, new IssuedKey(key.keyId(), key.address(), tokens.apiKey(key.address(), key.keyId())));
    }

    /** {@code GET /api/v1/admin/accounts/:address/keys} → 200 {keys} (ids and state, never the secrets). */
    public void listKeys(RoutingContext ctx) {
        auth.admin(ctx);
        Replies.ok(ctx, new KeyList(accounts.keys(ctx.pathParam("address"))));
    }

    /**
     * {@code DELETE /api/v1/admin/keys/:keyId} → 200 the revoked key; it is refused from then on (by
     * other nodes within a second), and its open sockets are closed within {@code KEY_CHECK_EVERY}.
     */
    public void revokeKey(RoutingContext ctx) {
        auth.admin(ctx);
        Replies.ok(ctx, auth.revoke(ctx.pathParam("keyId")));
    }

    record NewAccount(@JsonProperty("name") String name) {}

    record IssuedAccount(
            @JsonProperty("address") String address,
            @JsonProperty("name") String name,
            @JsonProperty("api_key") String apiKey,
            @JsonProperty("key_id") String keyId,
            @JsonProperty("createdAt") java.time.Instant createdAt) {}

    record IssuedKey(
            @JsonProperty("key_id") String keyId,
            @JsonProperty("address") String address,
            @JsonProperty("api_key") String apiKey) {}

    record AccountList(List<Account> accounts) {}

    record KeyList(List<ApiKey> keys) {}
}
