-- Identity (PRODUCT.md 1 and 2): accounts, sessions (refresh-token families), their refresh tokens and
-- the single-use tokens sent by mail. See src/adapters/identity/ for the statements that use them.
-- Secrets (refresh tokens, link tokens, codes) are stored only as keyed digests; passwords as Argon2id.

-- Trigram indexes for the admin user search (substring of email or name). pg_trgm ships with
-- PostgreSQL (contrib, part of Debian's postgresql-15) and is a trusted extension, so the database
-- owner may create it without superuser rights.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- Accounts are soft-deleted: the anonymisation job replaces email and name, removes the password hash
-- and sets deleted_at, but keeps the row, because orders and invoices refer to it for the legal
-- retention period; the purge job removes the row afterwards.
CREATE TABLE users (
  id                    bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  email                 text NOT NULL CHECK (length(email) BETWEEN 3 AND 254),  -- normalised by the app
  name                  text NOT NULL DEFAULT '',
  password_hash         text,                               -- NULL once anonymised
  role                  text NOT NULL DEFAULT 'customer'
                        CHECK (role IN ('customer', 'support', 'inventory', 'admin')),
  state                 text NOT NULL DEFAULT 'active'
                        CHECK (state IN ('active', 'deactivated', 'pending_deletion', 'deleted')),
  email_verified_at     timestamptz,
  banned_at             timestamptz,                        -- banned is a flag, orthogonal to state
  ban_reason            text,
  failed_logins         integer NOT NULL DEFAULT 0 CHECK (failed_logins >= 0),  -- consecutive
  locked_until          timestamptz,
  deletion_requested_at timestamptz,
  deletion_due_at       timestamptz,                        -- when the anonymisation job may take it
  created_at            timestamptz NOT NULL DEFAULT now(),
  updated_at            timestamptz NOT NULL DEFAULT now(),
  deleted_at            timestamptz,
  CONSTRAINT users_pending_has_due_date CHECK (state <> 'pending_deletion' OR deletion_due_at IS NOT NULL),
  CONSTRAINT users_deleted_iff_state CHECK ((state = 'deleted') = (deleted_at IS NOT NULL))
);

-- One live account per address, whatever its case (John@x.org and john@x.org are one account);
-- an anonymised account no longer holds it. Registration inserts with ON CONFLICT on exactly this
-- expression and predicate, and every lookup compares lower(email) = lower($1) so it uses this index.
CREATE UNIQUE INDEX users_email_live ON users (lower(email)) WHERE deleted_at IS NULL;

-- The anonymisation job: due accounts only, a small index however many users there are.
CREATE INDEX users_deletion_due ON users (deletion_due_at) WHERE state = 'pending_deletion';

-- The purge job walks anonymised accounts in id order.
CREATE INDEX users_deleted ON users (id) WHERE deleted_at IS NOT NULL;

-- Admin search: case-insensitive substring (LIKE '%...%') of email or name.
CREATE INDEX users_email_trgm ON users USING gin (lower(email) gin_trgm_ops);
CREATE INDEX users_name_trgm ON users USING gin (lower(name) gin_trgm_ops);

-- A session is one login: the family of refresh tokens rotated from it. Access tokens carry its id
-- (sid); revoking it ends them at once through the revocation set of every instance (trigger below).
CREATE TABLE sessions (
  id                  uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id             bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  user_agent          text NOT NULL DEFAULT '',
  ip                  inet,
  created_at          timestamptz NOT NULL DEFAULT now(),
  last_used_at        timestamptz NOT NULL DEFAULT now(),
  idle_expires_at     timestamptz NOT NULL,
  absolute_expires_at timestamptz NOT NULL,
  revoked_at          timestamptz,
  revoked_reason      text  -- logout, logout_all, reuse_detected, password_reset, banned, ...
);
-- "My sessions" and "end every session of this user" look at live sessions only.
CREATE INDEX sessions_live_by_user ON sessions (user_id) WHERE revoked_at IS NULL;
-- The revocation set loads the sessions revoked within the access-token lifetime at start and after
-- every reconnect of its listener.
CREATE INDEX sessions_revoked_at ON sessions (revoked_at) WHERE revoked_at IS NOT NULL;

-- Every refresh token ever issued for a session (digest only). A rotated token stays, with
-- replaced_at set, so that presenting it again is recognised as reuse (theft) rather than unknown.
CREATE TABLE refresh_tokens (
  digest      text PRIMARY KEY,
  session_id  uuid NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
  generation  integer NOT NULL CHECK (generation >= 0),  -- 0 for the login's token, +1 per rotation
  created_at  timestamptz NOT NULL DEFAULT now(),
  replaced_at timestamptz
);
CREATE INDEX refresh_tokens_session ON refresh_tokens (session_id);

-- Single-use secrets sent by mail. superseded_at: a newer token of the same user and purpose was issued,
-- so this one stopped working (only the latest code or link is valid).
CREATE TABLE one_time_tokens (
  id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  user_id         bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  purpose         text NOT NULL CHECK (purpose IN ('verify_email', 'reset_password', 'change_email')),
  token_digest    text NOT NULL UNIQUE,  -- of the link token
  code_digest     text,                  -- of the 6-digit code, when there is one
  email           text NOT NULL,         -- where it was sent (the new address for change_email)
  failed_attempts integer NOT NULL DEFAULT 0 CHECK (failed_attempts >= 0),
  created_at      timestamptz NOT NULL DEFAULT now(),
  expires_at      timestamptz NOT NULL,
  used_at         timestamptz,
  superseded_at   timestamptz
);
-- The newest token of a user and purpose (active token, resend rate limit, superseding).
CREATE INDEX one_time_tokens_user_purpose ON one_time_tokens (user_id, purpose, created_at DESC);

-- Index for the audit log's "events about this user/session" (admin filter, GET /me/export).
CREATE INDEX audit_log_target ON audit_log (target_type, target_id, id);

-- Tell every instance that a session ended, so its revocation set rejects the session's access tokens
-- at once instead of when they expire. The payload is the session id. Fired per row: each revoked
-- session is its own notification (PostgreSQL folds only identical ones), delivered at commit, so a
-- rolled-back revocation tells nobody.
--  * UPDATE: only when revoked_at goes from NULL to a value (rotation and last-use updates stay silent).
--  * DELETE: the anonymisation job deletes sessions; with the row gone, a reload from the database
--    cannot see them any more, so the notification is the only signal and listeners keep the id for
--    the access-token lifetime. (Sessions of an account awaiting anonymisation were already revoked
--    when its deletion was requested, so a listener that misses this one loses little.)
CREATE FUNCTION sessions_notify_revoked() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('bookstore_revocations', OLD.id::text);
  RETURN NULL;
END
$$;

CREATE TRIGGER sessions_notify_revoked AFTER UPDATE OF revoked_at ON sessions
  FOR EACH ROW WHEN (OLD.revoked_at IS NULL AND NEW.revoked_at IS NOT NULL)
  EXECUTE FUNCTION sessions_notify_revoked();

CREATE TRIGGER sessions_notify_deleted AFTER DELETE ON sessions
  FOR EACH ROW EXECUTE FUNCTION sessions_notify_revoked();
