package io.aihub.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/** How the hub serves the dashboard: HTML to a browser at {@code /}, JSON to an API client, and its headers. */
class DashboardRoutesTest extends HubTestBase {
    private final HttpClient http = HttpClient.newHttpClient();

    private HttpResponse<String> get(String path, String accept) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + hub.port() + path))
                        .header("Accept", accept)
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aBrowser_getsThePage_withAPolicyThatAllowsThisOriginsScriptsOnly() throws Exception {
        HttpResponse<String> page = get("/", "text/html,application/xhtml+xml,*/*;q=0.8");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
        assertThat(page.body()).contains("<script type=\"module\" src=\"/dashboard/app.js\"></script>");
        assertThat(page.body()).as("no inline script").doesNotContainPattern("<script(?![^>]*\\bsrc=)");
        String policy = page.headers().firstValue("Content-Security-Policy").orElseThrow();
        assertThat(policy)
                .contains("default-src 'none'", "script-src 'self'", "frame-ancestors 'none'")
                .contains("require-trusted-types-for 'script'")
                .doesNotContain("unsafe-inline", "unsafe-eval");
        assertThat(page.headers().firstValue("X-Frame-Options")).hasValue("DENY");
        assertThat(page.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
    }

    @Test
    void anApiClient_askingForJson_stillGetsJson() throws Exception {
        HttpResponse<String> json = get("/", "application/json");
        assertThat(json.statusCode()).isEqualTo(404);
        assertThat(json.headers().firstValue("Content-Type").orElseThrow()).startsWith("application/json");
        assertThat(json.body()).contains("\"statusCode\":404");
    }

    @Test
    void theModules_areServedWithThePolicy_andRevalidatedOnEveryLoad() throws Exception {
        HttpResponse<String> module = get("/dashboard/app.js", "*/*");
        assertThat(module.statusCode()).isEqualTo(200);
        assertThat(module.headers().firstValue("Content-Type").orElseThrow()).contains("javascript");
        assertThat(module.headers().firstValue("Cache-Control")).hasValue("no-cache");
        assertThat(module.headers().firstValue("Content-Security-Policy")).isPresent();
        assertThat(get("/dashboard/../hub.jar", "*/*").statusCode()).isEqualTo(404);
        assertThat(get("/dashboard/nothing.js", "*/*").statusCode()).isEqualTo(404);
    }
}
