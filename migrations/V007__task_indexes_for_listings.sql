-- V007: index tasks by agent and by creator again, for the dashboard.
-- V002 dropped both when no query read tasks that way. The dashboard does: a user's submitted tasks,
-- newest first (GET /api/v1/account/tasks, user_address), and an agent's counts per status
-- (GET /api/v1/agents/{did}/task-counts, did). Without them each of those reads scans every tenant's
-- tasks. Both index columns that never change after a task is created, so a task's status updates stay
-- heap-only (HOT) and cost no index work; a creation costs two more index entries.
create index tasks_by_did on tasks (did, created_at desc);
create index tasks_by_user on tasks (user_address, created_at desc);
