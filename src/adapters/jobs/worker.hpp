#pragma once
// The worker: claims due jobs in batches with FOR UPDATE SKIP LOCKED, runs up to `concurrency` handlers
// at once as coroutines, and records outcomes in batches. Several worker processes (or several Worker
// objects) share one jobs table safely.
//
//   jobs::Worker worker(io.get_executor(), pool, cfg, &metrics);
//   worker.handle("mail.send", send_mail);
//   worker.add_periodic("jobs.cleanup", std::chrono::hours(1));
//   co_spawn(io, worker.run(), detached);   // runs until stop()
//   ... worker.stop();                        // from any thread; run() returns once drained
//
// Wake-ups: LISTEN on the channel the enqueue trigger notifies (when cfg.listen_conninfo is set), a
// poll every cfg.poll_interval as a fallback, a re-check whenever the listener reconnects, and a local
// timer for retries this worker scheduled itself.
//
// Liveness: the worker upserts its row in job_workers every heartbeat_interval. Every instance
// periodically rescues running jobs whose worker has had no fresh heartbeat for rescue_after: they go
// back to available (the interrupted run counted as an attempt) or to dead when attempts are exhausted.
//
// All of the worker's state lives on one strand; handlers run on that strand too, so a handler must
// never block (await I/O, or hand CPU-heavy work to a thread pool).
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include <boost/asio/any_io_executor.hpp>
#include <nlohmann/json.hpp>

#include "adapters/jobs/job.hpp"
#include "adapters/pg/pool.hpp"
#include "app/task.hpp"

namespace bookstore::metrics {
class Registry;
}

namespace bookstore::jobs {

struct WorkerConfig {
  std::string instance_id;       // unique per process: locked_by and the heartbeat row; required
  std::string listen_conninfo;   // libpq URL for LISTEN; empty: poll only
  std::size_t concurrency = 8;   // handlers running at once
  std::size_t batch_size = 100;  // most jobs claimed by one fetch (never more than free slots)
  std::chrono::milliseconds poll_interval{1000};
  std::chrono::milliseconds heartbeat_interval{0};  // 0: rescue_after / 4, within 50 ms .. 5 s
  std::chrono::milliseconds rescue_after{60000};    // no heartbeat for this long: the worker is dead
  std::chrono::milliseconds rescue_interval{0};     // how often to look for orphans; 0: rescue_after / 2
  std::chrono::milliseconds retention{
      std::chrono::hours(168)};                                // finished jobs kept this long (jobs.cleanup)
  std::chrono::milliseconds retry_base{1000};                  // backoff: retry_base * 2^(attempt-1) ...
  std::chrono::milliseconds retry_cap{std::chrono::hours(1)};  // ... capped here, +-retry_jitter
  // (the errors history column keeps the last 20 failures; last_error always holds the latest)
  double retry_jitter = 0.2;
  std::chrono::milliseconds shutdown_grace{10000};  // after stop(), running handlers get this long
  std::chrono::milliseconds depth_refresh{5000};    // queue depth gauge refresh (with metrics)
};

struct WorkerStats {
  std::uint64_t claimed = 0;
  std::uint64_t completed = 0;
  std::uint64_t retried = 0;
  std::uint64_t dead = 0;
  std::uint64_t cancelled = 0;
  std::uint64_t rescued = 0;  // orphaned jobs of other (dead) instances this worker rescued
  std::size_t running = 0;
};

class Worker {
 public:
  // `pool` must outlive run(). With `metrics`, registers bookstore_jobs_total{kind,outcome},
  // bookstore_job_duration_seconds{kind} and bookstore_jobs_queue_depth{state} (one Worker per
  // registry should be given the registry, or the gauge is listed twice).
  Worker(boost::asio::any_io_executor executor, pg::Pool& pool, WorkerConfig config,
         metrics::Registry* metrics = nullptr);
  ~Worker();
  Worker(const Worker&) = delete;
  Worker& operator=(const Worker&) = delete;

  // Registration happens before run(). A job of a kind nobody here handles is retried later with an
  // error (another instance may know it) and ends dead when its attempts are exhausted.
  void handle(std::string kind, Handler handler);

  // Enqueue `kind` once per `interval` (whole seconds, slots aligned to the Unix epoch): every worker
  // enqueues the next slot's occurrence with unique_key "periodic:<kind>:<slot start epoch>" and
  // run_at = slot start, so with several instances each occurrence is enqueued (and run) once.
  void add_periodic(std::string kind, std::chrono::seconds interval,
                    nlohmann::json payload = nlohmann::json::object(), int priority = 50,
                    int max_attempts = 3);

  // Work that must happen on every instance rather than on one of them (e.g. deleting this machine's
  // old log files): run every `interval`, first right after start, on the worker's strand. Failures are
  // logged and the task runs again next interval.
  void add_local_task(std::string name, std::chrono::milliseconds interval, std::function<Task<void>()> task);

  // Runs until stop(): then stops claiming, gives running handlers up to shutdown_grace (jobs still
  // running after it are put back to available), flushes recorded outcomes, removes the heartbeat row
  // and returns. Call once.
  Task<void> run();
  // Thread-safe and idempotent.
  void stop();

  WorkerStats stats() const;
  const WorkerConfig& config() const;
  pg::Pool& pool() const;

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace bookstore::jobs
