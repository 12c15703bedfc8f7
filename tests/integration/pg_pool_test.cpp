// The PostgreSQL pool against the real private cluster: parameters, prepared statements, transactions,
// error translation, bounds, acquire timeout, and healing after the server drops its connections.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <stdexcept>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include <libpq-fe.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "adapters/metrics/metrics.hpp"
#include "adapters/pg/connection.hpp"
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

PoolConfig config_for(std::string conninfo, std::size_t max_size = 4) {
  PoolConfig c;
  c.conninfo = std::move(conninfo);
  c.max_size = max_size;
  c.acquire_timeout = 2000ms;
  c.connect_timeout = 3000ms;
  return c;
}

class PgPool : public ::testing::Test {
 protected:
  asio::io_context io;
};

TEST_F(PgPool, QueryWithParametersOfEachTypeIncludingNull) {
  Pool pool(io.get_executor(), config_for(database_url()));
  auto r = run(io, [&]() -> Task<Result> {
    std::optional<std::int64_t> none;
    std::optional<std::string> some = std::string("x'y\"z ü");
    co_return co_await pool.query(
        "SELECT $1::int8, $2::text, $3::bool, $4::float8, $5::int8, $6::text, $7::int4, $8::text, $9::bool",
        std::int64_t{-9007199254740993}, std::string_view("héllo"), true, 2.5, none, some, 42, "lit", false);
  });
  ASSERT_EQ(r.rows(), 1);
  ASSERT_EQ(r.columns(), 9);
  EXPECT_EQ(r.int64(0, 0), -9007199254740993);
  EXPECT_EQ(r.text(0, 1), "héllo");
  EXPECT_TRUE(r.boolean(0, 2));
  EXPECT_DOUBLE_EQ(r.float64(0, 3), 2.5);
  EXPECT_TRUE(r.is_null(0, 4));
  EXPECT_EQ(r.optional_text(0, 4), std::nullopt);
  EXPECT_THROW(r.int64(0, 4), std::invalid_argument);
  EXPECT_EQ(r.text(0, 4), "");
  EXPECT_EQ(r.optional_text(0, 5), "x'y\"z ü");
  EXPECT_EQ(r.int64(0, 6), 42);
  EXPECT_EQ(r.text(0, 7), "lit");
  EXPECT_FALSE(r.boolean(0, 8));
}

TEST_F(PgPool, ColumnsByNameAndRowsAndAffectedRows) {
  Pool pool(io.get_executor(), config_for(database_url()));
  run(io, [&]() -> Task<void> {
    auto conn = co_await pool.acquire();
    co_await conn->execute_script("CREATE TEMP TABLE t (id int PRIMARY KEY, name text)");
    auto ins = co_await conn->query("INSERT INTO t SELECT g, 'n' || g FROM generate_series(1, $1::int) g", 3);
    EXPECT_EQ(ins.affected_rows(), 3);
    auto r = co_await conn->query("SELECT id, name FROM t ORDER BY id");
    EXPECT_EQ(r.rows(), 3);
    EXPECT_EQ(r.column("name"), 1);
    EXPECT_THROW(r.column("nope"), std::out_of_range);
    EXPECT_EQ(r.text(2, r.column("name")), "n3");
    auto upd = co_await conn->query("UPDATE t SET name = $1 WHERE id > $2", "z", 1);
    EXPECT_EQ(upd.affected_rows(), 2);
    auto none = co_await conn->query("SELECT id FROM t WHERE id = $1", 99);
    EXPECT_EQ(none.rows(), 0);
    co_await conn->execute_script("DROP TABLE t");
  });
}

TEST_F(PgPool, FloatsRoundTrip) {
  Pool pool(io.get_executor(), config_for(database_url()));
  auto r = run(io, [&]() -> Task<Result> {
    co_return co_await pool.query("SELECT $1::float8, $2::float8, $3::float8", 0.1, 1e300, -3.25);
  });
  EXPECT_EQ(r.float64(0, 0), 0.1);
  EXPECT_EQ(r.float64(0, 1), 1e300);
  EXPECT_EQ(r.float64(0, 2), -3.25);
}

TEST_F(PgPool, PreparedStatementIsPreparedOncePerConnection) {
  Pool pool(io.get_executor(), config_for(database_url(), 1));
  const std::string sql = "SELECT $1::int + 1 AS prepared_cache_probe";
  auto count = run(io, [&]() -> Task<std::int64_t> {
    for (int i = 0; i < 5; ++i) {
      auto r = co_await pool.query(sql, i);
      EXPECT_EQ(r.int64(0, 0), i + 1);
    }
    auto r = co_await pool.query("SELECT count(*) FROM pg_prepared_statements WHERE statement = $1", sql);
    co_return r.int64(0, 0);
  });
  EXPECT_EQ(count, 1);
  EXPECT_EQ(pool.stats().open, 1u);
}

TEST_F(PgPool, PreparedStatementCacheIsBounded) {
  Pool pool(io.get_executor(), config_for(database_url(), 1));
  auto prepared = run(io, [&]() -> Task<std::int64_t> {
    for (int i = 0; i < 530; ++i) {
      auto r = co_await pool.query("SELECT $1::int + " + std::to_string(i), 1);
      EXPECT_EQ(r.int64(0, 0), i + 1);
    }
    auto r = co_await pool.query("SELECT count(*) FROM pg_prepared_statements");
    co_return r.int64(0, 0);
  });
  EXPECT_LE(prepared, 512);
  EXPECT_GE(prepared, 500);
}

TEST_F(PgPool, StatementIsPreparedAgainWhenTheResultTypeChanges) {
  Pool pool(io.get_executor(), config_for(database_url(), 1));
  run(io, [&]() -> Task<void> {
    auto conn = co_await pool.acquire();
    co_await conn->execute_script("CREATE TEMP TABLE plan_change (a int)");
    co_await conn->query("INSERT INTO plan_change VALUES ($1)", 1);
    auto before = co_await conn->query("SELECT * FROM plan_change");
    EXPECT_EQ(before.columns(), 1);
    co_await conn->execute_script("ALTER TABLE plan_change ADD COLUMN b text");
    auto after = co_await conn->query("SELECT * FROM plan_change");  // 0A000 without re-preparing
    EXPECT_EQ(after.columns(), 2);
    co_await conn->execute_script("DEALLOCATE ALL");
    auto again = co_await conn->query("SELECT * FROM plan_change");  // 26000 without re-preparing
    EXPECT_EQ(again.rows(), 1);
    co_await conn->execute_script("DROP TABLE plan_change");
  });
}

TEST_F(PgPool, TransactionCommitIsVisibleAndRollbackOnExceptionLeavesNothing) {
  Pool pool(io.get_executor(), config_for(database_url(), 2));
  run(io, [&]() -> Task<void> {
    co_await pool.query("DROP TABLE IF EXISTS pg_tx_test");
    co_await pool.query("CREATE TABLE pg_tx_test (id int PRIMARY KEY)");
    int n = co_await pool.transaction([&](Connection& c) -> Task<int> {
      co_await c.query("INSERT INTO pg_tx_test VALUES ($1)", 1);
      co_await c.query("INSERT INTO pg_tx_test VALUES ($1)", 2);
      co_return 2;
    });
    EXPECT_EQ(n, 2);
    EXPECT_EQ((co_await pool.query("SELECT count(*) FROM pg_tx_test")).int64(0, 0), 2);

    bool thrown = false;
    try {
      co_await pool.transaction([&](Connection& c) -> Task<void> {
        co_await c.query("INSERT INTO pg_tx_test VALUES ($1)", 3);
        throw std::runtime_error("use case failed");
      });
    } catch (const std::runtime_error& e) {
      thrown = std::string(e.what()) == "use case failed";
    }
    EXPECT_TRUE(thrown);
    EXPECT_EQ((co_await pool.query("SELECT count(*) FROM pg_tx_test WHERE id = 3")).int64(0, 0), 0);

    // A failed statement inside the transaction: rolled back, connection usable afterwards.
    try {
      co_await pool.transaction([&](Connection& c) -> Task<void> {
        co_await c.query("INSERT INTO pg_tx_test VALUES ($1)", 4);
        co_await c.query("INSERT INTO pg_tx_test VALUES ($1)", 1);  // duplicate
      });
      ADD_FAILURE() << "expected a conflict";
    } catch (const domain::Error& e) {
      EXPECT_EQ(e.code(), domain::ErrorCode::kConflict);
    }
    EXPECT_EQ((co_await pool.query("SELECT count(*) FROM pg_tx_test")).int64(0, 0), 2);
    co_await pool.query("DROP TABLE pg_tx_test");
  });
  EXPECT_EQ(pool.stats().in_use, 0u);
}

TEST_F(PgPool, UniqueViolationIsConflictNamingTheConstraintButNotTheValue) {
  Pool pool(io.get_executor(), config_for(database_url(), 1));
  run(io, [&]() -> Task<void> {
    auto conn = co_await pool.acquire();
    co_await conn->execute_script(
        "CREATE TEMP TABLE users_u (email text CONSTRAINT users_u_email_key UNIQUE)");
    co_await conn->query("INSERT INTO users_u VALUES ($1)", "secret@example.com");
    try {
      co_await conn->query("INSERT INTO users_u VALUES ($1)", "secret@example.com");
      ADD_FAILURE() << "expected a conflict";
    } catch (const domain::Error& e) {
      EXPECT_EQ(e.code(), domain::ErrorCode::kConflict);
      std::string what = e.what();
      EXPECT_NE(what.find("users_u_email_key"), std::string::npos) << what;
      EXPECT_EQ(what.find("secret"), std::string::npos) << what;
    }
    EXPECT_TRUE(conn->healthy());
    co_await conn->execute_script("DROP TABLE users_u");
  });
}

TEST_F(PgPool, OtherServerErrorsAreQueryErrorsWithoutParameterValues) {
  Pool pool(io.get_executor(), config_for(database_url(), 1));
  run(io, [&]() -> Task<void> {
    try {
      co_await pool.query("SELECT $1::int", "secret-not-a-number");
      ADD_FAILURE() << "expected a QueryError";
    } catch (const QueryError& e) {
      EXPECT_EQ(e.sqlstate(), "22P02");
      EXPECT_EQ(std::string(e.what()).find("secret"), std::string::npos) << e.what();
    }
    try {
      co_await pool.query("SELECT * FROM table_that_does_not_exist");
      ADD_FAILURE() << "expected a QueryError";
    } catch (const QueryError& e) {
      EXPECT_EQ(e.sqlstate(), "42P01");
    }
    // The connection survives ordinary errors.
    EXPECT_EQ((co_await pool.query("SELECT 1")).int64(0, 0), 1);
  });
  EXPECT_EQ(pool.stats().open, 1u);
}

TEST_F(PgPool, AcquireTimesOutWithUnavailableWhenAllConnectionsAreHeld) {
  metrics::Registry registry;
  auto cfg = config_for(database_url(), 2);
  cfg.acquire_timeout = 200ms;
  Pool pool(io.get_executor(), cfg, &registry);
  run(io, [&]() -> Task<void> {
    auto a = co_await pool.acquire();
    auto b = co_await pool.acquire();
    auto started = std::chrono::steady_clock::now();
    try {
      co_await pool.acquire();
      ADD_FAILURE() << "expected a timeout";
    } catch (const domain::Error& e) {
      EXPECT_EQ(e.code(), domain::ErrorCode::kUnavailable);
      EXPECT_EQ(std::string(e.what()), "database busy");
      EXPECT_EQ(e.retry_after(), std::chrono::seconds(1));
    }
    EXPECT_GE(std::chrono::steady_clock::now() - started, 190ms);
    EXPECT_EQ(pool.stats().in_use, 2u);
  });
  auto s = pool.stats();
  EXPECT_EQ(s.acquire_timeouts, 1u);
  EXPECT_EQ(s.in_use, 0u);
  EXPECT_EQ(s.waiting, 0u);
  auto text = registry.render();
  EXPECT_NE(text.find("bookstore_db_pool_acquire_timeouts_total 1"), std::string::npos) << text;
  EXPECT_NE(text.find("bookstore_db_pool_connections{state=\"open\"} 2"), std::string::npos) << text;
  EXPECT_NE(text.find("bookstore_db_pool_connections{state=\"in_use\"} 0"), std::string::npos) << text;
  EXPECT_NE(text.find("bookstore_db_pool_waiting 0"), std::string::npos) << text;
  EXPECT_NE(text.find("bookstore_db_connect_failures_total 0"), std::string::npos) << text;
}

TEST_F(PgPool, WaiterGetsTheConnectionReleasedByAnother) {
  auto cfg = config_for(database_url(), 1);
  Pool pool(io.get_executor(), cfg);
  std::vector<int> order;
  run(io, [&]() -> Task<void> {
    auto held = std::make_shared<PooledConnection>(co_await pool.acquire());
    auto ex = co_await asio::this_coro::executor;
    std::atomic<int> done{0};
    for (int i = 0; i < 3; ++i) {
      asio::co_spawn(
          ex,
          [&, i]() -> Task<void> {
            auto r = co_await pool.query("SELECT $1::int", i);
            order.push_back(static_cast<int>(r.int64(0, 0)));
            ++done;
          },
          asio::detached);
      co_await sleep_for(5ms);  // queue the waiters in a known order
    }
    EXPECT_EQ(pool.stats().waiting, 3u);
    held.reset();
    while (done < 3) co_await sleep_for(5ms);
  });
  EXPECT_EQ(order, (std::vector<int>{0, 1, 2}));  // FIFO
  EXPECT_EQ(pool.stats().open, 1u);
}

TEST_F(PgPool, NeverOpensMoreThanMaxSizeUnderConcurrentLoad) {
  const std::string app = "pg_pool_bound_test";
  Pool pool(io.get_executor(), config_for(url_with_app(app), 4));
  std::atomic<std::size_t> max_open{0};
  std::atomic<int> ok{0};
  std::atomic<std::int64_t> max_backends{0};
  run(
      io,
      [&]() -> Task<void> {
        auto ex = co_await asio::this_coro::executor;
        for (int i = 0; i < 50; ++i) {
          asio::co_spawn(
              ex,
              [&, i]() -> Task<void> {
                auto conn = co_await pool.acquire();
                auto r = co_await conn->query(
                    "SELECT $1::int, (SELECT count(*) FROM pg_stat_activity WHERE application_name = $2), "
                    "pg_sleep(0.005)",
                    i, app);
                std::size_t open = pool.stats().open;
                std::size_t prev = max_open.load();
                while (open > prev && !max_open.compare_exchange_weak(prev, open)) {
                }
                std::int64_t backends = r.int64(0, 1), pb = max_backends.load();
                while (backends > pb && !max_backends.compare_exchange_weak(pb, backends)) {
                }
                if (r.int64(0, 0) == i) ++ok;
              },
              asio::detached);
        }
        co_return;
      },
      2);
  EXPECT_EQ(ok.load(), 50);
  EXPECT_LE(max_open.load(), 4u);
  EXPECT_GE(max_open.load(), 2u);
  EXPECT_LE(max_backends.load(), 4);
  auto s = pool.stats();
  EXPECT_LE(s.open, 4u);
  EXPECT_EQ(s.in_use, 0u);
  EXPECT_EQ(s.waiting, 0u);
  EXPECT_EQ(s.acquire_timeouts, 0u);
}

TEST_F(PgPool, HealsAfterItsBackendsAreTerminated) {
  const std::string app = "pg_pool_heal_test";
  Pool pool(io.get_executor(), config_for(url_with_app(app), 3));
  auto terminate = [&] {
    return exec_blocking(
        admin_url(),
        "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = '" + app +
            "'");
  };
  run(
      io,
      [&]() -> Task<void> {
        // Open three connections.
        {
          auto a = co_await pool.acquire();
          auto b = co_await pool.acquire();
          auto c = co_await pool.acquire();
          co_await a->query("SELECT 1");
          co_await b->query("SELECT 1");
          co_await c->query("SELECT 1");
        }
        EXPECT_EQ(pool.stats().open, 3u);
        EXPECT_EQ(terminate(), "3");
        // Right away: each query fails with 503 or already runs on a fresh connection.
        int unavailable = 0;
        for (int i = 0; i < 3; ++i) {
          try {
            auto r = co_await pool.query("SELECT $1::int", i);
            EXPECT_EQ(r.int64(0, 0), i);
          } catch (const domain::Error& e) {
            EXPECT_EQ(e.code(), domain::ErrorCode::kUnavailable);
            ++unavailable;
          }
        }
        EXPECT_LE(unavailable, 3);
        for (int i = 0; i < 10; ++i) {
          auto r = co_await pool.query("SELECT $1::int", i);
          EXPECT_EQ(r.int64(0, 0), i);
        }
        // After a while idle the pool notices dead connections before using them: no failure at all.
        {
          auto a = co_await pool.acquire();
          auto b = co_await pool.acquire();
          co_await a->query("SELECT 1");
          co_await b->query("SELECT 1");
        }
        terminate();
        co_await sleep_for(400ms);
        for (int i = 0; i < 5; ++i) {
          auto r = co_await pool.query("SELECT $1::int", i);
          EXPECT_EQ(r.int64(0, 0), i);
        }
      },
      2);
  EXPECT_LE(pool.stats().open, 3u);
  EXPECT_EQ(pool.stats().in_use, 0u);
}

TEST_F(PgPool, FailedRollbackOnALostConnectionDiscardsIt) {
  const std::string app = "pg_pool_rollback_test";
  Pool pool(io.get_executor(), config_for(url_with_app(app), 1));
  run(io, [&]() -> Task<void> {
    try {
      co_await pool.transaction([&](Connection& c) -> Task<void> {
        auto pid = (co_await c.query("SELECT pg_backend_pid()")).int64(0, 0);
        exec_blocking(admin_url(), "SELECT pg_terminate_backend(" + std::to_string(pid) + ")");
        co_await sleep_for(50ms);
        throw std::runtime_error("use case failed");
      });
      ADD_FAILURE() << "expected the use case's error";
    } catch (const std::runtime_error& e) {
      EXPECT_STREQ(e.what(), "use case failed");
    }
    EXPECT_EQ(pool.stats().open, 0u);  // discarded, not returned
    EXPECT_EQ((co_await pool.query("SELECT 7")).int64(0, 0), 7);
  });
  EXPECT_EQ(pool.stats().open, 1u);
}

TEST_F(PgPool, ConnectFailureIsUnavailable) {
  metrics::Registry registry;
  auto cfg = config_for("postgresql://bookstore@127.0.0.1:1/bookstore", 2);
  Pool pool(io.get_executor(), cfg, &registry);
  run(io, [&]() -> Task<void> {
    for (int i = 0; i < 2; ++i) {
      try {
        co_await pool.query("SELECT 1");
        ADD_FAILURE() << "expected unavailable";
      } catch (const domain::Error& e) {
        EXPECT_EQ(e.code(), domain::ErrorCode::kUnavailable);
        EXPECT_STREQ(e.what(), "database unavailable");
      }
    }
  });
  auto s = pool.stats();
  EXPECT_EQ(s.connect_failures, 2u);
  EXPECT_EQ(s.open, 0u);
  EXPECT_EQ(s.in_use, 0u);
  EXPECT_NE(registry.render().find("bookstore_db_connect_failures_total 2"), std::string::npos);
}

TEST_F(PgPool, ConnectTimeoutIsUnavailable) {
  // A listening socket that never answers the startup packet.
  {
    asio::ip::tcp::acceptor acceptor(io, asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
    auto port = acceptor.local_endpoint().port();
    auto cfg = config_for(
        "postgresql://bookstore@127.0.0.1:" + std::to_string(port) + "/bookstore?sslmode=disable", 1);
    cfg.connect_timeout = 300ms;
    Pool pool(io.get_executor(), cfg);
    auto started = std::chrono::steady_clock::now();
    EXPECT_THROW(run(io, [&]() -> Task<void> { co_await pool.query("SELECT 1"); }), domain::Error);
    auto took = std::chrono::steady_clock::now() - started;
    EXPECT_GE(took, 250ms);
    EXPECT_LT(took, 2s);
  }
}

TEST_F(PgPool, CloseFailsLaterAcquires) {
  Pool pool(io.get_executor(), config_for(database_url(), 1));
  run(io, [&]() -> Task<void> { co_await pool.query("SELECT 1"); });
  EXPECT_EQ(pool.stats().open, 1u);
  pool.close();
  EXPECT_EQ(pool.stats().open, 0u);
  EXPECT_THROW(run(io, [&]() -> Task<void> { co_await pool.query("SELECT 1"); }), domain::Error);
}

}  // namespace
}  // namespace bookstore::pg

namespace bookstore::pg {
namespace {

// The option libpq has in effect for `keyword` on an open connection.
std::string option_in_effect(PGconn* conn, const char* keyword) {
  std::string value;
  PQconninfoOption* options = PQconninfo(conn);
  for (auto* o = options; o && o->keyword; ++o)
    if (std::string_view(o->keyword) == keyword && o->val) value = o->val;
  PQconninfoFree(options);
  return value;
}

TEST(PgConnectionOptions, TcpKeepalivesAreOnByDefaultAndTheConnectionStringWins) {
  boost::asio::io_context io;
  auto [idle_default, user_timeout, idle_override] =
      bookstore::testing::run(io, [&]() -> Task<std::tuple<std::string, std::string, std::string>> {
        auto plain = co_await PgConnection::open(io.get_executor(), bookstore::testing::database_url(),
                                                 std::chrono::seconds(3));
        auto custom = co_await PgConnection::open(
            io.get_executor(), bookstore::testing::url_with_app("keepalive") + "&keepalives_idle=45",
            std::chrono::seconds(3));
        co_return std::tuple{option_in_effect(plain->native(), "keepalives_idle"),
                             option_in_effect(plain->native(), "tcp_user_timeout"),
                             option_in_effect(custom->native(), "keepalives_idle")};
      });
  EXPECT_EQ(idle_default, "30");
  EXPECT_EQ(user_timeout, "60000");
  EXPECT_EQ(idle_override, "45");
}

}  // namespace
}  // namespace bookstore::pg
