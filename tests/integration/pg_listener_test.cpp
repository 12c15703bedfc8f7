// pg::Listener against the real cluster: receives NOTIFY, and after its backend is terminated it
// reconnects on its own (calling on_reconnect) and receives again.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <string>
#include <vector>

#include <libpq-fe.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "adapters/pg/pool.hpp"
#include "support.hpp"

namespace bookstore::pg {
namespace {

namespace asio = boost::asio;
using bookstore::testing::admin_url;
using bookstore::testing::database_url;
using bookstore::testing::exec_blocking;
using bookstore::testing::run;
using bookstore::testing::sleep_for;
using namespace std::chrono_literals;

// Polls `cond` every 10 ms for up to `limit`.
template <class F>
Task<bool> eventually(F cond, std::chrono::milliseconds limit = 5000ms) {
  auto until = std::chrono::steady_clock::now() + limit;
  while (!cond()) {
    if (std::chrono::steady_clock::now() > until) co_return false;
    co_await sleep_for(10ms);
  }
  co_return true;
}

struct Received {
  std::mutex mutex;
  std::vector<std::pair<std::string, std::string>> items;
  std::size_t size() {
    std::lock_guard l(mutex);
    return items.size();
  }
};

TEST(PgListener, ReceivesNotificationsAndReconnectsAfterItsBackendIsTerminated) {
  asio::io_context io;
  const std::string app = "pg_listener_test";
  std::string url = database_url();
  url += (url.find('?') == std::string::npos ? "?" : "&") + std::string("application_name=") + app;
  Received received;
  std::atomic<int> connects{0};
  Listener listener(
      io.get_executor(), url, {"bs_events", "Odd \"Channel\""},
      [&](std::string_view channel, std::string_view payload) {
        std::lock_guard l(received.mutex);
        received.items.emplace_back(channel, payload);
      },
      [&] { ++connects; });
  PoolConfig cfg;
  cfg.conninfo = database_url();
  cfg.max_size = 2;
  Pool pool(io.get_executor(), cfg);
  std::atomic<bool> run_returned{false};

  run(
      io,
      [&]() -> Task<void> {
        asio::co_spawn(co_await asio::this_coro::executor, listener.run(),
                       [&](std::exception_ptr) { run_returned = true; });
        EXPECT_TRUE(co_await eventually([&] { return connects.load() == 1; }));
        co_await pool.query("SELECT pg_notify($1, $2)", "bs_events", "first");
        co_await pool.query("SELECT pg_notify($1, $2)", "Odd \"Channel\"", "odd");
        co_await pool.query("SELECT pg_notify($1, $2)", "not_listened", "x");
        EXPECT_TRUE(co_await eventually([&] { return received.size() == 2; }));

        auto killed = exec_blocking(
            admin_url(),
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = '" + app +
                "'");
        EXPECT_EQ(killed, "1");
        EXPECT_TRUE(co_await eventually([&] { return connects.load() == 2; }));
        co_await pool.query("SELECT pg_notify($1, $2)", "bs_events", "second");
        EXPECT_TRUE(co_await eventually([&] { return received.size() == 3; }));

        auto stop_at = std::chrono::steady_clock::now();
        listener.stop();
        EXPECT_TRUE(co_await eventually([&] { return run_returned.load(); }, 1000ms));
        EXPECT_LT(std::chrono::steady_clock::now() - stop_at, 500ms);
        pool.close();
      },
      2);
  ASSERT_EQ(received.items.size(), 3u);
  EXPECT_EQ(received.items[0], (std::pair<std::string, std::string>{"bs_events", "first"}));
  EXPECT_EQ(received.items[1], (std::pair<std::string, std::string>{"Odd \"Channel\"", "odd"}));
  EXPECT_EQ(received.items[2], (std::pair<std::string, std::string>{"bs_events", "second"}));
  EXPECT_EQ(connects.load(), 2);
}

TEST(PgListener, RetriesWhileTheServerIsUnreachableAndStopsPromptly) {
  asio::io_context io;
  std::atomic<int> connects{0};
  Listener listener(
      io.get_executor(), "postgresql://bookstore@127.0.0.1:1/bookstore", {"bs_events"},
      [](std::string_view, std::string_view) {}, [&] { ++connects; });
  std::atomic<bool> run_returned{false};
  run(io, [&]() -> Task<void> {
    asio::co_spawn(co_await asio::this_coro::executor, listener.run(),
                   [&](std::exception_ptr) { run_returned = true; });
    co_await sleep_for(350ms);  // a few attempts with backoff 100, 200 ms
    listener.stop();
    EXPECT_TRUE(co_await eventually([&] { return run_returned.load(); }, 500ms));
  });
  EXPECT_EQ(connects.load(), 0);
}

}  // namespace
}  // namespace bookstore::pg
