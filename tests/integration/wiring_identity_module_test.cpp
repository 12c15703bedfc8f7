// The identity module as serve assembles it, against the real PostgreSQL: access tokens are refused
// until the revocation set has been loaded once (a token revoked just before a restart must not work on
// the new process), then accepted, and refused again as soon as their session ends.
#include <atomic>
#include <chrono>
#include <map>
#include <string>

#include <gtest/gtest.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include "adapters/config/config.hpp"
#include "adapters/pg/migrations.hpp"
#include "adapters/pg/pool.hpp"
#include "adapters/wiring/identity_module.hpp"
#include "app/identity/admin_users.hpp"
#include "app/identity/auth_service.hpp"
#include "domain/error.hpp"
#include "support.hpp"

namespace bookstore::wiring {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;

bool accepted(const app::AuthService& auth, const std::string& token) {
  try {
    auth.authenticate(token);
    return true;
  } catch (const domain::Error& e) {
    EXPECT_EQ(e.code(), domain::ErrorCode::kUnauthenticated);
    return false;
  }
}

template <class F>
Task<bool> within(std::chrono::milliseconds limit, F cond) {
  auto until = std::chrono::steady_clock::now() + limit;
  while (!cond()) {
    if (std::chrono::steady_clock::now() > until) co_return false;
    co_await testing::sleep_for(10ms);
  }
  co_return true;
}

TEST(WiringIdentityModule, TokensAreRefusedUntilTheRevocationSetIsLoadedThenUntilRevoked) {
  const std::string db = "bookstore_wiring_identity_" + std::to_string(getpid());
  const std::string url = testing::create_scratch_database(db);
  std::map<std::string, std::string> vars = {{"BOOKSTORE_DATABASE_URL", url},
                                             {"BOOKSTORE_COMMON_PASSWORDS", ""}};
  const auto cfg = config::load([&](const char* name) -> const char* {
    auto it = vars.find(name);
    return it == vars.end() ? nullptr : it->second.c_str();
  });

  asio::io_context io;
  pg::Pool pool(io.get_executor(), pg::PoolConfig{url, 4});
  IdentityModule identity(cfg, pool, io.get_executor(), IdentityModule::Keys::kEphemeral);

  testing::run(io, [&]() -> Task<void> {
    co_await pg::migrate(pool);
    const std::string email = "gate@example.test";
    const std::string password = "a long gate passphrase";
    co_await identity.admin_users().create_admin(email, password, "Gate");
    app::RequestMeta meta{"127.0.0.1", "test", "req-1"};
    app::TokenPair pair = co_await identity.auth().login(email, password, meta);

    // Not loaded yet: refused, although the token is valid and its session live.
    EXPECT_FALSE(accepted(identity.auth(), pair.access_token));

    std::atomic<bool> feed_done{false};
    asio::co_spawn(io, identity.run_revocation_feed(), [&](std::exception_ptr) { feed_done = true; });
    EXPECT_TRUE(co_await within(5000ms, [&] { return accepted(identity.auth(), pair.access_token); }));

    // Logout ends the session: its token is refused at once (NOTIFY, no query per request).
    app::Principal principal = identity.auth().authenticate(pair.access_token);
    co_await identity.auth().logout(principal, meta);
    EXPECT_TRUE(co_await within(2000ms, [&] { return !accepted(identity.auth(), pair.access_token); }));

    identity.stop_revocation_feed();
    EXPECT_TRUE(co_await within(5000ms, [&] { return feed_done.load(); }));
  });
  pool.close();
  testing::drop_database(db);
}

}  // namespace
}  // namespace bookstore::wiring
