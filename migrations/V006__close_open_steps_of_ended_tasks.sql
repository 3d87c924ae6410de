-- V006: steps left open in tasks that had already ended.
-- Before V004, a task could end while some of its steps were still Pending, Not_Ready or In_Progress
-- (a last step completed early, another failed). Since V004 a task that ends closes its open steps in
-- the same statement; this closes those left from before, the same way, so that the lease rescuer does
-- not hand them out again and no worker is offered work of a finished task.
update steps s
set step_status = 'Failed',
    output = 'closed: the task ended before this step ran (closed by migration V006)',
    updated_at = now()
from tasks t
where t.task_id = s.task_id
  and t.task_status in ('Completed', 'Failed')
  and s.step_status in ('Pending', 'Not_Ready', 'In_Progress');
