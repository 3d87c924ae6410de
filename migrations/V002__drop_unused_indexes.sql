-- V002: drop three indexes no query uses.
-- Tasks are looked up by id (their primary key) and listed by owner (tasks_by_owner); no query selects
-- tasks by agent or by creator alone, and the events outbox is read in commit order
-- (events_in_commit_order) and pruned by age, never by task. Each of these indexes cost an index entry
-- per task created or event appended (and per task update that PostgreSQL cannot do in place), and the
-- two on tasks tempted the planner away from the primary key while the table was nearly empty.
drop index tasks_by_did;
drop index tasks_by_user;
drop index events_by_task;
