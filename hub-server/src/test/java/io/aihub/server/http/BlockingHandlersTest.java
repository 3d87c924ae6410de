package io.aihub.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.aihub.protocol.ApiError;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A deferred handler starts on a worker thread, which it leaves as soon as the work is handed on, or on
 * the request's event loop when the request is one that can start without blocking; it replies from
 * the event loop when another thread gives the answer; refusals, given or thrown, reach the failure
 * handler as JSON errors, and every request gives its slot back.
 */
class BlockingHandlersTest {
    private static final ExecutorService WRITER = Executors.newSingleThreadExecutor(
            Thread.ofPlatform().name("test-writer").factory());
    private static final List<String> SEEN = new CopyOnWriteArrayList<>();
    private static Vertx vertx;
    private static BlockingHandlers blocking;
    private static HttpServer server;
    private static final HttpClient CLIENT = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        vertx = Vertx.vertx();
        // Here a request says itself whether it can start without blocking; the hub asks its credential.
        blocking = new BlockingHandlers(ctx -> ctx.request().params().contains("ready"));
        Router router = Router.router(vertx);
        router.route().failureHandler(new ErrorReplies(1024)::handle);
        router.get("/answer")
                .handler(blocking.deferred(
                        ctx -> {
                            SEEN.add("start on " + (Context.isOnEventLoopThread() ? "the event loop" : "a worker"));
                            return CompletableFuture.supplyAsync(() -> "forty-two", WRITER);
                        },
                        (ctx, answer) -> {
                            SEEN.add("reply on the event loop: " + Context.isOnEventLoopThread());
                            ctx.response().end(answer);
                        }));
        router.get("/refused")
                .handler(blocking.deferred(
                        ctx -> CompletableFuture.supplyAsync(
                                () -> {
                                    throw ApiError.notFound("task", "t-1");
                                },
                                WRITER),
                        (ctx, answer) -> ctx.response().end("never")));
        router.get("/thrown")
                .<String>handler(blocking.deferred(
                        ctx -> {
                            throw ApiError.badRequest("a reason a person can act on");
                        },
                        (ctx, answer) -> ctx.response().end("never")));
        router.get("/error")
                .<String>handler(blocking.deferred(
                        ctx -> {
                            throw new AssertionError("a bug in a handler");
                        },
                        (ctx, answer) -> ctx.response().end("never")));
        router.get("/reply-fails")
                .handler(blocking.deferred(ctx -> CompletableFuture.completedFuture("x"), (ctx, answer) -> {
                    throw ApiError.conflict("the reply could not be written");
                }));
        server = vertx.createHttpServer()
                .requestHandler(router)
                .listen(0)
                .toCompletionStage()
                .toCompletableFuture()
                .get();
    }

    @AfterAll
    static void stop() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get();
        WRITER.shutdownNow();
    }

    private static HttpResponse<String> get(String path) throws Exception {
        return CLIENT.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.actualPort() + path))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void theAnswerFromAnotherThread_isRepliedFromTheEventLoop() throws Exception {
        SEEN.clear();
        HttpResponse<String> response = get("/answer");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("forty-two");
        assertThat(SEEN).containsExactly("start on a worker", "reply on the event loop: true");
    }

    @Test
    void aRequestThatCanStartWithoutBlocking_startsOnItsEventLoop() throws Exception {
        SEEN.clear();
        HttpResponse<String> response = get("/answer?ready");
        HttpResponse<String> thrown = get("/thrown?ready");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("forty-two");
        assertThat(SEEN).containsExactly("start on the event loop", "reply on the event loop: true");
        assertThat(thrown.statusCode()).isEqualTo(400);
        assertThat(thrown.body()).contains("a reason a person can act on");
    }

    @Test
    void refusals_givenThrownOrMetInTheReply_areJsonErrors() throws Exception {
        HttpResponse<String> given = get("/refused");
        HttpResponse<String> thrown = get("/thrown");
        HttpResponse<String> inReply = get("/reply-fails");

        assertThat(given.statusCode()).isEqualTo(404);
        assertThat(given.body()).contains("\"error\"").contains("t-1");
        assertThat(thrown.statusCode()).isEqualTo(400);
        assertThat(thrown.body()).contains("a reason a person can act on");
        assertThat(inReply.statusCode()).isEqualTo(409);
    }

    @Test
    void anErrorInTheHandler_isAnswered500() throws Exception {
        HttpResponse<String> response = get("/error");

        assertThat(response.statusCode()).isEqualTo(500);
        assertThat(response.body()).contains("\"error\"");
    }

    @Test
    void everyRequestGivesItsSlotBack_howeverItEnds() throws Exception {
        for (String path : List.of(
                "/answer",
                "/refused",
                "/thrown",
                "/reply-fails",
                "/error",
                "/answer?ready",
                "/thrown?ready",
                "/error?ready")) {
            for (int i = 0; i < 3; i++) {
                get(path);

                assertThat(blocking.inUse()).as("slots held after %s", path).isZero();
            }
        }
    }
}
