#pragma once
// What the identity use cases take and give besides the store records: who is calling (Principal),
// from where (RequestMeta), what login/refresh return (TokenPair), and the tunables (IdentityConfig).
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "app/ports/audit_log.hpp"
#include "app/ports/session_store.hpp"
#include "app/ports/user_store.hpp"
#include "domain/identity/account.hpp"

namespace bookstore::app {

// The caller of a request, from a verified access token that is not revoked.
struct Principal {
  std::int64_t user_id = 0;
  std::string session_id;
  domain::Role role = domain::Role::kCustomer;
};

// Where a request came from; copied into audit events and sessions.
struct RequestMeta {
  std::string ip;
  std::string user_agent;
  std::string request_id;
};

struct TokenPair {
  std::string access_token;
  std::string refresh_token;
  std::int64_t expires_in = 0;  // seconds until the access token expires
  std::string session_id;
  domain::AccountState account_state = domain::AccountState::kActive;  // kDeactivated: may reactivate
};

struct IdentityConfig {
  std::chrono::seconds access_ttl{15 * 60};
  std::chrono::seconds refresh_idle{30 * 24 * 3600};
  std::chrono::seconds refresh_absolute{90 * 24 * 3600};
  // A rotated refresh token presented again within this window (a client that lost the answer)
  // still works once; after it, reuse revokes the whole session.
  std::chrono::seconds refresh_reuse_grace{10};
  std::chrono::seconds verification_ttl{30 * 60};
  std::chrono::seconds reset_ttl{30 * 60};
  int max_code_attempts = 5;
  std::chrono::seconds resend_interval{60};
  std::chrono::seconds deletion_grace{30 * 24 * 3600};
  // Lockout: from the lockout_threshold-th consecutive failure the account is locked for
  // lockout_base * 2^(failures - threshold), at most lockout_max.
  int lockout_threshold = 5;
  std::chrono::seconds lockout_base{30};
  std::chrono::seconds lockout_max{15 * 60};
};

// PATCH /me: what the body held. Fields a user may never set on themselves are carried so that the use
// case can refuse them (403 with the fields named) rather than the HTTP layer silently dropping them.
struct ProfilePatch {
  std::optional<std::string> name;
  std::vector<std::string> protected_fields;  // e.g. "role", "state", "email_verified", "banned"
};

// PATCH /admin/users/{id}
struct AdminUserPatch {
  std::optional<domain::Role> role;
  std::optional<domain::AccountState> state;  // kActive or kDeactivated only
  std::optional<std::string> name;
};

// GET /me/export
struct AccountExport {
  UserRecord user;
  std::vector<SessionRecord> sessions;
  std::vector<AuditRecord> security_events;  // events whose target is this user
};

// GET /admin/users/{id}
struct UserDetail {
  UserRecord user;
  std::vector<SessionRecord> sessions;
};

}  // namespace bookstore::app
