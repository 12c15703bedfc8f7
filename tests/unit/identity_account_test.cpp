// AccountService over the in-memory fakes: profile, password and email changes, sessions, deactivation,
// deletion and the data export of the signed-in user.
#include <chrono>
#include <string>

#include <gtest/gtest.h>

#include "fakes/identity_fixture.hpp"

namespace {

using namespace bookstore;
using namespace std::chrono_literals;
using domain::AccountState;
using domain::ErrorCode;
using fakes::error_of;
using fakes::has_field;
using fakes::run;

class IdentityAccount : public fakes::IdentityFixture {
 protected:
  void SetUp() override {
    id = verified_user("me@example.com", kPassword, "Me");
    me = signed_in("me@example.com");
  }
  std::int64_t id = 0;
  app::Principal me;
};

TEST_F(IdentityAccount, MeReturnsTheAccountWithoutItsHash) {
  const app::UserRecord user = run(account.me(me));
  EXPECT_EQ(user.id, id);
  EXPECT_EQ(user.email, "me@example.com");
  EXPECT_FALSE(user.password_hash.has_value());
}

TEST_F(IdentityAccount, MeOfAVanishedAccountIsUnauthenticated) {
  world.users.must(id).state = AccountState::kDeleted;
  EXPECT_EQ(error_of([&] { run(account.me(me)); }).code(), ErrorCode::kUnauthenticated);
}

TEST_F(IdentityAccount, OwnersCannotSetProtectedFields) {
  app::ProfilePatch patch;
  patch.name = "Root";
  patch.protected_fields = {"role", "email_verified"};
  const domain::Error e = error_of([&] { run(account.update_profile(me, patch, meta())); });
  EXPECT_EQ(e.code(), ErrorCode::kForbidden);
  ASSERT_EQ(e.fields().size(), 2u);
  EXPECT_EQ(e.fields()[0].field, "role");
  EXPECT_EQ(e.fields()[0].message, "cannot be changed by the account owner");
  EXPECT_EQ(e.fields()[1].field, "email_verified");
  EXPECT_EQ(world.users.must(id).name, "Me");  // nothing changed, not even the allowed field
  EXPECT_EQ(world.users.must(id).role, domain::Role::kCustomer);
}

TEST_F(IdentityAccount, NameIsTrimmedAndChecked) {
  app::ProfilePatch patch;
  patch.name = "  New Name ";
  EXPECT_EQ(run(account.update_profile(me, patch, meta())).name, "New Name");
  EXPECT_TRUE(world.audit.has("profile.updated"));
  patch.name = std::string(101, 'x');
  EXPECT_TRUE(has_field(error_of([&] { run(account.update_profile(me, patch, meta())); }), "name"));
  patch.name = " \t ";
  EXPECT_TRUE(has_field(error_of([&] { run(account.update_profile(me, patch, meta())); }), "name"));
}

TEST_F(IdentityAccount, ChangePasswordChecksTheCurrentOneAndCanEndOtherSessions) {
  const app::TokenPair other = login("me@example.com");
  const domain::Error wrong = error_of(
      [&] { run(account.change_password(me, "not my password", "a new good secret", true, meta())); });
  EXPECT_EQ(wrong.code(), ErrorCode::kValidation);
  EXPECT_TRUE(has_field(wrong, "current_password"));
  EXPECT_EQ(world.users.must(id).failed_logins, 1);

  EXPECT_TRUE(
      has_field(error_of([&] { run(account.change_password(me, kPassword, "12345678", true, meta())); }),
                "new_password"));

  run(account.change_password(me, kPassword, "a new good secret", true, meta()));
  EXPECT_EQ(*world.users.must(id).password_hash, "argon2id-v1$a new good secret");
  EXPECT_NO_THROW(auth.authenticate(
      world.access_tokens.craft(std::to_string(id), me.session_id, "customer", world.clock.now())));
  EXPECT_EQ(error_of([&] { auth.authenticate(other.access_token); }).code(), ErrorCode::kUnauthenticated);
  EXPECT_NE(world.outbox.last("password_changed", "me@example.com"), nullptr);
  const auto changed = world.audit.events("password.changed");
  ASSERT_EQ(changed.size(), 1u);
  EXPECT_EQ(changed[0].details.at("ended_other_sessions"), "true");
}

TEST_F(IdentityAccount, ChangePasswordKeepsOtherSessionsWhenAsked) {
  const app::TokenPair other = login("me@example.com");
  run(account.change_password(me, kPassword, "a new good secret", false, meta()));
  EXPECT_NO_THROW(auth.authenticate(other.access_token));
}

TEST_F(IdentityAccount, WrongPasswordsOnAccountCallsCountTowardsTheLockout) {
  for (int i = 0; i < 5; ++i) {
    const domain::Error e = error_of([&] { run(account.deactivate(me, "not my password", meta())); });
    EXPECT_TRUE(has_field(e, "password"));
  }
  const domain::Error locked = error_of([&] { run(account.deactivate(me, kPassword, meta())); });
  EXPECT_EQ(locked.code(), ErrorCode::kRateLimited);
  EXPECT_EQ(locked.retry_after(), 30s);
  EXPECT_EQ(world.users.must(id).state, AccountState::kActive);
  const auto failed = world.audit.events("login.failed");
  ASSERT_EQ(failed.size(), 5u);
  EXPECT_EQ(failed[0].details.at("reason"), "wrong_password_confirmation");
  EXPECT_EQ(failed[0].actor_id, std::nullopt);
}

TEST_F(IdentityAccount, EmailChangeToATakenAddressSendsNothingButAnswersTheSame) {
  verified_user("other@example.com");
  const std::size_t mails = world.outbox.mails.size();
  const int issued = world.tokens.issue_calls;
  EXPECT_NO_THROW(run(account.request_email_change(me, kPassword, "OTHER@example.com", meta())));
  EXPECT_EQ(world.outbox.mails.size(), mails);
  EXPECT_EQ(world.tokens.issue_calls, issued);

  EXPECT_TRUE(has_field(error_of([&] { run(account.request_email_change(me, kPassword, "nope", meta())); }),
                        "new_email"));
  EXPECT_TRUE(has_field(
      error_of([&] { run(account.request_email_change(me, "not my password", "free@example.com", meta())); }),
      "password"));
  EXPECT_TRUE(
      has_field(error_of([&] { run(account.request_email_change(me, kPassword, "ME@example.com", meta())); }),
                "new_email"));
}

TEST_F(IdentityAccount, SessionsAreListedAndRevokedOnlyByTheirOwner) {
  const app::TokenPair second = login("me@example.com");
  const auto listed = run(account.sessions(me));
  ASSERT_EQ(listed.size(), 2u);
  EXPECT_EQ(listed[0].user_agent, "TestAgent/1.0");

  verified_user("stranger@example.com");
  const app::TokenPair theirs = login("stranger@example.com");
  const domain::Error foreign = error_of([&] { run(account.revoke_session(me, theirs.session_id, meta())); });
  EXPECT_EQ(foreign.code(), ErrorCode::kNotFound);
  EXPECT_NO_THROW(auth.authenticate(theirs.access_token));
  EXPECT_EQ(error_of([&] { run(account.revoke_session(me, "sess-404", meta())); }).code(),
            ErrorCode::kNotFound);

  run(account.revoke_session(me, second.session_id, meta()));
  EXPECT_EQ(error_of([&] { auth.authenticate(second.access_token); }).code(), ErrorCode::kUnauthenticated);
  EXPECT_EQ(run(account.sessions(me)).size(), 1u);
  // Revoking it again: it is no longer live.
  EXPECT_EQ(error_of([&] { run(account.revoke_session(me, second.session_id, meta())); }).code(),
            ErrorCode::kNotFound);
}

TEST_F(IdentityAccount, RevokeAllIncludesTheCurrentSession) {
  login("me@example.com");
  EXPECT_EQ(run(account.revoke_all_sessions(me, meta())), 2);
  EXPECT_TRUE(world.sessions.is_revoked(me.session_id));
  EXPECT_TRUE(world.audit.has("logout_all"));
}

TEST_F(IdentityAccount, DeactivateAndReactivate) {
  EXPECT_EQ(error_of([&] { run(account.reactivate(me, kPassword, meta())); }).code(), ErrorCode::kConflict);

  run(account.deactivate(me, kPassword, meta()));
  EXPECT_EQ(world.users.must(id).state, AccountState::kDeactivated);
  EXPECT_TRUE(world.sessions.is_revoked(me.session_id));
  EXPECT_NE(world.outbox.last("account_deactivated", "me@example.com"), nullptr);
  EXPECT_TRUE(world.audit.has("account.deactivated"));

  // Log in again (allowed, flagged) and confirm.
  const app::TokenPair pair = login("me@example.com");
  EXPECT_EQ(pair.account_state, AccountState::kDeactivated);
  const app::Principal again = principal(pair);
  EXPECT_EQ(error_of([&] { run(account.deactivate(again, kPassword, meta())); }).code(),
            ErrorCode::kConflict);
  EXPECT_EQ(error_of([&] { run(account.request_deletion(again, kPassword, meta())); }).code(),
            ErrorCode::kConflict);
  EXPECT_TRUE(
      has_field(error_of([&] { run(account.reactivate(again, "not my password", meta())); }), "password"));
  run(account.reactivate(again, kPassword, meta()));
  EXPECT_EQ(world.users.must(id).state, AccountState::kActive);
  EXPECT_NO_THROW(auth.authenticate(pair.access_token));  // reactivation keeps the session it was done from
}

TEST_F(IdentityAccount, DeletionIsScheduledAndCanBeCancelled) {
  EXPECT_EQ(error_of([&] { run(account.cancel_deletion(me, kPassword, meta())); }).code(),
            ErrorCode::kConflict);
  EXPECT_TRUE(
      has_field(error_of([&] { run(account.request_deletion(me, "not my password", meta())); }), "password"));

  const app::TimePoint due = run(account.request_deletion(me, kPassword, meta()));
  EXPECT_EQ(due, world.clock.now() + 30 * 24h);
  const app::UserRecord& user = world.users.must(id);
  EXPECT_EQ(user.state, AccountState::kPendingDeletion);
  EXPECT_EQ(user.deletion_due_at, world.clock.now() + 30 * 24h);
  EXPECT_TRUE(world.sessions.is_revoked(me.session_id));
  const app::OutgoingMail* mail = world.outbox.last("deletion_scheduled", "me@example.com");
  ASSERT_NE(mail, nullptr);
  EXPECT_EQ(mail->vars.at("due_date"), "2025-02-14");  // the fake clock starts on 2025-01-15
  EXPECT_TRUE(world.audit.has("account.deletion_requested"));

  EXPECT_EQ(error_of([&] { run(account.request_deletion(me, kPassword, meta())); }).code(),
            ErrorCode::kConflict);
  run(account.cancel_deletion(me, kPassword, meta()));
  EXPECT_EQ(world.users.must(id).state, AccountState::kActive);
  EXPECT_FALSE(world.users.must(id).deletion_due_at.has_value());
  EXPECT_NE(world.outbox.last("deletion_cancelled", "me@example.com"), nullptr);
}

TEST_F(IdentityAccount, ExportHoldsTheAccountItsSessionsAndItsSecurityEvents) {
  const app::AccountExport out = run(account.export_data(me));
  EXPECT_EQ(out.user.id, id);
  EXPECT_FALSE(out.user.password_hash.has_value());
  ASSERT_EQ(out.sessions.size(), 1u);
  EXPECT_EQ(out.sessions[0].id, me.session_id);
  ASSERT_FALSE(out.security_events.empty());
  EXPECT_EQ(out.security_events.front().event.action, "login.succeeded");  // newest first
  for (const auto& record : out.security_events) {
    EXPECT_EQ(record.event.target_type, "user");
    EXPECT_EQ(record.event.target_id, std::to_string(id));
  }
}

}  // namespace
