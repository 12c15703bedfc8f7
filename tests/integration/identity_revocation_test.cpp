// The revocation set and its feed against the real PostgreSQL: a session revoked through one instance's
// pool reaches another instance's set through LISTEN/NOTIFY well within a second; revocations made while
// that instance's listener was disconnected are picked up by the reload after it reconnects; sessions
// deleted by the anonymisation job (gone from the table) are learnt from their notification.
#include <atomic>
#include <chrono>
#include <string>

#include <gtest/gtest.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/this_coro.hpp>

#include "adapters/identity/pg_session_store.hpp"
#include "adapters/identity/pg_user_store.hpp"
#include "adapters/identity/revocation_set.hpp"
#include "jobs_fixture.hpp"

namespace bookstore::identity_testing {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;
using app::TimePoint;
using testing::sleep_for;

// Polls cond() every 5 ms until it holds or `limit` passes.
template <class F>
Task<bool> within(std::chrono::milliseconds limit, F cond) {
  auto until = std::chrono::steady_clock::now() + limit;
  while (!cond()) {
    if (std::chrono::steady_clock::now() > until) co_return false;
    co_await sleep_for(5ms);
  }
  co_return true;
}

std::string with_application_name(const std::string& url, const std::string& app) {
  return url + (url.find('?') == std::string::npos ? "?" : "&") + "application_name=" + app;
}

class IdentityRevocation : public jobs_testing::JobsTest {
 protected:
  std::string database_name() const override { return "bookstore_identity_revocation_test"; }

  void SetUp() override {
    JobsTest::SetUp();
    testing::run(io_, [&]() -> Task<void> {
      co_await pool_->query(
          "TRUNCATE users, sessions, refresh_tokens, one_time_tokens RESTART IDENTITY CASCADE");
    });
  }

  Task<std::int64_t> make_user(identity::PgUserStore& users, std::string email) {
    app::NewUser user;
    user.email = email;
    user.name = "Rev";
    user.password_hash = "$argon2id$fake";
    app::NewOneTimeToken token;
    token.token_digest = "link-" + email;
    token.email = email;
    token.expires_at = std::chrono::system_clock::now() + 30min;
    app::Effects none;
    auto outcome = co_await users.create(user, token, none, none);
    co_return outcome.user_id;
  }

  Task<std::string> login(identity::PgSessionStore& sessions, std::int64_t user_id, std::string digest) {
    app::NewSession s;
    s.user_id = user_id;
    s.refresh_digest = digest;
    s.idle_expires_at = std::chrono::system_clock::now() + 24h;
    s.absolute_expires_at = std::chrono::system_clock::now() + 48h;
    app::Effects none;
    co_return co_await sessions.create(s, none);
  }
};

TEST(IdentityRevokedSessions, EntriesLastTheAccessTokenLifetimePlusLeewayAndArePruned) {
  identity::RevocationConfig config;
  config.access_ttl = 900s;
  config.leeway = 60s;
  identity::RevokedSessions set(config);
  EXPECT_EQ(set.retention(), 960s);
  auto now = std::chrono::system_clock::now();
  set.add("11111111-1111-1111-1111-111111111111", now);
  set.add("22222222-2222-2222-2222-222222222222", now - 970s);  // every token of it has expired
  EXPECT_TRUE(set.is_revoked("11111111-1111-1111-1111-111111111111"));
  EXPECT_TRUE(set.is_revoked("22222222-2222-2222-2222-222222222222"));
  EXPECT_FALSE(set.is_revoked("33333333-3333-3333-3333-333333333333"));
  EXPECT_EQ(set.size(), 2u);
  EXPECT_EQ(set.prune(now), 1u);
  EXPECT_FALSE(set.is_revoked("22222222-2222-2222-2222-222222222222"));
  // A later revocation time extends an entry, an earlier one does not shorten it.
  set.add("11111111-1111-1111-1111-111111111111", now - 2000s);
  EXPECT_EQ(set.prune(now + 900s), 0u);
  EXPECT_EQ(set.prune(now + 961s), 1u);
  EXPECT_EQ(set.size(), 0u);
}

TEST_F(IdentityRevocation, AnotherInstanceLearnsOfRevocationsAtOnceAndAfterAReconnect) {
  const std::string app_name = "identity_revocation_b";
  // Instance A: the stores on the fixture's pool. Instance B: its own pool, set and listener.
  auto noop_outbox = [](pg::Connection&, const app::OutgoingMail&) -> Task<void> { co_return; };
  identity::PgUserStore users_a(*pool_, noop_outbox);
  identity::PgSessionStore sessions_a(*pool_, noop_outbox);
  pg::PoolConfig config_b;
  config_b.conninfo = url_;
  config_b.max_size = 4;
  pg::Pool pool_b(io_.get_executor(), config_b);
  identity::RevocationConfig revocation_config;
  identity::RevokedSessions set_b(revocation_config);
  identity::RevocationFeed feed_b(io_.get_executor(), pool_b, with_application_name(url_, app_name), set_b,
                                  revocation_config);
  std::atomic<bool> feed_returned{false};

  testing::run(
      io_,
      [&]() -> Task<void> {
        auto uid = co_await make_user(users_a, "rev@example.com");
        auto before_start = co_await login(sessions_a, uid, "rev-0");
        auto at_once = co_await login(sessions_a, uid, "rev-1");
        auto while_away = co_await login(sessions_a, uid, "rev-2");
        auto deleted = co_await login(sessions_a, uid, "rev-3");
        app::Effects none;
        std::string reason = "logout";
        EXPECT_TRUE(co_await sessions_a.revoke(before_start, uid, reason, none));

        asio::co_spawn(co_await asio::this_coro::executor, feed_b.start(), [&](std::exception_ptr e) {
          EXPECT_FALSE(e) << "RevocationFeed::start() threw";
          feed_returned = true;
        });
        // The initial load, then the reload once LISTEN is active.
        auto listening = [&] { return feed_b.loads() >= 2; };
        EXPECT_TRUE(co_await within(5000ms, listening));
        EXPECT_TRUE(set_b.is_revoked(before_start));
        EXPECT_FALSE(set_b.is_revoked(at_once));

        // Through the notification: well under a second.
        auto started = std::chrono::steady_clock::now();
        EXPECT_TRUE(co_await sessions_a.revoke(at_once, uid, reason, none));
        auto learnt = [&] { return set_b.is_revoked(at_once); };
        EXPECT_TRUE(co_await within(1000ms, learnt));
        auto took = std::chrono::steady_clock::now() - started;
        EXPECT_LT(took, 500ms);
        EXPECT_EQ(feed_b.notifications(), 1u);

        // Cut B's listener off and revoke while it is away: its reconnect reload picks the revocation up.
        auto loads_before = feed_b.loads();
        auto killed = testing::exec_blocking(
            testing::admin_url(),
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = '" +
                app_name + "'");
        EXPECT_EQ(killed, "1");
        EXPECT_TRUE(co_await sessions_a.revoke(while_away, uid, reason, none));
        auto reloaded = [&] { return feed_b.loads() > loads_before && set_b.is_revoked(while_away); };
        EXPECT_TRUE(co_await within(5000ms, reloaded));
        EXPECT_FALSE(set_b.is_revoked(deleted));

        // The anonymisation job deletes the account's sessions: only the notification tells.
        co_await users_a.set_state(uid, domain::AccountState::kPendingDeletion,
                                   std::chrono::system_clock::now() - 1s, false, none);
        EXPECT_EQ(co_await users_a.anonymise_due(std::chrono::system_clock::now(), 10), 1);
        EXPECT_EQ(co_await scalar("SELECT count(*) FROM sessions"), 0);
        auto deleted_learnt = [&] { return set_b.is_revoked(deleted); };
        EXPECT_TRUE(co_await within(1000ms, deleted_learnt));
        // A reload (as after a reconnect) keeps what only notifications told.
        co_await set_b.load(pool_b);
        EXPECT_TRUE(set_b.is_revoked(deleted));
        EXPECT_TRUE(set_b.is_revoked(before_start));

        feed_b.stop();
        auto returned = [&] { return feed_returned.load(); };
        EXPECT_TRUE(co_await within(2000ms, returned));
        pool_b.close();
      },
      2);
}

}  // namespace
}  // namespace bookstore::identity_testing
