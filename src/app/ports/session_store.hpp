#pragma once
// Sessions are refresh-token families: one per login. Each refresh rotates the token; the old one is
// kept (digest only) to detect reuse. Revoking a session notifies every instance (revocation set).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "app/ports/audit_log.hpp"
#include "app/ports/clock.hpp"
#include "app/task.hpp"

namespace bookstore::app {

struct SessionRecord {
  std::string id;  // uuid; the access token's sid
  std::int64_t user_id = 0;
  std::string user_agent;
  std::string ip;
  TimePoint created_at{};
  TimePoint last_used_at{};
  TimePoint idle_expires_at{};      // last use + 30 days
  TimePoint absolute_expires_at{};  // creation + 90 days
  std::optional<TimePoint> revoked_at;
  std::string revoked_reason;  // logout, logout_all, reuse_detected, password_reset, admin, ...
};

struct NewSession {
  std::int64_t user_id = 0;
  std::string refresh_digest;
  std::string user_agent;  // truncated to 256 bytes by the use case
  std::string ip;
  TimePoint idle_expires_at{};
  TimePoint absolute_expires_at{};
};

// A presented refresh token, found by digest.
struct RefreshTokenRecord {
  std::string session_id;
  int generation = 0;                    // 0 for the login's token, +1 per rotation
  std::optional<TimePoint> replaced_at;  // set once rotated: presenting it again is reuse
  SessionRecord session;
};

class SessionStore {
 public:
  virtual ~SessionStore() = default;
  // Returns the new session's id.
  virtual Task<std::string> create(NewSession session, Effects effects) = 0;
  virtual Task<std::optional<RefreshTokenRecord>> find_refresh(std::string refresh_digest) = 0;
  // Rotation as compare-and-set: marks old_digest replaced (only if it is not yet, or, with
  // allow_replaced, also when it was replaced within the grace window: then every other live token of
  // the session is marked replaced too), inserts new_digest with generation + 1, updates last_used_at
  // and idle_expires_at. False when another request rotated it first (the caller treats that as reuse).
  virtual Task<bool> rotate(std::string session_id, std::string old_digest, std::string new_digest,
                            bool allow_replaced, TimePoint idle_expires_at) = 0;
  virtual Task<std::optional<SessionRecord>> find(std::string session_id) = 0;
  // Live (not revoked, not expired at `now`) sessions of a user, newest first.
  virtual Task<std::vector<SessionRecord>> list_active(std::int64_t user_id, TimePoint now) = 0;
  // Revokes and notifies; false when it was not live. user_id guards ownership (404 for others').
  virtual Task<bool> revoke(std::string session_id, std::int64_t user_id, std::string reason,
                            Effects effects) = 0;
  // Every live session of the user, optionally but one; returns how many.
  virtual Task<int> revoke_all(std::int64_t user_id, std::optional<std::string> except_session_id,
                               std::string reason, Effects effects) = 0;
};

// The in-memory set of revoked session ids that the auth middleware consults on every request without
// a database round-trip. Fed at start and after a reconnect from the database (sessions revoked within
// the access-token lifetime) and by LISTEN/NOTIFY while running.
class RevocationSet {
 public:
  virtual ~RevocationSet() = default;
  virtual bool is_revoked(std::string_view session_id) const = 0;
};

}  // namespace bookstore::app
