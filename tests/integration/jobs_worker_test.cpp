// The worker against the real PostgreSQL: retries, dead jobs, rescue of a killed worker, exclusive
// claims across workers, LISTEN/NOTIFY wake-up, periodic jobs, graceful shutdown and metrics.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <mutex>
#include <set>
#include <vector>

#include <gtest/gtest.h>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>

#include "adapters/jobs/maintenance.hpp"
#include "adapters/jobs/queue.hpp"
#include "adapters/jobs/test_jobs.hpp"
#include "adapters/jobs/worker.hpp"
#include "adapters/metrics/metrics.hpp"
#include "jobs_fixture.hpp"

namespace bookstore::jobs_testing {
namespace {

class JobsWorker : public JobsTest {
 protected:
  std::string database_name() const override { return "bookstore_jobs_worker_test"; }

  Task<std::string> job_row(std::int64_t id) {
    auto r = co_await pool_->query(
        "SELECT state || '|' || attempt || '|' || jsonb_array_length(errors) || '|' || coalesce(last_error, "
        "'') || "
        "'|' || (finished_at IS NOT NULL) FROM jobs WHERE id = $1",
        id);
    co_return r.rows() ? std::string(r.text(0, 0)) : std::string("missing");
  }

  Task<bool> state_is(std::int64_t id, std::string state) {
    auto r = co_await pool_->query("SELECT state FROM jobs WHERE id = $1", id);
    co_return r.rows() == 1 && r.text(0, 0) == state;
  }
};

TEST_F(JobsWorker, AJobThatFailsTwiceSucceedsOnTheThirdAttempt) {
  jobs::Worker worker(io_.get_executor(), *pool_, worker_config("w1"));
  jobs::register_test_jobs(worker);
  auto row = testing::run(io_, [&]() -> Task<std::string> {
    auto done = start(worker);
    // (Named first: g++ 12 cannot compile a braced json initializer list inside a co_await expression.)
    jobs::NewJob job{"test.flaky", {{"succeed_on", 3}}};
    auto id = *co_await jobs::enqueue(*pool_, job);
    EXPECT_TRUE(co_await eventually([&]() -> Task<bool> { return state_is(id, "completed"); }));
    EXPECT_TRUE(co_await stop(worker, done));
    auto errors = co_await text(
        "SELECT string_agg(e->>'attempt' || ':' || (e->>'error'), ';') FROM jobs, "
        "jsonb_array_elements(errors) e WHERE id = " +
        std::to_string(id));
    EXPECT_EQ(errors, "1:test.flaky: attempt 1 fails on purpose;2:test.flaky: attempt 2 fails on purpose");
    co_return co_await job_row(id);
  });
  EXPECT_EQ(row, "completed|3|2|test.flaky: attempt 2 fails on purpose|true");
  EXPECT_EQ(worker.stats().retried, 2u);
  EXPECT_EQ(worker.stats().completed, 1u);
}

TEST_F(JobsWorker, AJobThatExhaustsItsAttemptsEndsDead) {
  jobs::Worker worker(io_.get_executor(), *pool_, worker_config("w1"));
  jobs::register_test_jobs(worker);
  auto row = testing::run(io_, [&]() -> Task<std::string> {
    auto done = start(worker);
    jobs::NewJob job{"test.fail"};
    job.max_attempts = 3;
    auto id = *co_await jobs::enqueue(*pool_, job);
    EXPECT_TRUE(co_await eventually([&]() -> Task<bool> { return state_is(id, "dead"); }));
    co_await sleep_for(100ms);  // nothing runs it again
    EXPECT_TRUE(co_await stop(worker, done));
    co_return co_await job_row(id);
  });
  EXPECT_EQ(row, "dead|3|3|test.fail: attempt 3 fails on purpose|true");
  EXPECT_EQ(worker.stats().dead, 1u);
}

TEST_F(JobsWorker, TheErrorHistoryKeepsTheLastTwentyFailures) {
  auto cfg = worker_config("w1");
  cfg.retry_base = 1ms;
  cfg.retry_cap = 2ms;
  jobs::Worker worker(io_.get_executor(), *pool_, cfg);
  jobs::register_test_jobs(worker);
  auto row = testing::run(io_, [&]() -> Task<std::string> {
    auto done = start(worker);
    jobs::NewJob job{"test.fail"};
    job.max_attempts = 25;
    auto id = *co_await jobs::enqueue(*pool_, job);
    EXPECT_TRUE(co_await eventually([&]() -> Task<bool> { return state_is(id, "dead"); }));
    EXPECT_TRUE(co_await stop(worker, done));
    EXPECT_EQ(co_await text(
                  "SELECT errors->0->>'attempt' || '..' || (errors->-1->>'attempt') FROM jobs WHERE id = " +
                  std::to_string(id)),
              "6..25");
    co_return co_await job_row(id);
  });
  EXPECT_EQ(row, "dead|25|20|test.fail: attempt 25 fails on purpose|true");
}

TEST_F(JobsWorker, CancelEndsAJobWithoutRetriesAndUnknownKindsAreRetriedUntilDead) {
  jobs::Worker worker(io_.get_executor(), *pool_, worker_config("w1"));
  worker.handle("test.cancel",
                [](const jobs::JobContext&) -> Task<void> { throw jobs::Cancel("the order was withdrawn"); });
  auto rows = testing::run(io_, [&]() -> Task<std::vector<std::string>> {
    auto done = start(worker);
    auto cancelled = *co_await jobs::enqueue(*pool_, jobs::NewJob{"test.cancel"});
    jobs::NewJob unknown{"nobody.handles.this"};
    unknown.max_attempts = 2;
    auto orphan = *co_await jobs::enqueue(*pool_, unknown);
    EXPECT_TRUE(co_await eventually([&]() -> Task<bool> { return state_is(cancelled, "cancelled"); }));
    EXPECT_TRUE(co_await eventually([&]() -> Task<bool> { return state_is(orphan, "dead"); }));
    EXPECT_TRUE(co_await stop(worker, done));
    std::vector<std::string> rows;
    for (auto id : {cancelled, orphan}) rows.push_back(co_await job_row(id));
    co_return rows;
  });
  EXPECT_EQ(rows[0], "cancelled|1|1|the order was withdrawn|true");
  EXPECT_EQ(rows[1], "dead|2|2|no handler for kind 'nobody.handles.this' on instance w1|true");
}

TEST_F(JobsWorker, RunningJobsOfAWorkerWithoutHeartbeatAreRescued) {
  auto cfg = worker_config("rescuer");
  cfg.rescue_after = 500ms;
  cfg.rescue_interval = 50ms;
  jobs::Worker worker(io_.get_executor(), *pool_, cfg);
  std::vector<std::int64_t> ran;
  worker.handle("test.record", [&](const jobs::JobContext& job) -> Task<void> {
    ran.push_back(job.id);
    co_return;
  });
  auto rows = testing::run(io_, [&]() -> Task<std::vector<std::string>> {
    // "ghost" claimed three jobs and then died: its heartbeat is a minute old. "vanished" never left a
    // heartbeat row at all. "alive" is running a job and beating: its job must be left alone.
    co_await pool_->query(
        "INSERT INTO job_workers (instance_id, heartbeat_at) VALUES ('ghost', now() - interval '1 minute'), "
        "('alive', now() + interval '1 hour')");
    auto claim = [&](const char* by, int attempt, int max_attempts) -> Task<std::int64_t> {
      auto r = co_await pool_->query(
          "INSERT INTO jobs (kind, state, attempt, max_attempts, locked_by, locked_at) VALUES "
          "('test.record', "
          "'running', $1, $2, $3, now() - interval '1 minute') RETURNING id",
          attempt, max_attempts, by);
      co_return r.int64(0, 0);
    };
    auto a = co_await claim("ghost", 1, 5);
    auto b = co_await claim("vanished", 1, 5);
    auto last = co_await claim("ghost", 3, 3);  // its last attempt was interrupted: dead
    auto kept = co_await claim("alive", 1, 5);
    auto done = start(worker);
    EXPECT_TRUE(co_await eventually([&]() -> Task<bool> {
      co_return co_await scalar("SELECT count(*) FROM jobs WHERE state = 'completed'") == 2;
    }));
    EXPECT_TRUE(co_await eventually([&]() -> Task<bool> { return state_is(last, "dead"); }));
    co_await sleep_for(200ms);
    EXPECT_TRUE(co_await stop(worker, done));
    EXPECT_EQ(co_await scalar("SELECT count(*) FROM job_workers WHERE instance_id = 'ghost'"), 0);  // pruned
    std::vector<std::string> rows;
    for (auto id : {a, b, last, kept}) rows.push_back(co_await job_row(id));
    co_return rows;
  });
  EXPECT_EQ(rows[0], "completed|2|1|worker ghost vanished while running the job|true");
  EXPECT_EQ(rows[1], "completed|2|1|worker vanished vanished while running the job|true");
  EXPECT_EQ(rows[2], "dead|3|1|worker ghost vanished while running the job|true");
  EXPECT_EQ(rows[3], "running|1|0||false");
  EXPECT_EQ(ran.size(), 2u);
  EXPECT_EQ(worker.stats().rescued, 3u);
}

// A real worker process is killed (SIGKILL) while it runs a job; another worker picks the job up once
// the dead one's heartbeat is stale. The worker runs in a forked child of this test process because
// main.cpp's `bookstore worker` command is wired by another change; the child is a full Worker with
// its own io_context, pool and LISTEN connection, so the database sees a genuinely vanished process.
TEST_F(JobsWorker, AJobWhoseWorkerProcessWasKilledIsPickedUpAgain) {
  auto stuck_on_first_attempt = [](const jobs::JobContext& job) -> Task<void> {
    if (job.attempt == 1) co_await sleep_for(60s);  // the child is killed long before this ends
  };
  auto id = testing::run(io_, [&]() -> Task<std::int64_t> {
    co_return *co_await jobs::enqueue(*pool_, jobs::NewJob{"test.stuck"});
  });
  pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    asio::io_context cio;
    pg::Pool cpool(cio.get_executor(), pg::PoolConfig{url_, 4});
    jobs::Worker cworker(cio.get_executor(), cpool, worker_config("doomed-child"));
    cworker.handle("test.stuck", stuck_on_first_attempt);
    asio::co_spawn(cio, cworker.run(), asio::detached);
    cio.run();
    ::_exit(0);
  }
  auto cfg = worker_config("survivor");
  cfg.rescue_after = 1s;
  cfg.rescue_interval = 100ms;
  jobs::Worker worker(io_.get_executor(), *pool_, cfg);
  worker.handle("test.stuck", stuck_on_first_attempt);
  auto row = testing::run(io_, [&]() -> Task<std::string> {
    EXPECT_TRUE(co_await eventually([&]() -> Task<bool> {
      co_return co_await text("SELECT coalesce(locked_by, '') FROM jobs WHERE id = " + std::to_string(id)) ==
          "doomed-child";
    }));
    ::kill(child, SIGKILL);
    int status = 0;
    ::waitpid(child, &status, 0);
    EXPECT_TRUE(WIFSIGNALED(status));
    auto done = start(worker);
    EXPECT_TRUE(co_await eventually([&]() -> Task<bool> { return state_is(id, "completed"); }));
    EXPECT_TRUE(co_await stop(worker, done));
    co_return co_await job_row(id);
  });
  EXPECT_EQ(row, "completed|2|1|worker doomed-child vanished while running the job|true");
}

TEST_F(JobsWorker, TwoWorkersNeverRunTheSameJob) {
  constexpr int kJobs = 2000;
  std::mutex mutex;
  std::vector<std::int64_t> ran;
  std::set<std::string> instances;
  auto record = [&](const char* instance) {
    return [&, instance](const jobs::JobContext& job) -> Task<void> {
      auto ex = co_await asio::this_coro::executor;
      co_await asio::post(ex, asio::use_awaitable);  // let other handlers interleave
      std::lock_guard lock(mutex);
      ran.push_back(job.id);
      instances.insert(instance);
    };
  };
  auto c1 = worker_config("twin-1"), c2 = worker_config("twin-2");
  c1.concurrency = c2.concurrency = 16;
  c1.batch_size = c2.batch_size = 20;
  jobs::Worker w1(io_.get_executor(), *pool_, c1), w2(io_.get_executor(), *pool_, c2);
  w1.handle("test.record", record("twin-1"));
  w2.handle("test.record", record("twin-2"));
  testing::run(
      io_,
      [&]() -> Task<void> {
        auto d1 = start(w1);
        auto d2 = start(w2);
        for (int sent = 0; sent < kJobs; sent += 100) {
          std::vector<jobs::NewJob> batch(100, jobs::NewJob{"test.record"});
          co_await jobs::enqueue_many(*pool_, batch);
        }
        EXPECT_TRUE(co_await eventually(
            [&]() -> Task<bool> {
              co_return co_await scalar("SELECT count(*) FROM jobs WHERE state = 'completed'") == kJobs;
            },
            30s));
        EXPECT_TRUE(co_await stop(w1, d1));
        EXPECT_TRUE(co_await stop(w2, d2));
      },
      2);
  EXPECT_EQ(ran.size(), static_cast<std::size_t>(kJobs));
  EXPECT_EQ(std::set<std::int64_t>(ran.begin(), ran.end()).size(), static_cast<std::size_t>(kJobs));
  EXPECT_EQ(instances.size(), 2u) << "both workers should have taken a share";
  EXPECT_EQ(w1.stats().completed + w2.stats().completed, static_cast<std::uint64_t>(kJobs));
}

TEST_F(JobsWorker, NotifyWakesAnIdleWorkerLongBeforeThePollInterval) {
  auto cfg = worker_config("listener");
  cfg.poll_interval = 10s;
  jobs::Worker worker(io_.get_executor(), *pool_, cfg);
  std::vector<double> latencies_ms;
  std::chrono::steady_clock::time_point enqueued_at;
  worker.handle("test.latency", [&](const jobs::JobContext&) -> Task<void> {
    latencies_ms.push_back(
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - enqueued_at).count());
    co_return;
  });
  testing::run(io_, [&]() -> Task<void> {
    auto done = start(worker);
    co_await sleep_for(500ms);  // the first fetch and the LISTEN are done
    for (int i = 0; i < 20; ++i) {
      enqueued_at = std::chrono::steady_clock::now();
      co_await jobs::enqueue(*pool_, jobs::NewJob{"test.latency"});
      EXPECT_TRUE(co_await eventually(
          [&]() -> Task<bool> { co_return latencies_ms.size() == static_cast<std::size_t>(i + 1); }, 2s));
      co_await sleep_for(20ms);
    }
    EXPECT_TRUE(co_await stop(worker, done));
  });
  ASSERT_EQ(latencies_ms.size(), 20u);
  std::sort(latencies_ms.begin(), latencies_ms.end());
  std::printf("enqueue-to-start latency over NOTIFY: p50 %.2f ms, max %.2f ms\n", latencies_ms[10],
              latencies_ms.back());
  EXPECT_LT(latencies_ms[10], 100.0);
  EXPECT_LT(latencies_ms.back(), 1000.0);  // never the 10 s poll
}

TEST_F(JobsWorker, APeriodicJobIsEnqueuedAndRunOncePerSlotByTwoWorkers) {
  std::mutex mutex;
  std::vector<std::int64_t> ran;
  auto tick = [&](const jobs::JobContext& job) -> Task<void> {
    std::lock_guard lock(mutex);
    ran.push_back(job.id);
    co_return;
  };
  jobs::Worker w1(io_.get_executor(), *pool_, worker_config("clock-1"));
  jobs::Worker w2(io_.get_executor(), *pool_, worker_config("clock-2"));
  for (auto* w : {&w1, &w2}) {
    w->handle("test.tick", tick);
    w->add_periodic("test.tick", 1s, {{"hello", "world"}});
  }
  auto keys = testing::run(
      io_,
      [&]() -> Task<std::int64_t> {
        auto d1 = start(w1);
        auto d2 = start(w2);
        co_await sleep_for(3500ms);
        EXPECT_TRUE(co_await stop(w1, d1));
        EXPECT_TRUE(co_await stop(w2, d2));
        // One row per slot key, each slot key one second apart, payload as registered.
        EXPECT_EQ(co_await scalar(
                      "SELECT count(*) - count(DISTINCT unique_key) FROM jobs WHERE kind = 'test.tick'"),
                  0);
        EXPECT_EQ(co_await scalar("SELECT count(*) FROM jobs WHERE kind = 'test.tick' AND unique_key <> "
                                  "'periodic:test.tick:' || extract(epoch FROM run_at)::bigint"),
                  0);
        EXPECT_EQ(co_await scalar("SELECT count(*) FROM jobs WHERE kind = 'test.tick' AND payload <> "
                                  "'{\"hello\": \"world\"}'"),
                  0);
        co_return co_await scalar(
            "SELECT count(*) FROM jobs WHERE kind = 'test.tick' AND state = 'completed'");
      },
      2);
  // 3.5 s hold three or four slot starts; allow one fewer for a slow start on a loaded machine.
  EXPECT_GE(keys, 2);
  EXPECT_LE(keys, 4);
  EXPECT_EQ(ran.size(), static_cast<std::size_t>(keys));
  EXPECT_EQ(std::set<std::int64_t>(ran.begin(), ran.end()).size(), ran.size());
}

TEST_F(JobsWorker, MaintenanceJobsRunThroughTheQueue) {
  auto cfg = worker_config("janitor");
  cfg.retention = std::chrono::hours(1);
  jobs::Worker worker(io_.get_executor(), *pool_, cfg);
  jobs::MaintenanceConfig mc;
  mc.audit_retention = std::chrono::hours(24);
  jobs::register_maintenance(worker, mc);
  auto left = testing::run(io_, [&]() -> Task<std::string> {
    co_await pool_->query(
        "INSERT INTO jobs (kind, state, finished_at) VALUES ('old', 'completed', now() - interval '2 "
        "hours'), "
        "('new', 'completed', now() - interval '10 minutes')");
    co_await pool_->query(
        "INSERT INTO audit_log (action, occurred_at) VALUES ('old', now() - interval '2 days'), ('new', "
        "now())");
    auto done = start(worker);
    // The periodic occurrences are an hour away; run both kinds now as a caller would.
    auto cleanup = *co_await jobs::enqueue(*pool_, jobs::NewJob{std::string(jobs::kCleanupKind)});
    auto audit = *co_await jobs::enqueue(*pool_, jobs::NewJob{std::string(jobs::kAuditRetentionKind)});
    EXPECT_TRUE(co_await eventually([&]() -> Task<bool> { return state_is(cleanup, "completed"); }));
    EXPECT_TRUE(co_await eventually([&]() -> Task<bool> { return state_is(audit, "completed"); }));
    EXPECT_TRUE(co_await stop(worker, done));
    EXPECT_EQ(
        co_await scalar("SELECT count(*) FROM jobs WHERE kind IN ('jobs.cleanup', 'audit.retention') AND "
                        "unique_key LIKE 'periodic:%' AND state = 'available'"),
        2);
    EXPECT_EQ(co_await text("SELECT string_agg(action, ',') FROM audit_log"), "new");
    co_return co_await text(
        "SELECT string_agg(kind, ',' ORDER BY kind) FROM jobs WHERE kind IN ('old', 'new')");
  });
  EXPECT_EQ(left, "new");
}

TEST_F(JobsWorker, StopLetsRunningJobsFinishAndRemovesTheHeartbeat) {
  jobs::Worker worker(io_.get_executor(), *pool_, worker_config("graceful"));
  jobs::register_test_jobs(worker);
  testing::run(io_, [&]() -> Task<void> {
    auto done = start(worker);
    std::vector<jobs::NewJob> batch(5, jobs::NewJob{"test.sleep", {{"ms", 300}}});
    co_await jobs::enqueue_many(*pool_, batch);
    EXPECT_TRUE(co_await eventually([&]() -> Task<bool> { co_return worker.stats().running == 5; }));
    EXPECT_EQ(co_await scalar("SELECT count(*) FROM job_workers WHERE instance_id = 'graceful'"), 1);
    auto stopping_at = std::chrono::steady_clock::now();
    worker.stop();
    co_await jobs::enqueue(*pool_, jobs::NewJob{"test.noop"});  // arrives during the drain: not taken
    EXPECT_TRUE(co_await stop(worker, done));
    EXPECT_GE(std::chrono::steady_clock::now() - stopping_at, 200ms);
    EXPECT_EQ(co_await scalar("SELECT count(*) FROM jobs WHERE kind = 'test.sleep' AND state = 'completed'"),
              5);
    EXPECT_EQ(co_await scalar("SELECT count(*) FROM jobs WHERE kind = 'test.noop' AND state = 'available'"),
              1);
    EXPECT_EQ(co_await scalar("SELECT count(*) FROM job_workers"), 0);
  });
}

TEST_F(JobsWorker, JobsOutlivingTheGracePeriodAreHandedBackWithoutSpendingAnAttempt) {
  auto cfg = worker_config("impatient");
  cfg.shutdown_grace = 200ms;
  jobs::Worker worker(io_.get_executor(), *pool_, cfg);
  jobs::register_test_jobs(worker);
  auto row = testing::run(io_, [&]() -> Task<std::string> {
    auto done = start(worker);
    jobs::NewJob job{"test.sleep", {{"ms", 1500}}};
    auto id = *co_await jobs::enqueue(*pool_, job);
    EXPECT_TRUE(co_await eventually([&]() -> Task<bool> { return state_is(id, "running"); }));
    EXPECT_TRUE(co_await stop(worker, done, 1s));
    auto r = co_await pool_->query(
        "SELECT state || '|' || attempt || '|' || (locked_by IS NULL) FROM jobs WHERE id = $1", id);
    co_return std::string(r.text(0, 0));
  });
  EXPECT_EQ(row, "available|0|true");
}

TEST_F(JobsWorker, MetricsCountOutcomesAndQueueDepth) {
  metrics::Registry registry;
  jobs::Worker worker(io_.get_executor(), *pool_, worker_config("measured"), &registry);
  jobs::register_test_jobs(worker);
  testing::run(io_, [&]() -> Task<void> {
    jobs::NewJob later{"test.noop"};
    later.run_at = std::chrono::system_clock::now() + std::chrono::hours(1);
    co_await jobs::enqueue(*pool_, later);
    auto done = start(worker);
    std::vector<jobs::NewJob> batch(3, jobs::NewJob{"test.noop"});
    co_await jobs::enqueue_many(*pool_, batch);
    jobs::NewJob fail{"test.fail"};
    fail.max_attempts = 2;
    co_await jobs::enqueue(*pool_, fail);
    EXPECT_TRUE(co_await eventually([&]() -> Task<bool> { co_return worker.stats().dead == 1; }));
    co_await sleep_for(300ms);  // a depth refresh
    EXPECT_TRUE(co_await stop(worker, done));
  });
  auto rendered = registry.render();
  for (const char* line : {R"(bookstore_jobs_total{kind="test.noop",outcome="completed"} 3)",
                           R"(bookstore_jobs_total{kind="test.fail",outcome="retried"} 1)",
                           R"(bookstore_jobs_total{kind="test.fail",outcome="dead"} 1)",
                           R"(bookstore_job_duration_seconds_count{kind="test.noop"} 3)",
                           R"(bookstore_jobs_queue_depth{state="available"} 1)"}) {
    EXPECT_NE(rendered.find(line), std::string::npos) << line << "\n" << rendered;
  }
}

// Not the benchmark (bench/jobs_bench.cpp is), but a guard against a gross regression of the batched
// claim and completion path.
TEST_F(JobsWorker, ThroughputOfNoopJobs) {
  constexpr int kJobs = 20000;
  auto cfg = worker_config("fast");
  cfg.concurrency = 256;
  cfg.batch_size = 256;
  jobs::Worker worker(io_.get_executor(), *pool_, cfg);
  jobs::register_test_jobs(worker);
  double seconds = testing::run(
      io_,
      [&]() -> Task<double> {
        auto done = start(worker);
        co_await sleep_for(200ms);
        auto t0 = std::chrono::steady_clock::now();
        std::vector<jobs::NewJob> batch(1000, jobs::NewJob{"test.noop"});
        for (int sent = 0; sent < kJobs; sent += 1000) co_await jobs::enqueue_many(*pool_, batch);
        EXPECT_TRUE(
            co_await eventually([&]() -> Task<bool> { co_return worker.stats().completed >= kJobs; }, 60s));
        double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        EXPECT_TRUE(co_await stop(worker, done));
        EXPECT_EQ(co_await scalar("SELECT count(*) FROM jobs WHERE state = 'completed'"), kJobs);
        co_return s;
      },
      2);
  std::printf("%d no-op jobs enqueued and completed in %.2f s: %.0f jobs/s\n", kJobs, seconds,
              kJobs / seconds);
  EXPECT_GT(kJobs / seconds, 1000.0);
}

}  // namespace
}  // namespace bookstore::jobs_testing
