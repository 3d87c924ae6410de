#!/usr/bin/env bash
# Runs AI Hub's REST benchmark end to end on this machine, with pgbench alongside for comparison.
#
#   bench/run-rest-bench.sh [extra rest-bench.mjs flags, e.g. --requests 10000 --concurrency 32]
#
# 1. picks a JDK (temurin 25 if installed) and the hub jar (HUB_JAR, default hub-server/target/hub.jar;
#    built with ./mvnw only if missing);
# 2. starts the hub on a free port (HUB_PORT=0, the port is read back from its log) with a generated
#    admin token and a fresh database hub_bench_<epoch>, which the hub creates and migrates itself;
# 3. runs pgbench on a scratch database (pgbench -i -s 10, then pgbench -N -c 16 -j 2 -T 30) while
#    the hub sits idle;
# 4. runs bench/rest-bench.mjs against the hub (create-task, then update-step);
# 5. stops the hub, reads the database's commit and WAL counters, and drops both bench databases.
#
# Everything talks to 127.0.0.1 only. Environment knobs (all optional):
#   HUB_JAR, JAVA_HOME, HUB_JAVA_OPTS, HUB_DB_POOL_SIZE, PGPORT (5432), PGUSER (postgres),
#   PGBENCH_SCALE (10), PGBENCH_CLIENTS (16), PGBENCH_THREADS (2), PGBENCH_SECONDS (30),
#   PGBENCH_DB (pgbench_aihub), SKIP_PGBENCH=1, KEEP_DBS=1, BENCH_* (read by rest-bench.mjs).
# Exit status: that of rest-bench.mjs (1 when any request failed), or non-zero if a step fails.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

PGHOST=127.0.0.1
PGPORT="${PGPORT:-5432}"
PGUSER="${PGUSER:-postgres}"
export PGHOST PGPORT PGUSER
PGBENCH_SCALE="${PGBENCH_SCALE:-10}"
PGBENCH_CLIENTS="${PGBENCH_CLIENTS:-16}"
PGBENCH_THREADS="${PGBENCH_THREADS:-2}"
PGBENCH_SECONDS="${PGBENCH_SECONDS:-30}"
PGBENCH_DB="${PGBENCH_DB:-pgbench_aihub}"
HUB_DB="hub_bench_$(date +%s)"
WORK="$(mktemp -d /tmp/aihub-rest-bench.XXXXXX)"
HUB_LOG="$WORK/hub.log"

say() { printf '\n== %s\n' "$*"; }
show() { printf '+ %s\n' "$*"; }   # prints a command exactly as it is about to run
die() { printf 'run-rest-bench: %s\n' "$*" >&2; exit 2; }

# --- tools ------------------------------------------------------------------------------------------
BENCH_NAME=run-rest-bench
# shellcheck source=bench/lib/hub.sh
source "$ROOT/bench/lib/hub.sh"
find_java_and_jar
NODE="$(command -v node)" || die "node (20+) is required"
PGBENCH="$(command -v pgbench || true)"
if [[ -z "$PGBENCH" ]]; then
  for candidate in /usr/lib/postgresql/*/bin/pgbench; do
    [[ -x "$candidate" ]] && PGBENCH="$candidate"
  done
fi
for tool in psql createdb dropdb; do
  command -v "$tool" >/dev/null || die "$tool (PostgreSQL client) is required"
done


psql -d postgres -Atqc 'select 1' >/dev/null || die "PostgreSQL is not reachable at $PGHOST:$PGPORT as $PGUSER"

# --- cleanup: stop our hub, drop our databases ------------------------------------------------------

cleanup() {
  local rc=$?
  stop_hub
  if [[ "${KEEP_DBS:-0}" != 1 ]]; then
    show "dropdb --if-exists --force $HUB_DB"
    dropdb --if-exists --force "$HUB_DB" || true
    if [[ "${SKIP_PGBENCH:-0}" != 1 ]]; then
      show "dropdb --if-exists --force $PGBENCH_DB"
      dropdb --if-exists --force "$PGBENCH_DB" || true
    fi
  fi
  echo "run-rest-bench: hub log and outputs kept in $WORK"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- machine ----------------------------------------------------------------------------------------
say "machine"
print_machine
echo "postgresql: $(psql -d postgres -Atc 'select version()')"
echo "pg config:  $(psql -d postgres -Atc "select string_agg(name || '=' || setting, ' ' order by name) from pg_settings where name in ('fsync','synchronous_commit','wal_sync_method','shared_buffers','max_connections','commit_delay')")"
echo "java:       $("$JAVA" -version 2>&1 | head -1) ($JAVA)"
echo "node:       $("$NODE" --version)"
echo "hub jar:    $HUB_JAR"

# --- hub --------------------------------------------------------------------------------------------
say "starting the hub (database $HUB_DB)"
ADMIN_TOKEN="bench-$(od -An -N24 -tx1 /dev/urandom | tr -d ' \n')"
DB_URL="jdbc:postgresql://127.0.0.1:$PGPORT/$HUB_DB?user=$PGUSER"
start_hub "$DB_URL" "$ADMIN_TOKEN"
echo "hub pid $HUB_PID listening at $HUB_URL"

# --- pgbench ----------------------------------------------------------------------------------------
PGB_TPS="" PGB_LAT="" PGB_TX=""
if [[ "${SKIP_PGBENCH:-0}" != 1 ]]; then
  [[ -n "$PGBENCH" ]] || die "pgbench not found (set SKIP_PGBENCH=1 to run without it)"
  say "pgbench (the hub is idle meanwhile)"
  if [[ -z "$(psql -d postgres -Atc "select 1 from pg_database where datname = '$PGBENCH_DB'")" ]]; then
    show "createdb $PGBENCH_DB"
    createdb "$PGBENCH_DB"
  fi
  show "$PGBENCH -h $PGHOST -p $PGPORT -U $PGUSER -i -q -s $PGBENCH_SCALE $PGBENCH_DB"
  "$PGBENCH" -h "$PGHOST" -p "$PGPORT" -U "$PGUSER" -i -q -s "$PGBENCH_SCALE" "$PGBENCH_DB" >"$WORK/pgbench-init.txt" 2>&1 \
    || { cat "$WORK/pgbench-init.txt" >&2; die "pgbench -i failed"; }
  tail -n 1 "$WORK/pgbench-init.txt"
  show "$PGBENCH -h $PGHOST -p $PGPORT -U $PGUSER -N -c $PGBENCH_CLIENTS -j $PGBENCH_THREADS -T $PGBENCH_SECONDS $PGBENCH_DB"
  "$PGBENCH" -h "$PGHOST" -p "$PGPORT" -U "$PGUSER" -N -c "$PGBENCH_CLIENTS" -j "$PGBENCH_THREADS" -T "$PGBENCH_SECONDS" \
    "$PGBENCH_DB" >"$WORK/pgbench.txt" 2>&1 || { cat "$WORK/pgbench.txt" >&2; die "pgbench failed"; }
  cat "$WORK/pgbench.txt"
  PGB_TPS="$(sed -n 's/^tps = \([0-9.]*\) .*/\1/p' "$WORK/pgbench.txt" | head -1)"
  PGB_LAT="$(sed -n 's/^latency average = \([0-9.]*\) ms.*/\1/p' "$WORK/pgbench.txt" | head -1)"
  PGB_TX="$(sed -n 's/^number of transactions actually processed: \([0-9]*\).*/\1/p' "$WORK/pgbench.txt" | head -1)"
fi

# --- counters before --------------------------------------------------------------------------------
counters() {
  psql -d postgres -Atc "select d.xact_commit, d.xact_rollback, w.wal_records, w.wal_sync
                         from pg_stat_database d, pg_stat_wal w where d.datname = '$HUB_DB'"
}
BEFORE="$(counters)"

# --- REST bench -------------------------------------------------------------------------------------
say "REST bench"
show "$NODE bench/rest-bench.mjs --url $HUB_URL --admin-token <generated> $*"
BENCH_RC=0
"$NODE" "$ROOT/bench/rest-bench.mjs" --url "$HUB_URL" --admin-token "$ADMIN_TOKEN" "$@" 2>&1 \
  | tee "$WORK/rest-bench.txt" || BENCH_RC=$?
# With pipefail the pipeline's status is node's (tee succeeds); the JSON verdict is checked as well.
BENCH_JSON="$(sed -n 's/^BENCH_JSON //p' "$WORK/rest-bench.txt" | tail -1)"
[[ -n "$BENCH_JSON" ]] || BENCH_RC=2
if [[ -n "$BENCH_JSON" && "$BENCH_RC" == 0 ]] && ! "$NODE" -e 'process.exit(JSON.parse(process.argv[1]).ok ? 0 : 1)' "$BENCH_JSON"; then
  BENCH_RC=1
fi

# --- stop the hub, then read the counters (its backends flush their statistics as they exit) ---------
say "stopping the hub"
show "kill -TERM $HUB_PID"
stop_hub
for _ in $(seq 1 20); do   # at most 10 s for its connections to go away
  [[ "$(psql -d postgres -Atc "select count(*) from pg_stat_activity where datname = '$HUB_DB'")" == 0 ]] && break
  sleep 0.5
done
AFTER="$(counters)"
if grep -E ' (WARN|ERROR) ' "$HUB_LOG" >/dev/null; then
  echo "hub log WARN/ERROR lines (first 40 of $(grep -cE ' (WARN|ERROR) ' "$HUB_LOG")):"
  grep -E ' (WARN|ERROR) ' "$HUB_LOG" | head -n 40
else
  echo "hub log: no WARN/ERROR lines"
fi

# --- summary ----------------------------------------------------------------------------------------
say "summary"
"$NODE" - "$BENCH_JSON" "$BEFORE" "$AFTER" "$PGB_TPS" "$PGB_LAT" "$PGB_TX" \
  "$PGBENCH_CLIENTS" "$PGBENCH_THREADS" "$PGBENCH_SECONDS" "$PGBENCH_SCALE" <<'EOF'
const [json, before, after, tps, lat, tx, clients, threads, seconds, scale] = process.argv.slice(2);
const bench = json ? JSON.parse(json) : null;
const num = (s) => (s || '').split('|').map(Number);
const [c0, r0, w0, s0] = num(before);
const [c1, r1, w1, s1] = num(after);
const rows = [];
if (tps) rows.push([`pgbench -N -c ${clients} -j ${threads} -T ${seconds} (scale ${scale})`, tx, '-', Number(tps).toFixed(1),
  `avg ${Number(lat).toFixed(2)}`, '-', '-']);
let httpRequests = 0;
for (const p of bench?.phases ?? []) {
  httpRequests += p.requests + p.warmup;
  rows.push([`hub ${p.phase} (c=${bench.concurrency}, ${bench.client})`, p.requests, p.errors + p.warmup_errors,
    p.throughput_rps.toFixed(1), p.latency_ms.p50.toFixed(2), p.latency_ms.p99.toFixed(2), p.latency_ms.max.toFixed(2)]);
}
const head = ['run', 'requests/tx', 'errors', 'per s', 'p50 ms', 'p99 ms', 'max ms'];
const cells = rows.map((r) => r.map(String));
const widths = head.map((h, c) => Math.max(h.length, ...cells.map((r) => r[c].length)));
const line = (r) => r.map((x, c) => (c === 0 ? x.padEnd(widths[c]) : x.padStart(widths[c]))).join('  ');
console.log([line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.map(line)].join('\n'));
const out = { pgbench: tps ? { tps: Number(tps), latency_avg_ms: Number(lat), transactions: Number(tx) } : null, rest: bench };
if (Number.isFinite(c1 - c0) && httpRequests > 0) {
  const per = (x) => Math.round((x / httpRequests) * 100) / 100;
  out.hub_db = { http_requests: httpRequests, xact_commit: c1 - c0, xact_rollback: r1 - r0,
    commits_per_request: per(c1 - c0), wal_records_per_request: per(w1 - w0), wal_syncs_per_request: per(s1 - s0) };
  console.log(`\nhub database over the REST bench (${httpRequests} timed + warm-up requests; WAL counters are cluster-wide):`);
  console.log(`  pg_stat_database xact_commit ${c1 - c0} (${per(c1 - c0)}/request), xact_rollback ${r1 - r0}; `
    + `pg_stat_wal wal_records ${w1 - w0} (${per(w1 - w0)}/request), wal_sync ${s1 - s0} (${per(s1 - s0)}/request)`);
}
console.log(`RUN_JSON ${JSON.stringify(out)}`);
EOF

if [[ "$BENCH_RC" != 0 ]]; then
  echo "run-rest-bench: THE REST BENCH REPORTED ERRORS OR DID NOT COMPLETE (status $BENCH_RC); see above and $HUB_LOG" >&2
fi
exit "$BENCH_RC"
