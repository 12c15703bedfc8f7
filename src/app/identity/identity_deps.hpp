#pragma once
// The ports the identity use cases need, bundled so that constructors stay short.
#include "app/ports/access_tokens.hpp"
#include "app/ports/audit_log.hpp"
#include "app/ports/clock.hpp"
#include "app/ports/one_time_tokens.hpp"
#include "app/ports/password_hasher.hpp"
#include "app/ports/secrets.hpp"
#include "app/ports/session_store.hpp"
#include "app/ports/user_store.hpp"
#include "domain/identity/password_policy.hpp"

namespace bookstore::app {

struct IdentityDeps {
  UserStore& users;
  SessionStore& sessions;
  OneTimeTokenStore& tokens;
  AuditLog& audit;
  PasswordHasher& hasher;
  AccessTokens& access_tokens;
  const RevocationSet& revocations;
  Secrets& secrets;
  const Clock& clock;
  const domain::PasswordPolicy& password_policy;
};

}  // namespace bookstore::app
