package io.aihub.server.dashboard;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.StaticHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * The live dashboard, served from the jar: {@code GET /} gives a browser (a request that accepts HTML)
 * the page, and anything else the API's JSON 404 as before; {@code /dashboard/*} its scripts and styles.
 * The page reads through the same API, with the same credential, as any client. Every response carries
 * a Content-Security-Policy that allows this origin's scripts only (no inline script, no other origin),
 * and is never framed.
 */
public final class DashboardRoutes {
    public static final String ASSETS = "/dashboard/*";

    /**
     * Scripts and styles from this origin only; the realtime socket on this origin too; no sink that
     * parses HTML from a string (Trusted Types with no policy: an {@code innerHTML} would throw).
     */
    static final String POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
            + " connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none';"
            + " require-trusted-types-for 'script'; trusted-types 'none'";

    private final Buffer page = Buffer.buffer(resource("dashboard/index.html"));
    /** Revalidated on every load: a hub upgraded under an open browser serves its new modules at once. */
    private final StaticHandler assets = StaticHandler.create("dashboard")
            .setDefaultContentEncoding("UTF-8")
            .setIndexPage("index.html")
            .setCachingEnabled(false);

    /** {@code GET /}: the page for a browser; a JSON client goes on to the API's 404. */
    public void page(RoutingContext ctx) {
        String accept = ctx.request().getHeader(HttpHeaders.ACCEPT);
        if (accept == null || !accept.contains("text/html")) {
            ctx.next();
            return;
        }
        secure(ctx);
        ctx.response()
                .putHeader(HttpHeaders.CONTENT_TYPE, "text/html; charset=utf-8")
                .putHeader(HttpHeaders.CACHE_CONTROL, "no-cache")
                .end(page);
    }

    /** {@code GET /dashboard/*}: the page's scripts and styles, from the jar. */
    public void asset(RoutingContext ctx) {
        secure(ctx);
        ctx.response().putHeader(HttpHeaders.CACHE_CONTROL, "no-cache");
        assets.handle(ctx);
    }

    private static void secure(RoutingContext ctx) {
        ctx.response()
                .putHeader("Content-Security-Policy", POLICY)
                .putHeader("X-Content-Type-Options", "nosniff")
                .putHeader("Referrer-Policy", "no-referrer")
                .putHeader("X-Frame-Options", "DENY");
    }

    private static byte[] resource(String name) {
        try (InputStream in = DashboardRoutes.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("the jar has no " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
