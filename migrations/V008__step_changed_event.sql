-- V008: the events outbox also carries 'step-changed', announced to a task's room when one of its
-- steps changes and no other event says so (created, updated without a change to its task's status or
-- output, handed out again): what a watcher of the task (the dashboard) needs to see every step as it
-- changes. Workers' events are unchanged.
alter table events drop constraint events_event_name_check;
alter table events add constraint events_event_name_check
    check (event_name in ('step-updated', 'task-updated', 'task-log', 'step-changed'));
