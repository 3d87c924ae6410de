-- V010: an event says whether it ends its task: the task-updated that carries the task's final state
-- (Completed or Failed). A node that delivers one empties the task's room on its sockets a few seconds
-- later, so a socket that watches task after task does not keep a room for each one it ever watched.
-- A log line's task-updated only relays the log's status and never ends a task. Rows written before
-- this migration, and by nodes that predate it, end nothing: their rooms are kept as before.
alter table events add column ends_task boolean not null default false;
