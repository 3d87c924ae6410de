-- V003: each task counts its log lines.
-- A task's logs are bounded (HUB_MAX_LOGS_PER_TASK) so that one tenant cannot grow a task, its
-- replays and its reads without limit. The count is kept on the task row, raised by the statement that
-- finds the task for each new log line, rather than counted over task_logs on every append.
alter table tasks add column log_count integer not null default 0;
update tasks set log_count = (select count(*) from task_logs where task_logs.task_id = tasks.task_id)
where exists (select 1 from task_logs where task_logs.task_id = tasks.task_id);
