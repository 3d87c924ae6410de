-- V005: idempotency keys of task and step creations.
-- A client that retries POST .../tasks or POST .../steps with the same Idempotency-Key header gets the
-- first answer back instead of a second task: the first request claims (caller, key) in the
-- transaction that writes it, a duplicate waits on that row and then reads the answer stored with it.
-- Keys are kept 24 hours (the retention sweep deletes older ones; an older key is claimed afresh).
create table idempotency_keys (
    caller          text not null,
    idempotency_key text not null check (length(idempotency_key) between 1 and 255),
    request_hash    text not null,
    status          integer,
    response        text,
    created_at      timestamptz(3) not null,
    primary key (caller, idempotency_key)
);
create index idempotency_keys_by_age on idempotency_keys (created_at);
