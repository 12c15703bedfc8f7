// Job queue benchmark on the real PostgreSQL: throughput of no-op jobs enqueued and completed, and the
// enqueue-to-start latency an idle worker achieves thanks to LISTEN/NOTIFY. Prints `key value` lines
// that scripts/bench turns into its table.
//
//   BOOKSTORE_BENCH_DATABASE_URL=postgresql://... jobs_bench [jobs=100000] [latency_samples=300]
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "adapters/jobs/queue.hpp"
#include "adapters/jobs/worker.hpp"
#include "adapters/log/log.hpp"
#include "adapters/pg/migrations.hpp"
#include "adapters/pg/pool.hpp"

namespace asio = boost::asio;
using namespace bookstore;
using Clock = std::chrono::system_clock;

namespace {

std::int64_t now_micros() {
  return std::chrono::duration_cast<std::chrono::microseconds>(Clock::now().time_since_epoch()).count();
}

asio::awaitable<void> sleep_for(std::chrono::milliseconds d) {
  asio::steady_timer t(co_await asio::this_coro::executor);
  t.expires_after(d);
  co_await t.async_wait(asio::use_awaitable);
}

double percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  auto i = static_cast<std::size_t>(p * static_cast<double>(v.size() - 1) + 0.5);
  return v[std::min(i, v.size() - 1)];
}

}  // namespace

int main(int argc, char** argv) {
  const char* url = std::getenv("BOOKSTORE_BENCH_DATABASE_URL");
  if (!url) {
    std::fprintf(stderr, "jobs_bench: set BOOKSTORE_BENCH_DATABASE_URL\n");
    return 2;
  }
  const int total = argc > 1 ? std::atoi(argv[1]) : 100000;
  const int samples = argc > 2 ? std::atoi(argv[2]) : 300;
  log::Config lc;
  lc.level = spdlog::level::warn;
  log::init(lc);

  asio::io_context io(2);
  pg::Pool pool(io.get_executor(), {url, 8, std::chrono::seconds(5), std::chrono::seconds(5)});

  std::atomic<int> done{0};
  std::atomic<int> latency_count{0};
  std::vector<double> latencies_ms;  // written by handlers on the worker's strand; read after io.run()
  double throughput_seconds = 0;
  double enqueue_seconds = 0;

  jobs::WorkerConfig wc;
  wc.instance_id = "jobs-bench";
  wc.listen_conninfo = url;
  wc.concurrency = 256;
  wc.batch_size = 256;
  wc.poll_interval = std::chrono::milliseconds(1000);
  jobs::Worker worker(io.get_executor(), pool, wc);
  worker.handle("bench.noop", [&](const jobs::JobContext&) -> Task<void> {
    done.fetch_add(1, std::memory_order_relaxed);
    co_return;
  });
  worker.handle("bench.latency", [&](const jobs::JobContext& job) -> Task<void> {
    auto enqueued = job.payload.at("t").get<std::int64_t>();
    latencies_ms.push_back(static_cast<double>(now_micros() - enqueued) / 1000.0);
    latency_count.fetch_add(1, std::memory_order_release);
    co_return;
  });

  int status = 0;
  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        co_await pg::migrate(pool);
        co_await pool.query("DELETE FROM jobs WHERE kind LIKE 'bench.%'");
        asio::co_spawn(co_await asio::this_coro::executor, worker.run(), asio::detached);
        co_await sleep_for(std::chrono::milliseconds(300));  // worker listening

        // Throughput: a producer enqueues in batches of 1000 while the worker drains the queue.
        auto start = std::chrono::steady_clock::now();
        std::vector<jobs::NewJob> batch(1000, jobs::NewJob{"bench.noop"});
        for (int sent = 0; sent < total; sent += static_cast<int>(batch.size())) {
          batch.resize(std::min<std::size_t>(batch.size(), static_cast<std::size_t>(total - sent)));
          co_await jobs::enqueue_many(pool, batch);
        }
        enqueue_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        while (done.load() < total) co_await sleep_for(std::chrono::milliseconds(2));
        throughput_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

        // Latency: single jobs on an idle queue, spaced out so each one wakes the worker.
        for (int i = 0; i < samples; ++i) {
          jobs::NewJob job{"bench.latency"};
          job.payload = {{"t", now_micros()}};
          co_await jobs::enqueue(pool, job);
          co_await sleep_for(std::chrono::milliseconds(5));
        }
        while (latency_count.load(std::memory_order_acquire) < samples)
          co_await sleep_for(std::chrono::milliseconds(5));
        worker.stop();
        co_await sleep_for(std::chrono::milliseconds(200));
        co_await pool.query("DELETE FROM jobs WHERE kind LIKE 'bench.%'");
        pool.close();
      },
      [&](std::exception_ptr e) {
        if (!e) return;
        try {
          std::rethrow_exception(e);
        } catch (const std::exception& ex) {
          std::fprintf(stderr, "jobs_bench: %s\n", ex.what());
          status = 1;
        }
        worker.stop();
        pool.close();
      });
  std::thread second([&] { io.run(); });
  io.run();
  second.join();
  if (status != 0) return status;

  std::printf("jobs_total %d\n", total);
  std::printf("jobs_enqueue_per_s %.0f\n", total / enqueue_seconds);
  std::printf("jobs_completed_per_s %.0f\n", total / throughput_seconds);
  std::printf("jobs_latency_p50_ms %.2f\n", percentile(latencies_ms, 0.50));
  std::printf("jobs_latency_p99_ms %.2f\n", percentile(latencies_ms, 0.99));
  return 0;
}
