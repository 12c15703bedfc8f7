#pragma once
// app::SessionStore over the sessions and refresh_tokens tables (migrations/0003_identity.sql).
// Revocations notify every instance through the sessions trigger (channel "bookstore_revocations").
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "adapters/identity/effects_writer.hpp"
#include "adapters/pg/pool.hpp"
#include "app/ports/session_store.hpp"

namespace bookstore::identity {

class PgSessionStore final : public app::SessionStore {
 public:
  // `pool` must outlive the store; `outbox` sends the mails of Effects.
  PgSessionStore(pg::Pool& pool, MailOutbox outbox);

  // Audit events of `effects` with target_type "session" and an empty target_id get the new id.
  Task<std::string> create(app::NewSession session, app::Effects effects) override;
  Task<std::optional<app::RefreshTokenRecord>> find_refresh(std::string refresh_digest) override;
  // Serialised per session by a row lock on the session: of two concurrent rotations of one token,
  // exactly one wins. False as well when the session is revoked or unknown.
  Task<bool> rotate(std::string session_id, std::string old_digest, std::string new_digest,
                    bool allow_replaced, app::TimePoint idle_expires_at) override;
  Task<std::optional<app::SessionRecord>> find(std::string session_id) override;
  Task<std::vector<app::SessionRecord>> list_active(std::int64_t user_id, app::TimePoint now) override;
  // Effects are written only when the session was revoked by this call.
  Task<bool> revoke(std::string session_id, std::int64_t user_id, std::string reason,
                    app::Effects effects) override;
  // Effects are written whatever the count.
  Task<int> revoke_all(std::int64_t user_id, std::optional<std::string> except_session_id, std::string reason,
                       app::Effects effects) override;

 private:
  pg::Pool& pool_;
  MailOutbox outbox_;
};

// Revokes the live sessions of a user in the caller's transaction, all or all but `except_session_id`;
// returns how many. Used by the user and token stores for password, state, role and ban changes.
Task<int> end_user_sessions(pg::Connection& tx, std::int64_t user_id,
                            std::optional<std::string> except_session_id, std::string reason);

}  // namespace bookstore::identity
