-- Background job queue (PRODUCT.md 7). See src/adapters/jobs/ for the statements that use it.
-- Life of a job: available -> running -> completed | available (retry, run_at in the future) | dead
-- (attempts exhausted) | cancelled (the handler threw jobs::Cancel). Rows stay for the retention
-- period after they finish, then the "jobs.cleanup" job deletes them.
CREATE TABLE jobs (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  kind         text NOT NULL,
  payload      jsonb NOT NULL DEFAULT '{}'::jsonb,
  state        text NOT NULL DEFAULT 'available'
               CHECK (state IN ('available', 'running', 'completed', 'dead', 'cancelled')),
  priority     smallint NOT NULL DEFAULT 100,  -- lower runs first
  run_at       timestamptz NOT NULL DEFAULT now(),
  attempt      integer NOT NULL DEFAULT 0,    -- attempts started so far (incremented when claimed)
  max_attempts integer NOT NULL DEFAULT 20 CHECK (max_attempts > 0),
  unique_key   text,
  locked_by    text,                          -- instance id of the worker running it
  locked_at    timestamptz,
  last_error   text,                          -- truncated exception text of the last failure
  errors       jsonb NOT NULL DEFAULT '[]'::jsonb,  -- [{attempt, at, error}] of the last 20 failures
  created_at   timestamptz NOT NULL DEFAULT now(),
  finished_at  timestamptz
);

-- A unique job is not enqueued twice while one is pending or running; once it finished, the same key
-- may be enqueued again. Enqueue uses ON CONFLICT on exactly this predicate.
CREATE UNIQUE INDEX jobs_unique_live ON jobs (unique_key)
  WHERE unique_key IS NOT NULL AND state IN ('available', 'running');

-- The fetch query: ORDER BY priority, run_at, id over available jobs only, so the index stays small
-- however many finished rows are kept.
CREATE INDEX jobs_fetch ON jobs (priority, run_at, id) WHERE state = 'available';

-- The rescuer looks at running jobs only.
CREATE INDEX jobs_running ON jobs (locked_by) WHERE state = 'running';

-- Retention cleanup of finished jobs.
CREATE INDEX jobs_finished ON jobs (finished_at) WHERE state IN ('completed', 'dead', 'cancelled');

-- One row per live worker process, refreshed every heartbeat interval. A running job whose locked_by
-- has no fresh row here belongs to a worker that died, and is rescued.
CREATE TABLE job_workers (
  instance_id  text PRIMARY KEY,
  started_at   timestamptz NOT NULL DEFAULT now(),
  heartbeat_at timestamptz NOT NULL DEFAULT now()
);

-- Wake idle workers when jobs are enqueued. FOR EACH STATEMENT, not per row: a bulk enqueue of 10k rows
-- sends one notification, and PostgreSQL folds identical notifications of one transaction into one.
-- The notification is delivered at commit, so a job enqueued in a rolled-back transaction wakes nobody.
CREATE FUNCTION jobs_notify_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('bookstore_jobs', '');
  RETURN NULL;
END
$$;

CREATE TRIGGER jobs_notify_insert AFTER INSERT ON jobs
  FOR EACH STATEMENT EXECUTE FUNCTION jobs_notify_insert();
