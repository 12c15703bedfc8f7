// Pool::query() through the shared pipelined connections against the real private cluster: concurrent
// statements from several threads each get their own row, an error fails only its own statement, a
// terminated backend fails what was in flight with kUnavailable and the pipeline heals, and pipelined
// connections count towards max_size.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <stdexcept>
#include <string>
#include <vector>

#include <libpq-fe.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "adapters/pg/pool.hpp"
#include "domain/error.hpp"
#include "support.hpp"

namespace bookstore::pg {
namespace {

namespace asio = boost::asio;
using bookstore::testing::admin_url;
using bookstore::testing::database_url;
using bookstore::testing::exec_blocking;
using bookstore::testing::run;
using bookstore::testing::sleep_for;
using bookstore::testing::url_with_app;
using namespace std::chrono_literals;

PoolConfig config_for(std::string conninfo, std::size_t max_size, std::size_t pipelines) {
  PoolConfig c;
  c.conninfo = std::move(conninfo);
  c.max_size = max_size;
  c.pipeline_connections = pipelines;
  c.acquire_timeout = 2000ms;
  c.connect_timeout = 3000ms;
  return c;
}

// Spawns body(i) for i in [0, n) at once (so that they share batches) and waits until all finished.
template <class F>
Task<void> all_at_once(int n, F body) {
  auto ex = co_await asio::this_coro::executor;
  auto done = std::make_shared<std::atomic<int>>(0);
  for (int i = 0; i < n; ++i) {
    // Half of them on strands, as HTTP handlers may be.
    auto target = i % 2 ? asio::any_io_executor(asio::make_strand(ex)) : ex;
    asio::co_spawn(
        target,
        [body, i, done]() -> Task<void> {
          co_await body(i);
          ++*done;
        },
        asio::detached);
  }
  while (done->load() < n) co_await sleep_for(2ms);
}

class PgPipeline : public ::testing::Test {
 protected:
  asio::io_context io;
};

TEST_F(PgPipeline, ConcurrentQueriesOnTwoThreadsEachGetTheirOwnRow) {
  const std::string app = "pg_pipeline_many_test";
  Pool pool(io.get_executor(), config_for(url_with_app(app), 8, 4));
  std::atomic<int> ok{0};
  std::atomic<int> wrong{0};
  std::atomic<std::int64_t> max_backends{0};
  run(
      io,
      [&]() -> Task<void> {
        co_await all_at_once(3000, [&](int i) -> Task<void> {
          std::optional<std::string> none;
          auto r = co_await pool.query("SELECT $1::int8 * 2, $2::text, $3::text IS NULL, $4::text",
                                       std::int64_t{i}, "row " + std::to_string(i), none, none);
          if (r.rows() == 1 && r.int64(0, 0) == 2 * i && r.text(0, 1) == "row " + std::to_string(i) &&
              r.boolean(0, 2) && r.is_null(0, 3)) {
            ++ok;
          } else {
            ++wrong;
          }
        });
        auto r =
            co_await pool.query("SELECT count(*) FROM pg_stat_activity WHERE application_name = $1", app);
        max_backends = r.int64(0, 0);
      },
      2);
  EXPECT_EQ(ok.load(), 3000);
  EXPECT_EQ(wrong.load(), 0);
  auto s = pool.stats();
  EXPECT_GE(s.pipelined, 1u);
  EXPECT_LE(s.pipelined, 4u);
  EXPECT_EQ(s.open, s.pipelined);  // no exclusive connection was needed
  EXPECT_EQ(s.in_use, 0u);
  EXPECT_LE(max_backends.load(), 4);
}

TEST_F(PgPipeline, AnErrorFailsOnlyItsOwnStatementInABatch) {
  Pool pool(io.get_executor(), config_for(database_url(), 2, 1));  // one pipeline: one batch
  std::atomic<int> ok{0}, division{0}, conflict{0}, other{0};
  run(io, [&]() -> Task<void> {
    co_await pool.query("DROP TABLE IF EXISTS pg_pipeline_errors");
    co_await pool.query("CREATE TABLE pg_pipeline_errors (id int PRIMARY KEY)");
    co_await pool.query("INSERT INTO pg_pipeline_errors VALUES ($1)", 0);
    co_await all_at_once(60, [&](int i) -> Task<void> {
      try {
        if (i % 10 == 3) {
          co_await pool.query("SELECT 1 / $1::int", 0);
        } else if (i % 10 == 7) {
          co_await pool.query("INSERT INTO pg_pipeline_errors VALUES ($1)", 0);  // duplicate
        } else {
          auto r = co_await pool.query("INSERT INTO pg_pipeline_errors VALUES ($1)", i + 1);
          if (r.affected_rows() == 1) ++ok;
        }
      } catch (const QueryError& e) {
        if (e.sqlstate() == "22012")
          ++division;
        else
          ++other;
      } catch (const domain::Error& e) {
        if (e.code() == domain::ErrorCode::kConflict)
          ++conflict;
        else
          ++other;
      }
    });
    // Every successful insert stayed: each statement ran in its own implicit transaction.
    auto r = co_await pool.query("SELECT count(*) FROM pg_pipeline_errors");
    EXPECT_EQ(r.int64(0, 0), 1 + 48);
    co_await pool.query("DROP TABLE pg_pipeline_errors");
  });
  EXPECT_EQ(ok.load(), 48);
  EXPECT_EQ(division.load(), 6);
  EXPECT_EQ(conflict.load(), 6);
  EXPECT_EQ(other.load(), 0);
  EXPECT_EQ(pool.stats().open, 1u);  // ordinary errors keep the connection
}

TEST_F(PgPipeline, FailedPrepareIsNotCachedAndStaleStatementsArePreparedAgain) {
  Pool pool(io.get_executor(), config_for(database_url(), 2, 1));
  run(io, [&]() -> Task<void> {
    co_await pool.query("DROP TABLE IF EXISTS pg_pipeline_late");
    std::atomic<int> missing{0};
    co_await all_at_once(4, [&](int) -> Task<void> {
      try {
        co_await pool.query("SELECT * FROM pg_pipeline_late");
      } catch (const QueryError& e) {
        if (e.sqlstate() == "42P01") ++missing;
      }
    });
    EXPECT_EQ(missing.load(), 4);
    co_await pool.query("CREATE TABLE pg_pipeline_late (a int)");
    co_await pool.query("INSERT INTO pg_pipeline_late VALUES ($1)", 1);
    auto before = co_await pool.query("SELECT * FROM pg_pipeline_late");
    EXPECT_EQ(before.columns(), 1);
    co_await pool.query("ALTER TABLE pg_pipeline_late ADD COLUMN b text");
    auto after = co_await pool.query("SELECT * FROM pg_pipeline_late");  // 0A000 without re-preparing
    EXPECT_EQ(after.columns(), 2);
    EXPECT_EQ(after.rows(), 1);
    co_await pool.query("DROP TABLE pg_pipeline_late");
  });
}

TEST_F(PgPipeline, TerminatedBackendFailsWhatWasInFlightThenQueriesSucceed) {
  const std::string app = "pg_pipeline_kill_test";
  Pool pool(io.get_executor(), config_for(url_with_app(app), 2, 1));
  std::atomic<int> ok{0}, unavailable{0}, other{0};
  run(
      io,
      [&]() -> Task<void> {
        co_await pool.query("SELECT 1");
        auto ex = co_await asio::this_coro::executor;
        asio::co_spawn(
            ex,
            [&]() -> Task<void> {
              co_await sleep_for(100ms);
              exec_blocking(
                  admin_url(),
                  "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = '" + app +
                      "'");
            },
            asio::detached);
        co_await all_at_once(20, [&](int i) -> Task<void> {
          try {
            auto r = co_await pool.query("SELECT $1::int, pg_sleep(0.05)", i);
            if (r.int64(0, 0) == i) ++ok;
          } catch (const domain::Error& e) {
            if (e.code() == domain::ErrorCode::kUnavailable)
              ++unavailable;
            else
              ++other;
          } catch (...) {
            ++other;
          }
        });
        for (int i = 0; i < 10; ++i) {
          auto r = co_await pool.query("SELECT $1::int", i);
          EXPECT_EQ(r.int64(0, 0), i);
        }
      },
      2);
  EXPECT_GE(unavailable.load(), 1);
  EXPECT_EQ(ok.load() + unavailable.load(), 20);
  EXPECT_EQ(other.load(), 0);
  EXPECT_EQ(pool.stats().open, 1u);
  EXPECT_EQ(pool.stats().pipelined, 1u);
}

TEST_F(PgPipeline, IdleTerminatedConnectionIsReplacedBeforeUse) {
  const std::string app = "pg_pipeline_idle_kill_test";
  Pool pool(io.get_executor(), config_for(url_with_app(app), 2, 1));
  run(io, [&]() -> Task<void> {
    co_await pool.query("SELECT 1");
    exec_blocking(
        admin_url(),
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = '" + app + "'");
    co_await sleep_for(400ms);
    for (int i = 0; i < 5; ++i) EXPECT_EQ((co_await pool.query("SELECT $1::int", i)).int64(0, 0), i);
  });
}

TEST_F(PgPipeline, ASlowStatementDoesNotHoldUpTheOthers) {
  Pool pool(io.get_executor(), config_for(database_url(), 4, 2));
  std::chrono::steady_clock::duration fast_took{};
  run(
      io,
      [&]() -> Task<void> {
        co_await pool.query("SELECT 1");
        auto ex = co_await asio::this_coro::executor;
        asio::co_spawn(ex, pool.query("SELECT pg_sleep(0.5)"), asio::detached);
        co_await sleep_for(50ms);  // the first pipeline is stalled behind the sleep by now
        auto started = std::chrono::steady_clock::now();
        for (int i = 0; i < 5; ++i) EXPECT_EQ((co_await pool.query("SELECT $1::int", i)).int64(0, 0), i);
        fast_took = std::chrono::steady_clock::now() - started;
      },
      2);
  EXPECT_LT(fast_took, 300ms);
  EXPECT_EQ(pool.stats().pipelined, 2u);
}

TEST_F(PgPipeline, PipelinedConnectionsCountTowardsMaxSize) {
  auto cfg = config_for(database_url(), 2, 4);  // at most max_size / 2 = 1 pipeline
  cfg.acquire_timeout = 200ms;
  Pool pool(io.get_executor(), cfg);
  run(io, [&]() -> Task<void> {
    co_await pool.query("SELECT 1");
    auto held = co_await pool.acquire();
    try {
      co_await pool.acquire();
      ADD_FAILURE() << "expected a timeout";
    } catch (const domain::Error& e) {
      EXPECT_EQ(e.code(), domain::ErrorCode::kUnavailable);
    }
    // The pipeline still serves query() while the exclusive connection is held.
    EXPECT_EQ((co_await pool.query("SELECT 5")).int64(0, 0), 5);
    auto s = pool.stats();
    EXPECT_EQ(s.open, 2u);
    EXPECT_EQ(s.pipelined, 1u);
    EXPECT_EQ(s.in_use, 1u);
  });
}

TEST_F(PgPipeline, DisabledPipelinesTakeExclusiveConnections) {
  Pool pool(io.get_executor(), config_for(database_url(), 4, 0));
  auto r = run(io, [&]() -> Task<Result> { co_return co_await pool.query("SELECT $1::int + 1", 41); });
  EXPECT_EQ(r.int64(0, 0), 42);
  EXPECT_EQ(pool.stats().pipelined, 0u);
  EXPECT_EQ(pool.stats().open, 1u);
}

TEST_F(PgPipeline, CloseFailsLaterQueries) {
  Pool pool(io.get_executor(), config_for(database_url(), 4, 2));
  run(io, [&]() -> Task<void> { co_await pool.query("SELECT 1"); });
  pool.close();
  try {
    run(io, [&]() -> Task<void> { co_await pool.query("SELECT 1"); });
    ADD_FAILURE() << "expected unavailable";
  } catch (const domain::Error& e) {
    EXPECT_EQ(e.code(), domain::ErrorCode::kUnavailable);
  }
  EXPECT_EQ(pool.stats().pipelined, 0u);
}

}  // namespace
}  // namespace bookstore::pg
