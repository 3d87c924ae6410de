-- V001: the hub's core schema.
-- Accounts hold API keys and own agents; subscribers submit tasks to agents; agents' workers move
-- steps through the Query Protocol state machine (docs/state-machine.md). Every change the protocol
-- announces over Socket.IO is appended to `events` in the transaction that makes the change, so the
-- realtime gateway can deliver from the table after commit, on any node.

create table hub_settings (
    name  text primary key,
    value text not null
);

create table accounts (
    address    text primary key check (address ~ '^0x[0-9a-f]{40}$'),
    name       text not null check (length(name) between 1 and 200),
    created_at timestamptz(3) not null
);

create table api_keys (
    key_id     text primary key,
    address    text not null references accounts (address),
    created_at timestamptz(3) not null,
    revoked_at timestamptz(3)
);
create index api_keys_by_address on api_keys (address);

create table agents (
    did         text primary key check (did ~ '^did:nv:[0-9a-f]{64}$'),
    owner       text not null references accounts (address),
    name        text not null,
    description text not null default '',
    created_at  timestamptz(3) not null
);
create index agents_by_owner on agents (owner, created_at);

create table tasks (
    task_id           text primary key,
    did               text not null references agents (did),
    owner             text not null,
    user_address      text not null,
    task_status       text not null check (task_status in ('Pending', 'In_Progress', 'Not_Ready', 'Completed', 'Failed')),
    name              text not null default '',
    input_query       text not null,
    input_params      jsonb,
    input_additional  jsonb,
    input_artifacts   jsonb,
    output            text not null default '',
    output_additional jsonb not null default '{}',
    output_artifacts  jsonb not null default '[]',
    cost              bigint not null default 0,
    created_at        timestamptz(3) not null,
    updated_at        timestamptz(3) not null
);
create index tasks_by_owner on tasks (owner, created_at desc);
create index tasks_by_user on tasks (user_address, created_at desc);
create index tasks_by_did on tasks (did, created_at desc);

create table steps (
    step_id           text primary key,
    task_id           text not null references tasks (task_id),
    did               text not null,
    owner             text not null,
    step_status       text not null check (step_status in ('Pending', 'In_Progress', 'Not_Ready', 'Completed', 'Failed')),
    name              text,
    step_order        integer not null,
    predecessor       text,
    is_last           boolean not null default false,
    retries           integer not null default 0,
    input_query       text,
    input_params      jsonb,
    input_additional  jsonb,
    input_artifacts   jsonb,
    output            text,
    output_additional jsonb,
    output_artifacts  jsonb,
    cost              bigint not null default 0,
    created_at        timestamptz(3) not null,
    updated_at        timestamptz(3) not null
);
create index steps_by_task on steps (task_id, step_order);
create index steps_by_owner_status on steps (owner, step_status, created_at);
create index steps_by_predecessor on steps (task_id, predecessor) where step_status = 'Not_Ready';

create table task_logs (
    tl_id       text primary key,
    task_id     text not null references tasks (task_id),
    step_id     text,
    task_status text check (task_status in ('Pending', 'In_Progress', 'Not_Ready', 'Completed', 'Failed')),
    level       text not null,
    message     text not null,
    created_at  timestamptz(3) not null
);
create index task_logs_by_task on task_logs (task_id, created_at);

-- The outbox of the realtime gateway. Identity values are handed out before commit, so a reader that
-- followed event_id alone could pass a row whose transaction commits late. Readers instead follow
-- (tx_id, event_id) and read only rows with tx_id below the snapshot's xmin: every transaction that
-- could still add such a row has finished. Per task this is commit order because every writer of an
-- existing task first enters the task's gate, an advisory lock that assigns no transaction id (the
-- argument in full: hub-store's io.aihub.store.outbox package). This comment was corrected after
-- release; Migrations accepts the checksum of the first text.
create table events (
    event_id   bigint generated always as identity primary key,
    event_name text not null check (event_name in ('step-updated', 'task-updated', 'task-log')),
    task_id    text not null,
    did        text not null,
    owner      text not null,
    payload    json not null, -- kept as written (json, not jsonb): delivered as is, never queried
    tx_id      xid8 not null default pg_current_xact_id(),
    created_at timestamptz(3) not null
);
create index events_by_task on events (task_id, event_id);
create index events_in_commit_order on events (tx_id, event_id);
