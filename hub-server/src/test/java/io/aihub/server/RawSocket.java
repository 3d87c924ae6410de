package io.aihub.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.aihub.server.json.HubJson;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A Socket.IO client that speaks raw Engine.IO v4 frames over a WebSocket, to test exactly what the
 * hub sends and accepts: {@code 0} open, {@code 40}/{@code 44} connect and connect-error,
 * {@code 42[...]} events, {@code 41} disconnect.
 */
final class RawSocket implements AutoCloseable {
    private static final String CLOSED = "<closed>";

    private final HttpClient client = HttpClient.newHttpClient();
    private final BlockingQueue<String> frames = new LinkedBlockingQueue<>();
    private final WebSocket socket;
    /** The status and reason of the hub's close frame, once one came. */
    private volatile String closedWith;

    private RawSocket(int port, Map<String, String> headers) throws Exception {
        WebSocket.Builder builder = client.newWebSocketBuilder();
        headers.forEach(builder::header);
        socket = builder.buildAsync(
                        URI.create("ws://127.0.0.1:" + port + "/socket.io/?EIO=4&transport=websocket"), new Collector())
                .get(10, TimeUnit.SECONDS);
        String open = next(Duration.ofSeconds(5));
        if (open == null || !open.startsWith("0{")) {
            throw new AssertionError("expected the Engine.IO open packet, got " + open);
        }
    }

    static RawSocket open(int port) throws Exception {
        return new RawSocket(port, Map.of());
    }

    static RawSocket open(int port, Map<String, String> headers) throws Exception {
        return new RawSocket(port, headers);
    }

    /** A builder's worker as the SDKs open one: connected with its API key, in the room of its agent. */
    static RawSocket worker(int port, String apiKey, String did) throws Exception {
        RawSocket worker = open(port);
        worker.connect("Bearer " + apiKey);
        worker.await("_connected");
        worker.emit("_join-rooms", Map.of("joinAgentRooms", List.of(did)));
        worker.await("_join-rooms_");
        return worker;
    }

    /**
     * Logs a line on the task as its owner or creator would, and returns once the hub has stored and
     * announced it (the socket joins the task first and waits for its own task-log), so that what the
     * caller does next cannot overtake it.
     */
    static void logStored(int port, String apiKey, String taskId, String message) throws Exception {
        try (RawSocket socket = open(port)) {
            socket.connect("Bearer " + apiKey);
            socket.await("_connected");
            socket.emit("_join-tasks", Map.of("tasks", List.of(taskId), "history", false));
            socket.await("_join-tasks_");
            socket.emit("_task-log", Map.of("task_id", taskId, "message", message));
            socket.await("task-log");
        }
    }

    void send(String frame) {
        socket.sendText(frame, true).join();
    }

    /** Sends the namespace CONNECT with this auth payload (null: none). */
    void connect(String token) {
        send(token == null ? "40" : "40" + HubJson.write(Map.of("token", token)));
    }

    void emit(String event, Object payload) {
        send("42" + HubJson.write(List.of(event, payload)));
    }

    /** The next frame, or null if none arrived in time; pings are answered and skipped. */
    String next(Duration timeout) throws InterruptedException {
        while (true) {
            String frame = frames.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (!"2".equals(frame)) {
                return frame;
            }
            send("3");
        }
    }

    /**
     * Frames until the server closes the connection (fails if it stays open past the timeout). The
     * server drops the TCP connection without a close frame, which the JDK client only notices when
     * it writes: so while waiting it writes an Engine.IO pong, harmless on an open connection.
     */
    List<String> framesUntilClosed(Duration timeout) throws InterruptedException {
        List<String> seen = new ArrayList<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            String frame = next(Duration.ofMillis(200));
            if (frame == null) {
                if (!probe()) {
                    return seen;
                }
                continue;
            }
            if (frame.equals(CLOSED)) {
                return seen;
            }
            seen.add(frame);
        }
        throw new AssertionError("still open after " + timeout + "; saw " + seen);
    }

    private boolean probe() {
        try {
            socket.sendText("3", true).get(1, TimeUnit.SECONDS);
            return !socket.isOutputClosed() && !socket.isInputClosed();
        } catch (Exception e) {
            return false;
        }
    }

    /** The argument of the next {@code event} (other frames are kept in {@code skipped}), or fails. */
    Event await(String event, Duration timeout, List<String> skipped) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            String frame = next(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
            if (frame == null || frame.equals(CLOSED)) {
                throw new AssertionError("no " + event + " within " + timeout + " (" + frame + "); saw " + skipped);
            }
            Event parsed = Event.parse(frame);
            if (parsed != null && parsed.name().equals(event)) {
                return parsed;
            }
            skipped.add(frame);
        }
    }

    Event await(String event) throws InterruptedException {
        return await(event, Duration.ofSeconds(10), new ArrayList<>());
    }

    /** The status and reason of the close frame the hub sent, or null if it sent none. */
    String closedWith() {
        return closedWith;
    }

    @Override
    public void close() {
        socket.abort();
        client.close();
    }

    /** An event frame: its name and its arguments as sent. */
    record Event(String name, JsonNode arguments) {
        static Event parse(String frame) {
            if (!frame.startsWith("42")) {
                return null;
            }
            JsonNode array = tree(frame.substring(2));
            return new Event(array.get(0).asText(), array);
        }

        /** The single argument, which the hub always sends as a JSON string, parsed. */
        JsonNode payload() {
            if (arguments.size() != 2 || !arguments.get(1).isTextual()) {
                throw new AssertionError(name + " must carry exactly one JSON-string argument: " + arguments);
            }
            return tree(arguments.get(1).asText());
        }
    }

    static JsonNode tree(String json) {
        try {
            return HubJson.MAPPER.readTree(json);
        } catch (java.io.IOException e) {
            throw new AssertionError("not JSON: " + json, e);
        }
    }

    private final class Collector implements WebSocket.Listener {
        private final StringBuilder partial = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                frames.add(partial.toString());
                partial.setLength(0);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closedWith = statusCode + " " + reason;
            frames.add(CLOSED);
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            frames.add(CLOSED);
        }
    }
}
