package io.aihub.server.metrics;

import io.aihub.protocol.ProtocolEvent;
import io.aihub.store.outbox.StoredEvent;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import java.util.function.ToIntFunction;

/**
 * What event delivery does on this node: the events it reads from the outbox (every event appended
 * by any node), the sockets it emits them to, and the lag from the writing transaction to the emit.
 */
public final class DeliveryMetrics {
    private final Map<ProtocolEvent, Counter> read = new EnumMap<>(ProtocolEvent.class);
    private final Map<ProtocolEvent, Counter> emitted = new EnumMap<>(ProtocolEvent.class);
    private final Timer lag;

    public DeliveryMetrics(MeterRegistry registry) {
        for (ProtocolEvent event : ProtocolEvent.values()) {
            if (event.isAnnounced()) {
                read.put(
                        event,
                        Counter.builder("hub.events.appended")
                                .tag("event", event.wireName())
                                .description("events appended to the outbox by any node, as this node reads them")
                                .register(registry));
                emitted.put(
                        event,
                        Counter.builder("hub.events.delivered")
                                .tag("event", event.wireName())
                                .description("emits of events to this node's sockets (one per socket reached)")
                                .register(registry));
            }
        }
        this.lag = Timer.builder("hub.event.delivery.lag")
                .description("from the transaction that wrote an event to its emit on this node")
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofSeconds(30))
                .register(registry);
    }

    /** Delivers with {@code deliver} (which answers how many sockets it reached), and counts it. */
    public void deliver(StoredEvent event, ToIntFunction<StoredEvent> deliver) {
        read.get(event.event()).increment();
        int sockets = deliver.applyAsInt(event);
        emitted.get(event.event()).increment(sockets);
        if (sockets > 0) {
            lag.record(Duration.between(event.createdAt(), Instant.now()));
        }
    }
}
