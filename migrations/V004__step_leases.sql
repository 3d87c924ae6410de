-- V004: step leases.
-- A step that is Pending or In_Progress holds a lease that starts when it became so and is renewed by
-- its agent's updates (updated_at); when the lease expires the step is handed out again, or failed on
-- its last attempt. An agent may set its own lease and attempts (null: the hub's HUB_STEP_LEASE_SECONDS
-- and HUB_STEP_MAX_ATTEMPTS). The partial index lets the rescuer find expired leases, oldest first,
-- without reading the steps that are done.
alter table agents add column step_lease_seconds integer check (step_lease_seconds between 1 and 86400),
                   add column step_max_attempts integer check (step_max_attempts between 1 and 100);
create index agents_by_lease on agents (step_lease_seconds) where step_lease_seconds is not null;
create index steps_by_lease on steps (updated_at) where step_status in ('Pending', 'In_Progress');
