package io.aihub.store.jdbc;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP relay to PostgreSQL that notes which database each new session asks for (the {@code database}
 * parameter of the startup message, readable when the client connects with {@code sslmode=disable}).
 * It listens from {@link #open()} on, on a port chosen when it is made, so a test can start the hub
 * before the "server" answers.
 */
final class StartupRelay implements AutoCloseable {
    private final String targetHost;
    private final int targetPort;
    private final int port;
    private final List<String> databases = new CopyOnWriteArrayList<>();
    private volatile ServerSocket listener;

    StartupRelay(String targetHost, int targetPort) throws IOException {
        this.targetHost = targetHost;
        this.targetPort = targetPort;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            this.port = probe.getLocalPort(); // free now; refused until open()
        }
    }

    int port() {
        return port;
    }

    /** The databases the sessions opened through the relay asked for, in order. */
    List<String> databases() {
        return List.copyOf(databases);
    }

    StartupRelay open() throws IOException {
        listener = new ServerSocket(port, 50, InetAddress.getLoopbackAddress());
        Thread.ofPlatform().daemon().name("startup-relay").start(this::accept);
        return this;
    }

    private void accept() {
        while (!listener.isClosed()) {
            try {
                Socket client = listener.accept();
                Socket server = new Socket(targetHost, targetPort);
                byte[] startup = readPacket(client.getInputStream());
                databases.add(parameter(startup, "database"));
                server.getOutputStream().write(startup);
                pipe(client, server);
                pipe(server, client);
            } catch (IOException e) {
                // the listener closed, or one side went away
            }
        }
    }

    /** A startup message: its length (4 bytes, itself included), then the protocol and name/value pairs. */
    private static byte[] readPacket(InputStream in) throws IOException {
        DataInputStream data = new DataInputStream(in);
        int length = data.readInt();
        byte[] packet = new byte[length];
        packet[0] = (byte) (length >>> 24);
        packet[1] = (byte) (length >>> 16);
        packet[2] = (byte) (length >>> 8);
        packet[3] = (byte) length;
        data.readFully(packet, 4, length - 4);
        return packet;
    }

    private static String parameter(byte[] startup, String name) {
        String[] fields = new String(startup, 8, startup.length - 8, StandardCharsets.UTF_8).split("\0");
        for (int i = 0; i + 1 < fields.length; i += 2) {
            if (fields[i].equals(name)) {
                return fields[i + 1];
            }
        }
        return "";
    }

    private static void pipe(Socket from, Socket to) {
        Thread.ofVirtual().start(() -> {
            try (InputStream in = from.getInputStream();
                    OutputStream out = to.getOutputStream()) {
                in.transferTo(out);
            } catch (IOException e) {
                // one side closed
            } finally {
                closeQuietly(from);
                closeQuietly(to);
            }
        });
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing
        }
    }

    @Override
    public void close() throws IOException {
        if (listener != null) {
            listener.close();
        }
    }
}
