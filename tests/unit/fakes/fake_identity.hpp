#pragma once
// Every port of the identity use cases, faked in memory and wired together, with a small common-password
// list and the default IdentityConfig. Tests build services over deps() and read what happened from the
// outbox, the audit log and the stores.
#include <unordered_set>

#include "app/identity/identity_deps.hpp"
#include "app/identity/identity_types.hpp"
#include "domain/identity/password_policy.hpp"
#include "fake_audit_log.hpp"
#include "fake_clock.hpp"
#include "fake_crypto.hpp"
#include "fake_one_time_token_store.hpp"
#include "fake_run.hpp"
#include "fake_session_store.hpp"
#include "fake_user_store.hpp"

namespace bookstore::fakes {

struct FakeIdentity {
  FakeIdentity() {
    users.insert_token = [this](app::NewOneTimeToken token) { tokens.insert(std::move(token)); };
  }
  FakeIdentity(const FakeIdentity&) = delete;
  FakeIdentity& operator=(const FakeIdentity&) = delete;

  app::IdentityDeps deps() {
    return app::IdentityDeps{users,         sessions,    tokens,  audit, hasher,
                             access_tokens, revocations, secrets, clock, policy};
  }

  FakeClock clock;
  FakeAuditLog audit{clock};
  FakeOutbox outbox;
  FakeSessionStore sessions{clock, FakeSink{audit, outbox}};
  FakeUserStore users{clock, FakeSink{audit, outbox}, sessions};
  FakeOneTimeTokenStore tokens{clock, FakeSink{audit, outbox}, users, sessions};
  FakeRevocationSet revocations{sessions};
  FakeHasher hasher;
  FakeAccessTokens access_tokens;
  FakeSecrets secrets;
  domain::PasswordPolicy policy{
      std::unordered_set<std::string>{"password", "12345678", "qwertyuiop", "letmein1"}};
  app::IdentityConfig config;
};

}  // namespace bookstore::fakes
