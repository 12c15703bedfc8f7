// The enqueue side of the job queue and the maintenance functions, against the real PostgreSQL.
#include <sys/stat.h>
#include <utime.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <set>
#include <stdexcept>

#include <gtest/gtest.h>

#include "adapters/jobs/maintenance.hpp"
#include "adapters/jobs/queue.hpp"
#include "jobs_fixture.hpp"

namespace bookstore::jobs_testing {
namespace {

class JobsQueue : public JobsTest {
 protected:
  std::string database_name() const override { return "bookstore_jobs_queue_test"; }
};

TEST_F(JobsQueue, EnqueueStoresTheJob) {
  auto row = testing::run(io_, [&]() -> Task<std::string> {
    jobs::NewJob job{"mail.send", {{"to", "a@example.com"}}};
    job.priority = 5;
    job.max_attempts = 7;
    job.run_at = std::chrono::system_clock::now() + std::chrono::hours(1);
    auto id = co_await jobs::enqueue(*pool_, job);
    EXPECT_TRUE(id.has_value());
    auto r = co_await pool_->query(
        "SELECT kind || '|' || payload::text || '|' || state || '|' || priority || '|' || max_attempts || "
        "'|' || "
        "attempt || '|' || (run_at > now() + interval '59 minutes') FROM jobs WHERE id = $1",
        *id);
    co_return std::string(r.text(0, 0));
  });
  EXPECT_EQ(row, R"(mail.send|{"to": "a@example.com"}|available|5|7|0|true)");
}

TEST_F(JobsQueue, UniqueKeyIsNotEnqueuedTwiceWhileLiveAndTheTransactionSurvives) {
  testing::run(io_, [&]() -> Task<void> {
    jobs::NewJob job{"report.build"};
    job.unique_key = "report:42";
    auto first = co_await jobs::enqueue(*pool_, job);
    EXPECT_TRUE(first.has_value());
    // The duplicate inside a transaction: nullopt, and the transaction can go on and commit.
    auto second = co_await pool_->transaction([&](pg::Connection& tx) -> Task<std::optional<std::int64_t>> {
      auto dup = co_await jobs::enqueue(tx, job);
      co_await jobs::enqueue(tx, jobs::NewJob{"other.kind"});
      co_return dup;
    });
    EXPECT_FALSE(second.has_value());
    EXPECT_EQ(co_await scalar("SELECT count(*) FROM jobs WHERE unique_key = 'report:42'"), 1);
    EXPECT_EQ(co_await scalar("SELECT count(*) FROM jobs WHERE kind = 'other.kind'"), 1);
    // Still live while running.
    co_await pool_->query("UPDATE jobs SET state = 'running' WHERE id = $1", *first);
    EXPECT_FALSE((co_await jobs::enqueue(*pool_, job)).has_value());
    // Once finished (here: completed, cancelled and dead alike), the key may be used again.
    for (const char* state : {"completed", "cancelled", "dead"}) {
      co_await pool_->query(
          "UPDATE jobs SET state = $1, finished_at = now() WHERE unique_key = 'report:42' AND "
          "state IN ('available', 'running')",
          state);
      auto again = co_await jobs::enqueue(*pool_, job);
      EXPECT_TRUE(again.has_value()) << state;
    }
    EXPECT_EQ(co_await scalar("SELECT count(*) FROM jobs WHERE unique_key = 'report:42'"), 4);
  });
}

TEST_F(JobsQueue, EnqueueInARolledBackTransactionLeavesNoJob) {
  testing::run(io_, [&]() -> Task<void> {
    bool threw = false;
    try {
      co_await pool_->transaction([&](pg::Connection& tx) -> Task<void> {
        auto id = co_await jobs::enqueue(tx, jobs::NewJob{"order.confirm"});
        EXPECT_TRUE(id.has_value());
        throw std::runtime_error("the order could not be saved");
      });
    } catch (const std::runtime_error&) {
      threw = true;
    }
    EXPECT_TRUE(threw);
    EXPECT_EQ(co_await scalar("SELECT count(*) FROM jobs"), 0);
    // And committed, it exists.
    co_await pool_->transaction(
        [&](pg::Connection& tx) -> Task<void> { co_await jobs::enqueue(tx, jobs::NewJob{"order.confirm"}); });
    EXPECT_EQ(co_await scalar("SELECT count(*) FROM jobs"), 1);
  });
}

TEST_F(JobsQueue, EnqueueManyInsertsInOneStatementAndSkipsTakenKeys) {
  auto ids = testing::run(io_, [&]() -> Task<std::vector<std::int64_t>> {
    co_await jobs::enqueue(*pool_, jobs::NewJob{"k", {}, std::string("taken")});
    std::vector<jobs::NewJob> batch;
    for (int i = 0; i < 1000; ++i) {
      jobs::NewJob j{"bulk", {{"i", i}, {"text", "quote \" backslash \\ brace } comma ,"}}};
      if (i == 10) j.unique_key = "taken";
      if (i == 20 || i == 21) j.unique_key = "twice in one batch";
      if (i == 30) j.run_at = std::chrono::system_clock::now() + std::chrono::hours(2);
      batch.push_back(j);
    }
    auto inserted = co_await jobs::enqueue_many(*pool_, batch);
    EXPECT_EQ(co_await scalar("SELECT count(*) FROM jobs WHERE kind = 'bulk'"), 998);
    EXPECT_EQ(co_await scalar(
                  "SELECT count(*) FROM jobs WHERE kind = 'bulk' AND run_at > now() + interval '1 hour'"),
              1);
    EXPECT_EQ(co_await text("SELECT payload->>'text' FROM jobs WHERE kind = 'bulk' LIMIT 1"),
              "quote \" backslash \\ brace } comma ,");
    co_return inserted;
  });
  EXPECT_EQ(ids.size(), 998u);
  EXPECT_EQ(std::set<std::int64_t>(ids.begin(), ids.end()).size(), 998u);
}

TEST_F(JobsQueue, InvalidJobsAreRefusedBeforeTheDatabase) {
  testing::run(io_, [&]() -> Task<void> {
    int refused = 0;
    jobs::NewJob no_attempts{"k"};
    no_attempts.max_attempts = 0;
    for (auto job : {jobs::NewJob{""}, no_attempts}) {
      try {
        co_await jobs::enqueue(*pool_, job);
      } catch (const std::invalid_argument&) {
        ++refused;
      }
    }
    EXPECT_EQ(refused, 2);
  });
}

TEST(JobsBackoff, GrowsExponentiallyWithinJitterBoundsAndIsCapped) {
  using std::chrono::milliseconds;
  const milliseconds base(1000), cap(3600 * 1000);
  for (int attempt = 1; attempt <= 30; ++attempt) {
    double nominal = std::min(1000.0 * std::pow(2.0, attempt - 1), 3600.0 * 1000);
    auto low = jobs::backoff(attempt, base, cap, 0.2, 0.0).count();
    auto mid = jobs::backoff(attempt, base, cap, 0.2, 0.5).count();
    auto high = jobs::backoff(attempt, base, cap, 0.2, 0.999999).count();
    EXPECT_NEAR(static_cast<double>(mid), nominal, 1.0) << attempt;
    EXPECT_NEAR(static_cast<double>(low), nominal * 0.8, 1.0) << attempt;
    EXPECT_LE(static_cast<double>(high), nominal * 1.2 + 1) << attempt;
    EXPECT_GE(static_cast<double>(high), nominal * 1.19) << attempt;
  }
  EXPECT_EQ(jobs::backoff(1, base, cap, 0.2, 0.5), milliseconds(1000));
  EXPECT_EQ(jobs::backoff(2, base, cap, 0.2, 0.5), milliseconds(2000));
  EXPECT_EQ(jobs::backoff(3, base, cap, 0.0, 0.9), milliseconds(4000));
  EXPECT_EQ(jobs::backoff(100, base, cap, 0.0, 0.0), cap);
  EXPECT_EQ(jobs::backoff(0, milliseconds(10), cap, 0.0, 0.0), milliseconds(10));  // treated as the first
  // Random draws stay inside +-20%.
  std::mt19937 rng(7);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  for (int i = 0; i < 1000; ++i) {
    int attempt = 1 + i % 15;
    double nominal = std::min(1000.0 * std::pow(2.0, attempt - 1), 3600.0 * 1000);
    auto d = static_cast<double>(jobs::backoff(attempt, base, cap, 0.2, unit(rng)).count());
    EXPECT_GE(d, nominal * 0.8 - 1);
    EXPECT_LE(d, nominal * 1.2 + 1);
  }
}

TEST(JobsErrorText, IsValidUtf8WithoutNulAndTruncated) {
  EXPECT_EQ(jobs::error_text("plain"), "plain");
  EXPECT_EQ(jobs::error_text(std::string("a\0b", 3)), "a?b");
  EXPECT_EQ(jobs::error_text("bad \xff\xfe byte"), "bad ?? byte");
  EXPECT_EQ(jobs::error_text("overlong \xc0\xaf"), "overlong ??");
  EXPECT_EQ(jobs::error_text("caf\xc3\xa9"), "caf\xc3\xa9");
  EXPECT_EQ(jobs::error_text(std::string(5000, 'x')).size(), 2000u);
  // Never cut inside a character.
  EXPECT_EQ(jobs::error_text("\xc3\xa9\xc3\xa9", 3), "\xc3\xa9");
}

TEST_F(JobsQueue, CleanupDeletesOnlyFinishedJobsOlderThanTheRetention) {
  testing::run(io_, [&]() -> Task<void> {
    auto add = [&](const char* label, const char* state, const char* finished_ago) -> Task<void> {
      co_await pool_->query(
          "INSERT INTO jobs (kind, state, created_at, finished_at) VALUES ($1, $2, now() - interval '30 "
          "days', "
          "now() - $3::interval)",
          label, state, finished_ago);
    };
    co_await add("old-completed", "completed", "3 hours");
    co_await add("old-dead", "dead", "3 hours");
    co_await add("old-cancelled", "cancelled", "3 hours");
    co_await add("new-completed", "completed", "10 minutes");
    co_await add("new-dead", "dead", "10 minutes");
    co_await pool_->query(
        "INSERT INTO jobs (kind, state, created_at, run_at) VALUES ('old-available', 'available', now() - "
        "interval "
        "'30 days', now() - interval '30 days')");
    co_await pool_->query(
        "INSERT INTO jobs (kind, state, created_at, locked_at, locked_by) VALUES ('old-running', 'running', "
        "now() - "
        "interval '30 days', now() - interval '30 days', 'somebody')");
    auto deleted = co_await jobs::delete_finished_jobs(*pool_, std::chrono::hours(1));
    EXPECT_EQ(deleted, 3);
    EXPECT_EQ(co_await text("SELECT string_agg(kind, ',' ORDER BY kind) FROM jobs"),
              "new-completed,new-dead,old-available,old-running");
  });
}

TEST_F(JobsQueue, AuditRetentionDeletesOnlyOldRows) {
  testing::run(io_, [&]() -> Task<void> {
    co_await pool_->query(
        "INSERT INTO audit_log (action, occurred_at) SELECT 'old', now() - interval '400 days' FROM "
        "generate_series(1, 25000)");
    co_await pool_->query(
        "INSERT INTO audit_log (action, occurred_at) VALUES ('recent', now() - interval '1 day')");
    auto deleted = co_await jobs::delete_old_audit_rows(*pool_, std::chrono::hours(24 * 365));
    EXPECT_EQ(deleted, 25000);  // more than one chunk
    EXPECT_EQ(co_await text("SELECT string_agg(action, ',') FROM audit_log"), "recent");
  });
}

TEST(JobsLogRetention, DeletesOldRotatedLogFilesOnly) {
  namespace fs = std::filesystem;
  char tmpl[] = "/tmp/bookstore-logs-XXXXXX";
  ASSERT_NE(::mkdtemp(tmpl), nullptr);
  fs::path dir(tmpl);
  auto touch = [&](const std::string& name, std::chrono::hours age) {
    std::ofstream(dir / name) << "line\n";
    auto t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now() - age);
    struct utimbuf times {
      t, t
    };
    ASSERT_EQ(::utime((dir / name).c_str(), &times), 0);
  };
  using std::chrono::hours;
  touch("bookstore.log", hours(24 * 30));     // the live file: kept whatever its age
  touch("bookstore.1.log", hours(24 * 20));   // old rotated: deleted
  touch("bookstore.2.log", hours(24 * 15));   // old rotated: deleted
  touch("bookstore.3.log", hours(24 * 2));    // recent: kept
  touch("bookstore.log.4", hours(24 * 20));   // another rotation naming: deleted
  touch("notes.txt", hours(24 * 30));         // not a log file: kept
  fs::create_directory(dir / "archive.log");  // a directory: kept
  auto deleted = jobs::delete_old_log_files(dir, hours(24 * 14));
  EXPECT_EQ(deleted, 3u);
  std::set<std::string> left;
  for (auto& e : fs::directory_iterator(dir)) left.insert(e.path().filename().string());
  EXPECT_EQ(left, (std::set<std::string>{"archive.log", "bookstore.3.log", "bookstore.log", "notes.txt"}));
  EXPECT_EQ(jobs::delete_old_log_files(dir / "missing", hours(1)), 0u);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace bookstore::jobs_testing
