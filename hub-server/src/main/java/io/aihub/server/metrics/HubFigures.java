package io.aihub.server.metrics;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.TimeUnit;

/**
 * This node's key figures, read from its metrics, for the admin's dashboard: requests served, sockets
 * open, events delivered, the delivery lag (its mean since start, and the longest of the last few
 * minutes), and the outbox backlog (null when the database does not answer). The full set stays on
 * {@code /metrics}.
 */
public record HubFigures(
        @JsonProperty("requests") long requests,
        @JsonProperty("sockets_open") long socketsOpen,
        @JsonProperty("events_delivered") long eventsDelivered,
        @JsonProperty("delivery_lag_mean_ms") double deliveryLagMeanMs,
        @JsonProperty("delivery_lag_max_ms") double deliveryLagMaxMs,
        @JsonProperty("outbox_backlog") Long outboxBacklog) {

    static HubFigures of(MeterRegistry registry) {
        Timer lag = registry.find("hub.event.delivery.lag").timer();
        return new HubFigures(
                registry.find("hub.http.requests").timers().stream()
                        .mapToLong(Timer::count)
                        .sum(),
                Math.round(gaugeValue(registry, "hub.sockets.open")),
                (long) registry.find("hub.events.delivered").counters().stream()
                        .mapToDouble(Counter::count)
                        .sum(),
                lag == null ? 0 : lag.mean(TimeUnit.MILLISECONDS),
                lag == null ? 0 : lag.max(TimeUnit.MILLISECONDS),
                backlog(gaugeValue(registry, "hub.outbox.backlog")));
    }

    private static Long backlog(double value) {
        return Double.isNaN(value) ? null : Math.round(value);
    }

    private static double gaugeValue(MeterRegistry registry, String name) {
        Gauge gauge = registry.find(name).gauge();
        return gauge == null ? Double.NaN : gauge.value();
    }
}
