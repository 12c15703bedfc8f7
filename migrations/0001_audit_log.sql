-- Security and admin events (PRODUCT.md 1, "Audit log"). Rows never hold secrets or passwords.
-- Kept for BOOKSTORE_AUDIT_RETENTION_DAYS, then deleted by the retention job.
CREATE TABLE audit_log (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  occurred_at timestamptz NOT NULL DEFAULT now(),
  action      text NOT NULL,
  actor_id    bigint,
  target_type text,
  target_id   text,
  ip          inet,
  request_id  text,
  details     jsonb NOT NULL DEFAULT '{}'::jsonb
);
CREATE INDEX audit_log_occurred_at ON audit_log (occurred_at);
CREATE INDEX audit_log_actor ON audit_log (actor_id, occurred_at);
CREATE INDEX audit_log_action ON audit_log (action, occurred_at);
