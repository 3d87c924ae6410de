package io.aihub.server.http;

import io.aihub.server.auth.Authenticator;
import io.aihub.server.auth.Caller;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;

/**
 * Checks the credential from the headers before any body is read: a request to the API without a
 * well-signed, unexpired token (or, on the admin routes, the admin token) is refused with 401 at once,
 * and its connection closed, so an anonymous client cannot make the hub buffer bodies. Whether the
 * token's key is still active, and what it may do, the route's handler checks as before.
 */
public final class CredentialGate implements Handler<RoutingContext> {
    private static final String ADMIN = "/api/v1/admin/";
    /** Open to anyone to read: the API's description. */
    private static final String OPEN = "/api/v1/rest/docs-json";

    /** Where the gate leaves who sent the request (the key id, or "admin") for the handlers after it. */
    static final String SENDER = "aihub.sender";

    private final Authenticator auth;

    public CredentialGate(Authenticator auth) {
        this.auth = auth;
    }

    /** Whether the request's key is known active without the database (see {@link Authenticator#knownActive}). */
    public boolean knownActive(RoutingContext ctx) {
        return auth.knownActive(ctx);
    }

    @Override
    public void handle(RoutingContext ctx) {
        String path = ctx.normalizedPath();
        if (path.equals(OPEN)
                && (ctx.request().method() == HttpMethod.GET || ctx.request().method() == HttpMethod.HEAD)) {
            ctx.next();
            return;
        }
        if (path.startsWith(ADMIN)) {
            auth.admin(ctx);
            ctx.put(SENDER, "admin");
        } else {
            Caller caller = auth.signedCaller(ctx);
            ctx.put(SENDER, caller.keyId());
            ctx.put(Authenticator.SIGNED_CALLER, caller); // the route's handler need not verify the token again
        }
        ctx.next();
    }
}
