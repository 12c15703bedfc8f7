#include "adapters/jobs/worker.hpp"

#include <algorithm>
#include <atomic>
#include <optional>
#include <random>
#include <stdexcept>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "adapters/jobs/queue.hpp"
#include "adapters/log/log.hpp"
#include "adapters/metrics/metrics.hpp"

namespace bookstore::jobs {
namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

namespace {

// Claims up to $2 due jobs for instance $1. SKIP LOCKED lets concurrent workers claim disjoint sets
// without waiting on each other; the claim itself counts as the start of an attempt.
//
// The claim commits asynchronously (synchronous_commit off for this statement's transaction only): a
// WAL flush costs 3-8 ms on ordinary disks, which would double the enqueue-to-start latency. Losing a
// claim in a database crash is harmless: the job is simply available again (at-least-once, as after
// any crash). Outcomes, by contrast, are committed synchronously: a lost completion would leave the
// job "running" under a live worker, where the rescuer does not look.
constexpr std::string_view kClaim = R"SQL(
UPDATE jobs SET state = 'running', attempt = attempt + 1, locked_by = $1, locked_at = now()
WHERE id IN (
  SELECT id FROM jobs
  WHERE state = 'available' AND run_at <= now()
  ORDER BY priority, run_at, id
  LIMIT $2
  FOR UPDATE SKIP LOCKED)
  AND set_config('synchronous_commit', 'off', true) IS NOT NULL
RETURNING id, kind, payload::text, attempt, max_attempts)SQL";

// The common outcome, written for a whole batch at once. `state = 'running' AND locked_by = $2` ignores
// jobs that were meanwhile rescued (this instance was taken for dead) or released at shutdown.
constexpr std::string_view kComplete = R"SQL(
UPDATE jobs SET state = 'completed', finished_at = now()
WHERE id = ANY($1::bigint[]) AND state = 'running' AND locked_by = $2)SQL";

// Failures and cancellations, also batched: each row carries its new state, retry delay and error.
constexpr std::string_view kFinishOther = R"SQL(
UPDATE jobs AS j SET
  state = u.state,
  finished_at = CASE WHEN u.state = 'available' THEN NULL ELSE now() END,
  run_at = CASE WHEN u.state = 'available' THEN now() + u.delay_ms * interval '1 millisecond' ELSE j.run_at END,
  locked_by = CASE WHEN u.state = 'available' THEN NULL ELSE j.locked_by END,
  locked_at = CASE WHEN u.state = 'available' THEN NULL ELSE j.locked_at END,
  last_error = u.error,
  errors = (CASE WHEN jsonb_array_length(j.errors) >= 20 THEN j.errors - 0 ELSE j.errors END)
           || jsonb_build_array(jsonb_build_object('attempt', j.attempt, 'at', now(), 'error', u.error))
FROM unnest($1::bigint[], $2::text[], $3::bigint[], $4::text[]) AS u(id, state, delay_ms, error)
WHERE j.id = u.id AND j.state = 'running' AND j.locked_by = $5)SQL";

constexpr std::string_view kHeartbeat = R"SQL(
INSERT INTO job_workers (instance_id) VALUES ($1)
ON CONFLICT (instance_id) DO UPDATE SET heartbeat_at = now())SQL";

constexpr std::string_view kRegister = R"SQL(
INSERT INTO job_workers (instance_id) VALUES ($1)
ON CONFLICT (instance_id) DO UPDATE SET started_at = now(), heartbeat_at = now())SQL";

constexpr std::string_view kUnregister = "DELETE FROM job_workers WHERE instance_id = $1";

// Running jobs whose worker has no fresh heartbeat (or no row at all) go back to available, or to dead
// when the interrupted run was their last attempt. locked_at must be old too, so a job claimed by an
// instance in the instant before its first heartbeat is never taken.
constexpr std::string_view kRescue = R"SQL(
WITH orphans AS (
  SELECT j.id FROM jobs j
  WHERE j.state = 'running' AND j.locked_at < now() - $1 * interval '1 millisecond'
    AND NOT EXISTS (SELECT 1 FROM job_workers w
                    WHERE w.instance_id = j.locked_by AND w.heartbeat_at >= now() - $1 * interval '1 millisecond')
  FOR UPDATE SKIP LOCKED)
UPDATE jobs AS j SET
  state = CASE WHEN j.attempt >= j.max_attempts THEN 'dead' ELSE 'available' END,
  finished_at = CASE WHEN j.attempt >= j.max_attempts THEN now() END,
  run_at = now(), locked_by = NULL, locked_at = NULL,
  last_error = 'worker ' || coalesce(j.locked_by, '?') || ' vanished while running the job',
  errors = (CASE WHEN jsonb_array_length(j.errors) >= 20 THEN j.errors - 0 ELSE j.errors END)
           || jsonb_build_array(jsonb_build_object('attempt', j.attempt, 'at', now(),
             'error', 'worker ' || coalesce(j.locked_by, '?') || ' vanished while running the job'))
FROM orphans o WHERE j.id = o.id
RETURNING j.id, j.kind, j.state)SQL";

// Heartbeat rows of instances gone for a while; rows of live instances come back with their next beat.
constexpr std::string_view kPruneWorkers =
    "DELETE FROM job_workers WHERE heartbeat_at < now() - 2 * $1 * interval '1 millisecond'";

// At start: jobs that a previous process with this same instance id left running are orphans too (their
// worker is gone, but our fresh heartbeat would hide them from the rescuer).
constexpr std::string_view kRescueOwn = R"SQL(
UPDATE jobs SET
  state = CASE WHEN attempt >= max_attempts THEN 'dead' ELSE 'available' END,
  finished_at = CASE WHEN attempt >= max_attempts THEN now() END,
  run_at = now(), locked_by = NULL, locked_at = NULL,
  last_error = 'worker ' || $1 || ' restarted while running the job'
WHERE state = 'running' AND locked_by = $1)SQL";

// At shutdown, jobs whose handlers outlived the grace period: handed back without spending an attempt.
constexpr std::string_view kRelease = R"SQL(
UPDATE jobs SET state = 'available', attempt = greatest(attempt - 1, 0), run_at = now(), locked_by = NULL,
  locked_at = NULL
WHERE id = ANY($1::bigint[]) AND state = 'running' AND locked_by = $2)SQL";

constexpr std::string_view kNotify = "SELECT pg_notify('bookstore_jobs', '')";

// Next occurrence of a periodic job: the slot after the current one, so the job cannot have finished
// (and released its unique key) before another instance tries the same slot.
constexpr std::string_view kPeriodic = R"SQL(
INSERT INTO jobs (kind, payload, priority, run_at, max_attempts, unique_key)
SELECT $1::text, $2::jsonb, $3, to_timestamp(s.slot), $4, 'periodic:' || $1::text || ':' || s.slot
FROM (SELECT (floor(extract(epoch FROM now()) / $5::bigint)::bigint + 1) * $5::bigint AS slot) s
ON CONFLICT (unique_key) WHERE unique_key IS NOT NULL AND state IN ('available', 'running') DO NOTHING
RETURNING id)SQL";

constexpr std::string_view kDepth =
    "SELECT state, count(*) FROM jobs WHERE state IN ('available', 'running') GROUP BY state";

// One-shot wake-up for a single waiting coroutine on the strand. notify() before wait is remembered.
class Wakeup {
 public:
  explicit Wakeup(asio::strand<asio::any_io_executor> strand) : timer_(std::move(strand)) {}
  void notify() {
    pending_ = true;
    timer_.cancel();
  }
  Task<void> wait_until(Clock::time_point deadline) {
    if (pending_) {
      pending_ = false;
      co_return;
    }
    timer_.expires_at(deadline);
    boost::system::error_code ec;
    co_await timer_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    pending_ = false;
  }
  Task<void> wait_for(Clock::duration d) { return wait_until(Clock::now() + d); }

 private:
  asio::steady_timer timer_;
  bool pending_ = false;
};

enum class Outcome { kCompleted, kRetried, kDead, kCancelled };

struct FinishedJob {
  std::int64_t id;
  Outcome outcome;
  milliseconds delay{0};
  std::string error;
};

struct DepthCache {
  std::atomic<double> available{0};
  std::atomic<double> running{0};
};

}  // namespace

struct Worker::Impl : std::enable_shared_from_this<Worker::Impl> {
  struct KindMetrics {
    metrics::Counter* outcome[4] = {nullptr, nullptr, nullptr, nullptr};
    metrics::Histogram* duration = nullptr;
  };
  struct Periodic {
    std::string kind;
    std::chrono::seconds interval;
    nlohmann::json payload;
    int priority;
    int max_attempts;
  };
  struct LocalTask {
    std::string name;
    milliseconds interval;
    std::function<Task<void>()> task;
  };

  Impl(asio::any_io_executor ex, pg::Pool& p, WorkerConfig c, metrics::Registry* m)
      : strand(asio::make_strand(ex)),
        pool(p),
        cfg(std::move(c)),
        registry(m),
        fetch_wake(strand),
        flush_wake(strand),
        done_wake(strand),
        rng(std::random_device{}()) {
    if (cfg.instance_id.empty()) throw std::invalid_argument("jobs::WorkerConfig: instance_id is empty");
    if (cfg.concurrency == 0)
      throw std::invalid_argument("jobs::WorkerConfig: concurrency must be at least 1");
    if (cfg.batch_size == 0) cfg.batch_size = 1;
    if (cfg.poll_interval <= milliseconds(0)) cfg.poll_interval = milliseconds(1000);
    if (cfg.rescue_after <= milliseconds(0)) cfg.rescue_after = milliseconds(60000);
    if (cfg.heartbeat_interval <= milliseconds(0))
      cfg.heartbeat_interval = std::clamp(cfg.rescue_after / 4, milliseconds(50), milliseconds(5000));
    if (cfg.rescue_interval <= milliseconds(0))
      cfg.rescue_interval = std::max(cfg.rescue_after / 2, milliseconds(10));
    if (registry) {
      jobs_total = &registry->counter(
          "bookstore_jobs_total", "Jobs finished by this process, by kind and outcome", {"kind", "outcome"});
      job_duration = &registry->histogram("bookstore_job_duration_seconds", "Time a job handler ran, by kind",
                                          {"kind"}, metrics::Registry::latency_buckets());
      registry->gauge("bookstore_jobs_queue_depth",
                      "Jobs waiting (available) and running, refreshed every few s", {"state"},
                      [d = depth]() -> metrics::Registry::GaugeSamples {
                        return {{{"available"}, d->available.load()}, {{"running"}, d->running.load()}};
                      });
    }
  }

  asio::strand<asio::any_io_executor> strand;
  pg::Pool& pool;
  WorkerConfig cfg;
  metrics::Registry* registry;
  metrics::Family<metrics::Counter>* jobs_total = nullptr;
  metrics::Family<metrics::Histogram>* job_duration = nullptr;
  std::shared_ptr<DepthCache> depth = std::make_shared<DepthCache>();

  std::unordered_map<std::string, Handler> handlers;
  std::unordered_map<std::string, KindMetrics> kind_metrics;
  std::vector<Periodic> periodic;
  std::vector<LocalTask> local_tasks;

  // Everything below is touched on the strand only, except the atomics.
  bool started = false;
  bool stopping = false;
  bool flush_final = false;  // the flusher exits once its buffer is empty
  bool work_maybe = true;    // a fetch may find something: notified, polled, or the last batch was full
  std::optional<Clock::time_point> next_due;  // earliest retry or periodic slot this worker knows of
  Wakeup fetch_wake, flush_wake, done_wake;
  std::vector<std::shared_ptr<Wakeup>> loop_wakes;  // sleeping background loops, woken by stop()
  std::size_t background = 0;
  std::unordered_set<std::int64_t> running_ids;
  std::vector<std::int64_t> completed_ids;
  std::vector<FinishedJob> other_outcomes;
  std::unique_ptr<pg::Listener> listener;
  std::mt19937_64 rng;

  std::atomic<std::uint64_t> n_claimed{0}, n_completed{0}, n_retried{0}, n_dead{0}, n_cancelled{0},
      n_rescued{0};
  std::atomic<std::size_t> n_running{0};
  std::atomic<bool> stop_requested{false};

  KindMetrics& metrics_for(const std::string& kind) {
    auto [it, inserted] = kind_metrics.try_emplace(kind);
    if (inserted && jobs_total) {
      static constexpr const char* names[4] = {"completed", "retried", "dead", "cancelled"};
      for (int i = 0; i < 4; ++i) it->second.outcome[i] = &jobs_total->with({kind, names[i]});
      it->second.duration = &job_duration->with({kind});
    }
    return it->second;
  }

  void count(const std::string& kind, Outcome o) {
    auto& m = metrics_for(kind);
    if (auto* c = m.outcome[static_cast<int>(o)]) c->inc();
    switch (o) {
      case Outcome::kCompleted:
        n_completed.fetch_add(1, std::memory_order_relaxed);
        break;
      case Outcome::kRetried:
        n_retried.fetch_add(1, std::memory_order_relaxed);
        break;
      case Outcome::kDead:
        n_dead.fetch_add(1, std::memory_order_relaxed);
        break;
      case Outcome::kCancelled:
        n_cancelled.fetch_add(1, std::memory_order_relaxed);
        break;
    }
  }

  void wake_for_work() {
    work_maybe = true;
    fetch_wake.notify();
  }

  void begin_stop() {
    if (stopping) return;
    stopping = true;
    fetch_wake.notify();
    for (auto& w : loop_wakes) w->notify();
    if (listener) listener->stop();
  }

  void note_due(Clock::time_point t) {
    if (!next_due || t < *next_due) {
      next_due = t;
      fetch_wake.notify();  // re-compute the fetch loop's deadline
    }
  }

  // Spawns a loop counted in `background`, so run() can wait for all of them before it returns.
  template <class F>
  void spawn_background(std::string name, F make_task) {
    ++background;
    asio::co_spawn(strand, make_task(),
                   [self = shared_from_this(), name = std::move(name)](std::exception_ptr e) {
                     if (e) {
                       try {
                         std::rethrow_exception(e);
                       } catch (const std::exception& ex) {
                         log::error("jobs.loop_failed", {{"loop", name}, {"error", ex.what()}});
                       } catch (...) {
                         log::error("jobs.loop_failed", {{"loop", name}});
                       }
                     }
                     --self->background;
                     self->done_wake.notify();
                   });
  }

  std::shared_ptr<Wakeup> loop_wake() {
    auto w = std::make_shared<Wakeup>(strand);
    loop_wakes.push_back(w);
    return w;
  }

  // ---- claiming and running ----

  static Task<void> fetch_loop(std::shared_ptr<Impl> self) {
    auto next_poll = Clock::now() + self->cfg.poll_interval;
    while (!self->stopping) {
      std::size_t running = self->running_ids.size();
      std::size_t free = running < self->cfg.concurrency ? self->cfg.concurrency - running : 0;
      if (free == 0 || !self->work_maybe) {
        auto deadline = next_poll;
        if (self->next_due) deadline = std::min(deadline, *self->next_due);
        co_await self->fetch_wake.wait_until(deadline);
        auto now = Clock::now();
        if (now >= next_poll) {
          self->work_maybe = true;
          next_poll = now + self->cfg.poll_interval;
        }
        if (self->next_due && now >= *self->next_due) {
          self->work_maybe = true;
          self->next_due.reset();
        }
        continue;
      }
      self->work_maybe = false;
      std::size_t want = std::min(free, self->cfg.batch_size);
      std::size_t got = 0;
      bool failed = false;
      try {
        got = co_await self->claim(want);
      } catch (const std::exception& e) {
        log::warn("jobs.claim_failed", {{"error", e.what()}});
        failed = true;
      }
      if (failed) {
        self->work_maybe = true;  // try again after a pause; the database may be coming back
        co_await self->fetch_wake.wait_for(std::min(self->cfg.poll_interval, milliseconds(1000)));
        continue;
      }
      if (got == want) self->work_maybe = true;  // probably more where these came from
    }
  }

  Task<std::size_t> claim(std::size_t want) {
    auto r = co_await pool.query(kClaim, cfg.instance_id, static_cast<std::int64_t>(want));
    auto self = shared_from_this();
    for (int i = 0; i < r.rows(); ++i) {
      JobContext ctx;
      ctx.id = r.int64(i, 0);
      ctx.kind = std::string(r.text(i, 1));
      ctx.payload = nlohmann::json::parse(r.text(i, 2), nullptr, /*allow_exceptions=*/false);
      ctx.attempt = static_cast<int>(r.int64(i, 3));
      ctx.max_attempts = static_cast<int>(r.int64(i, 4));
      running_ids.insert(ctx.id);
      asio::co_spawn(strand, execute(self, std::move(ctx)), asio::detached);
    }
    n_claimed.fetch_add(static_cast<std::uint64_t>(r.rows()), std::memory_order_relaxed);
    n_running.store(running_ids.size(), std::memory_order_relaxed);
    co_return static_cast<std::size_t>(r.rows());
  }

  static Task<void> execute(std::shared_ptr<Impl> self, JobContext ctx) {
    auto started_at = Clock::now();
    std::optional<Outcome> outcome;
    std::string error;
    auto handler = self->handlers.find(ctx.kind);
    if (handler == self->handlers.end()) {
      error = "no handler for kind '" + ctx.kind + "' on instance " + self->cfg.instance_id;
    } else {
      try {
        co_await handler->second(ctx);
        outcome = Outcome::kCompleted;
      } catch (const Cancel& c) {
        outcome = Outcome::kCancelled;
        error = c.what();
      } catch (const std::exception& e) {
        error = e.what();
        if (error.empty()) error = "exception without a message";
      } catch (...) {
        error = "unknown exception";
      }
    }
    auto& km = self->metrics_for(ctx.kind);
    if (km.duration) km.duration->observe(std::chrono::duration<double>(Clock::now() - started_at).count());
    self->finish(ctx, outcome, std::move(error));
  }

  void finish(const JobContext& ctx, std::optional<Outcome> outcome, std::string error) {
    if (!running_ids.erase(ctx.id)) return;  // released at shutdown: its fate is no longer ours
    n_running.store(running_ids.size(), std::memory_order_relaxed);
    if (outcome == Outcome::kCompleted) {
      completed_ids.push_back(ctx.id);
      // Checked first: building the JSON fields costs more than a no-op job at 10k+ jobs/s.
      if (log::enabled(spdlog::level::debug))
        log::debug("jobs.completed", {{"job_id", ctx.id}, {"kind", ctx.kind}, {"attempt", ctx.attempt}});
    } else {
      FinishedJob f{ctx.id, Outcome::kCancelled, milliseconds(0), error_text(error)};
      if (outcome != Outcome::kCancelled) {
        if (ctx.attempt >= ctx.max_attempts) {
          f.outcome = Outcome::kDead;
        } else {
          f.outcome = Outcome::kRetried;
          double unit = std::uniform_real_distribution<double>(0.0, 1.0)(rng);
          f.delay = backoff(ctx.attempt, cfg.retry_base, cfg.retry_cap, cfg.retry_jitter, unit);
        }
      }
      log::write(f.outcome == Outcome::kDead ? spdlog::level::err : spdlog::level::warn,
                 f.outcome == Outcome::kRetried ? "jobs.retry"
                 : f.outcome == Outcome::kDead  ? "jobs.dead"
                                                : "jobs.cancelled",
                 {{"job_id", ctx.id},
                  {"kind", ctx.kind},
                  {"attempt", ctx.attempt},
                  {"max_attempts", ctx.max_attempts},
                  {"delay_ms", f.delay.count()},
                  {"error", f.error}});
      outcome = f.outcome;
      other_outcomes.push_back(std::move(f));
    }
    count(ctx.kind, *outcome);
    flush_wake.notify();
    if (work_maybe) fetch_wake.notify();  // a slot is free
    if (stopping) done_wake.notify();
  }

  // ---- recording outcomes ----

  // Writes whatever finished while the previous write was in flight: under load the batches grow by
  // themselves (group commit), when idle each outcome is written at once.
  static Task<void> flush_loop(std::shared_ptr<Impl> self) {
    int final_failures = 0;
    for (;;) {
      if (self->completed_ids.empty() && self->other_outcomes.empty()) {
        if (self->flush_final) co_return;
        co_await self->flush_wake.wait_until(Clock::now() + std::chrono::hours(1));
        continue;
      }
      std::vector<std::int64_t> completed;
      std::vector<FinishedJob> other;
      completed.swap(self->completed_ids);
      other.swap(self->other_outcomes);
      bool failed = false;
      try {
        co_await self->write_outcomes(completed, other);
      } catch (const std::exception& e) {
        log::warn("jobs.record_failed", {{"error", e.what()}, {"jobs", completed.size() + other.size()}});
        failed = true;
      }
      if (failed) {
        // Keep them for the next try. If this instance stays cut off long enough, the rescuer of
        // another instance re-runs the jobs instead (at-least-once).
        self->completed_ids.insert(self->completed_ids.end(), completed.begin(), completed.end());
        std::move(other.begin(), other.end(), std::back_inserter(self->other_outcomes));
        // At shutdown, give the database a few more chances, then give up (the rescuer takes over).
        if (self->flush_final && ++final_failures > 3) co_return;
        co_await self->flush_wake.wait_for(std::chrono::milliseconds(500));
      }
    }
  }

  Task<void> write_outcomes(const std::vector<std::int64_t>& completed,
                            const std::vector<FinishedJob>& other) {
    auto conn = co_await pool.acquire();
    if (!completed.empty()) co_await conn->query(kComplete, array_literal(completed), cfg.instance_id);
    if (other.empty()) co_return;
    std::vector<std::int64_t> ids, delays;
    std::vector<std::optional<std::string>> states, errors;
    for (auto& f : other) {
      ids.push_back(f.id);
      delays.push_back(f.delay.count());
      states.emplace_back(f.outcome == Outcome::kRetried ? "available"
                          : f.outcome == Outcome::kDead  ? "dead"
                                                         : "cancelled");
      errors.emplace_back(f.error);
    }
    co_await conn->query(kFinishOther, array_literal(ids), array_literal(states), array_literal(delays),
                         array_literal(errors), cfg.instance_id);
    // The database set run_at = now() + delay when the statement started; by now that moment has passed,
    // so a wake-up at (local now + delay) is never early.
    auto now = Clock::now();
    for (auto& f : other)
      if (f.outcome == Outcome::kRetried) note_due(now + f.delay);
  }

  // ---- liveness ----

  static Task<void> heartbeat_loop(std::shared_ptr<Impl> self) {
    auto wake = self->loop_wake();
    while (!self->stopping) {
      co_await wake->wait_for(self->cfg.heartbeat_interval);
      if (self->stopping) break;
      try {
        co_await self->pool.query(kHeartbeat, self->cfg.instance_id);
      } catch (const std::exception& e) {
        log::warn("jobs.heartbeat_failed", {{"error", e.what()}});
      }
    }
  }

  static Task<void> rescue_loop(std::shared_ptr<Impl> self) {
    auto wake = self->loop_wake();
    while (!self->stopping) {
      co_await wake->wait_for(self->cfg.rescue_interval);
      if (self->stopping) break;
      try {
        co_await self->rescue();
      } catch (const std::exception& e) {
        log::warn("jobs.rescue_failed", {{"error", e.what()}});
      }
    }
  }

  Task<void> rescue() {
    auto conn = co_await pool.acquire();
    auto r = co_await conn->query(kRescue, static_cast<std::int64_t>(cfg.rescue_after.count()));
    for (int i = 0; i < r.rows(); ++i) {
      std::string kind(r.text(i, 1));
      bool dead = r.text(i, 2) == "dead";
      count(kind, dead ? Outcome::kDead : Outcome::kRetried);
      log::warn("jobs.rescued", {{"job_id", r.int64(i, 0)}, {"kind", kind}, {"state", r.text(i, 2)}});
    }
    n_rescued.fetch_add(static_cast<std::uint64_t>(r.rows()), std::memory_order_relaxed);
    co_await conn->query(kPruneWorkers, static_cast<std::int64_t>(cfg.rescue_after.count()));
    if (r.rows() > 0) {
      co_await conn->query(kNotify);  // other idle workers may take them too
      wake_for_work();
    }
  }

  // ---- periodic and local tasks ----

  static Task<void> periodic_loop(std::shared_ptr<Impl> self, Periodic p) {
    auto wake = self->loop_wake();
    // Several tries per slot so that a short outage or a late start still enqueues the next occurrence.
    auto tick = std::clamp<Clock::duration>(p.interval / 4, milliseconds(100), std::chrono::seconds(30));
    while (!self->stopping) {
      try {
        auto interval_s = static_cast<std::int64_t>(p.interval.count());
        co_await self->pool.query(kPeriodic, p.kind, p.payload.dump(), p.priority, p.max_attempts,
                                  interval_s);
        // Wake the fetch loop when the slot starts instead of waiting for the next poll.
        auto now_s =
            std::chrono::duration_cast<milliseconds>(std::chrono::system_clock::now().time_since_epoch());
        auto interval_ms = milliseconds(p.interval);
        auto until_slot = interval_ms - now_s % interval_ms;
        self->note_due(Clock::now() + until_slot + milliseconds(1));
      } catch (const std::exception& e) {
        log::warn("jobs.periodic_enqueue_failed", {{"kind", p.kind}, {"error", e.what()}});
      }
      co_await wake->wait_for(tick);
    }
  }

  static Task<void> local_task_loop(std::shared_ptr<Impl> self, LocalTask t) {
    auto wake = self->loop_wake();
    while (!self->stopping) {
      try {
        co_await t.task();
      } catch (const std::exception& e) {
        log::warn("jobs.local_task_failed", {{"task", t.name}, {"error", e.what()}});
      }
      co_await wake->wait_for(t.interval);
    }
  }

  static Task<void> depth_loop(std::shared_ptr<Impl> self) {
    auto wake = self->loop_wake();
    while (!self->stopping) {
      try {
        auto r = co_await self->pool.query(kDepth);
        double available = 0, running = 0;
        for (int i = 0; i < r.rows(); ++i) {
          (r.text(i, 0) == "available" ? available : running) = static_cast<double>(r.int64(i, 1));
        }
        self->depth->available.store(available);
        self->depth->running.store(running);
      } catch (const std::exception& e) {
        log::debug("jobs.depth_failed", {{"error", e.what()}});
      }
      co_await wake->wait_for(self->cfg.depth_refresh);
    }
  }

  // ---- the whole life ----

  static Task<void> main(std::shared_ptr<Impl> self) {
    log::info("jobs.worker_start", {{"instance", self->cfg.instance_id},
                                    {"concurrency", self->cfg.concurrency},
                                    {"kinds", self->handlers.size()}});
    // Register before claiming anything, so the rescuers of other instances see us alive. If the
    // database is down, keep trying until it is back or we are told to stop.
    auto wake = self->loop_wake();
    while (!self->stopping) {
      try {
        co_await self->pool.query(kRegister, self->cfg.instance_id);
        auto r = co_await self->pool.query(kRescueOwn, self->cfg.instance_id);
        if (r.affected_rows() > 0)
          log::warn("jobs.rescued_own", {{"instance", self->cfg.instance_id}, {"jobs", r.affected_rows()}});
        break;
      } catch (const std::exception& e) {
        log::warn("jobs.register_failed", {{"error", e.what()}});
      }
      co_await wake->wait_for(std::min(self->cfg.poll_interval, milliseconds(1000)));
    }

    if (!self->stopping && !self->cfg.listen_conninfo.empty()) {
      std::weak_ptr<Impl> weak = self;
      auto on_notify = [weak](std::string_view, std::string_view) {
        if (auto s = weak.lock()) asio::post(s->strand, [s] { s->wake_for_work(); });
      };
      // Notifications sent while the listener was away are lost: look for work after a reconnect.
      auto on_reconnect = [weak] {
        if (auto s = weak.lock()) asio::post(s->strand, [s] { s->wake_for_work(); });
      };
      self->listener = std::make_unique<pg::Listener>(self->strand, self->cfg.listen_conninfo,
                                                      std::vector<std::string>{std::string(kNotifyChannel)},
                                                      on_notify, on_reconnect);
      self->spawn_background("listener", [l = self->listener.get()] { return l->run(); });
    }
    if (!self->stopping) {
      self->spawn_background("flush", [self] { return flush_loop(self); });
      self->spawn_background("heartbeat", [self] { return heartbeat_loop(self); });
      self->spawn_background("rescue", [self] { return rescue_loop(self); });
      for (auto& p : self->periodic)
        self->spawn_background("periodic", [self, p] { return periodic_loop(self, p); });
      for (auto& t : self->local_tasks)
        self->spawn_background("local_task", [self, t] { return local_task_loop(self, t); });
      if (self->registry) self->spawn_background("depth", [self] { return depth_loop(self); });
      co_await fetch_loop(self);
    }

    // Drain: stop claiming (done), let running handlers finish within the grace period.
    auto deadline = Clock::now() + self->cfg.shutdown_grace;
    while (!self->running_ids.empty() && Clock::now() < deadline)
      co_await self->done_wake.wait_until(deadline);
    if (!self->running_ids.empty()) {
      std::vector<std::int64_t> ids(self->running_ids.begin(), self->running_ids.end());
      self->running_ids.clear();
      self->n_running.store(0);
      log::warn("jobs.release_unfinished", {{"jobs", ids.size()}});
      try {
        co_await self->pool.query(kRelease, array_literal(ids), self->cfg.instance_id);
      } catch (const std::exception& e) {
        log::warn("jobs.release_failed",
                  {{"error", e.what()}});  // the rescuer of another instance will do it
      }
    }
    self->flush_final = true;
    self->flush_wake.notify();
    while (self->background > 0) co_await self->done_wake.wait_until(Clock::now() + std::chrono::seconds(1));
    try {
      co_await self->pool.query(kUnregister, self->cfg.instance_id);
    } catch (const std::exception& e) {
      log::warn("jobs.unregister_failed", {{"error", e.what()}});
    }
    log::info("jobs.worker_stop",
              {{"instance", self->cfg.instance_id}, {"completed", self->n_completed.load()}});
  }
};

Worker::Worker(asio::any_io_executor executor, pg::Pool& pool, WorkerConfig config,
               metrics::Registry* metrics)
    : impl_(std::make_shared<Impl>(std::move(executor), pool, std::move(config), metrics)) {}

// stop() and let run() return before destroying the Worker (run() keeps its state alive meanwhile).
Worker::~Worker() = default;

void Worker::handle(std::string kind, Handler handler) {
  if (impl_->started) throw std::logic_error("jobs::Worker::handle after run()");
  impl_->handlers[std::move(kind)] = std::move(handler);
}

void Worker::add_periodic(std::string kind, std::chrono::seconds interval, nlohmann::json payload,
                          int priority, int max_attempts) {
  if (impl_->started) throw std::logic_error("jobs::Worker::add_periodic after run()");
  if (interval.count() < 1) throw std::invalid_argument("jobs::Worker::add_periodic: interval under 1 s");
  impl_->periodic.push_back({std::move(kind), interval, std::move(payload), priority, max_attempts});
}

void Worker::add_local_task(std::string name, std::chrono::milliseconds interval,
                            std::function<Task<void>()> task) {
  if (impl_->started) throw std::logic_error("jobs::Worker::add_local_task after run()");
  if (interval <= milliseconds(0))
    throw std::invalid_argument("jobs::Worker::add_local_task: interval must be positive");
  impl_->local_tasks.push_back({std::move(name), interval, std::move(task)});
}

Task<void> Worker::run() {
  auto self = impl_;
  if (self->started) throw std::logic_error("jobs::Worker::run called twice");
  self->started = true;
  // Run the worker on its strand; the caller resumes on its own executor when the worker has drained.
  co_await asio::co_spawn(self->strand, Impl::main(self), asio::use_awaitable);
}

void Worker::stop() {
  impl_->stop_requested = true;
  asio::post(impl_->strand, [self = impl_] { self->begin_stop(); });
}

WorkerStats Worker::stats() const {
  WorkerStats s;
  s.claimed = impl_->n_claimed.load();
  s.completed = impl_->n_completed.load();
  s.retried = impl_->n_retried.load();
  s.dead = impl_->n_dead.load();
  s.cancelled = impl_->n_cancelled.load();
  s.rescued = impl_->n_rescued.load();
  s.running = impl_->n_running.load();
  return s;
}

const WorkerConfig& Worker::config() const {
  return impl_->cfg;
}
pg::Pool& Worker::pool() const {
  return impl_->pool;
}

}  // namespace bookstore::jobs
