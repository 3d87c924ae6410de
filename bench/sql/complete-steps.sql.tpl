-- Completes N pending steps and their tasks and appends their task-updated events, and wakes
-- listeners, in ONE statement (one transaction). bench/run-batching-probe.sh runs it with N = 1 and
-- N = 8 under pgbench to measure what batching the hub's step completions would save PostgreSQL.
-- Steps are found by id, as the hub finds them: N consecutive entries of probe_steps from a random
-- start (pgbench -D pending=<its size>).
\set first random(1, :pending)
with claimed as (select s.step_id from probe_steps p join steps s using (step_id)
                 where p.n between :first and :first + N - 1 and s.step_status = 'Pending' for update of s skip locked),
us as (update steps set step_status = 'Completed', output = 'done', cost = 1, is_last = true, updated_at = now() from claimed where steps.step_id = claimed.step_id returning steps.task_id),
ut as (update tasks set task_status = 'Completed', output = 'done', cost = 1, updated_at = now() from us where tasks.task_id = us.task_id returning tasks.task_id, tasks.did, tasks.owner),
e as (insert into events (event_name, task_id, did, owner, payload, created_at)
  select 'task-updated', task_id, did, owner, '{"task_id":"x","task_status":"Completed","status":"Completed","output":"done","cost":1}'::json, now() from ut returning event_id)
select pg_notify('hub_events_exp', '') from (select 1 from e limit 1) as announced;
