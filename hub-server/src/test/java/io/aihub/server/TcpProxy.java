package io.aihub.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TCP relay on loopback (to PostgreSQL, or to a hub) that a test can cut, as a restart or network loss
 * would (open connections drop and new ones are refused until it is restored), or freeze, as a half-open
 * connection would (nothing is relayed, nothing is closed, until it is restored).
 */
final class TcpProxy implements AutoCloseable {
    private final ServerSocket listener;
    private final int targetPort;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private volatile boolean cut;
    private volatile boolean blackHole;
    /** The local ports of the relay's connections to the target, as the target sees them. */
    private final Set<Integer> upstreamPorts = ConcurrentHashMap.newKeySet();
    /** Held while frozen: relays wait for it before they pass anything on. */
    private final java.util.concurrent.locks.ReentrantReadWriteLock frozen =
            new java.util.concurrent.locks.ReentrantReadWriteLock();

    TcpProxy(int targetPort) throws IOException {
        this.targetPort = targetPort;
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread.ofPlatform().daemon().name("tcp-proxy").start(this::accept);
    }

    int port() {
        return listener.getLocalPort();
    }

    /** Drops every connection and refuses new ones. */
    void cut() {
        cut = true;
        open.forEach(TcpProxy::closeQuietly);
    }

    /** Stops relaying bytes either way, keeping every connection open. */
    void freeze() {
        if (!frozen.isWriteLockedByCurrentThread()) {
            frozen.writeLock().lock();
        }
    }

    /**
     * Connections opened from now on are accepted and then hear nothing, ever (a database whose network
     * went silent): existing ones keep working.
     */
    void blackHoleNewConnections() {
        blackHole = true;
    }

    /** The ports the target sees the relay's connections come from. */
    Set<Integer> upstreamPorts() {
        return Set.copyOf(upstreamPorts);
    }

    void restore() {
        cut = false;
        blackHole = false;
        if (frozen.isWriteLockedByCurrentThread()) {
            frozen.writeLock().unlock();
        }
    }

    private void accept() {
        while (!listener.isClosed()) {
            try {
                Socket client = listener.accept();
                if (cut) {
                    client.close();
                    continue;
                }
                if (blackHole) {
                    open.add(client); // held open, never relayed
                    continue;
                }
                Socket server = new Socket(InetAddress.getLoopbackAddress(), targetPort);
                upstreamPorts.add(server.getLocalPort());
                open.add(client);
                open.add(server);
                pipe(client, server);
                pipe(server, client);
            } catch (IOException e) {
                // listener closed, or the database refused: the client sees its connection drop
            }
        }
    }

    private void pipe(Socket from, Socket to) {
        Thread.ofVirtual().start(() -> {
            try (InputStream in = from.getInputStream();
                    OutputStream out = to.getOutputStream()) {
                byte[] buffer = new byte[16 * 1024];
                for (int read; (read = in.read(buffer)) >= 0; ) {
                    frozen.readLock().lockInterruptibly(); // waits while frozen
                    try {
                        out.write(buffer, 0, read);
                    } finally {
                        frozen.readLock().unlock();
                    }
                }
            } catch (IOException | InterruptedException e) {
                // one side closed
            } finally {
                closeQuietly(from);
                closeQuietly(to);
                open.remove(from);
                open.remove(to);
            }
        });
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // already closed
        }
    }

    @Override
    public void close() throws IOException {
        listener.close();
        cut();
    }
}
