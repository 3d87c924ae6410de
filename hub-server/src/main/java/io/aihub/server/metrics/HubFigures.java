package io.aihub.server.metrics;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.TimeUnit;

/**
 * This node's key figures, read from its metrics, for the admin's dashboard: requests served, sockets
 * open, events delivered, the delivery lag (mean and the longest of the last minutes), and the outbox
 * backlog. The full set stays on {@code /metrics}.
 */
public record HubFigures(
        @JsonProperty("requests") long requests,
        @JsonProperty("sockets_open") long socketsOpen,
        @JsonProperty("events_delivered") long eventsDelivered,
        @JsonProperty("delivery_lag_mean_ms") double deliveryLagMeanMs,
        @JsonProperty("delivery_lag_max_ms") double deliveryLagMaxMs,
        @JsonProperty("outbox_backlog") long outboxBacklog) {

    static HubFigures of(MeterRegistry registry) {
        Timer lag = registry.find("hub.event.delivery.lag").timer();
        return new HubFigures(
                registry.find("hub.http.requests").timers().stream()
                        .mapToLong(Timer::count)
                        .sum(),
                gauge(registry, "hub.sockets.open"),
                (long) registry.find("hub.events.delivered").counters().stream()
                        .mapToDouble(Counter::count)
                        .sum(),
                lag == null ? 0 : lag.mean(TimeUnit.MILLISECONDS),
                lag == null ? 0 : lag.max(TimeUnit.MILLISECONDS),
                gauge(registry, "hub.outbox.backlog"));
    }

    private static long gauge(MeterRegistry registry, String name) {
        Gauge gauge = registry.find(name).gauge();
        return gauge == null ? 0 : Math.round(gauge.value());
    }
}
