// The identity stores (adapters/identity) against the real PostgreSQL, in a scratch database of their
// own: users, sessions, one-time tokens, the audit log, the effects they write in the same transaction
// (mail jobs, audit rows), and the anonymisation and purge of deleted accounts.
#include <atomic>
#include <chrono>
#include <map>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/this_coro.hpp>
#include <nlohmann/json.hpp>

#include "adapters/identity/effects_writer.hpp"
#include "adapters/identity/identity_cleanup.hpp"
#include "adapters/identity/identity_jobs.hpp"
#include "adapters/identity/pg_audit_log.hpp"
#include "adapters/identity/pg_one_time_token_store.hpp"
#include "adapters/identity/pg_session_store.hpp"
#include "adapters/identity/pg_user_store.hpp"
#include "adapters/jobs/queue.hpp"
#include "domain/error.hpp"
#include "jobs_fixture.hpp"

namespace bookstore::identity_testing {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;
using app::TimePoint;
using app::TokenPurpose;
using testing::sleep_for;

// The test outbox: a plain "mail.send" job in the caller's transaction (the real one seals secrets).
Task<void> enqueue_mail(pg::Connection& tx, const app::OutgoingMail& mail) {
  nlohmann::json payload = {{"to", mail.to}, {"to_name", mail.to_name}, {"template", mail.template_id}};
  jobs::NewJob job("mail.send", payload);
  co_await jobs::enqueue(tx, job);
}

// Enqueues the mail, then fails: the whole change must roll back.
Task<void> failing_outbox(pg::Connection& tx, const app::OutgoingMail& mail) {
  co_await enqueue_mail(tx, mail);
  throw std::runtime_error("outbox failed");
}

app::Effects mail_and_audit(const std::string& to, const std::string& template_id, const std::string& action,
                            const std::string& target_id = "") {
  app::Effects e;
  e.mails.emplace_back(to, "", template_id, std::map<std::string, std::string>{{"code", "123456"}});
  e.audit.emplace_back(action, std::nullopt, "user", target_id);
  e.audit.back().ip = "192.0.2.7";
  e.audit.back().request_id = "req-1";
  return e;
}

app::Effects audit_only(const std::string& action, std::optional<std::int64_t> actor,
                        const std::string& target_id, std::map<std::string, std::string> details = {}) {
  app::Effects e;
  e.audit.emplace_back(action, actor, "user", target_id, std::move(details));
  return e;
}

TimePoint now() {
  return std::chrono::system_clock::now();
}

class IdentityStores : public jobs_testing::JobsTest {
 protected:
  std::string database_name() const override { return "bookstore_identity_stores_test"; }

  void SetUp() override {
    JobsTest::SetUp();
    testing::run(io_, [&]() -> Task<void> {
      co_await pool_->query(
          "TRUNCATE users, sessions, refresh_tokens, one_time_tokens, audit_log RESTART IDENTITY CASCADE");
    });
    users_ = std::make_unique<identity::PgUserStore>(*pool_, outbox_);
    sessions_ = std::make_unique<identity::PgSessionStore>(*pool_, outbox_);
    tokens_ = std::make_unique<identity::PgOneTimeTokenStore>(*pool_, outbox_);
    audit_ = std::make_unique<identity::PgAuditLog>(*pool_);
  }

  app::NewOneTimeToken verification_token(const std::string& email) {
    app::NewOneTimeToken t;
    t.purpose = TokenPurpose::kVerifyEmail;
    t.token_digest = "link-" + email;
    t.code_digest = "code-" + email;
    t.email = email;
    t.expires_at = now() + 30min;
    return t;
  }

  app::NewUser new_user(const std::string& email, const std::string& name = "Ann") {
    app::NewUser u;
    u.email = email;
    u.name = name;
    u.password_hash = "$argon2id$v=19$m=19456,t=2,p=1$fake";
    return u;
  }

  Task<std::int64_t> register_user(std::string email, std::string name = "Ann") {
    auto user = new_user(email, name);
    auto token = verification_token(email);
    auto created = mail_and_audit(email, "verify_email", "user.registered");
    auto taken = mail_and_audit(email, "account_exists", "user.register_taken");
    auto outcome = co_await users_->create(user, token, created, taken);
    EXPECT_TRUE(outcome.created) << email;
    co_return outcome.user_id;
  }

  Task<std::string> login(std::int64_t user_id, std::string refresh_digest, TimePoint idle_expires,
                          TimePoint absolute_expires) {
    app::NewSession s;
    s.user_id = user_id;
    s.refresh_digest = refresh_digest;
    s.user_agent = "test-agent/1.0";
    s.ip = "2001:db8::1";
    s.idle_expires_at = idle_expires;
    s.absolute_expires_at = absolute_expires;
    app::Effects effects;
    effects.audit.emplace_back("login.succeeded", user_id, "session", "");
    co_return co_await sessions_->create(s, effects);
  }
  Task<std::string> login(std::int64_t user_id, std::string refresh_digest) {
    co_return co_await login(user_id, refresh_digest, now() + 24h * 30, now() + 24h * 90);
  }

  Task<std::int64_t> count(std::string sql) { co_return co_await scalar(sql); }
  Task<std::int64_t> count_for(std::string sql, std::int64_t id) {
    auto r = co_await pool_->query(sql, id);
    co_return r.int64(0, 0);
  }
  Task<std::string> text_for(std::string sql, std::int64_t id) {
    auto r = co_await pool_->query(sql, id);
    co_return r.rows() == 0 ? std::string("<no row>") : std::string(r.text(0, 0));
  }

  identity::MailOutbox outbox_ = &enqueue_mail;
  std::unique_ptr<identity::PgUserStore> users_;
  std::unique_ptr<identity::PgSessionStore> sessions_;
  std::unique_ptr<identity::PgOneTimeTokenStore> tokens_;
  std::unique_ptr<identity::PgAuditLog> audit_;
};

// ---- users ----

TEST_F(IdentityStores, CreateWritesUserTokenMailAndAuditInOneTransaction) {
  testing::run(io_, [&]() -> Task<void> {
    auto id = co_await register_user("Ann@Example.com", "Ann");
    EXPECT_GT(id, 0);
    auto found = co_await users_->find_by_email("ann@example.COM");
    EXPECT_TRUE(found.has_value());
    if (!found) co_return;
    EXPECT_EQ(found->id, id);
    EXPECT_EQ(found->email, "Ann@Example.com");
    EXPECT_EQ(found->role, domain::Role::kCustomer);
    EXPECT_EQ(found->state, domain::AccountState::kActive);
    EXPECT_FALSE(found->email_verified_at.has_value());
    EXPECT_LT(std::chrono::abs(found->created_at - now()), 5s);
    EXPECT_EQ(co_await count_for("SELECT count(*) FROM one_time_tokens WHERE user_id = $1 AND purpose = "
                                 "'verify_email' AND code_digest = 'code-Ann@Example.com'",
                                 id),
              1);
    EXPECT_EQ(co_await text("SELECT payload->>'to' || '|' || (payload->>'template') FROM jobs WHERE kind = "
                            "'mail.send'"),
              "Ann@Example.com|verify_email");
    // The audit event's empty target_id was filled with the new id; ip stored as inet.
    EXPECT_EQ(co_await text_for("SELECT action || '|' || target_type || '|' || host(ip) || '|' || request_id "
                                "FROM audit_log WHERE target_id = $1::text",
                                id),
              "user.registered|user|192.0.2.7|req-1");
  });
}

TEST_F(IdentityStores, DuplicateEmailIgnoringCaseIsNotCreatedAndWritesTheTakenEffects) {
  testing::run(io_, [&]() -> Task<void> {
    auto id = co_await register_user("bob@example.com");
    auto user = new_user("BOB@example.com");
    auto token = verification_token("BOB@example.com");
    auto created = mail_and_audit("BOB@example.com", "verify_email", "user.registered");
    auto taken =
        mail_and_audit("BOB@example.com", "account_exists", "user.register_taken", std::to_string(id));
    auto outcome = co_await users_->create(user, token, created, taken);
    EXPECT_FALSE(outcome.created);
    EXPECT_EQ(outcome.user_id, 0);
    EXPECT_EQ(co_await count("SELECT count(*) FROM users"), 1);
    EXPECT_EQ(co_await count("SELECT count(*) FROM one_time_tokens"), 1);
    EXPECT_EQ(co_await count("SELECT count(*) FROM jobs WHERE payload->>'template' = 'account_exists'"), 1);
    EXPECT_EQ(co_await count("SELECT count(*) FROM audit_log WHERE action = 'user.register_taken'"), 1);
    // create_verified refuses a taken address outright.
    auto admin = new_user("Bob@Example.com");
    app::Effects none;
    bool conflict = false;
    try {
      co_await users_->create_verified(admin, none);
    } catch (const domain::Error& e) {
      conflict = e.code() == domain::ErrorCode::kConflict;
    }
    EXPECT_TRUE(conflict);
  });
}

TEST_F(IdentityStores, AFailingOutboxLeavesNothingBehind) {
  identity::PgUserStore failing(*pool_, &failing_outbox);
  testing::run(io_, [&]() -> Task<void> {
    auto user = new_user("carol@example.com");
    auto token = verification_token("carol@example.com");
    auto created = mail_and_audit("carol@example.com", "verify_email", "user.registered");
    auto taken = mail_and_audit("carol@example.com", "account_exists", "user.register_taken");
    bool threw = false;
    try {
      co_await failing.create(user, token, created, taken);
    } catch (const std::runtime_error&) {
      threw = true;
    }
    EXPECT_TRUE(threw);
    EXPECT_EQ(co_await count("SELECT count(*) FROM users"), 0);
    EXPECT_EQ(co_await count("SELECT count(*) FROM one_time_tokens"), 0);
    EXPECT_EQ(co_await count("SELECT count(*) FROM jobs"), 0);
    EXPECT_EQ(co_await count("SELECT count(*) FROM audit_log"), 0);
  });
}

TEST_F(IdentityStores, CreateVerifiedIsVerifiedWithoutAToken) {
  testing::run(io_, [&]() -> Task<void> {
    auto admin = new_user("root@example.com", "Root");
    admin.role = domain::Role::kAdmin;
    auto effects = audit_only("admin.created", std::nullopt, "");
    auto id = co_await users_->create_verified(admin, effects);
    auto u = co_await users_->find_by_id(id);
    EXPECT_TRUE(u && u->email_verified_at && u->role == domain::Role::kAdmin);
    EXPECT_EQ(co_await count("SELECT count(*) FROM one_time_tokens"), 0);
    EXPECT_EQ(co_await text("SELECT target_id FROM audit_log"), std::to_string(id));
  });
}

TEST_F(IdentityStores, FailedLoginCounterIsAtomicUnderConcurrency) {
  std::vector<int> returned;
  testing::run(
      io_,
      [&]() -> Task<void> {
        auto id = co_await register_user("dave@example.com");
        std::mutex mutex;
        std::atomic<int> done{0}, failures{0};
        auto attempt = [&]() -> Task<void> {
          app::Effects effects = audit_only("login.failed", std::nullopt, std::to_string(id));
          int n = co_await users_->add_failed_login(id, effects);
          std::lock_guard lock(mutex);
          returned.push_back(n);
        };
        auto ex = co_await asio::this_coro::executor;
        for (int i = 0; i < 20; ++i) {
          asio::co_spawn(ex, attempt(), [&](std::exception_ptr e) {
            if (e) ++failures;
            ++done;
          });
        }
        while (done.load() < 20) co_await sleep_for(5ms);
        EXPECT_EQ(failures.load(), 0);
        auto u = co_await users_->find_by_id(id);
        EXPECT_EQ(u ? u->failed_logins : -1, 20);
        EXPECT_EQ(co_await count("SELECT count(*) FROM audit_log WHERE action = 'login.failed'"), 20);
        // A successful login resets the counter and the lock, and may store a rehash.
        co_await users_->set_locked_until(id, now() + 10min);
        std::optional<std::string> rehash = "$argon2id$new";
        app::Effects none;
        co_await users_->record_login(id, rehash, none);
        u = co_await users_->find_by_id(id);
        EXPECT_TRUE(u && u->failed_logins == 0 && !u->locked_until && u->password_hash == "$argon2id$new");
      },
      2);
  std::set<int> distinct(returned.begin(), returned.end());
  EXPECT_EQ(returned.size(), 20u);
  EXPECT_EQ(distinct.size(), 20u);  // each call saw its own increment: 1..20
  EXPECT_EQ(distinct.empty() ? 0 : *distinct.rbegin(), 20);
}

TEST_F(IdentityStores, MutationsOfAnUnknownUserAreNotFoundAndWriteNothing) {
  testing::run(io_, [&]() -> Task<void> {
    auto effects = audit_only("user.renamed", 1, "999");
    bool not_found = false;
    try {
      co_await users_->update_name(999, "Nobody", effects);
    } catch (const domain::Error& e) {
      not_found = e.code() == domain::ErrorCode::kNotFound;
    }
    EXPECT_TRUE(not_found);
    EXPECT_EQ(co_await count("SELECT count(*) FROM audit_log"), 0);
    EXPECT_FALSE((co_await users_->find_by_id(999)).has_value());
  });
}

TEST_F(IdentityStores, ListFiltersSearchesAndPagesByKeyset) {
  testing::run(io_, [&]() -> Task<void> {
    auto a = co_await register_user("alice@shop.example", "Alice Liddell");
    auto b = co_await register_user("bert@other.example", "Bert 100%_Real");
    auto c = co_await register_user("carla@shop.example", "Carla");
    app::Effects none;
    co_await users_->set_role(b, domain::Role::kSupport, false, none);
    co_await users_->set_banned(c, true, none);

    app::UserQuery all;
    auto everyone = co_await users_->list(all);
    EXPECT_EQ(everyone.size(), 3u);

    app::UserQuery search;
    search.search = "SHOP.EX";
    auto shop = co_await users_->list(search);
    EXPECT_EQ(shop.size(), 2u);
    search.search = "liddell";
    auto by_name = co_await users_->list(search);
    EXPECT_TRUE(by_name.size() == 1 && by_name[0].id == a);
    search.search = "0%_r";  // wildcards taken literally
    auto literal = co_await users_->list(search);
    EXPECT_TRUE(literal.size() == 1 && literal[0].id == b);
    search.search = "%";
    EXPECT_EQ((co_await users_->list(search)).size(), 1u);

    app::UserQuery support;
    support.role = domain::Role::kSupport;
    auto staff = co_await users_->list(support);
    EXPECT_TRUE(staff.size() == 1 && staff[0].id == b);

    app::UserQuery banned;
    banned.banned = true;
    auto bans = co_await users_->list(banned);
    EXPECT_TRUE(bans.size() == 1 && bans[0].id == c && bans[0].banned_at);
    banned.banned = false;
    EXPECT_EQ((co_await users_->list(banned)).size(), 2u);

    app::UserQuery page;
    page.limit = 2;
    auto first = co_await users_->list(page);
    EXPECT_TRUE(first.size() == 2 && first[0].id == a && first[1].id == b);
    page.after_id = first.back().id;
    auto second = co_await users_->list(page);
    EXPECT_TRUE(second.size() == 1 && second[0].id == c);

    app::UserQuery pending;
    pending.state = domain::AccountState::kPendingDeletion;
    EXPECT_TRUE((co_await users_->list(pending)).empty());
  });
}

TEST_F(IdentityStores, PasswordStateRoleAndBanChangesEndSessionsAsAsked) {
  testing::run(io_, [&]() -> Task<void> {
    auto id = co_await register_user("erin@example.com");
    auto keep = co_await login(id, "erin-1");
    co_await login(id, "erin-2");
    co_await login(id, "erin-3");
    auto live = [&]() -> Task<std::int64_t> {
      co_return co_await count_for("SELECT count(*) FROM sessions WHERE user_id = $1 AND revoked_at IS NULL",
                                   id);
    };
    EXPECT_EQ(co_await live(), 3);

    app::Effects none;
    std::optional<std::string> keep_id = keep;
    co_await users_->set_password(id, "$argon2id$changed", app::EndSessions::kAllExcept, keep_id, none);
    EXPECT_EQ(co_await live(), 1);
    auto kept = co_await sessions_->find(keep);
    EXPECT_TRUE(kept && !kept->revoked_at);
    EXPECT_EQ(co_await count_for("SELECT count(*) FROM sessions WHERE user_id = $1 AND revoked_reason = "
                                 "'password_changed'",
                                 id),
              2);

    co_await users_->set_role(id, domain::Role::kInventory, true, none);
    EXPECT_EQ(co_await live(), 0);
    EXPECT_EQ((co_await users_->find_by_id(id))->role, domain::Role::kInventory);

    co_await login(id, "erin-4");
    auto due = now() + 24h * 30;
    co_await users_->set_state(id, domain::AccountState::kPendingDeletion, due, true, none);
    auto u = co_await users_->find_by_id(id);
    EXPECT_TRUE(u && u->state == domain::AccountState::kPendingDeletion && u->deletion_due_at);
    if (u && u->deletion_due_at) {
      EXPECT_LT(std::chrono::abs(*u->deletion_due_at - due), 1ms);
    }
    EXPECT_EQ(co_await live(), 0);
    co_await users_->set_state(id, domain::AccountState::kActive, std::nullopt, false, none);
    u = co_await users_->find_by_id(id);
    EXPECT_TRUE(u && u->state == domain::AccountState::kActive && !u->deletion_due_at);

    co_await login(id, "erin-5");
    auto ban = audit_only("user.banned", 1, std::to_string(id), {{"reason", "spam"}});
    co_await users_->set_banned(id, true, ban);
    EXPECT_EQ(co_await live(), 0);
    EXPECT_EQ(co_await text_for("SELECT ban_reason FROM users WHERE id = $1", id), "spam");
    EXPECT_EQ(co_await text_for("SELECT details->>'reason' FROM audit_log WHERE action = 'user.banned' AND "
                                "target_id = $1::text",
                                id),
              "spam");
    co_await users_->set_banned(id, false, none);
    u = co_await users_->find_by_id(id);
    EXPECT_TRUE(u && !u->banned_at);
    EXPECT_EQ(co_await count_for("SELECT count(*) FROM users WHERE id = $1 AND ban_reason IS NULL", id), 1);
  });
}

TEST_F(IdentityStores, SetEmailToATakenAddressIsAConflict) {
  testing::run(io_, [&]() -> Task<void> {
    auto a = co_await register_user("fay@example.com");
    co_await register_user("gus@example.com");
    auto effects = audit_only("email.changed", a, std::to_string(a));
    bool conflict = false;
    try {
      co_await users_->set_email(a, "GUS@example.com", effects);
    } catch (const domain::Error& e) {
      conflict = e.code() == domain::ErrorCode::kConflict;
    }
    EXPECT_TRUE(conflict);
    EXPECT_EQ((co_await users_->find_by_id(a))->email, "fay@example.com");
    EXPECT_EQ(co_await count("SELECT count(*) FROM audit_log WHERE action = 'email.changed'"), 0);
    co_await users_->set_email(a, "Fay@Example.com", effects);  // its own address in another case
    EXPECT_EQ((co_await users_->find_by_id(a))->email, "Fay@Example.com");
  });
}

// ---- sessions ----

TEST_F(IdentityStores, SessionCreateFindAndRotate) {
  testing::run(io_, [&]() -> Task<void> {
    auto uid = co_await register_user("hal@example.com");
    auto sid = co_await login(uid, "hal-0");
    EXPECT_EQ(sid.size(), 36u);
    EXPECT_EQ(co_await text("SELECT target_id FROM audit_log WHERE action = 'login.succeeded'"), sid);
    auto rec = co_await sessions_->find_refresh("hal-0");
    EXPECT_TRUE(rec.has_value());
    if (!rec) co_return;
    EXPECT_EQ(rec->session_id, sid);
    EXPECT_EQ(rec->generation, 0);
    EXPECT_FALSE(rec->replaced_at.has_value());
    EXPECT_EQ(rec->session.user_id, uid);
    EXPECT_EQ(rec->session.ip, "2001:db8::1");
    EXPECT_EQ(rec->session.user_agent, "test-agent/1.0");

    auto idle = now() + 24h * 31;
    EXPECT_TRUE(co_await sessions_->rotate(sid, "hal-0", "hal-1", false, idle));
    auto old = co_await sessions_->find_refresh("hal-0");
    EXPECT_TRUE(old && old->replaced_at);
    auto next = co_await sessions_->find_refresh("hal-1");
    EXPECT_TRUE(next && next->generation == 1 && !next->replaced_at);
    if (next) {
      EXPECT_LT(std::chrono::abs(next->session.idle_expires_at - idle), 1ms);
    }

    // Presenting the replaced token again: refused as a plain rotation...
    EXPECT_FALSE(co_await sessions_->rotate(sid, "hal-0", "hal-2", false, idle));
    // ...accepted within the grace window (the caller checked it), retiring hal-1 as well.
    EXPECT_TRUE(co_await sessions_->rotate(sid, "hal-0", "hal-2", true, idle));
    auto retired = co_await sessions_->find_refresh("hal-1");
    EXPECT_TRUE(retired && retired->replaced_at);
    EXPECT_EQ(co_await count("SELECT count(*) FROM refresh_tokens WHERE replaced_at IS NULL"), 1);
    auto replaced_first = co_await sessions_->find_refresh("hal-0");
    if (old && replaced_first) {
      EXPECT_EQ(*replaced_first->replaced_at, *old->replaced_at);  // kept
    }

    // Unknown digests and sessions, malformed ids, revoked sessions: false.
    EXPECT_FALSE(co_await sessions_->rotate(sid, "nope", "hal-3", true, idle));
    EXPECT_FALSE(co_await sessions_->rotate("not-a-uuid", "hal-2", "hal-3", false, idle));
    EXPECT_FALSE((co_await sessions_->find("not-a-uuid")).has_value());
    EXPECT_FALSE((co_await sessions_->find_refresh("nope")).has_value());
    app::Effects none;
    EXPECT_TRUE(co_await sessions_->revoke(sid, uid, "logout", none));
    EXPECT_FALSE(co_await sessions_->rotate(sid, "hal-2", "hal-3", false, idle));
  });
}

TEST_F(IdentityStores, OfTwoConcurrentRotationsOfOneTokenExactlyOneWins) {
  testing::run(
      io_,
      [&]() -> Task<void> {
        auto uid = co_await register_user("ida@example.com");
        auto ex = co_await asio::this_coro::executor;
        for (int round = 0; round < 10; ++round) {
          std::string old = "ida-" + std::to_string(round);
          auto sid = co_await login(uid, old);
          std::atomic<int> wins{0}, done{0}, failures{0};
          auto attempt = [&](std::string new_digest) -> Task<void> {
            if (co_await sessions_->rotate(sid, old, new_digest, false, now() + 24h)) ++wins;
          };
          auto finished = [&](std::exception_ptr e) {
            if (e) ++failures;
            ++done;
          };
          asio::co_spawn(ex, attempt(old + "-a"), finished);
          asio::co_spawn(ex, attempt(old + "-b"), finished);
          while (done.load() < 2) co_await sleep_for(2ms);
          EXPECT_EQ(failures.load(), 0);
          EXPECT_EQ(wins.load(), 1) << "round " << round;
          auto live = co_await pool_->query(
              "SELECT count(*) FROM refresh_tokens WHERE session_id = $1::uuid AND replaced_at IS NULL", sid);
          EXPECT_EQ(live.int64(0, 0), 1);
        }
      },
      2);
}

TEST_F(IdentityStores, RevokeIsGuardedByTheOwnerAndListActiveShowsOnlyLiveSessions) {
  testing::run(io_, [&]() -> Task<void> {
    auto owner = co_await register_user("jo@example.com");
    auto other = co_await register_user("kim@example.com");
    auto t = now();
    auto s1 = co_await login(owner, "jo-1");
    auto s2 = co_await login(owner, "jo-2");
    auto idle_gone = co_await login(owner, "jo-3", t - 1min, t + 24h);
    auto absolute_gone = co_await login(owner, "jo-4", t + 24h, t - 1min);
    auto s5 = co_await login(owner, "jo-5");
    co_await login(other, "kim-1");

    app::Effects effects = audit_only("session.revoked", owner, "");
    EXPECT_FALSE(co_await sessions_->revoke(s1, other, "logout", effects));
    EXPECT_EQ(co_await count("SELECT count(*) FROM audit_log WHERE action = 'session.revoked'"), 0);
    EXPECT_TRUE(co_await sessions_->revoke(s1, owner, "logout", effects));
    EXPECT_FALSE(co_await sessions_->revoke(s1, owner, "logout", effects));  // not live any more
    EXPECT_FALSE(co_await sessions_->revoke("../etc", owner, "logout", effects));
    EXPECT_EQ(co_await count("SELECT count(*) FROM audit_log WHERE action = 'session.revoked'"), 1);
    auto revoked = co_await sessions_->find(s1);
    EXPECT_TRUE(revoked && revoked->revoked_at && revoked->revoked_reason == "logout");

    auto active = co_await sessions_->list_active(owner, now());
    std::vector<std::string> ids;
    for (auto& s : active) ids.push_back(s.id);
    EXPECT_EQ(ids, (std::vector<std::string>{s5, s2}));  // newest first; revoked and expired left out
    (void)idle_gone;
    (void)absolute_gone;

    app::Effects all = audit_only("session.revoked_all", owner, std::to_string(owner));
    std::optional<std::string> except = s5;
    EXPECT_EQ(co_await sessions_->revoke_all(owner, except, "logout_all", all), 3);  // s2 and the two expired
    active = co_await sessions_->list_active(owner, now());
    EXPECT_TRUE(active.size() == 1 && active[0].id == s5);
    EXPECT_EQ((co_await sessions_->list_active(other, now())).size(), 1u);
  });
}

// ---- one-time tokens ----

TEST_F(IdentityStores, VerificationTokenIsConsumedOnce) {
  testing::run(io_, [&]() -> Task<void> {
    auto uid = co_await register_user("lea@example.com");
    auto token = co_await tokens_->find_by_digest(TokenPurpose::kVerifyEmail, "link-lea@example.com");
    EXPECT_TRUE(token.has_value());
    if (!token) co_return;
    EXPECT_EQ(token->user_id, uid);
    EXPECT_EQ(token->code_digest, "code-lea@example.com");
    EXPECT_EQ(token->email, "lea@example.com");
    auto active = co_await tokens_->find_active(uid, TokenPurpose::kVerifyEmail);
    EXPECT_TRUE(active && active->id == token->id);
    EXPECT_EQ(co_await tokens_->add_failed_attempt(token->id), 1);
    EXPECT_EQ(co_await tokens_->add_failed_attempt(token->id), 2);

    app::Effects effects = audit_only("email.verified", uid, std::to_string(uid));
    std::optional<std::string> no_hash;
    EXPECT_TRUE(co_await tokens_->consume(*token, no_hash, effects));
    EXPECT_FALSE(co_await tokens_->consume(*token, no_hash, effects));
    EXPECT_EQ(co_await count("SELECT count(*) FROM audit_log WHERE action = 'email.verified'"), 1);
    EXPECT_TRUE((co_await users_->find_by_id(uid))->email_verified_at.has_value());
    EXPECT_FALSE((co_await tokens_->find_active(uid, TokenPurpose::kVerifyEmail)).has_value());
    EXPECT_FALSE(
        (co_await tokens_->find_by_digest(TokenPurpose::kVerifyEmail, "link-lea@example.com")).has_value());
  });
}

TEST_F(IdentityStores, IssuingSupersedesEarlierTokensOfTheSamePurpose) {
  testing::run(io_, [&]() -> Task<void> {
    auto uid = co_await register_user("max@example.com");
    auto first = co_await tokens_->find_active(uid, TokenPurpose::kVerifyEmail);
    auto before = co_await tokens_->last_issued_at(uid, TokenPurpose::kVerifyEmail);
    EXPECT_TRUE(before.has_value());
    EXPECT_FALSE((co_await tokens_->last_issued_at(uid, TokenPurpose::kResetPassword)).has_value());

    app::NewOneTimeToken again;
    again.user_id = uid;
    again.purpose = TokenPurpose::kVerifyEmail;
    again.token_digest = "link-max-2";
    again.code_digest = "code-max-2";
    again.email = "max@example.com";
    again.expires_at = now() + 30min;
    auto effects =
        mail_and_audit("max@example.com", "verify_email", "verification.resent", std::to_string(uid));
    co_await tokens_->issue(again, effects);

    auto active = co_await tokens_->find_active(uid, TokenPurpose::kVerifyEmail);
    EXPECT_TRUE(active && active->code_digest == "code-max-2");
    EXPECT_FALSE(
        (co_await tokens_->find_by_digest(TokenPurpose::kVerifyEmail, "link-max@example.com")).has_value());
    auto after = co_await tokens_->last_issued_at(uid, TokenPurpose::kVerifyEmail);
    EXPECT_TRUE(after && before && *after >= *before);
    std::optional<std::string> no_hash;
    app::Effects none;
    if (first) {
      EXPECT_FALSE(co_await tokens_->consume(*first, no_hash, none));  // superseded
    }
    EXPECT_EQ(co_await count("SELECT count(*) FROM jobs WHERE kind = 'mail.send'"), 2);

    // An expired token is not found and cannot be consumed.
    app::NewOneTimeToken stale = again;
    stale.token_digest = "link-max-3";
    stale.expires_at = now() - 1s;
    co_await tokens_->issue(stale, none);
    EXPECT_FALSE((co_await tokens_->find_active(uid, TokenPurpose::kVerifyEmail)).has_value());
    auto stale_id = co_await count_for(
        "SELECT id FROM one_time_tokens WHERE user_id = $1 AND token_digest = "
        "'link-max-3'",
        uid);
    app::OneTimeToken stale_token;
    stale_token.id = stale_id;
    EXPECT_FALSE(co_await tokens_->consume(stale_token, no_hash, none));
  });
}

TEST_F(IdentityStores, ChangeEmailToATakenAddressIsAConflictAndChangesNothing) {
  testing::run(io_, [&]() -> Task<void> {
    auto uid = co_await register_user("ned@example.com");
    co_await register_user("olga@example.com");
    app::NewOneTimeToken change;
    change.user_id = uid;
    change.purpose = TokenPurpose::kChangeEmail;
    change.token_digest = "change-ned";
    change.code_digest = "change-code-ned";
    change.email = "Olga@Example.com";
    change.expires_at = now() + 30min;
    app::Effects none;
    co_await tokens_->issue(change, none);
    auto token = co_await tokens_->find_by_digest(TokenPurpose::kChangeEmail, "change-ned");
    EXPECT_TRUE(token.has_value());
    if (!token) co_return;

    auto effects = audit_only("email.changed", uid, std::to_string(uid));
    std::optional<std::string> no_hash;
    bool conflict = false;
    try {
      co_await tokens_->consume(*token, no_hash, effects);
    } catch (const domain::Error& e) {
      conflict = e.code() == domain::ErrorCode::kConflict;
    }
    EXPECT_TRUE(conflict);
    EXPECT_EQ((co_await users_->find_by_id(uid))->email, "ned@example.com");
    EXPECT_EQ(co_await count("SELECT count(*) FROM audit_log WHERE action = 'email.changed'"), 0);
    EXPECT_TRUE((co_await tokens_->find_by_digest(TokenPurpose::kChangeEmail, "change-ned")).has_value());

    // Once the other account has let the address go, the same token works.
    auto olga = co_await users_->find_by_email("olga@example.com");
    co_await users_->set_email(olga->id, "olga@elsewhere.example", none);
    EXPECT_TRUE(co_await tokens_->consume(*token, no_hash, effects));
    auto ned = co_await users_->find_by_id(uid);
    EXPECT_TRUE(ned && ned->email == "Olga@Example.com" && ned->email_verified_at);
  });
}

TEST_F(IdentityStores, PasswordResetConsumeStoresTheHashAndEndsEverySession) {
  testing::run(io_, [&]() -> Task<void> {
    auto uid = co_await register_user("pia@example.com");
    co_await login(uid, "pia-1");
    co_await login(uid, "pia-2");
    app::Effects none;
    co_await users_->add_failed_login(uid, none);
    co_await users_->set_locked_until(uid, now() + 1h);

    app::NewOneTimeToken reset;
    reset.purpose = TokenPurpose::kResetPassword;
    reset.token_digest = "reset-pia";
    reset.expires_at = now() + 30min;
    app::OutgoingMail mail("", "", "password_reset", {{"token", "secret"}});
    app::AuditEvent requested("password.reset_requested", std::nullopt, "user", "");
    EXPECT_TRUE(co_await tokens_->issue_for_email("PIA@example.com", reset, mail, requested));
    EXPECT_EQ(co_await text("SELECT payload->>'to' FROM jobs WHERE payload->>'template' = 'password_reset'"),
              "pia@example.com");
    EXPECT_EQ(co_await text("SELECT target_id FROM audit_log WHERE action = 'password.reset_requested'"),
              std::to_string(uid));

    auto token = co_await tokens_->find_by_digest(TokenPurpose::kResetPassword, "reset-pia");
    EXPECT_TRUE(token && token->email == "pia@example.com" && token->user_id == uid);
    if (!token) co_return;
    std::optional<std::string> missing;
    bool refused = false;
    try {
      co_await tokens_->consume(*token, missing, none);
    } catch (const std::invalid_argument&) {
      refused = true;
    }
    EXPECT_TRUE(refused);

    std::optional<std::string> hash = "$argon2id$reset";
    auto effects = audit_only("password.reset", uid, std::to_string(uid));
    EXPECT_TRUE(co_await tokens_->consume(*token, hash, effects));
    auto u = co_await users_->find_by_id(uid);
    EXPECT_TRUE(u && u->password_hash == "$argon2id$reset" && u->failed_logins == 0 && !u->locked_until);
    EXPECT_EQ(
        co_await count_for("SELECT count(*) FROM sessions WHERE user_id = $1 AND revoked_at IS NULL", uid),
        0);
    EXPECT_EQ(co_await count_for("SELECT count(*) FROM sessions WHERE user_id = $1 AND revoked_reason = "
                                 "'password_reset'",
                                 uid),
              2);
    EXPECT_FALSE(co_await tokens_->consume(*token, hash, effects));
  });
}

TEST_F(IdentityStores, ResetForAnUnknownEmailWritesOnlyTheAuditRow) {
  testing::run(io_, [&]() -> Task<void> {
    co_await register_user("quinn@example.com");
    auto jobs_before = co_await count("SELECT count(*) FROM jobs");
    app::NewOneTimeToken reset;
    reset.purpose = TokenPurpose::kResetPassword;
    reset.token_digest = "reset-nobody";
    reset.expires_at = now() + 30min;
    app::OutgoingMail mail("", "", "password_reset", {{"token", "secret"}});
    app::AuditEvent requested("password.reset_requested", std::nullopt, "user", "");
    requested.ip = "not an address";
    EXPECT_FALSE(co_await tokens_->issue_for_email("nobody@example.com", reset, mail, requested));
    EXPECT_EQ(co_await count("SELECT count(*) FROM one_time_tokens WHERE purpose = 'reset_password'"), 0);
    EXPECT_EQ(co_await count("SELECT count(*) FROM jobs"), jobs_before);
    EXPECT_EQ(co_await count("SELECT count(*) FROM audit_log WHERE action = 'password.reset_requested' AND "
                             "target_id IS NULL AND ip IS NULL"),
              1);
  });
}

// ---- anonymisation and purge ----

TEST_F(IdentityStores, AnonymiseDueAnonymisesOnlyDueAccountsAndFreesTheirEmail) {
  testing::run(io_, [&]() -> Task<void> {
    auto due = co_await register_user("rita@example.com", "Rita");
    auto later = co_await register_user("sam@example.com", "Sam");
    auto active = co_await register_user("tom@example.com", "Tom");
    auto rita_session = co_await login(due, "rita-1");
    co_await login(later, "sam-1");
    co_await login(active, "tom-1");
    app::Effects none;
    co_await users_->set_state(due, domain::AccountState::kPendingDeletion, now() - 1min, false, none);
    co_await users_->set_state(later, domain::AccountState::kPendingDeletion, now() + 24h, false, none);

    EXPECT_EQ(co_await users_->anonymise_due(now(), 10), 1);
    EXPECT_EQ(co_await users_->anonymise_due(now(), 10), 0);

    // Soft delete: the row stays, anonymous, and reads no longer see it.
    EXPECT_FALSE((co_await users_->find_by_id(due)).has_value());
    EXPECT_FALSE((co_await users_->find_by_email("rita@example.com")).has_value());
    EXPECT_EQ(
        co_await text_for("SELECT email || '|' || name || '|' || state || '|' || (password_hash IS NULL) || "
                          "'|' || (deleted_at IS NOT NULL) FROM users WHERE id = $1",
                          due),
        "deleted-" + std::to_string(due) + "@deleted.invalid|Deleted user|deleted|true|true");
    EXPECT_EQ(co_await count_for("SELECT count(*) FROM sessions WHERE user_id = $1", due), 0);
    EXPECT_EQ(co_await count_for("SELECT count(*) FROM one_time_tokens WHERE user_id = $1", due), 0);
    EXPECT_FALSE((co_await sessions_->find_refresh("rita-1")).has_value());
    EXPECT_FALSE((co_await sessions_->find(rita_session)).has_value());
    EXPECT_EQ(co_await text("SELECT target_id || '|' || (actor_id IS NULL) FROM audit_log WHERE action = "
                            "'account.anonymised'"),
              std::to_string(due) + "|true");
    // The others are untouched.
    EXPECT_EQ((co_await users_->find_by_id(later))->state, domain::AccountState::kPendingDeletion);
    EXPECT_EQ((co_await users_->find_by_id(active))->state, domain::AccountState::kActive);
    EXPECT_EQ(co_await count("SELECT count(*) FROM sessions"), 2);

    // The address is free for a new registration.
    auto again = co_await register_user("Rita@Example.com", "Rita again");
    EXPECT_NE(again, due);
    EXPECT_EQ((co_await users_->find_by_email("rita@example.com"))->id, again);

    // Mutations cannot reach the anonymised row.
    bool not_found = false;
    try {
      co_await users_->update_name(due, "Back", none);
    } catch (const domain::Error& e) {
      not_found = e.code() == domain::ErrorCode::kNotFound;
    }
    EXPECT_TRUE(not_found);
  });
}

TEST_F(IdentityStores, PurgeRemovesAnonymisedRowsPastTheCutoffExceptReferencedOnes) {
  testing::run(io_, [&]() -> Task<void> {
    std::vector<std::int64_t> ids;
    app::Effects none;
    for (int i = 0; i < 5; ++i) {
      auto id = co_await register_user("old" + std::to_string(i) + "@example.com");
      co_await users_->set_state(id, domain::AccountState::kPendingDeletion, now() - 1h, false, none);
      ids.push_back(id);
    }
    EXPECT_EQ(co_await identity::anonymise_all_due(*users_, now(), 2), 5);  // batches of 2, 2, 1
    // A table that keeps rows for the retention period (as orders will) refers to one of them.
    co_await pool_->query("DROP TABLE IF EXISTS kept_records");
    co_await pool_->query("CREATE TABLE kept_records (user_id bigint REFERENCES users (id))");
    co_await pool_->query("INSERT INTO kept_records VALUES ($1)", ids[1]);

    EXPECT_EQ(co_await users_->purge_anonymised(now() - 1h, 10), 0);  // none old enough
    EXPECT_EQ(co_await identity::purge_all_anonymised(*users_, now() + 1s, 2), 4);
    EXPECT_EQ(co_await count("SELECT count(*) FROM users"), 1);
    EXPECT_EQ(co_await count_for("SELECT count(*) FROM users WHERE id = $1", ids[1]), 1);
    co_await pool_->query("DROP TABLE kept_records");
    EXPECT_EQ(co_await users_->purge_anonymised(now() + 1s, 10), 1);
    EXPECT_EQ(co_await count("SELECT count(*) FROM users"), 0);
  });
}

TEST_F(IdentityStores, RegisteredJobsRunAnonymisationAndPurgeThroughTheWorker) {
  jobs::Worker worker(io_.get_executor(), *pool_, worker_config("identity-jobs-test"));
  identity::IdentityJobsConfig config;
  config.anonymise_every = 1s;  // the next one-second slot comes at once
  config.purge_every = 1s;
  config.batch = 10;
  identity::register_identity_jobs(worker, *users_, config);
  testing::run(
      io_,
      [&]() -> Task<void> {
        auto due = co_await register_user("uma@example.com");
        app::Effects none;
        co_await users_->set_state(due, domain::AccountState::kPendingDeletion, now() - 1min, false, none);
        auto done = start(worker);
        std::function<Task<bool>()> anonymised = [&]() -> Task<bool> {
          co_return co_await count_for("SELECT count(*) FROM users WHERE id = $1 AND state = 'deleted'",
                                       due) == 1;
        };
        EXPECT_TRUE(co_await jobs_testing::eventually(anonymised));
        std::function<Task<bool>()> both_ran = [&]() -> Task<bool> {
          co_return co_await count(
              "SELECT count(DISTINCT kind) FROM jobs WHERE kind IN ('identity.anonymise', "
              "'identity.purge') AND state = 'completed'") == 2;
        };
        EXPECT_TRUE(co_await jobs_testing::eventually(both_ran));
        EXPECT_TRUE(co_await stop(worker, done));
        // Retention is eight years: the fresh anonymised row stays.
        EXPECT_EQ(co_await count_for("SELECT count(*) FROM users WHERE id = $1", due), 1);
      },
      2);
}

// ---- audit log ----

std::vector<app::AuditEvent> audit_rows() {
  std::vector<app::AuditEvent> rows;
  auto add = [&](std::string action, std::optional<std::int64_t> actor, std::string target) {
    rows.emplace_back(std::move(action), actor, "user", std::move(target),
                      std::map<std::string, std::string>{{"why", "test"}, {"n", "1"}});
    rows.back().ip = "198.51.100.4";
    rows.back().request_id = "rid";
  };
  add("login.succeeded", 1, "1");
  add("login.failed", std::nullopt, "1");
  add("login.failed", std::nullopt, "2");
  add("role.changed", 9, "2");
  add("loginx.other", 1, "3");
  add("user.banned", 9, "1");
  return rows;
}

TEST_F(IdentityStores, AuditFindFiltersByActorTargetActionTimeAndCursor) {
  testing::run(io_, [&]() -> Task<void> {
    auto rows = audit_rows();
    for (auto& e : rows) co_await audit_->record(e);
    // Spread the rows over six days: row i happened i days after the epoch of the test.
    co_await pool_->query(
        "UPDATE audit_log SET occurred_at = timestamptz '2024-01-01 00:00:00+00' + (id - 1) * interval '1 "
        "day'");
    auto day = [](int i) {
      return std::chrono::sys_days(std::chrono::year(2024) / 1 / 1) + std::chrono::days(i);
    };

    auto ids = [](const std::vector<app::AuditRecord>& records) {
      std::vector<std::int64_t> out;
      for (auto& r : records) out.push_back(r.id);
      return out;
    };
    app::AuditQuery all;
    auto everything = co_await audit_->find(all);
    EXPECT_EQ(ids(everything), (std::vector<std::int64_t>{6, 5, 4, 3, 2, 1}));
    if (everything.size() == 6) {
      auto& r = everything[5];
      EXPECT_EQ(r.event.action, "login.succeeded");
      EXPECT_EQ(r.event.actor_id, 1);
      EXPECT_EQ(r.event.target_type, "user");
      EXPECT_EQ(r.event.target_id, "1");
      EXPECT_EQ(r.event.ip, "198.51.100.4");
      EXPECT_EQ(r.event.request_id, "rid");
      EXPECT_EQ(r.event.details, (std::map<std::string, std::string>{{"n", "1"}, {"why", "test"}}));
      EXPECT_EQ(r.occurred_at, day(0));
      EXPECT_FALSE(everything[4].event.actor_id.has_value());
    }

    app::AuditQuery by_actor;
    by_actor.actor_id = 9;
    {
      auto got = co_await audit_->find(by_actor);
      EXPECT_EQ(ids(got), (std::vector<std::int64_t>{6, 4}));
    }

    app::AuditQuery prefix;
    prefix.action = "login.";
    {
      auto got = co_await audit_->find(prefix);
      EXPECT_EQ(ids(got), (std::vector<std::int64_t>{3, 2, 1}));
    }
    app::AuditQuery exact;
    exact.action = "login.failed";
    {
      auto got = co_await audit_->find(exact);
      EXPECT_EQ(ids(got), (std::vector<std::int64_t>{3, 2}));
    }
    exact.action = "login";
    EXPECT_TRUE((co_await audit_->find(exact)).empty());

    app::AuditQuery target;
    target.target_type = "user";
    target.target_id = "1";
    {
      auto got = co_await audit_->find(target);
      EXPECT_EQ(ids(got), (std::vector<std::int64_t>{6, 2, 1}));
    }

    app::AuditQuery range;
    range.from = day(1);
    range.to = day(4);  // [from, to)
    {
      auto got = co_await audit_->find(range);
      EXPECT_EQ(ids(got), (std::vector<std::int64_t>{4, 3, 2}));
    }

    app::AuditQuery page;
    page.limit = 2;
    auto first = co_await audit_->find(page);
    EXPECT_EQ(ids(first), (std::vector<std::int64_t>{6, 5}));
    page.before_id = first.back().id;
    {
      auto got = co_await audit_->find(page);
      EXPECT_EQ(ids(got), (std::vector<std::int64_t>{4, 3}));
    }
    page.before_id = 3;
    page.actor_id = 1;
    {
      auto got = co_await audit_->find(page);
      EXPECT_EQ(ids(got), (std::vector<std::int64_t>{1}));
    }
  });
}

// ---- cleanup ----

TEST_F(IdentityStores, CleanupDeletesOnlySessionsAndTokensLongEnded) {
  testing::run(io_, [&]() -> Task<void> {
    auto id = co_await register_user("cleanup@example.test");
    auto live = co_await login(id, "d-live");
    auto old_revoked = co_await login(id, "d-old-revoked");
    auto recent_revoked = co_await login(id, "d-recent-revoked");
    auto long_expired = co_await login(id, "d-expired", now() - 24h * 40, now() - 24h * 40);
    co_await pool_->query("UPDATE sessions SET revoked_at = now() - interval '31 days' WHERE id = $1::uuid",
                          old_revoked);
    co_await pool_->query("UPDATE sessions SET revoked_at = now() - interval '1 day' WHERE id = $1::uuid",
                          recent_revoked);
    // The registration's verification token: expired two days ago.
    co_await pool_->query("UPDATE one_time_tokens SET expires_at = now() - interval '2 days'");

    identity::IdentityCleanupConfig config;
    config.batch = 1;  // several rounds of the batch loop
    auto counts = co_await identity::clean_up_identity(*pool_, config);
    EXPECT_EQ(counts.sessions, 2);
    EXPECT_EQ(counts.tokens, 1);
    auto left = co_await pool_->query("SELECT id::text FROM sessions ORDER BY id");
    std::set<std::string> ids;
    for (int i = 0; i < left.rows(); ++i) ids.insert(std::string(left.text(i, 0)));
    EXPECT_EQ(ids, (std::set<std::string>{live, recent_revoked}));
    EXPECT_FALSE(ids.count(long_expired));
    EXPECT_EQ(co_await count("SELECT count(*) FROM refresh_tokens"), 2);
  });
}

}  // namespace
}  // namespace bookstore::identity_testing
