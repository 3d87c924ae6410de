-- Creates N tasks, their init steps and their step-updated events, and wakes listeners, in ONE
-- statement (one transaction). bench/run-batching-probe.sh runs it with N = 1 and N = 8 under pgbench
-- to measure what batching the hub's creates into one transaction would save PostgreSQL.
\set a random(1, 8)
with t as (insert into tasks (task_id, did, owner, user_address, task_status, name, input_query, input_params, input_additional, input_artifacts, created_at, updated_at)
  select gen_random_uuid()::text, a.did, a.owner, '0xbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb', 'Pending', 'n', 'summarise this', '[]'::jsonb, '{}'::jsonb, '[]'::jsonb, now(), now()
  from generate_series(1, N) g join agents a on a.did = 'did:nv:' || lpad(to_hex(1 + (g + :a::int) % 8), 64, '0') returning task_id, did, owner),
s as (insert into steps (step_id, task_id, did, owner, step_status, name, step_order, predecessor, is_last, input_query, input_params, input_additional, input_artifacts, cost, created_at, updated_at)
  select gen_random_uuid()::text, task_id, did, owner, 'Pending', 'init', 1, null, false, 'summarise this', '[]'::jsonb, '{}'::jsonb, '[]'::jsonb, 0, now(), now() from t returning step_id),
e as (insert into events (event_name, task_id, did, owner, payload, created_at)
  select 'step-updated', task_id, did, owner, '{"step_id":"x","task_id":"y","step_status":"Pending","name":"init","input_query":"summarise this"}'::json, now() from t returning event_id)
select pg_notify('hub_events_exp', ''), (select count(*) from s) from (select 1 from e limit 1) as announced;
