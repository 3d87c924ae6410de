#!/usr/bin/env bash
# Runs AI Hub's realtime (Socket.IO) benchmark end to end on this machine.
#
#   bench/run-realtime-bench.sh
#
# 1. picks a JDK (temurin 25 if installed) and the hub jar (HUB_JAR, default hub-server/target/hub.jar;
#    built with ./mvnw only if missing), installs bench/node_modules with `npm ci` if missing, and raises
#    the open-files limit (ulimit -n) as far as the hard limit allows: the hub inherits it;
# 2. starts the hub on a free port (HUB_PORT=0, the port is read back from its log) with a generated
#    admin token and a fresh database hub_rtbench_<epoch>, which the hub creates and migrates itself;
# 3. runs bench/realtime-bench.mjs (full lifecycles: create task -> worker gets step-updated -> worker
#    completes the step -> submitter gets task-updated Completed), each run on fresh accounts and sockets:
#      warm-up   --closed 32 --duration 60        (not a result: warms the JIT)
#      open loop --rate 200 --duration 30         (the issue's latency target)
#      closed    --closed C --duration 20 for C in 16 64 128 (the peak)
#      open loop --rate 200 --duration 30 again   (the same on a warmer JVM; RT_RATE_AGAIN=0 skips it)
#    or, with RT_SATURATION=1, the saturation run instead:
#      warm-up   --closed 32 --lifecycles 10000, RT_SAT_WARMUPS (2) times, each a new generator (not a result)
#      measured  --closed 32 --lifecycles 10000   (throughput, dispatch p50/p99, CPU per lifecycle), after
#                --lead-in 2000 lifecycles of the same generator that are not counted
#      open loop --rate R --duration 20 for R in 200 500 1000 and the peak just measured
# 4. runs bench/idle-sockets.mjs: 10,000 idle authenticated sockets (or as many as the hub accepts)
#    through the hub's public port, held for 60 s, reading the hub's VmRSS from /proc before, with the
#    sockets and after.
# Per run it also prints the hub's VmRSS, its log's WARN/ERROR lines, the hub database's commits and
# outbox reads, and (from a sampler, twice a second) any transaction in the cluster holding an xid for
# more than 100 ms: the hub delivers no event committed after such a transaction until it ends.
# 5. stops the hub, lists its log's WARN/ERROR lines, and drops the database.
#
# Everything talks to 127.0.0.1 only. Environment knobs (all optional):
#   HUB_JAR, JAVA_HOME, HUB_JAVA_OPTS, PGPORT (5432), PGUSER (postgres), KEEP_DBS=1,
#   RT_WARMUP_S (60), RT_RATE (200), RT_RATE_S (30), RT_CLOSED ("16 64 128"), RT_CLOSED_S (20),
#   RT_WORKERS (4), RT_SUBMITTERS (4), RT_AGENTS (8), IDLE_SOCKETS (10000), IDLE_ACCOUNTS (100),
#   IDLE_BATCH (200), IDLE_HOLD_S (60), SKIP_LIFECYCLES=1, SKIP_IDLE=1, NOFILE (65536: wanted ulimit -n),
#   RT_SATURATION=1 with RT_SAT_CONCURRENCY (32), RT_SAT_LIFECYCLES (10000), RT_SAT_WARMUPS (2), RT_SAT_LEAD_IN (2000),
#   RT_SAT_RATES ("200 500 1000") and RT_SAT_RATE_S (20); RT_SAMPLES_DIR: where the saturation runs
#   write one line per lifecycle (realtime-bench.mjs --samples).
# The hub logs its GC pauses to a file of the run (-Xlog:gc, added to HUB_JAVA_OPTS); each phase
# prints the pauses that fell in it: how many, their total, p50, p99 and the longest, and what the hub's
# own metrics (scraped before and after, on a free HUB_METRICS_PORT) say of it: the delivery lag from
# commit to emit, the two hot routes' latency, and the group commits' batch sizes and waits.
# HUB_JAVA_OPTS defaults to the JVM flags the README recommends (bench/lib/hub.sh).
# Exit status: 0 when every run was clean (no errors, every idle socket connected and stayed), 1 when
# any run reported errors, 2 when a step failed.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

PGHOST=127.0.0.1
PGPORT="${PGPORT:-5432}"
PGUSER="${PGUSER:-postgres}"
export PGHOST PGPORT PGUSER
RT_WARMUP_S="${RT_WARMUP_S:-60}"
RT_RATE="${RT_RATE:-200}"
RT_RATE_S="${RT_RATE_S:-30}"
RT_CLOSED="${RT_CLOSED:-16 64 128}"
RT_CLOSED_S="${RT_CLOSED_S:-20}"
RT_WORKERS="${RT_WORKERS:-4}"
RT_SUBMITTERS="${RT_SUBMITTERS:-4}"
RT_AGENTS="${RT_AGENTS:-8}"
IDLE_SOCKETS="${IDLE_SOCKETS:-10000}"
IDLE_ACCOUNTS="${IDLE_ACCOUNTS:-100}"
IDLE_BATCH="${IDLE_BATCH:-200}"
IDLE_HOLD_S="${IDLE_HOLD_S:-60}"
NOFILE="${NOFILE:-65536}"
HUB_DB="hub_rtbench_$(date +%s)"
WORK="$(mktemp -d /tmp/aihub-realtime-bench.XXXXXX)"
HUB_LOG="$WORK/hub.log"
GC_LOG="$WORK/gc.log"
OVERALL_RC=0

say() { printf '\n== %s\n' "$*"; }
show() { printf '+ %s\n' "$*"; }   # prints a command as it is about to run (the admin token elided)
die() { printf 'run-realtime-bench: %s\n' "$*" >&2; exit 2; }

# --- tools ------------------------------------------------------------------------------------------
BENCH_NAME=run-realtime-bench
# shellcheck source=bench/lib/hub.sh
source "$ROOT/bench/lib/hub.sh"
find_java_and_jar
JCMD="$(dirname "$JAVA")/jcmd"
[[ -x "$JCMD" ]] || JCMD=""
NODE="$(command -v node)" || die "node (20+) is required"
for tool in psql dropdb; do
  command -v "$tool" >/dev/null || die "$tool (PostgreSQL client) is required"
done

if [[ ! -f "$ROOT/bench/node_modules/socket.io-client/package.json" ]]; then
  say "installing the bench's npm dependencies"
  show "(cd bench && npm ci --no-audit --no-fund)"
  (cd "$ROOT/bench" && npm ci --no-audit --no-fund)
fi

psql -d postgres -Atqc 'select 1' >/dev/null || die "PostgreSQL is not reachable at $PGHOST:$PGPORT as $PGUSER"

# Open files: the idle-socket client and the hub each hold one descriptor per socket.
HARD_NOFILE="$(ulimit -Hn)"
if [[ "$HARD_NOFILE" != unlimited && "$HARD_NOFILE" -lt "$NOFILE" ]]; then
  ulimit -Hn "$NOFILE" 2>/dev/null || true   # only with CAP_SYS_RESOURCE
  HARD_NOFILE="$(ulimit -Hn)"
fi
if [[ "$HARD_NOFILE" == unlimited || "$HARD_NOFILE" -ge "$NOFILE" ]]; then
  ulimit -Sn "$NOFILE"
else
  ulimit -Sn "$HARD_NOFILE"
fi

# --- cleanup: stop our hub, drop our database -------------------------------------------------------

cleanup() {
  local rc=$?
  if [[ -n "${XID_SAMPLER_PID:-}" ]]; then
    kill "$XID_SAMPLER_PID" 2>/dev/null || true
    wait "$XID_SAMPLER_PID" 2>/dev/null || true
  fi
  stop_hub
  if [[ "${KEEP_DBS:-0}" != 1 ]]; then
    show "dropdb --if-exists --force $HUB_DB"
    dropdb --if-exists --force "$HUB_DB" || true
  fi
  echo "run-realtime-bench: hub log and outputs kept in $WORK"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- machine ----------------------------------------------------------------------------------------
say "machine"
print_machine
echo "loadavg:    $(cat /proc/loadavg) (before the hub starts)"
echo "others:     $(ps -eo comm= | grep -c '^java$' || true) java and $(ps -eo comm= | grep -c '^node$' || true) node processes already running (other people's; they share the cores)"
echo "postgresql: $(psql -d postgres -Atc 'select version()')"
echo "pg config:  $(psql -d postgres -Atc "select string_agg(name || '=' || setting, ' ' order by name) from pg_settings where name in ('fsync','synchronous_commit','wal_sync_method','shared_buffers','max_connections','autovacuum','max_parallel_workers_per_gather','min_parallel_table_scan_size')")"
echo "java:       $("$JAVA" -version 2>&1 | head -1) ($JAVA)"
echo "node:       $("$NODE" --version), socket.io-client $("$NODE" -p "require('$ROOT/bench/node_modules/socket.io-client/package.json').version")"
echo "ulimit -n:  $(ulimit -Sn) (hard $(ulimit -Hn); wanted $NOFILE)"
echo "hub jar:    $HUB_JAR"

# --- hub --------------------------------------------------------------------------------------------
say "starting the hub (database $HUB_DB)"
ADMIN_TOKEN="bench-$(od -An -N24 -tx1 /dev/urandom | tr -d ' \n')"
DB_URL="jdbc:postgresql://127.0.0.1:$PGPORT/$HUB_DB?user=$PGUSER"
HUB_JAVA_OPTS="$HUB_JAVA_OPTS -Xlog:gc:file=$GC_LOG"
# The hub's own metrics, scraped around each phase (bench/lib/metrics_delta.py reads the difference).
HUB_METRICS_PORT="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
export HUB_METRICS_PORT
start_hub "$DB_URL" "$ADMIN_TOKEN"
echo "hub pid $HUB_PID listening at $HUB_URL"
echo "hub open-files limit: $(awk '/Max open files/ {print $4 " (hard " $5 ")"}' "/proc/$HUB_PID/limits")"

# --- xid holders: event delivery waits for every transaction older than an event's (cluster-wide) ------
# The hub delivers an event only once no running transaction can still commit before it (the snapshot's
# xmin, which counts transactions of every database in the cluster). A sampler lists, twice a second,
# transactions that hold an xid for more than 100 ms anywhere in the cluster (autovacuum, other
# databases' clients, the hub's own slow transactions), so a stall in the figures can be explained.
XID_LOG="$WORK/xid-holders.txt"
XID_SAMPLER_PID=""
: >"$XID_LOG"
# one psql and one connection for the whole run (\watch), not a new process and backend per sample;
# timeout bounds it to an hour and passes the cleanup's kill on to psql
timeout 3600 psql -d postgres -AtF ' | ' >>"$XID_LOG" 2>/dev/null <<'SQL' &
select to_char(clock_timestamp(), 'HH24:MI:SS.MS'), coalesce(datname, '-'),
    backend_type, pid, round(extract(epoch from clock_timestamp() - xact_start) * 1000) || ' ms', state,
    left(regexp_replace(query, '\s+', ' ', 'g'), 90)
  from pg_stat_activity
  where backend_xid is not null and pid <> pg_backend_pid()
    and xact_start < clock_timestamp() - interval '100 ms'
\watch 0.5
SQL
XID_SAMPLER_PID=$!

# --- helpers ----------------------------------------------------------------------------------------
rss() { awk '/^VmRSS/ {printf "%.1f", $2 / 1024}' "/proc/$HUB_PID/status" 2>/dev/null || echo '?'; }
log_lines() { wc -l <"$HUB_LOG"; }
gc_lines() { wc -l <"$GC_LOG" 2>/dev/null || echo 0; }
# gc_pauses FROM TO: the pauses logged in lines FROM+1..TO of the GC log, summarised on one line.
gc_pauses() {
  sed -n "$(($1 + 1)),${2}p" "$GC_LOG" 2>/dev/null | sed -n 's/.*Pause.* \([0-9.]*\)ms$/\1/p' | sort -n |
    awk '{ v[NR] = $1; t += $1 } END {
      if (NR == 0) { print "none"; exit }
      printf "%d pauses, %.1f ms in all, p50 %.2f ms, p99 %.2f ms, longest %.2f ms\n",
        NR, t, v[int((NR + 1) * 0.5)], v[(int(NR * 0.99) > 0 ? int(NR * 0.99) : 1)], v[NR] }'
}
hub_alive() {
  kill -0 "$HUB_PID" 2>/dev/null || { tail -n 60 "$HUB_LOG" >&2; die "THE HUB DIED (pid $HUB_PID); log above, $HUB_LOG"; }
}
commits() { psql -d postgres -Atc "select xact_commit from pg_stat_database where datname = '$HUB_DB'"; }
# the whole cluster's WAL and checkpoints: bytes, full-page images, writes for want of WAL buffers,
# checkpoints, and data pages written by backends (not the checkpointer or background writer)
wal_stats() {
  psql -d postgres -Atc "select w.wal_bytes || ' ' || w.wal_fpi || ' ' || w.wal_buffers_full || ' '
    || b.checkpoints_timed + b.checkpoints_req || ' ' || b.buffers_backend
    from pg_stat_wal w, pg_stat_bgwriter b" 2>/dev/null || echo '0 0 0 0 0'
}
wal_delta() { # wal_delta BEFORE AFTER
  local -a a b
  read -r -a a <<<"$1"
  read -r -a b <<<"$2"
  echo "$(((b[0] - a[0]) / 1048576)) MiB of WAL, $((b[1] - a[1])) full-page images, $((b[2] - a[2])) writes for want of WAL buffers, $((b[3] - a[3])) checkpoints, $((b[4] - a[4])) data pages written by backends"
}
# index scans of events_in_commit_order: one per read of the events outbox by the hub's dispatcher
outbox_reads() {
  psql -d "$HUB_DB" -Atc "select coalesce(sum(idx_scan), 0) || ' ' || coalesce(sum(idx_tup_read), 0)
    from pg_stat_user_indexes where indexrelname = 'events_in_commit_order'" 2>/dev/null || echo '0 0'
}
# the outbox's size when a run starts: the dispatcher's read of it gets slower as it grows
outbox_size() {
  psql -d "$HUB_DB" -Atc "select count(*) || ' rows, ' || pg_size_pretty(pg_total_relation_size('events')) from events" 2>/dev/null || echo '?'
}
hub_fds() { ls "/proc/$HUB_PID/fd" 2>/dev/null | wc -l; }

PHASES=()        # name|kind|json file|status|rss before|rss after|log lines before|log lines after|commits
run_phase() {    # run_phase NAME KIND OUTFILE -- command...
  local name="$1" kind="$2" out="$3"
  shift 4
  hub_alive
  local rss0 rss1 l0 l1 c0 c1 rc=0
  rss0="$(rss)"
  l0="$(log_lines)"
  local g0 g1
  g0="$(gc_lines)"
  curl -s "http://127.0.0.1:$HUB_METRICS_PORT/metrics" >"$out.metrics-before" || true
  local x0 x1
  x0="$(wc -l <"$XID_LOG")"
  c0="$(commits)"
  local size0
  size0="$(outbox_size)"
  local r0 r1 w0
  r0="$(outbox_reads)"
  w0="$(wal_stats)"
  say "$name (hub VmRSS $rss0 MiB; events table $size0)"
  "$@" 2>&1 | tee "$out" || rc=$?
  hub_alive
  sleep 1.5   # backends report their statistics within about a second of going idle
  c1="$(commits)"
  r1="$(outbox_reads)"
  rss1="$(rss)"
  l1="$(log_lines)"
  g1="$(gc_lines)"
  echo "-- $name: GC pauses of the hub meanwhile: $(gc_pauses "$g0" "$g1")"
  echo "-- $name: PostgreSQL meanwhile (the whole cluster): $(wal_delta "$w0" "$(wal_stats)")"
  curl -s "http://127.0.0.1:$HUB_METRICS_PORT/metrics" >"$out.metrics-after" || true
  echo "-- $name: the hub's metrics meanwhile: $(python3 "$ROOT/bench/lib/metrics_delta.py" "$out.metrics-before" "$out.metrics-after" 2>&1 || true)"
  x1="$(wc -l <"$XID_LOG")"
  if ((x1 > x0)); then
    echo "-- $name: transactions holding an xid > 100 ms meanwhile (sampled every 0.5 s: time | database | type | pid | age | state | query):"
    sed -n "$((x0 + 1)),${x1}p" "$XID_LOG" | head -n 20 | sed 's/^/   /'
    ((x1 - x0 > 20)) && echo "   ... $((x1 - x0)) samples in all, see $XID_LOG"
  else
    echo "-- $name: no transaction held an xid for more than 100 ms at any sample (every 0.5 s)"
  fi
  local marker=BENCH_JSON
  [[ "$kind" == idle ]] && marker=IDLE_JSON
  if ! grep -q "^$marker " "$out"; then
    rc=2
  fi
  echo "-- $name: exit status $rc; hub VmRSS $rss0 -> $rss1 MiB; hub log WARN/ERROR lines during it: $(sed -n "$((l0 + 1)),${l1}p" "$HUB_LOG" | grep -cE ' (WARN|ERROR) ' || true)"
  local scans=$((${r1% *} - ${r0% *})) tuples=$((${r1#* } - ${r0#* }))
  PHASES+=("$name|$kind|$out|$rc|$rss0|$rss1|$l0|$l1|$((c1 - c0))|$((x1 - x0))|$scans|$tuples|${size0%%,*}")
  [[ "$rc" == 0 ]] || OVERALL_RC=1
}

RT=("$NODE" "$ROOT/bench/realtime-bench.mjs" --url "$HUB_URL" --admin-token "$ADMIN_TOKEN"
  --workers "$RT_WORKERS" --submitters "$RT_SUBMITTERS" --agents "$RT_AGENTS" --hub-pid "$HUB_PID" --pg-db "$HUB_DB")
RT_SHOWN="$NODE bench/realtime-bench.mjs --url $HUB_URL --admin-token <generated> --workers $RT_WORKERS --submitters $RT_SUBMITTERS --agents $RT_AGENTS --hub-pid $HUB_PID --pg-db $HUB_DB"

# --- saturation ------------------------------------------------------------------------------------
if [[ "${RT_SATURATION:-0}" == 1 ]]; then
  SAT_C="${RT_SAT_CONCURRENCY:-32}"
  SAT_N="${RT_SAT_LIFECYCLES:-10000}"
  SAT_LEAD_IN="${RT_SAT_LEAD_IN:-2000}"
  # Warm-up rounds, each a generator of its own: the JIT compiles the hub's socket code on what the
  # first round shows it, then the round's sockets close, which that code had not seen (an uncommon trap
  # in netty's and netty-socketio's decoders sends them back to the interpreter and the first tier), and
  # recompiles it during the next round. With one round, that recompilation fell in the measured run.
  WARMUPS=()
  for ((i = 1; i <= ${RT_SAT_WARMUPS:-2}; i++)); do WARMUPS+=("saturation-warm-up-$i"); done
  for label in "${WARMUPS[@]}" saturation; do
    show "$RT_SHOWN --label $label --closed $SAT_C --lifecycles $SAT_N --duration 600$([[ $label == saturation ]] && echo " --lead-in $SAT_LEAD_IN")"
    run_phase "$label (closed $SAT_C, $SAT_N lifecycles$([[ $label == *warm-up* ]] && echo '; not a result'))" rt \
      "$WORK/$label.txt" -- "${RT[@]}" --label "$label" --closed "$SAT_C" --lifecycles "$SAT_N" --duration 600 \
      $([[ $label == saturation ]] && echo --lead-in "$SAT_LEAD_IN") ${RT_SAMPLES_DIR:+--samples "$RT_SAMPLES_DIR/$label.csv"}
  done
  # Then open loops at fixed arrival rates, and at the peak the closed loop just measured: a closed loop
  # hides queueing (a slow answer delays the next request), an open loop does not.
  PEAK="$(sed -n 's/^BENCH_JSON //p' "$WORK/saturation.txt" | python3 -c 'import json, sys; print(round(json.load(sys.stdin)["lifecycles_per_s"]))')"
  for rate in ${RT_SAT_RATES:-200 500 1000} "$PEAK"; do
    show "$RT_SHOWN --label open-$rate --rate $rate --duration ${RT_SAT_RATE_S:-20}"
    run_phase "open loop $rate/s for ${RT_SAT_RATE_S:-20} s" rt "$WORK/open-$rate.txt" -- \
      "${RT[@]}" --label "open-$rate" --rate "$rate" --duration "${RT_SAT_RATE_S:-20}"
  done
  SKIP_LIFECYCLES=1
fi

# --- lifecycles -------------------------------------------------------------------------------------
if [[ "${SKIP_LIFECYCLES:-0}" != 1 ]]; then
show "$RT_SHOWN --label warm-up --closed 32 --duration $RT_WARMUP_S"
run_phase "warm-up (closed 32, ${RT_WARMUP_S} s; not a result)" rt "$WORK/warmup.txt" -- \
  "${RT[@]}" --label warm-up --closed 32 --duration "$RT_WARMUP_S"

show "$RT_SHOWN --label rate-$RT_RATE --rate $RT_RATE --duration $RT_RATE_S"
run_phase "open loop $RT_RATE/s for $RT_RATE_S s" rt "$WORK/rate.txt" -- \
  "${RT[@]}" --label "rate-$RT_RATE" --rate "$RT_RATE" --duration "$RT_RATE_S"

for c in $RT_CLOSED; do
  show "$RT_SHOWN --label closed-$c --closed $c --duration $RT_CLOSED_S"
  run_phase "closed loop $c for $RT_CLOSED_S s" rt "$WORK/closed-$c.txt" -- \
    "${RT[@]}" --label "closed-$c" --closed "$c" --duration "$RT_CLOSED_S"
done

if [[ "${RT_RATE_AGAIN:-1}" == 1 ]]; then
  show "$RT_SHOWN --label rate-$RT_RATE-again --rate $RT_RATE --duration $RT_RATE_S"
  run_phase "open loop $RT_RATE/s for $RT_RATE_S s, again (warmer JVM)" rt "$WORK/rate-again.txt" -- \
    "${RT[@]}" --label "rate-$RT_RATE-again" --rate "$RT_RATE" --duration "$RT_RATE_S"
fi
fi

# --- idle sockets -----------------------------------------------------------------------------------
if [[ "${SKIP_IDLE:-0}" != 1 ]]; then
  IDLE=("$NODE" --max-old-space-size=4096 "$ROOT/bench/idle-sockets.mjs" --url "$HUB_URL" --admin-token "$ADMIN_TOKEN"
    --sockets "$IDLE_SOCKETS" --accounts "$IDLE_ACCOUNTS" --batch "$IDLE_BATCH" --hold-s "$IDLE_HOLD_S" --hub-pid "$HUB_PID")
  [[ -n "$JCMD" ]] && IDLE+=(--jcmd "$JCMD")
  IDLE_SHOWN="$NODE --max-old-space-size=4096 bench/idle-sockets.mjs --url $HUB_URL --admin-token <generated> --sockets $IDLE_SOCKETS --accounts $IDLE_ACCOUNTS --batch $IDLE_BATCH --hold-s $IDLE_HOLD_S --hub-pid $HUB_PID${JCMD:+ --jcmd $JCMD}"

  show "$IDLE_SHOWN"
  run_phase "idle sockets, public port $HUB_PORT" idle "$WORK/idle-public.txt" -- "${IDLE[@]}"

fi
RSS_END="$(rss)"
say "the dispatcher's outbox read, as the hub sends it, on the events table as it is now"
# The hub's EventSql.EVENT_READ_AFTER with the cursor at the newest row (the common case: nothing or little
# new), prepared and run 6 times so that PostgreSQL may switch to its generic plan, then explained.
psql -d "$HUB_DB" -v ON_ERROR_STOP=0 <<'SQL' 2>&1 | sed 's/^/  /' || true
select coalesce(max(tx_id)::text, '0') as maxtx, count(*) as events from events \gset
\echo events rows: :events
prepare outbox_read(text, bigint, int) as
  select event_id, tx_id::text as tx_id, event_name, task_id, did, owner, payload::text as payload,
         tx_id < pg_snapshot_xmin(pg_current_snapshot()) as settled
  from events where (tx_id, event_id) > ($1::xid8, $2) order by tx_id, event_id limit $3;
\o /dev/null
execute outbox_read(:'maxtx', 0, 500);
execute outbox_read(:'maxtx', 0, 500);
execute outbox_read(:'maxtx', 0, 500);
execute outbox_read(:'maxtx', 0, 500);
execute outbox_read(:'maxtx', 0, 500);
execute outbox_read(:'maxtx', 0, 500);
\o
explain (analyze, costs off, timing off, summary on) execute outbox_read(:'maxtx', 0, 500);
SQL
say "autovacuum / autoanalyze in the hub's database over the whole run"
psql -d "$HUB_DB" -c "select relname, n_live_tup, autovacuum_count, autoanalyze_count, last_autovacuum::time(0), last_autoanalyze::time(0)
  from pg_stat_user_tables where relname in ('events', 'tasks', 'steps', 'task_logs') order by relname" || true

# --- stop the hub -----------------------------------------------------------------------------------
say "stopping the hub (VmRSS $RSS_END MiB)"
show "kill -TERM $HUB_PID"
stop_hub
if grep -E ' (WARN|ERROR) ' "$HUB_LOG" >/dev/null; then
  echo "hub log WARN/ERROR lines: $(grep -cE ' (WARN|ERROR) ' "$HUB_LOG") in all; distinct messages (count, first seen):"
  grep -E ' (WARN|ERROR) ' "$HUB_LOG" | awk '{ t = $1; $1 = ""; if (!($0 in n)) { first[$0] = t; order[++k] = $0 } n[$0]++ }
    END { for (i = 1; i <= k; i++) printf "  %6d  %s  %s\n", n[order[i]], first[order[i]], substr(order[i], 2, 220) }' | head -n 30
else
  echo "hub log: no WARN/ERROR lines"
fi

# --- summary ----------------------------------------------------------------------------------------
say "summary"
"$NODE" - "$HUB_LOG" "${PHASES[@]}" <<'EOF'
const fs = require('node:fs');
const [logFile, ...phases] = process.argv.slice(2);
const log = fs.readFileSync(logFile, 'utf8').split('\n');
const f = (x, d = 1) => (x === undefined || x === null || Number.isNaN(x) ? '-' : Number(x).toFixed(d));
const rows = [];
const idleRows = [];
const out = { realtime: [], idle: [] };
for (const p of phases) {
  const [name, kind, file, rc, rss0, rss1, l0, l1, commits, xid, scans, tuples, outboxRows] = p.split('|');
  const text = fs.readFileSync(file, 'utf8');
  const marker = kind === 'idle' ? 'IDLE_JSON ' : 'BENCH_JSON ';
  const line = text.split('\n').filter((l) => l.startsWith(marker)).pop();
  const j = line ? JSON.parse(line.slice(marker.length)) : null;
  const warn = log.slice(Number(l0), Number(l1)).filter((l) => / (WARN|ERROR) /.test(l)).length;
  if (kind === 'rt') {
    const d = j?.latency_ms?.dispatch?.from_created ?? {};
    const ds = j?.latency_ms?.dispatch?.from_sent ?? {};
    const dsch = j?.latency_ms?.dispatch?.from_scheduled;
    const e = j?.latency_ms?.end_to_end?.from_scheduled ?? j?.latency_ms?.end_to_end?.from_sent ?? {};
    const per = j?.cpu?.per_lifecycle_ms ?? {};
    rows.push([name, j ? `${j.started}/${j.completed}/${j.failed}` : 'no result', j?.errors ?? '-', f(j?.lifecycles_per_s),
      `${f(d.p50, 2)} / ${f(d.p90, 2)} / ${f(d.p99, 2)} / ${f(d.max, 1)}`, `${f(ds.p50, 2)} / ${f(ds.p99, 2)}`,
      dsch ? `${f(dsch.p50, 2)} / ${f(dsch.p99, 2)}` : '-', `${f(e.p50)} / ${f(e.p99)}`,
      `${f(per.hub, 2)} / ${f(per.postgres_hub_db, 2)} / ${f(per.generator, 2)}`, f(j?.cpu?.machine_busy_pct, 0),
      j?.completed ? f(Number(commits) / j.completed, 1) : '-',
      j?.completed ? `${f(Number(scans) / j.completed, 2)} (${f(Number(tuples) / Math.max(1, Number(scans)), 1)})` : '-',
      String(outboxRows).replace(' rows', ''), xid, warn]);
    out.realtime.push({ phase: name, exit_status: Number(rc), hub_rss_mib: [Number(rss0), Number(rss1)], hub_log_warn_error: warn,
      hub_db_commits: Number(commits), events_rows_at_start: Number(String(outboxRows).split(' ')[0]), outbox_reads: Number(scans), outbox_rows_read: Number(tuples), xid_holder_samples: Number(xid), result: j });
  } else {
    const h = j?.hub ?? {};
    idleRows.push([name, j ? `${j.connected}/${j.sockets} (${j.attempted} tried)` : 'no result', j?.connected_at_end_of_hold ?? '-',
      j?.failed ?? '-', f(h.before?.rss_mib), f(h.connected?.rss_mib), f(h.end_of_hold?.rss_mib), f(h.after_close?.rss_mib),
      h.end_of_hold?.heap_used_mib !== undefined ? `${f(h.end_of_hold.heap_used_mib)} / ${f(h.end_of_hold.heap_committed_mib)}` : '-',
      `${h.end_of_hold?.fds ?? '-'}`, warn]);
    out.idle.push({ phase: name, exit_status: Number(rc), hub_log_warn_error: warn, result: j });
  }
}
const table = (head, rs) => {
  const cells = rs.map((r) => r.map(String));
  const w = head.map((h, c) => Math.max(h.length, ...cells.map((r) => r[c].length)));
  const ln = (r) => r.map((x, c) => (c === 0 ? x.padEnd(w[c]) : x.padStart(w[c]))).join('  ');
  return [ln(head), w.map((n) => '-'.repeat(n)).join('  '), ...cells.map(ln)].join('\n');
};
console.log(table(['run', 'started/completed/failed', 'errors', 'lifecycles/s', 'dispatch from 201 p50/p90/p99/max ms',
  'from send p50/p99', 'from sched. p50/p99', 'e2e p50/p99 ms', 'cpu ms/lifecycle hub/pg/gen', 'busy %', 'commits/lc', 'outbox reads/lc (rows/read)', 'events rows', 'xid>100ms', 'hub WARN+ERROR'], rows));
console.log('(commits/lc: pg_stat_database xact_commit of the hub database per completed lifecycle; outbox reads: index scans of');
console.log(' events_in_commit_order, i.e. the dispatcher\'s reads of the events table; events rows: its size at the start;');
console.log(' xid>100ms: samples, every 0.5 s, of a transaction anywhere in the cluster holding an xid for over 100 ms, which');
console.log(' holds back every event committed after it)');
if (idleRows.length) {
  console.log('');
  console.log(table(['idle sockets', 'connected', 'at end of hold', 'failed', 'RSS before', 'connected', 'end of hold',
    'after close', 'heap used/committed', 'hub fds', 'hub WARN+ERROR'], idleRows));
  console.log('(RSS and heap in MiB)');
}
console.log(`RUN_JSON ${JSON.stringify(out)}`);
EOF

if [[ "$OVERALL_RC" != 0 ]]; then
  echo "run-realtime-bench: AT LEAST ONE RUN REPORTED ERRORS OR DID NOT COMPLETE; see above and $HUB_LOG" >&2
fi
exit "$OVERALL_RC"
