#!/usr/bin/env bash
# Measures, with pgbench on a scratch database carrying the hub's schema, how many task creations and
# step completions PostgreSQL sustains one per transaction versus eight per transaction: what batching
# the hub's writes (group commit with multi-row statements) would be worth. No hub runs.
#
#   bench/run-batching-probe.sh            # about 1 minute
#
# Knobs: PGPORT (5432), PGUSER (postgres), PROBE_CLIENTS (16), PROBE_SECONDS (15), PROBE_BATCH (8).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PGHOST=127.0.0.1
PGPORT="${PGPORT:-5432}"
PGUSER="${PGUSER:-postgres}"
export PGHOST PGPORT PGUSER
CLIENTS="${PROBE_CLIENTS:-16}"
SECONDS_EACH="${PROBE_SECONDS:-15}"
BATCH="${PROBE_BATCH:-8}"
DB="hub_batching_probe_$(date +%s)"
WORK="$(mktemp -d /tmp/aihub-batching-probe.XXXXXX)"
PGBENCH="$(command -v pgbench || ls /usr/lib/postgresql/*/bin/pgbench 2>/dev/null | tail -1)"
[[ -x "$PGBENCH" ]] || { echo "run-batching-probe: pgbench is required" >&2; exit 2; }

trap 'dropdb --if-exists "$DB" >/dev/null 2>&1 || true; rm -rf "$WORK"' EXIT

createdb "$DB"
for migration in "$ROOT"/migrations/V*.sql; do
  psql -q -v ON_ERROR_STOP=1 -d "$DB" -f "$migration"
done
psql -q -v ON_ERROR_STOP=1 -d "$DB" <<'SQL'
insert into accounts (address, name, created_at) values ('0x' || repeat('a', 40), 'builder', now());
insert into agents (did, owner, name, description, created_at)
  select 'did:nv:' || lpad(to_hex(i), 64, '0'), '0x' || repeat('a', 40), 'agent ' || i, '', now()
  from generate_series(1, 8) i;
SQL

# run NAME TEMPLATE N COUNT_SQL: prints transactions/s, and rows/s from COUNT_SQL's change over the run
# (so a run that ran out of pending steps cannot inflate its figure).
run() {
  local name="$1" template="$2" n="$3" count_sql="$4"
  sed "s/\bN\b/$n/" "$ROOT/bench/sql/$template" | grep -v '^--' >"$WORK/$name-$n.sql"
  local before after tps
  before="$(psql -Atc "$count_sql" "$DB")"
  tps="$("$PGBENCH" -n -M simple -c "$CLIENTS" -j 2 -T "$SECONDS_EACH" -D "pending=$PENDING" \
    -f "$WORK/$name-$n.sql" "$DB" 2>&1 \
    | sed -n 's/^tps = \([0-9.]*\).*/\1/p')"
  [[ -n "$tps" ]] || { echo "run-batching-probe: pgbench failed for $name" >&2; exit 1; }
  after="$(psql -Atc "$count_sql" "$DB")"
  awk -v name="$name" -v n="$n" -v tps="$tps" -v rows="$((after - before))" -v s="$SECONDS_EACH" \
    'BEGIN { printf "%-16s %2d per transaction  %7.0f transactions/s  %7.0f rows/s\n", name, n, tps, rows / s }'
}

CREATED="select count(*) from tasks"
COMPLETED="select count(*) from steps where step_status = 'Completed'"
echo "PostgreSQL $(psql -Atc 'show server_version' "$DB"), $CLIENTS clients, ${SECONDS_EACH} s each, pgbench on the same machine"
PENDING=1
run create-task create-tasks.sql.tpl 1 "$CREATED"
run create-task create-tasks.sql.tpl "$BATCH" "$CREATED"
# the pending steps to complete, numbered so that each pgbench transaction can pick N of them by id
psql -q -v ON_ERROR_STOP=1 -d "$DB" -c "create table probe_steps as
  select row_number() over () as n, step_id from steps where step_status = 'Pending'" -c "create index on probe_steps (n)" \
  -c "analyze probe_steps, steps, tasks"   # autovacuum may be off: give the planner the tables' real sizes
PENDING="$(psql -Atc 'select count(*) from probe_steps' "$DB")"
run complete-step complete-steps.sql.tpl 1 "$COMPLETED"
run complete-step complete-steps.sql.tpl "$BATCH" "$COMPLETED"
