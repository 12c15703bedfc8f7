#pragma once
// Shared set-up of the jobs_*_test.cpp files: a scratch database of their own (so a service or another
// test using the main test database never claims their jobs), migrated once per process, and small
// coroutine helpers.
#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <string>

#include <gtest/gtest.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "adapters/jobs/worker.hpp"
#include "adapters/pg/migrations.hpp"
#include "adapters/pg/pool.hpp"
#include "support.hpp"

namespace bookstore::jobs_testing {

namespace asio = boost::asio;
using namespace std::chrono_literals;
using bookstore::testing::sleep_for;

// Creates (once per process, afresh) and migrates the database `name`; returns its URL for the
// bookstore role.
inline std::string scratch_database(const std::string& name) {
  static std::map<std::string, std::string> created;
  if (auto it = created.find(name); it != created.end()) return it->second;
  std::string url = testing::create_scratch_database(name);
  asio::io_context io;
  {
    pg::Pool pool(io.get_executor(), pg::PoolConfig{url, 1});
    testing::run(io, [&]() -> Task<void> { co_await pg::migrate(pool); });
    pool.close();
  }
  created[name] = url;
  return url;
}

// Polls cond() until it is true or `timeout` passes; returns its last value.
inline Task<bool> eventually(std::function<Task<bool>()> cond, std::chrono::milliseconds timeout = 10s) {
  auto end = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < end) {
    if (co_await cond()) co_return true;
    co_await sleep_for(10ms);
  }
  co_return co_await cond();
}

class JobsTest : public ::testing::Test {
 protected:
  virtual std::string database_name() const = 0;

  void SetUp() override {
    url_ = scratch_database(database_name());
    pool_ = std::make_unique<pg::Pool>(io_.get_executor(), pg::PoolConfig{url_, 16});
    testing::run(io_,
                 [&]() -> Task<void> { co_await pool_->query("TRUNCATE jobs, job_workers, audit_log"); });
  }
  void TearDown() override {
    if (pool_) pool_->close();
  }

  // Test-friendly timings: millisecond retries, quick heartbeats; LISTEN on the scratch database.
  jobs::WorkerConfig worker_config(std::string instance) const {
    jobs::WorkerConfig c;
    c.instance_id = std::move(instance);
    c.listen_conninfo = url_;
    c.concurrency = 8;
    c.batch_size = 50;
    c.poll_interval = 200ms;
    c.heartbeat_interval = 100ms;
    c.rescue_after = 2s;
    c.retry_base = 10ms;
    c.retry_cap = 100ms;
    c.shutdown_grace = 2s;
    c.depth_refresh = 100ms;
    return c;
  }

  // Starts worker.run() on io_; the returned flag turns true when run() has returned.
  std::shared_ptr<std::atomic<bool>> start(jobs::Worker& worker) {
    auto done = std::make_shared<std::atomic<bool>>(false);
    asio::co_spawn(io_, worker.run(), [done](std::exception_ptr e) {
      if (e) {
        try {
          std::rethrow_exception(e);
        } catch (const std::exception& ex) {
          ADD_FAILURE() << "worker.run() threw: " << ex.what();
        }
      }
      done->store(true);
    });
    return done;
  }

  // Stops the worker and waits until its run() returned.
  Task<bool> stop(jobs::Worker& worker, const std::shared_ptr<std::atomic<bool>>& done,
                  std::chrono::milliseconds timeout = 10s) {
    worker.stop();
    // Named, not a temporary: g++ 12 destroys a closure temporary with a non-trivial destructor twice
    // when it sits inside a co_await expression.
    std::function<Task<bool>()> returned = [done]() -> Task<bool> { co_return done->load(); };
    co_return co_await eventually(returned, timeout);
  }

  Task<std::int64_t> scalar(std::string sql) {
    auto r = co_await pool_->query(sql);
    co_return r.is_null(0, 0) ? -1 : r.int64(0, 0);
  }

  Task<std::string> text(std::string sql) {
    auto r = co_await pool_->query(sql);
    co_return std::string(r.text(0, 0));
  }

  asio::io_context io_;
  std::string url_;
  std::unique_ptr<pg::Pool> pool_;
};

}  // namespace bookstore::jobs_testing
