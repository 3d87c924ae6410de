-- V003: each task counts its log lines and their bytes.
-- A task's log is bounded (HUB_MAX_LOGS_PER_TASK lines, HUB_MAX_LOG_BYTES_PER_TASK bytes) so that one
-- tenant cannot grow a task, its reads and its replays without limit. The counts are kept on the task
-- row, raised by the statement that finds the task for each new log line, rather than counted over
-- task_logs on every append.
alter table tasks add column log_count integer not null default 0,
                  add column log_bytes bigint not null default 0;
update tasks set (log_count, log_bytes) = (
    select count(*), coalesce(sum(octet_length(message)), 0) from task_logs where task_logs.task_id = tasks.task_id)
where exists (select 1 from task_logs where task_logs.task_id = tasks.task_id);
