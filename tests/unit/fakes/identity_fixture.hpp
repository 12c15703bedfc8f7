#pragma once
// A GoogleTest fixture with the three identity services over FakeIdentity, and the steps most tests
// start from (a verified account, a login, the principal of a token pair).
#include <functional>
#include <string>

#include <gtest/gtest.h>

#include "app/identity/account_service.hpp"
#include "app/identity/admin_users.hpp"
#include "app/identity/auth_service.hpp"
#include "domain/error.hpp"
#include "fake_identity.hpp"

namespace bookstore::fakes {

// The error a call throws (fails the test when it throws none or something else).
inline domain::Error error_of(const std::function<void()>& call) {
  try {
    call();
  } catch (const domain::Error& e) {
    return e;
  }
  ADD_FAILURE() << "expected a domain::Error";
  return domain::Error(domain::ErrorCode::kBadRequest, "no error was thrown");
}

inline bool has_field(const domain::Error& e, std::string_view field) {
  for (const auto& f : e.fields()) {
    if (f.field == field) return true;
  }
  return false;
}

class IdentityFixture : public ::testing::Test {
 protected:
  static constexpr const char* kPassword = "correct horse battery";

  app::RequestMeta meta(std::string request_id = "req-1") const {
    return app::RequestMeta{"203.0.113.7", "TestAgent/1.0", std::move(request_id)};
  }

  // Registers and verifies by code; returns the new user's id.
  std::int64_t verified_user(const std::string& email, const std::string& password = kPassword,
                             const std::string& name = "Test User") {
    run(auth.register_account(email, password, name, meta()));
    const app::OutgoingMail* mail = world.outbox.last("verify_email", email);
    EXPECT_NE(mail, nullptr);
    if (mail) run(auth.verify_email_code(email, mail->vars.at("code"), meta()));
    const app::UserRecord* user = world.users.live_by_email(email);
    EXPECT_NE(user, nullptr);
    return user ? user->id : 0;
  }

  std::int64_t user_with_role(const std::string& email, domain::Role role) {
    const std::int64_t id = verified_user(email);
    world.users.must(id).role = role;
    return id;
  }

  app::TokenPair login(const std::string& email, const std::string& password = kPassword) {
    return run(auth.login(email, password, meta()));
  }

  app::Principal principal(const app::TokenPair& pair) const { return auth.authenticate(pair.access_token); }

  app::Principal signed_in(const std::string& email, const std::string& password = kPassword) {
    return principal(login(email, password));
  }

  FakeIdentity world;
  app::AuthService auth{world.deps(), world.config};
  app::AccountService account{world.deps(), world.config};
  app::AdminUsers admin{world.deps(), world.config};
};

}  // namespace bookstore::fakes
