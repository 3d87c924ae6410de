#!/usr/bin/env python3
"""What the hub's own metrics say happened between two scrapes of its /metrics (Prometheus text).

    metrics_delta.py BEFORE AFTER

Prints, for the time between the scrapes: the delivery lag (commit -> emit on this node) and the two hot
HTTP routes' latency, as p50 / p99 from the histograms' buckets (linear within a bucket, as Prometheus's
histogram_quantile does), and per group commit the mean batch size and the mean wait for a writer.
"""
import re
import sys

LINE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})?\s+([-+0-9.eEInfNa]+)$')


def read(path):
    samples = {}
    with open(path, encoding="utf-8") as text:
        for line in text:
            match = LINE.match(line.strip())
            if match:
                samples[(match.group(1), match.group(2) or "")] = float(match.group(3))
    return samples


def delta(before, after):
    return {key: value - before.get(key, 0.0) for key, value in after.items()}


def labels(text):
    return dict(re.findall(r'(\w+)="([^"]*)"', text))


def quantile(buckets, q):
    """buckets: [(upper bound, cumulative count)] sorted by bound."""
    total = buckets[-1][1] if buckets else 0
    if total <= 0:
        return None
    rank = q * total
    lower_bound, lower_count = 0.0, 0.0
    for bound, count in buckets:
        if count >= rank:
            if bound == float("inf"):
                return lower_bound
            share = (rank - lower_count) / (count - lower_count) if count > lower_count else 0
            return lower_bound + (bound - lower_bound) * share
        lower_bound, lower_count = bound, count
    return lower_bound


def histogram(d, name, match):
    buckets = {}
    for (metric, raw), value in d.items():
        if metric != name + "_bucket":
            continue
        tags = labels(raw)
        if all(tags.get(k) == v for k, v in match.items()):
            bound = float("inf") if tags["le"] == "+Inf" else float(tags["le"])
            buckets[bound] = buckets.get(bound, 0.0) + value
    return sorted(buckets.items())


def describe(buckets):
    count = buckets[-1][1] if buckets else 0
    if count <= 0:
        return "none"
    p50, p99 = quantile(buckets, 0.5), quantile(buckets, 0.99)
    return f"{int(count)} obs, p50 {p50 * 1000:.2f} ms, p99 {p99 * 1000:.2f} ms"


def main():
    d = delta(read(sys.argv[1]), read(sys.argv[2]))
    parts = ["delivery lag " + describe(histogram(d, "hub_event_delivery_lag_seconds", {}))]
    for route, method in (("/api/v1/agents/:did/tasks", "POST"), ("/api/v1/agents/:did/tasks/:taskId/step/:stepId", "PUT")):
        parts.append(f"{method} {route.rsplit('/', 2)[-2] if method == 'PUT' else 'tasks'} "
                     + describe(histogram(d, "hub_http_requests_seconds", {"route": route, "method": method})))
    for key in sorted(k for name, k in d if name == "hub_batches_total"):  # each group commit the hub has
        writer = key.split('"')[1]
        batches = d.get(("hub_batches_total", key), 0)
        requests = d.get(("hub_batch_requests_total", key), 0)
        queued = d.get(("hub_batch_queued_seconds_total", key), 0)
        if batches > 0:
            parts.append(f"{writer}: {requests / batches:.1f} per batch, {queued / requests * 1000:.2f} ms waiting for a writer")
    print("; ".join(parts))


if __name__ == "__main__":
    main()
