// AuthService over the in-memory fakes: registration, email verification, login and lockout, refresh
// rotation and reuse detection, logout, password reset and authenticate().
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

class IdentityAuth : public fakes::IdentityFixture {};

// ---- the whole life of an account ----

TEST_F(IdentityAuth, WholeLifeFromRegistrationToReuseDetection) {
  run(auth.register_account("  Reader@Example.COM ", kPassword, " Reader ", meta()));
  const app::OutgoingMail* mail = world.outbox.last("verify_email");
  ASSERT_NE(mail, nullptr);
  EXPECT_EQ(mail->to, "Reader@example.com");
  EXPECT_EQ(mail->to_name, "Reader");
  EXPECT_EQ(mail->vars.at("name"), "Reader");
  ASSERT_EQ(mail->vars.at("code").size(), 6u);
  // Only digests are stored.
  const auto& stored = world.tokens.stored().back();
  EXPECT_EQ(stored.token_digest, world.secrets.digest(mail->vars.at("token")));
  EXPECT_EQ(stored.token.code_digest, world.secrets.digest(mail->vars.at("code")));
  EXPECT_TRUE(world.audit.has("account.registered"));
  EXPECT_EQ(world.audit.events("account.registered")[0].target_id, "1");

  run(auth.verify_email_code("reader@example.com", mail->vars.at("code"), meta()));
  const app::UserRecord* user = world.users.live_by_email("reader@example.com");
  ASSERT_NE(user, nullptr);
  EXPECT_TRUE(user->email_verified_at.has_value());

  const app::TokenPair first = login("READER@example.com");
  EXPECT_EQ(first.expires_in, 900);
  EXPECT_EQ(first.account_state, AccountState::kActive);
  const app::Principal who = auth.authenticate(first.access_token);
  EXPECT_EQ(who.user_id, user->id);
  EXPECT_EQ(who.session_id, first.session_id);
  EXPECT_EQ(who.role, domain::Role::kCustomer);

  world.clock.advance(5min);
  const app::TokenPair second = run(auth.refresh(first.refresh_token, meta()));
  EXPECT_NE(second.refresh_token, first.refresh_token);
  EXPECT_EQ(second.session_id, first.session_id);
  EXPECT_FALSE(world.sessions.last_allow_replaced);

  // The client lost the answer and presents the old token again within the grace window: it works once.
  world.clock.advance(3s);
  const app::TokenPair replay = run(auth.refresh(first.refresh_token, meta()));
  EXPECT_TRUE(world.sessions.last_allow_replaced);
  EXPECT_EQ(replay.session_id, first.session_id);

  // Long after, the old token shows up again: stolen. The whole session goes.
  world.clock.advance(1min);
  const domain::Error reused = error_of([&] { run(auth.refresh(first.refresh_token, meta())); });
  EXPECT_EQ(reused.code(), ErrorCode::kUnauthenticated);
  EXPECT_TRUE(world.audit.has("refresh.reused"));
  EXPECT_EQ(world.sessions.session(first.session_id).revoked_reason, "reuse_detected");
  // Every token of the family is dead, and the access token is refused at once.
  EXPECT_EQ(error_of([&] { run(auth.refresh(replay.refresh_token, meta())); }).code(),
            ErrorCode::kUnauthenticated);
  EXPECT_EQ(error_of([&] { auth.authenticate(replay.access_token); }).code(), ErrorCode::kUnauthenticated);
}

// ---- registration ----

TEST_F(IdentityAuth, RegistrationRefusesBadFieldsTogetherWithoutHashing) {
  const domain::Error e =
      error_of([&] { run(auth.register_account("not-an-email", "short", "  ", meta())); });
  EXPECT_EQ(e.code(), ErrorCode::kValidation);
  EXPECT_TRUE(has_field(e, "email"));
  EXPECT_TRUE(has_field(e, "name"));
  EXPECT_TRUE(has_field(e, "password"));
  EXPECT_EQ(world.hasher.total_calls(), 0);
  EXPECT_EQ(world.users.size(), 0u);
  EXPECT_TRUE(world.outbox.mails.empty());
}

TEST_F(IdentityAuth, RegistrationRefusesAPasswordEqualToTheEmailOrCommon) {
  const domain::Error same =
      error_of([&] { run(auth.register_account("ada@example.com", "ADA@example.com", "Ada", meta())); });
  EXPECT_TRUE(has_field(same, "password"));
  const domain::Error common =
      error_of([&] { run(auth.register_account("ada@example.com", "LetMeIn1", "Ada", meta())); });
  EXPECT_TRUE(has_field(common, "password"));
}

TEST_F(IdentityAuth, RegistrationWithATakenEmailAnswersTheSameAndTellsTheOwner) {
  verified_user("taken@example.com");
  const int hashes_before = world.hasher.hash_calls;
  const std::size_t users_before = world.users.size();
  const std::size_t verify_mails = world.outbox.with_template("verify_email").size();

  EXPECT_NO_THROW(
      run(auth.register_account("TAKEN@example.com", "another good password", "Mallory", meta())));
  EXPECT_EQ(world.hasher.hash_calls, hashes_before + 1);  // hashed all the same: similar timing
  EXPECT_EQ(world.users.size(), users_before);
  EXPECT_EQ(world.outbox.with_template("verify_email").size(), verify_mails);
  const app::OutgoingMail* notice = world.outbox.last("account_exists");
  ASSERT_NE(notice, nullptr);
  EXPECT_EQ(notice->to, "TAKEN@example.com");
  EXPECT_EQ(notice->vars.count("name"), 0u);  // the registrant's text is not put in the owner's mail
  EXPECT_EQ(world.audit.events("account.registered").size(), 1u);
}

// ---- email verification ----

TEST_F(IdentityAuth, VerificationByLinkTokenIsSingleUse) {
  run(auth.register_account("link@example.com", kPassword, "Link", meta()));
  const std::string token = world.outbox.last("verify_email")->vars.at("token");
  run(auth.verify_email_token(token, meta()));
  EXPECT_TRUE(world.users.live_by_email("link@example.com")->email_verified_at.has_value());
  EXPECT_TRUE(world.audit.has("email.verified"));
  const domain::Error again = error_of([&] { run(auth.verify_email_token(token, meta())); });
  EXPECT_EQ(again.code(), ErrorCode::kValidation);
  EXPECT_TRUE(has_field(again, "token"));
  EXPECT_TRUE(has_field(error_of([&] { run(auth.verify_email_token("rt-999", meta())); }), "token"));
}

TEST_F(IdentityAuth, FiveWrongCodesBurnTheCode) {
  world.secrets.next_codes = {"123456"};
  run(auth.register_account("burn@example.com", kPassword, "Burn", meta()));
  for (int i = 0; i < 5; ++i) {
    const domain::Error e =
        error_of([&] { run(auth.verify_email_code("burn@example.com", "654321", meta())); });
    EXPECT_EQ(e.code(), ErrorCode::kValidation);
    EXPECT_TRUE(has_field(e, "code"));
  }
  EXPECT_EQ(world.tokens.add_failed_attempt_calls, 5);
  // The right code no longer works, and no more attempts are counted on a dead code.
  const domain::Error dead =
      error_of([&] { run(auth.verify_email_code("burn@example.com", "123456", meta())); });
  EXPECT_TRUE(has_field(dead, "code"));
  EXPECT_EQ(world.tokens.add_failed_attempt_calls, 5);
  EXPECT_FALSE(world.users.live_by_email("burn@example.com")->email_verified_at.has_value());
}

TEST_F(IdentityAuth, FourWrongCodesStillLeaveTheRightOneWorking) {
  world.secrets.next_codes = {"123456"};
  run(auth.register_account("four@example.com", kPassword, "Four", meta()));
  for (int i = 0; i < 4; ++i) {
    EXPECT_ANY_THROW(run(auth.verify_email_code("four@example.com", "000000", meta())));
  }
  run(auth.verify_email_code("four@example.com", "123456", meta()));
  EXPECT_TRUE(world.users.live_by_email("four@example.com")->email_verified_at.has_value());
}

TEST_F(IdentityAuth, UnknownEmailMalformedAndExpiredCodesAllGiveTheSameError) {
  world.secrets.next_codes = {"222222"};
  run(auth.register_account("same@example.com", kPassword, "Same", meta()));
  const domain::Error wrong =
      error_of([&] { run(auth.verify_email_code("same@example.com", "111111", meta())); });
  const domain::Error unknown =
      error_of([&] { run(auth.verify_email_code("nobody@example.com", "222222", meta())); });
  const domain::Error malformed =
      error_of([&] { run(auth.verify_email_code("same@example.com", "22222x", meta())); });
  world.clock.advance(31min);
  const domain::Error expired =
      error_of([&] { run(auth.verify_email_code("same@example.com", "222222", meta())); });
  for (const domain::Error* e : {&unknown, &malformed, &expired}) {
    EXPECT_EQ(e->code(), wrong.code());
    EXPECT_EQ(std::string(e->what()), std::string(wrong.what()));
    EXPECT_EQ(e->fields(), wrong.fields());
  }
  EXPECT_EQ(wrong.fields()[0].message, "invalid or expired code");
}

TEST_F(IdentityAuth, ResendIsRateLimitedAndReplacesTheCode) {
  run(auth.register_account("resend@example.com", kPassword, "Resend", meta()));
  const std::string first_code = world.outbox.last("verify_email")->vars.at("code");
  const std::size_t mails = world.outbox.mails.size();

  run(auth.resend_verification("resend@example.com", meta()));  // too soon
  EXPECT_EQ(world.outbox.mails.size(), mails);
  world.clock.advance(61s);
  run(auth.resend_verification("Resend@EXAMPLE.com", meta()));
  ASSERT_EQ(world.outbox.mails.size(), mails + 1);
  const std::string second_code = world.outbox.last("verify_email")->vars.at("code");
  EXPECT_NE(second_code, first_code);
  EXPECT_ANY_THROW(run(auth.verify_email_code("resend@example.com", first_code, meta())));
  run(auth.verify_email_code("resend@example.com", second_code, meta()));

  // Verified, unknown or invalid addresses: nothing is sent and nothing is thrown.
  world.clock.advance(61s);
  EXPECT_NO_THROW(run(auth.resend_verification("resend@example.com", meta())));
  EXPECT_NO_THROW(run(auth.resend_verification("nobody@example.com", meta())));
  EXPECT_NO_THROW(run(auth.resend_verification("@@", meta())));
  EXPECT_EQ(world.outbox.with_template("verify_email").size(), 2u);
}

TEST_F(IdentityAuth, ChangeOfEmailIsConfirmedByLinkOrByCodeAndTellsTheOldAddress) {
  const std::int64_t id = verified_user("old@example.com");
  const app::Principal me = signed_in("old@example.com");
  run(account.request_email_change(me, kPassword, "New@Example.com", meta()));
  const app::OutgoingMail* verify = world.outbox.last("email_change_verify");
  ASSERT_NE(verify, nullptr);
  EXPECT_EQ(verify->to, "New@example.com");
  EXPECT_EQ(world.users.must(id).email, "old@example.com");  // not before it is confirmed

  run(auth.verify_email_token(verify->vars.at("token"), meta()));
  EXPECT_EQ(world.users.must(id).email, "New@example.com");
  const app::OutgoingMail* notice = world.outbox.last("email_changed_notice");
  ASSERT_NE(notice, nullptr);
  EXPECT_EQ(notice->to, "old@example.com");
  EXPECT_EQ(notice->vars.at("new_email"), "New@example.com");
  const auto changed = world.audit.events("email.changed");
  ASSERT_EQ(changed.size(), 1u);
  EXPECT_EQ(changed[0].details.at("to"), "N***@example.com");

  // By code: typed with the account's current address.
  run(account.request_email_change(me, kPassword, "third@example.com", meta()));
  const std::string code = world.outbox.last("email_change_verify")->vars.at("code");
  run(auth.verify_email_code("new@example.com", code, meta()));
  EXPECT_EQ(world.users.must(id).email, "third@example.com");
}

// ---- login ----

TEST_F(IdentityAuth, UnknownEmailAndWrongPasswordLookAlike) {
  verified_user("known@example.com");
  const int checks_before = world.hasher.check_calls();
  const domain::Error unknown = error_of([&] { run(auth.login("unknown@example.com", kPassword, meta())); });
  EXPECT_EQ(world.hasher.check_calls(), checks_before + 1);
  EXPECT_EQ(world.hasher.dummy_calls, 1);
  const domain::Error wrong =
      error_of([&] { run(auth.login("known@example.com", "wrong password!", meta())); });
  EXPECT_EQ(world.hasher.check_calls(), checks_before + 2);

  EXPECT_EQ(unknown.code(), ErrorCode::kUnauthenticated);
  EXPECT_EQ(wrong.code(), unknown.code());
  EXPECT_EQ(std::string(wrong.what()), std::string(unknown.what()));
  EXPECT_EQ(std::string(wrong.what()), "invalid email or password");
  EXPECT_EQ(wrong.fields(), unknown.fields());
  EXPECT_EQ(wrong.retry_after(), unknown.retry_after());

  const auto failed = world.audit.events("login.failed");
  ASSERT_EQ(failed.size(), 2u);
  EXPECT_EQ(failed[0].details.at("reason"), "unknown_email");
  EXPECT_EQ(failed[0].details.at("email"), "u***@example.com");
  EXPECT_EQ(failed[0].ip, "203.0.113.7");
  EXPECT_EQ(failed[0].request_id, "req-1");
  EXPECT_EQ(failed[1].details.at("reason"), "wrong_password");
  for (const auto& record : world.audit.records()) {
    for (const auto& [key, value] : record.event.details) {
      EXPECT_EQ(value.find(kPassword), std::string::npos) << record.event.action << " " << key;
      EXPECT_EQ(value.find("wrong password!"), std::string::npos) << record.event.action << " " << key;
    }
  }
}

TEST_F(IdentityAuth, LockoutAfterTheThresholdAnswers429WithRetryAfter) {
  const std::int64_t id = verified_user("lock@example.com");
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(error_of([&] { run(auth.login("lock@example.com", "wrong password!", meta())); }).code(),
              ErrorCode::kUnauthenticated);
  }
  EXPECT_EQ(world.users.must(id).failed_logins, 5);
  ASSERT_TRUE(world.users.must(id).locked_until.has_value());
  EXPECT_TRUE(world.audit.has("account.locked"));

  // Locked: even the right password is not checked.
  world.clock.advance(10s);
  const int checks = world.hasher.check_calls();
  const domain::Error locked = error_of([&] { run(auth.login("lock@example.com", kPassword, meta())); });
  EXPECT_EQ(locked.code(), ErrorCode::kRateLimited);
  EXPECT_EQ(locked.retry_after(), 20s);
  EXPECT_EQ(world.hasher.check_calls(), checks);
  EXPECT_TRUE(world.audit.has("login.locked"));

  // After the lock, one more failure locks for twice as long.
  world.clock.advance(21s);
  EXPECT_ANY_THROW(run(auth.login("lock@example.com", "wrong password!", meta())));
  const domain::Error longer = error_of([&] { run(auth.login("lock@example.com", kPassword, meta())); });
  EXPECT_EQ(longer.retry_after(), 60s);

  // Once it ends, the right password works and the count starts again.
  world.clock.advance(61s);
  login("lock@example.com");
  EXPECT_EQ(world.users.must(id).failed_logins, 0);
  EXPECT_FALSE(world.users.must(id).locked_until.has_value());
}

TEST_F(IdentityAuth, BannedAccountsAreRefusedOnlyWithTheRightPassword) {
  const std::int64_t id = verified_user("banned@example.com");
  world.users.must(id).banned_at = world.clock.now();
  EXPECT_EQ(error_of([&] { run(auth.login("banned@example.com", "wrong password!", meta())); }).code(),
            ErrorCode::kUnauthenticated);
  const domain::Error e = error_of([&] { run(auth.login("banned@example.com", kPassword, meta())); });
  EXPECT_EQ(e.code(), ErrorCode::kForbidden);
  EXPECT_EQ(std::string(e.what()), "account suspended");
  EXPECT_EQ(world.sessions.size(), 0u);
}

TEST_F(IdentityAuth, LoginCancelsAPendingDeletion) {
  const std::int64_t id = verified_user("pending@example.com");
  world.users.must(id).state = AccountState::kPendingDeletion;
  world.users.must(id).deletion_due_at = world.clock.now() + 24h;
  const app::TokenPair pair = login("pending@example.com");
  EXPECT_EQ(pair.account_state, AccountState::kActive);
  EXPECT_EQ(world.users.must(id).state, AccountState::kActive);
  EXPECT_FALSE(world.users.must(id).deletion_due_at.has_value());
  ASSERT_NE(world.outbox.last("deletion_cancelled", "pending@example.com"), nullptr);
  EXPECT_TRUE(world.audit.has("account.deletion_cancelled"));
}

TEST_F(IdentityAuth, DeactivatedAccountsMayLogInAndAreToldSo) {
  const std::int64_t id = verified_user("asleep@example.com");
  world.users.must(id).state = AccountState::kDeactivated;
  const app::TokenPair pair = login("asleep@example.com");
  EXPECT_EQ(pair.account_state, AccountState::kDeactivated);
  EXPECT_EQ(world.users.must(id).state, AccountState::kDeactivated);
}

TEST_F(IdentityAuth, LoginRehashesWhenTheParametersChanged) {
  const std::int64_t id = verified_user("rehash@example.com");
  world.hasher.params = "argon2id-v2";
  const int hashes = world.hasher.hash_calls;
  login("rehash@example.com");
  EXPECT_EQ(world.hasher.hash_calls, hashes + 1);
  EXPECT_EQ(*world.users.must(id).password_hash, std::string("argon2id-v2$") + kPassword);
  login("rehash@example.com");  // now current: no second rehash
  EXPECT_EQ(world.hasher.hash_calls, hashes + 1);
}

TEST_F(IdentityAuth, LoginCreatesASessionWithTheRequestAndSignsTheClaims) {
  const std::int64_t id = verified_user("claims@example.com");
  app::RequestMeta m = meta("req-login");
  m.user_agent = std::string(255, 'a') + "\xC3\xA9";  // 257 bytes: the 2-byte letter does not fit
  const app::TokenPair pair = run(auth.login("claims@example.com", kPassword, m));
  const app::SessionRecord& session = world.sessions.session(pair.session_id);
  EXPECT_EQ(session.user_id, id);
  EXPECT_EQ(session.user_agent, std::string(255, 'a'));
  EXPECT_EQ(session.ip, "203.0.113.7");
  EXPECT_EQ(session.idle_expires_at, world.clock.now() + 30 * 24h);
  EXPECT_EQ(session.absolute_expires_at, world.clock.now() + 90 * 24h);

  const app::AccessClaims claims = world.access_tokens.verify(pair.access_token, world.clock.now());
  EXPECT_EQ(claims.subject, std::to_string(id));
  EXPECT_EQ(claims.session_id, pair.session_id);
  EXPECT_EQ(claims.role, "customer");
  EXPECT_FALSE(claims.token_id.empty());
  EXPECT_NE(claims.token_id, pair.refresh_token);
  EXPECT_EQ(claims.expires_at - claims.issued_at, 15min);
  EXPECT_EQ(claims.not_before, claims.issued_at);

  const auto ok = world.audit.events("login.succeeded");
  ASSERT_EQ(ok.size(), 1u);
  EXPECT_EQ(ok[0].request_id, "req-login");
  EXPECT_EQ(ok[0].details.at("session_id"), pair.session_id);
}

TEST_F(IdentityAuth, HasherSaturationPropagatesAsUnavailable) {
  verified_user("busy@example.com");
  world.hasher.saturated = true;
  const domain::Error login_error = error_of([&] { run(auth.login("busy@example.com", kPassword, meta())); });
  EXPECT_EQ(login_error.code(), ErrorCode::kUnavailable);
  EXPECT_EQ(login_error.retry_after(), 2s);
  EXPECT_EQ(world.users.live_by_email("busy@example.com")->failed_logins, 0);  // not a wrong password
  EXPECT_EQ(error_of([&] { run(auth.login("ghost@example.com", kPassword, meta())); }).code(),
            ErrorCode::kUnavailable);
  EXPECT_EQ(error_of([&] { run(auth.register_account("new@example.com", kPassword, "New", meta())); }).code(),
            ErrorCode::kUnavailable);
  EXPECT_EQ(world.users.live_by_email("new@example.com"), nullptr);
}

// ---- refresh ----

TEST_F(IdentityAuth, RefreshRefusesUnknownAndExpiredTokens) {
  verified_user("fresh@example.com");
  EXPECT_EQ(error_of([&] { run(auth.refresh("rt-unknown", meta())); }).code(), ErrorCode::kUnauthenticated);
  EXPECT_EQ(error_of([&] { run(auth.refresh("", meta())); }).code(), ErrorCode::kUnauthenticated);

  const app::TokenPair idle = login("fresh@example.com");
  world.clock.advance(30 * 24h);  // idle expiry reached
  EXPECT_EQ(error_of([&] { run(auth.refresh(idle.refresh_token, meta())); }).code(),
            ErrorCode::kUnauthenticated);

  // Used every 20 days, a session still ends at its absolute lifetime.
  app::TokenPair pair = login("fresh@example.com");
  for (int i = 0; i < 4; ++i) {
    world.clock.advance(20 * 24h);
    pair = run(auth.refresh(pair.refresh_token, meta()));
  }
  world.clock.advance(10 * 24h + 1s);  // 90 days and a second after the login
  EXPECT_EQ(error_of([&] { run(auth.refresh(pair.refresh_token, meta())); }).code(),
            ErrorCode::kUnauthenticated);
}

TEST_F(IdentityAuth, AGraceReplayWorksOnlyOnce) {
  verified_user("twice@example.com");
  const app::TokenPair first = login("twice@example.com");
  run(auth.refresh(first.refresh_token, meta()));
  run(auth.refresh(first.refresh_token, meta()));  // within the grace window: once
  EXPECT_EQ(error_of([&] { run(auth.refresh(first.refresh_token, meta())); }).code(),
            ErrorCode::kUnauthenticated);
  EXPECT_TRUE(world.sessions.session(first.session_id).revoked_at.has_value());
  EXPECT_TRUE(world.audit.has("refresh.reused"));
}

TEST_F(IdentityAuth, RefreshRevokesTheSessionOfABannedAccount) {
  const std::int64_t id = verified_user("gone@example.com");
  const app::TokenPair pair = login("gone@example.com");
  world.users.must(id).banned_at = world.clock.now();
  EXPECT_EQ(error_of([&] { run(auth.refresh(pair.refresh_token, meta())); }).code(),
            ErrorCode::kUnauthenticated);
  EXPECT_TRUE(world.sessions.is_revoked(pair.session_id));
}

TEST_F(IdentityAuth, RefreshCarriesTheCurrentRole) {
  const std::int64_t id = verified_user("promoted@example.com");
  const app::TokenPair pair = login("promoted@example.com");
  world.users.must(id).role = domain::Role::kSupport;  // changed without ending sessions
  const app::TokenPair next = run(auth.refresh(pair.refresh_token, meta()));
  EXPECT_EQ(auth.authenticate(next.access_token).role, domain::Role::kSupport);
}

// ---- logout ----

TEST_F(IdentityAuth, LogoutEndsThisSessionOnly) {
  verified_user("bye@example.com");
  const app::TokenPair here = login("bye@example.com");
  const app::TokenPair there = login("bye@example.com");
  run(auth.logout(auth.authenticate(here.access_token), meta()));
  EXPECT_EQ(world.sessions.session(here.session_id).revoked_reason, "logout");
  EXPECT_EQ(error_of([&] { auth.authenticate(here.access_token); }).code(), ErrorCode::kUnauthenticated);
  EXPECT_EQ(error_of([&] { run(auth.refresh(here.refresh_token, meta())); }).code(),
            ErrorCode::kUnauthenticated);
  EXPECT_NO_THROW(auth.authenticate(there.access_token));
  EXPECT_TRUE(world.audit.has("logout"));
}

// ---- password reset ----

TEST_F(IdentityAuth, ForgotPasswordDoesTheSameForUnknownAndKnownAddresses) {
  verified_user("known@example.com");
  const std::size_t mails = world.outbox.mails.size();
  const int hashes = world.hasher.total_calls();

  EXPECT_NO_THROW(run(auth.forgot_password("nobody@example.com", meta())));
  EXPECT_EQ(world.tokens.issue_for_email_calls, 1);
  EXPECT_EQ(world.outbox.mails.size(), mails);
  EXPECT_NO_THROW(run(auth.forgot_password(" Known@EXAMPLE.com", meta())));
  EXPECT_EQ(world.tokens.issue_for_email_calls, 2);
  EXPECT_EQ(world.tokens.issue_for_email_addresses,
            (std::vector<std::string>{"nobody@example.com", "Known@example.com"}));
  EXPECT_EQ(world.hasher.total_calls(), hashes);  // the same (no) hashing work either way

  const app::OutgoingMail* mail = world.outbox.last("password_reset");
  ASSERT_NE(mail, nullptr);
  EXPECT_EQ(mail->to, "known@example.com");
  EXPECT_FALSE(mail->vars.at("token").empty());
  EXPECT_TRUE(world.audit.has("password.reset_requested"));
  EXPECT_NO_THROW(run(auth.forgot_password("not an address", meta())));
  EXPECT_EQ(world.tokens.issue_for_email_calls, 2);
}

TEST_F(IdentityAuth, ResetPasswordEndsEverySessionAndIsSingleUse) {
  const std::int64_t id = verified_user("reset@example.com");
  const app::TokenPair a = login("reset@example.com");
  const app::TokenPair b = login("reset@example.com");
  run(auth.forgot_password("reset@example.com", meta()));
  const std::string token = world.outbox.last("password_reset")->vars.at("token");

  const domain::Error weak = error_of([&] { run(auth.reset_password(token, "password", meta())); });
  EXPECT_TRUE(has_field(weak, "password"));
  const domain::Error is_email =
      error_of([&] { run(auth.reset_password(token, "reset@example.com", meta())); });
  EXPECT_TRUE(has_field(is_email, "password"));

  run(auth.reset_password(token, "a brand new secret", meta()));
  EXPECT_EQ(error_of([&] { auth.authenticate(a.access_token); }).code(), ErrorCode::kUnauthenticated);
  EXPECT_EQ(error_of([&] { auth.authenticate(b.access_token); }).code(), ErrorCode::kUnauthenticated);
  EXPECT_TRUE(world.sessions.active_of(id, world.clock.now()).empty());
  EXPECT_NE(world.outbox.last("password_changed", "reset@example.com"), nullptr);
  EXPECT_TRUE(world.audit.has("password.reset"));

  EXPECT_EQ(error_of([&] { run(auth.login("reset@example.com", kPassword, meta())); }).code(),
            ErrorCode::kUnauthenticated);
  login("reset@example.com", "a brand new secret");
  const domain::Error used = error_of([&] { run(auth.reset_password(token, "yet another secret", meta())); });
  EXPECT_TRUE(has_field(used, "token"));
  EXPECT_EQ(used.fields()[0].message, "invalid or expired token");
}

TEST_F(IdentityAuth, ResetTokensExpire) {
  verified_user("late@example.com");
  run(auth.forgot_password("late@example.com", meta()));
  const std::string token = world.outbox.last("password_reset")->vars.at("token");
  world.clock.advance(30min);
  EXPECT_TRUE(
      has_field(error_of([&] { run(auth.reset_password(token, "a brand new secret", meta())); }), "token"));
}

// ---- authenticate ----

TEST_F(IdentityAuth, AuthenticateParsesClaimsStrictly) {
  const std::int64_t id = verified_user("strict@example.com");
  const app::TokenPair pair = login("strict@example.com");
  const auto now = world.clock.now();
  using fakes::FakeAccessTokens;
  EXPECT_EQ(
      auth.authenticate(FakeAccessTokens::craft(std::to_string(id), pair.session_id, "admin", now)).role,
      domain::Role::kAdmin);
  for (const std::string& bad :
       {FakeAccessTokens::craft("abc", pair.session_id, "customer", now),
        FakeAccessTokens::craft("-1", pair.session_id, "customer", now),
        FakeAccessTokens::craft("+1", pair.session_id, "customer", now),
        FakeAccessTokens::craft("01", pair.session_id, "customer", now),
        FakeAccessTokens::craft("0", pair.session_id, "customer", now),
        FakeAccessTokens::craft("1 ", pair.session_id, "customer", now),
        FakeAccessTokens::craft("99999999999999999999", pair.session_id, "customer", now),
        FakeAccessTokens::craft(std::to_string(id), pair.session_id, "root", now),
        FakeAccessTokens::craft(std::to_string(id), pair.session_id, "Admin", now),
        FakeAccessTokens::craft(std::to_string(id), "", "customer", now), std::string("garbage"),
        std::string()}) {
    EXPECT_EQ(error_of([&] { auth.authenticate(bad); }).code(), ErrorCode::kUnauthenticated) << bad;
  }
  world.clock.advance(15min);  // the access token's lifetime is over
  EXPECT_EQ(error_of([&] { auth.authenticate(pair.access_token); }).code(), ErrorCode::kUnauthenticated);
}

}  // namespace
