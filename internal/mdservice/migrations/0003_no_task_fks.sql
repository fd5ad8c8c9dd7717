-- Tasks, attempts and artifact index entries are written at thousands a
-- second; their foreign keys cost more than half of the database's time on
-- those writes (a trigger query per row). The statements that write them
-- check their parent instead (a task is inserted only if its run exists,
-- an attempt only with its task, index entries only with their attempt's
-- end), and nothing deletes runs, so the keys add no safety.
ALTER TABLE tasks DROP CONSTRAINT tasks_flow_run_fkey;
ALTER TABLE attempts DROP CONSTRAINT attempts_flow_run_step_task_fkey;
ALTER TABLE artifacts DROP CONSTRAINT artifacts_flow_run_step_task_attempt_fkey;
