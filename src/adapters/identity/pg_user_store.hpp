#pragma once
// app::UserStore over the users table (migrations/0003_identity.sql). Reads and mutations see live
// accounts only (deleted_at IS NULL); a mutation of an unknown or deleted account throws
// domain::Error(kNotFound) and writes nothing. Each mutation and its Effects share one transaction.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "adapters/identity/effects_writer.hpp"
#include "adapters/pg/pool.hpp"
#include "app/ports/one_time_tokens.hpp"
#include "app/ports/user_store.hpp"

namespace bookstore::identity {

class PgUserStore final : public app::UserStore {
 public:
  // `pool` must outlive the store; `outbox` sends the mails of Effects.
  PgUserStore(pg::Pool& pool, MailOutbox outbox);

  Task<std::optional<app::UserRecord>> find_by_id(std::int64_t id) override;
  Task<std::optional<app::UserRecord>> find_by_email(std::string email) override;
  // Ascending id after query.after_id; limit clamped to 1..200. search: case-insensitive substring of
  // email or name (LIKE wildcards in it are taken literally), served by the trigram indexes.
  Task<std::vector<app::UserRecord>> list(app::UserQuery query) override;

  Task<app::RegisterOutcome> create(app::NewUser user, app::NewOneTimeToken verification,
                                    app::Effects if_created, app::Effects if_taken) override;
  // Audit events with target_type "user" and an empty target_id get the new id, as in create().
  Task<std::int64_t> create_verified(app::NewUser user, app::Effects effects) override;

  Task<int> add_failed_login(std::int64_t id, app::Effects effects) override;
  Task<void> set_locked_until(std::int64_t id, app::TimePoint until) override;
  Task<void> record_login(std::int64_t id, std::optional<std::string> new_password_hash,
                          app::Effects effects) override;

  Task<void> update_name(std::int64_t id, std::string name, app::Effects effects) override;
  // Ended sessions get revoked_reason "password_changed".
  Task<void> set_password(std::int64_t id, std::string password_hash, app::EndSessions end,
                          std::optional<std::string> keep_session_id, app::Effects effects) override;
  // kDeleted is refused (std::invalid_argument): only anonymise_due() deletes. kPendingDeletion needs a
  // deletion_due_at (std::invalid_argument otherwise). Ended sessions get revoked_reason "deactivated",
  // "deletion_requested" or "state_changed".
  Task<void> set_state(std::int64_t id, domain::AccountState state,
                       std::optional<app::TimePoint> deletion_due_at, bool end_sessions,
                       app::Effects effects) override;
  // Ended sessions get revoked_reason "role_changed".
  Task<void> set_role(std::int64_t id, domain::Role role, bool end_sessions, app::Effects effects) override;
  // Ban: banned_at (kept if already banned), ban_reason = the "reason" detail of the first audit event
  // that has one (the port carries no reason of its own), and every session ends ("banned"). Unban
  // clears both.
  Task<void> set_banned(std::int64_t id, bool banned, app::Effects effects) override;
  // kConflict when another live account has the address; email_verified_at is left as it is.
  Task<void> set_email(std::int64_t id, std::string new_email, app::Effects effects) override;

  // Each account in one statement (its own transaction): email "deleted-<id>@deleted.invalid", name
  // "Deleted user", no password hash, state deleted, deleted_at now, ban/lock/verification cleared;
  // its sessions (their refresh tokens cascade; the trigger notifies the revocation sets) and one-time
  // tokens deleted; an "account.anonymised" audit row with no actor. An account whose deletion was
  // cancelled meanwhile is skipped.
  Task<int> anonymise_due(app::TimePoint now, int limit) override;
  // Deletes anonymised rows one by one; a row still referenced by a table that keeps data for the legal
  // retention period (a foreign key without ON DELETE CASCADE, e.g. orders) is skipped and stays until
  // the referencing rows are purged. Such tables should also be excluded up front in kPurgeCandidates
  // (NOT EXISTS), so skipped rows do not have to be tried on every run.
  Task<int> purge_anonymised(app::TimePoint cutoff, int limit) override;

 private:
  pg::Pool& pool_;
  MailOutbox outbox_;
};

}  // namespace bookstore::identity
