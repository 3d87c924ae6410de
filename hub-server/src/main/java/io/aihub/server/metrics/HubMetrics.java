package io.aihub.server.metrics;

import io.aihub.server.delivery.EventDispatcher;
import io.aihub.server.http.ConnectionGuard;
import io.aihub.server.realtime.SocketGateway;
import io.aihub.store.batch.GroupCommit;
import io.aihub.store.outbox.EventCursor;
import io.aihub.store.outbox.EventLog;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.concurrent.TimeUnit;
import java.util.function.ToLongFunction;

/**
 * The hub's meters, kept in Micrometer's Prometheus registry and served as Prometheus text on the
 * metrics port ({@link MetricsPort}). The JVM's and the process's come from Micrometer's binders, the
 * pool's from HikariCP's own binding; the hub's own are bound here and by {@link HttpMetrics} and
 * {@link DeliveryMetrics}. Every name is listed in the README.
 */
public final class HubMetrics {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

    public HubMetrics() {
        new JvmMemoryMetrics().bindTo(registry);
        new JvmGcMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        new FileDescriptorMetrics().bindTo(registry);
    }

    public MeterRegistry registry() {
        return registry;
    }

    /** This node's key figures, for the admin's dashboard. */
    public HubFigures figures() {
        return HubFigures.of(registry);
    }

    /** Everything, in the Prometheus text format (version 0.0.4). */
    public String scrape() {
        return registry.scrape();
    }

    /** The public ports' connections: open now, and those the guard closed, by why. */
    public void bindConnections(ConnectionGuard guard) {
        Gauge.builder(
                        "hub.connections.open",
                        guard,
                        connections -> connections.counts().open())
                .description("connections open on the public ports, Socket.IO ones included")
                .register(registry);
        closedConnections(guard, "refused", ConnectionGuard.Counts::refused);
        closedConnections(guard, "evicted", ConnectionGuard.Counts::evicted);
        closedConnections(guard, "timed_out", ConnectionGuard.Counts::timedOut);
    }

    private void closedConnections(ConnectionGuard guard, String reason, ToLongFunction<ConnectionGuard.Counts> count) {
        FunctionCounter.builder("hub.connections.closed", guard, connections -> count.applyAsLong(connections.counts()))
                .tag("reason", reason)
                .description("connections the hub closed: refused (past the limit, all busy), evicted (to make"
                        + " room for a new one), timed_out (idle, or a body too slow)")
                .register(registry);
    }

    /** Open sockets on this node, and their memberships in rooms of each kind. */
    public void bindSockets(SocketGateway gateway) {
        Gauge.builder("hub.sockets.open", gateway, SocketGateway::openSockets)
                .description("Socket.IO sockets open on this node, authenticated or not")
                .register(registry);
        for (String kind : new String[] {"account", "agent", "task"}) {
            Gauge.builder(
                            "hub.socket.rooms",
                            gateway,
                            sockets -> sockets.roomMemberships().get(kind))
                    .tag("kind", kind)
                    .description("memberships of this node's sockets in rooms of one kind")
                    .register(registry);
        }
    }

    /** What one group commit has written, and how many requests wait for it. */
    public void bindBatches(GroupCommit<?, ?> batches) {
        String writer = batches.name();
        FunctionCounter.builder(
                        "hub.batches", batches, commit -> commit.totals().batches())
                .tag("writer", writer)
                .description("transactions a group commit has written")
                .register(registry);
        FunctionCounter.builder(
                        "hub.batch.requests", batches, commit -> commit.totals().requests())
                .tag("writer", writer)
                .description("requests written in them (divided by hub_batches_total: the mean batch size)")
                .register(registry);
        FunctionCounter.builder(
                        "hub.batch.queued.seconds",
                        batches,
                        commit -> commit.totals().queuedNanos() / (double) TimeUnit.SECONDS.toNanos(1))
                .tag("writer", writer)
                .description("time the requests waited for a writer, in all (divided by requests: the mean wait)")
                .register(registry);
        Gauge.builder("hub.batch.waiting", batches, GroupCommit::waiting)
                .tag("writer", writer)
                .description("requests waiting for a writer now")
                .register(registry);
    }

    /**
     * How many events lie after the dispatcher's cursor: committed, and not yet delivered by this node.
     * Read from the database when scraped (NaN while it does not answer).
     */
    public void bindOutboxBacklog(EventLog events, EventDispatcher dispatcher) {
        Gauge.builder("hub.outbox.backlog", () -> {
                    EventCursor cursor = dispatcher.cursor();
                    try {
                        return cursor == null ? Double.NaN : events.backlog(cursor);
                    } catch (RuntimeException unreachable) {
                        return Double.NaN;
                    }
                })
                .description("events after this node's delivery cursor")
                .register(registry);
    }
}
