// The migrations runner on a scratch database per test (created through the admin URL, owned by the
// bookstore role, dropped afterwards), with synthetic migrations rather than the real ones.
#include <gtest/gtest.h>

#include <unistd.h>
#include <atomic>
#include <string>
#include <vector>

#include <libpq-fe.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "adapters/pg/migrations.hpp"
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

// database_url() with its database name replaced.
class PgMigrations : public ::testing::Test {
 protected:
  void SetUp() override {
    static std::atomic<int> counter{0};
    db_ = "bookstore_mig_test_" + std::to_string(getpid()) + "_" + std::to_string(counter++);
    url_ = bookstore::testing::create_scratch_database(db_);
  }
  void TearDown() override { bookstore::testing::drop_database(db_); }

  PoolConfig config() {
    PoolConfig c;
    c.conninfo = url_;
    c.max_size = 2;
    return c;
  }

  asio::io_context io;
  std::string db_, url_;
};

const std::vector<EmbeddedMigration> kTwo = {
    {1, "0001_books", "CREATE TABLE books (id bigint PRIMARY KEY, title text NOT NULL);"},
    {2, "0002_authors",
     "CREATE TABLE authors (id bigint PRIMARY KEY);\nINSERT INTO books VALUES (1, 'Dune');\n"},
};

TEST_F(PgMigrations, AppliesInOrderThenNothingTheSecondTime) {
  Pool pool(io.get_executor(), config());
  auto first = run(io, [&]() -> Task<MigrationReport> { co_return co_await migrate(pool, kTwo); });
  EXPECT_EQ(first.applied, (std::vector<int>{1, 2}));
  EXPECT_EQ(first.current_version, 2);

  auto rows = run(io, [&]() -> Task<Result> {
    co_return co_await pool.query(
        "SELECT version, name, length(checksum), applied_at IS NOT NULL FROM schema_migrations ORDER BY "
        "version");
  });
  ASSERT_EQ(rows.rows(), 2);
  EXPECT_EQ(rows.int64(0, 0), 1);
  EXPECT_EQ(rows.text(0, 1), "0001_books");
  EXPECT_EQ(rows.int64(0, 2), 64);  // sha256 in hex
  EXPECT_TRUE(rows.boolean(0, 3));
  EXPECT_EQ(rows.int64(1, 0), 2);
  EXPECT_EQ(
      run(io, [&]() -> Task<Result> { co_return co_await pool.query("SELECT title FROM books"); }).text(0, 0),
      "Dune");

  auto second = run(io, [&]() -> Task<MigrationReport> { co_return co_await migrate(pool, kTwo); });
  EXPECT_TRUE(second.applied.empty());
  EXPECT_EQ(second.current_version, 2);
  EXPECT_EQ(pool.stats().in_use, 0u);
}

TEST_F(PgMigrations, PendingMigrationsCounts) {
  Pool pool(io.get_executor(), config());
  PgDatabaseStatus status(pool);
  EXPECT_TRUE(run(io, [&]() -> Task<bool> { co_return co_await status.reachable(); }));
  EXPECT_EQ(run(io, [&]() -> Task<int> { co_return co_await pending_migrations(pool, kTwo); }), 2);
  std::vector<EmbeddedMigration> only_first(kTwo.begin(), kTwo.begin() + 1);
  run(io, [&]() -> Task<MigrationReport> { co_return co_await migrate(pool, only_first); });
  EXPECT_EQ(run(io, [&]() -> Task<int> { co_return co_await pending_migrations(pool, kTwo); }), 1);
  run(io, [&]() -> Task<MigrationReport> { co_return co_await migrate(pool, kTwo); });
  EXPECT_EQ(run(io, [&]() -> Task<int> { co_return co_await pending_migrations(pool, kTwo); }), 0);
}

TEST_F(PgMigrations, AnEditedAppliedMigrationIsRefused) {
  Pool pool(io.get_executor(), config());
  run(io, [&]() -> Task<MigrationReport> { co_return co_await migrate(pool, kTwo); });
  auto edited = kTwo;
  edited[0].sql = "CREATE TABLE books (id bigint PRIMARY KEY, title text);";
  edited.push_back({3, "0003_more", "CREATE TABLE more (id int);"});
  try {
    run(io, [&]() -> Task<MigrationReport> { co_return co_await migrate(pool, edited); });
    FAIL() << "expected the edited migration to be refused";
  } catch (const std::runtime_error& e) {
    std::string what = e.what();
    EXPECT_NE(what.find("migration 1 "), std::string::npos) << what;
    EXPECT_NE(what.find("0001_books.sql"), std::string::npos) << what;
  }
  EXPECT_THROW(run(io, [&]() -> Task<int> { co_return co_await pending_migrations(pool, edited); }),
               std::runtime_error);
  // Nothing was applied, and the advisory lock was released: a correct set still migrates.
  auto fixed = kTwo;
  fixed.push_back({3, "0003_more", "CREATE TABLE more (id int);"});
  auto report = run(io, [&]() -> Task<MigrationReport> { co_return co_await migrate(pool, fixed); });
  EXPECT_EQ(report.applied, (std::vector<int>{3}));
}

TEST_F(PgMigrations, ADatabaseNewerThanTheBinaryIsRefused) {
  Pool pool(io.get_executor(), config());
  run(io, [&]() -> Task<MigrationReport> { co_return co_await migrate(pool, kTwo); });
  std::vector<EmbeddedMigration> older(kTwo.begin(), kTwo.begin() + 1);
  try {
    run(io, [&]() -> Task<MigrationReport> { co_return co_await migrate(pool, older); });
    FAIL() << "expected a refusal";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("migration 2 (0002_authors.sql)"), std::string::npos) << e.what();
  }
}

TEST_F(PgMigrations, AFailingMigrationIsRolledBackAndNamed) {
  Pool pool(io.get_executor(), config());
  auto bad = kTwo;
  bad[1].sql = "CREATE TABLE authors (id bigint PRIMARY KEY);\nSELEC broken;";
  try {
    run(io, [&]() -> Task<MigrationReport> { co_return co_await migrate(pool, bad); });
    FAIL() << "expected a failure";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("migration 2 (0002_authors.sql) failed"), std::string::npos)
        << e.what();
  }
  auto r = run(io, [&]() -> Task<Result> {
    co_return co_await pool.query(
        "SELECT (SELECT count(*) FROM schema_migrations), to_regclass('authors') IS NULL, "
        "to_regclass('books') IS NULL");
  });
  EXPECT_EQ(r.int64(0, 0), 1);
  EXPECT_TRUE(r.boolean(0, 1));   // the failed migration left nothing behind
  EXPECT_FALSE(r.boolean(0, 2));  // the one before it stays applied
  EXPECT_EQ(pool.stats().in_use, 0u);
}

TEST_F(PgMigrations, ConcurrentMigrateCallsApplyEachMigrationOnce) {
  // Without IF NOT EXISTS, applying any of these twice would fail; the sleep makes the calls overlap.
  const std::vector<EmbeddedMigration> three = {
      {1, "0001_a", "CREATE TABLE a (id int); SELECT pg_sleep(0.2);"},
      {2, "0002_b", "CREATE TABLE b (id int);"},
      {5, "0005_c", "CREATE TABLE c (id int); INSERT INTO a VALUES (1);"},
  };
  Pool pool_a(io.get_executor(), config());
  Pool pool_b(io.get_executor(), config());
  MigrationReport ra, rb;
  run(
      io,
      [&]() -> Task<void> {
        auto ex = co_await asio::this_coro::executor;
        auto fa = asio::co_spawn(ex, migrate(pool_a, three), asio::use_awaitable);
        auto fb = asio::co_spawn(ex, migrate(pool_b, three), asio::use_awaitable);
        ra = co_await std::move(fa);
        rb = co_await std::move(fb);
      },
      2);
  std::vector<int> all = ra.applied;
  all.insert(all.end(), rb.applied.begin(), rb.applied.end());
  std::sort(all.begin(), all.end());
  EXPECT_EQ(all, (std::vector<int>{1, 2, 5}));
  EXPECT_EQ(ra.current_version, 5);
  EXPECT_EQ(rb.current_version, 5);
  auto n = run(io, [&]() -> Task<Result> { co_return co_await pool_a.query("SELECT count(*) FROM a"); });
  EXPECT_EQ(n.int64(0, 0), 1);
}

TEST(PgDatabaseStatus, UnreachableDatabaseIsReportedNotThrown) {
  asio::io_context io;
  PoolConfig cfg;
  cfg.conninfo = "postgresql://bookstore@127.0.0.1:1/bookstore";
  Pool pool(io.get_executor(), cfg);
  PgDatabaseStatus status(pool);
  EXPECT_FALSE(run(io, [&]() -> Task<bool> { co_return co_await status.reachable(); }));
  EXPECT_THROW(run(io, [&]() -> Task<int> { co_return co_await status.pending_migrations(); }),
               domain::Error);
}

}  // namespace
}  // namespace bookstore::pg
