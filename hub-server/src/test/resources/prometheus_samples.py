"""Reads Prometheus text from stdin with the Prometheus client's own parser and prints every sample as
one JSON line: {"name", "labels", "value"}. Exits 1 (with the parser's message) on text it refuses."""
import json
import sys

from prometheus_client.parser import text_string_to_metric_families

try:
    for family in text_string_to_metric_families(sys.stdin.read()):
        for sample in family.samples:
            print(json.dumps({"name": sample.name, "labels": sample.labels, "value": sample.value}))
except Exception as refused:  # the parser's own error, whatever its type
    print(f"not Prometheus text: {refused!r}", file=sys.stderr)
    sys.exit(1)
