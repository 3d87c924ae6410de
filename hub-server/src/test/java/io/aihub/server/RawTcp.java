package io.aihub.server;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * A bare TCP connection to the hub, for clients that break the rules on purpose: one that never sends
 * its request, trickles it, sends half a body, or opens a Socket.IO socket and then never reads.
 * Nothing is read unless the test asks.
 */
final class RawTcp implements AutoCloseable {
    private final Socket socket;
    private final OutputStream out;
    private final InputStream in;

    private RawTcp(Socket socket) throws IOException {
        this.socket = socket;
        this.out = socket.getOutputStream();
        this.in = socket.getInputStream();
    }

    static RawTcp open(int port) throws IOException {
        Socket socket = new Socket("127.0.0.1", port);
        socket.setTcpNoDelay(true);
        return new RawTcp(socket);
    }

    /** A connection whose receive buffer is as small as the system allows: it reads nothing anyway. */
    static RawTcp openNotReading(int port) throws IOException {
        Socket socket = new Socket();
        socket.setReceiveBufferSize(4096);
        socket.connect(new java.net.InetSocketAddress("127.0.0.1", port));
        return new RawTcp(socket);
    }

    void write(String text) throws IOException {
        write(text.getBytes(StandardCharsets.UTF_8));
    }

    void write(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /** Everything the hub sends until it closes the connection, or null if it is still open after the timeout. */
    String readUntilClosed(Duration timeout) throws IOException {
        socket.setSoTimeout((int) timeout.toMillis());
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        long deadline = System.nanoTime() + timeout.toNanos();
        byte[] buffer = new byte[8192];
        try {
            for (int read; (read = in.read(buffer)) >= 0; ) {
                received.write(buffer, 0, read);
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return null;
                }
                socket.setSoTimeout((int) Math.max(1, left / 1_000_000));
            }
        } catch (SocketTimeoutException stillOpen) {
            return null;
        } catch (IOException reset) {
            // closed by the hub with a reset
        }
        return received.toString(StandardCharsets.UTF_8);
    }

    /** A WebSocket upgrade to Socket.IO, as raw HTTP/1.1. */
    static final String UPGRADE = """
            GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r
            Host: 127.0.0.1\r
            Upgrade: websocket\r
            Connection: Upgrade\r
            Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r
            Sec-WebSocket-Version: 13\r
            \r
            """;

    /**
     * The hub's next answer, head and body (by its {@code Content-Length}), as text; null if it did not
     * come in time. What follows it, and whether the connection stays open, is not looked at.
     */
    String readResponse(Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        int headEnd = -1;
        long bodyLength = 0;
        try {
            while (headEnd < 0 || received.size() < headEnd + bodyLength) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return null;
                }
                socket.setSoTimeout((int) Math.max(1, left / 1_000_000));
                int next = in.read();
                if (next < 0) {
                    break;
                }
                received.write(next);
                if (headEnd < 0) {
                    String text = received.toString(StandardCharsets.ISO_8859_1);
                    if (text.endsWith("\r\n\r\n")) {
                        headEnd = received.size();
                        java.util.regex.Matcher length = java.util.regex.Pattern.compile("(?i)content-length: *(\\d+)")
                                .matcher(text);
                        bodyLength = length.find() ? Long.parseLong(length.group(1)) : 0;
                    }
                }
            }
        } catch (SocketTimeoutException late) {
            return null;
        }
        return received.toString(StandardCharsets.UTF_8);
    }

    /** Sends a WebSocket upgrade to Socket.IO and reads the hub's answer to it, and nothing after. */
    void upgradeToSocketIo() throws IOException {
        write(UPGRADE);
        socket.setSoTimeout(5000);
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int next = in.read();
            if (next < 0) {
                throw new IOException("closed during the upgrade: " + head);
            }
            head.append((char) next);
        }
        if (!head.toString().startsWith("HTTP/1.1 101")) {
            throw new IOException("the upgrade was refused: " + head);
        }
    }

    /**
     * Sends one WebSocket text frame, masked as every client's must be; with the all-zero key the RFC
     * allows, so a flood of large frames costs the test no time.
     */
    void sendFrame(String text) throws IOException {
        byte[] payload = text.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream head = new ByteArrayOutputStream(14);
        head.write(0x81); // FIN, text
        if (payload.length < 126) {
            head.write(0x80 | payload.length);
        } else if (payload.length < 65536) {
            head.write(0x80 | 126);
            head.write(payload.length >>> 8);
            head.write(payload.length);
        } else {
            head.write(0x80 | 127);
            for (int shift = 56; shift >= 0; shift -= 8) {
                head.write((int) ((long) payload.length >>> shift));
            }
        }
        head.write(new byte[4], 0, 4); // the masking key
        out.write(head.toByteArray());
        out.write(payload);
        out.flush();
    }

    boolean isClosedByPeer() {
        try {
            socket.setSoTimeout(1);
            return in.read() < 0;
        } catch (SocketTimeoutException open) {
            return false;
        } catch (IOException reset) {
            return true;
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
