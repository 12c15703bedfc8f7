#include <algorithm>
#include <atomic>
#include <deque>
#include <mutex>

#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "adapters/log/log.hpp"
#include "adapters/metrics/metrics.hpp"
#include "adapters/pg/connection.hpp"
#include "adapters/pg/errors.hpp"
#include "adapters/pg/pipeline.hpp"
#include "domain/error.hpp"

namespace bookstore::pg {

namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;

// ---- PooledConnection ----

PooledConnection::PooledConnection(PooledConnection&& other) noexcept
    : conn_(std::exchange(other.conn_, nullptr)), home_(std::move(other.home_)) {}

PooledConnection& PooledConnection::operator=(PooledConnection&& other) noexcept {
  if (this != &other) {
    if (conn_ && home_) home_->give_back(conn_);
    conn_ = std::exchange(other.conn_, nullptr);
    home_ = std::move(other.home_);
  }
  return *this;
}

PooledConnection::~PooledConnection() {
  if (conn_ && home_) home_->give_back(conn_);
}

// ---- Pool ----

namespace {
// A connection idle longer than this is checked (one non-blocking recv) before it is handed out, so a
// server restart or a terminated backend is noticed before a request runs into it. Busy connections
// are never checked: the hot path pays nothing.
constexpr auto kIdleCheckAfter = std::chrono::milliseconds(250);
// A pipeline that completed nothing for this long while busy gets no new statements while another does
// not (see query_params). A batch of primary-key lookups takes well under a millisecond, but on a busy
// machine the backend or this process may wait a few milliseconds for a core.
constexpr auto kPipelineStall = std::chrono::milliseconds(10);
}  // namespace

struct Pool::State final : PooledConnection::Return, PipelineHost, std::enable_shared_from_this<Pool::State> {
  struct Idle {
    PgConnection* conn;
    Clock::time_point since;
  };
  // An acquire() call waiting for a connection. It lives in the waiting coroutine's frame; whoever
  // removes it from `waiters` (under the mutex) fills in the outcome and cancels its timer.
  struct Waiter {
    explicit Waiter(const asio::any_io_executor& ex) : timer(ex) {}
    asio::steady_timer timer;
    PgConnection* conn = nullptr;  // handed over by give_back
    bool may_open = false;         // a slot was freed for this waiter: open a new connection
    bool closed = false;           // the pool closed
    bool queued = true;
  };

  State(asio::any_io_executor ex, PoolConfig cfg) : executor(std::move(ex)), config(std::move(cfg)) {}
  ~State() override {
    for (auto& i : idle) delete i.conn;
  }

  void give_back(Connection* c) noexcept override;
  Task<PgConnection*> take_for_pipeline() override;
  void drop_from_pipeline(PgConnection* c) noexcept override;
  // Under the mutex: wakes the first waiter so that it opens a connection in a slot just freed. Returns
  // false when nobody waits (the caller then releases the slot).
  bool hand_slot_to_waiter_locked() noexcept;
  void on_connect_failure() noexcept;

  asio::any_io_executor executor;
  PoolConfig config;
  mutable std::mutex mutex;
  std::vector<Idle> idle;  // LIFO: the most recently used connection is the warmest
  std::deque<Waiter*> waiters;
  std::size_t open = 0;       // existing connections plus slots reserved for one being opened
  std::size_t in_use = 0;     // handed out (or being opened for a caller)
  std::size_t pipelined = 0;  // held by the pipelines (not counted in in_use)
  std::vector<std::shared_ptr<Pipeline>> pipelines;  // fixed after construction
  std::atomic<std::size_t> next_pipeline{0};
  bool closed = false;
  std::uint64_t acquire_timeouts = 0;
  std::uint64_t connect_failures = 0;
  metrics::Counter* timeouts_metric = nullptr;
  metrics::Counter* connect_failures_metric = nullptr;
};

bool Pool::State::hand_slot_to_waiter_locked() noexcept {
  if (closed || waiters.empty()) return false;
  Waiter* w = waiters.front();
  waiters.pop_front();
  w->queued = false;
  w->may_open = true;
  w->timer.cancel();
  return true;
}

void Pool::State::give_back(Connection* c) noexcept {
  auto* conn = static_cast<PgConnection*>(c);
  PgConnection* discard = nullptr;
  bool closing = false;
  {
    std::lock_guard lock(mutex);
    closing = closed;
    if (!closed && conn->reusable()) {
      if (!waiters.empty()) {
        Waiter* w = waiters.front();
        waiters.pop_front();
        w->queued = false;
        w->conn = conn;  // stays in use: ownership moves to the waiter
        w->timer.cancel();
      } else {
        --in_use;
        idle.push_back({conn, Clock::now()});
      }
    } else {
      discard = conn;
      // The broken connection's slot goes to a waiter, who opens a fresh connection.
      if (!hand_slot_to_waiter_locked()) {
        --open;
        --in_use;
      }
    }
  }
  if (discard) {
    if (!closing) log::info("db_connection_discarded", {{"healthy", discard->healthy()}});
    delete discard;
  }
}

Task<PgConnection*> Pool::State::take_for_pipeline() {
  PooledConnection handle = co_await Pool::acquire_from(shared_from_this());
  auto* conn = static_cast<PgConnection*>(std::exchange(handle.conn_, nullptr));
  std::lock_guard lock(mutex);
  --in_use;
  ++pipelined;
  co_return conn;
}

void Pool::State::drop_from_pipeline(PgConnection* c) noexcept {
  {
    std::lock_guard lock(mutex);
    --pipelined;
    ++in_use;  // give_back() accounts for it as a handed-out connection
  }
  c->mark_broken();
  give_back(c);
}

void Pool::State::on_connect_failure() noexcept {
  std::lock_guard lock(mutex);
  ++connect_failures;
  if (connect_failures_metric) connect_failures_metric->inc();
  // Another waiter may try in this slot; when the server is down it fails fast too, which is what
  // callers want (503 now rather than after the acquire timeout).
  if (!hand_slot_to_waiter_locked()) {
    --open;
    --in_use;
  }
}

Pool::Pool(asio::any_io_executor executor, PoolConfig config, metrics::Registry* metrics)
    : state_(std::make_shared<State>(std::move(executor), std::move(config))) {
  if (state_->config.max_size == 0) state_->config.max_size = 1;
  std::size_t pipelines = std::min(state_->config.pipeline_connections, state_->config.max_size / 2);
  for (std::size_t i = 0; i < pipelines; ++i) {
    state_->pipelines.push_back(std::make_shared<Pipeline>(state_->executor, state_));
  }
  if (metrics) {
    std::weak_ptr<State> weak = state_;
    metrics->gauge("bookstore_db_pool_connections", "Database connections of the pool, by state", {"state"},
                   [weak]() -> metrics::Registry::GaugeSamples {
                     auto s = weak.lock();
                     if (!s) return {};
                     std::lock_guard lock(s->mutex);
                     return {{{"open"}, static_cast<double>(s->open)},
                             {{"in_use"}, static_cast<double>(s->in_use)},
                             {{"pipelined"}, static_cast<double>(s->pipelined)}};
                   });
    metrics->gauge("bookstore_db_pool_waiting", "Callers waiting for a database connection", {},
                   [weak]() -> metrics::Registry::GaugeSamples {
                     auto s = weak.lock();
                     if (!s) return {};
                     std::lock_guard lock(s->mutex);
                     return {{{}, static_cast<double>(s->waiters.size())}};
                   });
    state_->timeouts_metric =
        &metrics->counter("bookstore_db_pool_acquire_timeouts_total", "acquire() calls that timed out")
             .with({});
    state_->connect_failures_metric =
        &metrics
             ->counter("bookstore_db_connect_failures_total", "Failed attempts to open a database connection")
             .with({});
  }
}

Pool::~Pool() {
  close();
  state_->pipelines.clear();  // they hold the state
}

Task<Result> Pool::query_params(std::string_view sql, std::span<const Param> params) {
  const auto& pipelines = state_->pipelines;
  if (pipelines.empty()) {
    auto conn = co_await acquire();
    co_return co_await conn->query_params(sql, params);
  }
  // The first pipeline that is not stalled: statements concentrate on as few connections as keep up,
  // which makes the batches large (fewer writes, reads and backend wake-ups); a slow statement stalls its
  // pipeline and those after it go to the next one. All stalled: the least busy one.
  const auto now = Clock::now();
  for (const auto& p : pipelines) {
    if (!p->stalled(now, kPipelineStall)) co_return co_await p->query(sql, params);
  }
  std::size_t n = pipelines.size();
  std::size_t start = state_->next_pipeline.fetch_add(1, std::memory_order_relaxed);
  std::shared_ptr<Pipeline> best;
  std::size_t best_load = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const auto& p = pipelines[(start + i) % n];
    std::size_t load = p->outstanding();
    if (!best || load < best_load) {
      best = p;
      best_load = load;
    }
  }
  co_return co_await best->query(sql, params);
}

Task<PooledConnection> Pool::acquire() {
  co_return co_await acquire_from(state_);
}

Task<PooledConnection> Pool::acquire_from(std::shared_ptr<State> st) {
  PgConnection* conn = nullptr;
  bool open_new = false;
  Clock::time_point idle_since{};
  std::optional<State::Waiter> waiter;
  {
    std::lock_guard lock(st->mutex);
    if (st->closed) throw_unavailable("database pool closed");
    if (!st->idle.empty()) {
      conn = st->idle.back().conn;
      idle_since = st->idle.back().since;
      st->idle.pop_back();
      ++st->in_use;
    } else if (st->open < st->config.max_size) {
      ++st->open;
      ++st->in_use;
      open_new = true;
    } else {
      waiter.emplace(st->executor);
      waiter->timer.expires_after(st->config.acquire_timeout);
      st->waiters.push_back(&*waiter);
    }
  }

  if (conn) {
    if (Clock::now() - idle_since < kIdleCheckAfter || conn->still_alive()) {
      co_return PooledConnection(conn, st);
    }
    // The server closed it while idle: reuse its slot for a fresh connection.
    log::info("db_connection_discarded", {{"healthy", false}, {"idle", true}});
    delete conn;
    open_new = true;
  }

  if (waiter) {
    // If this coroutine is destroyed while waiting (shutdown), leave the pool consistent.
    struct Unqueue {
      State& st;
      std::optional<State::Waiter>& w;
      bool consumed = false;
      ~Unqueue() {
        if (consumed) return;
        std::unique_lock lock(st.mutex);
        if (w->queued) {
          st.waiters.erase(std::find(st.waiters.begin(), st.waiters.end(), &*w));
        } else if (w->conn) {
          lock.unlock();
          st.give_back(w->conn);
        } else if (w->may_open && !st.hand_slot_to_waiter_locked()) {
          --st.open;
          --st.in_use;
        }
      }
    } unqueue{*st, waiter};
    // Start the wait under the pool mutex: a connection handed over between the registration above and
    // this point must not be missed (its timer.cancel() would have had nothing to cancel), and the timer
    // is only ever touched with the mutex held.
    boost::system::error_code ec;
    State* s = st.get();
    State::Waiter* w = &*waiter;
    auto token = asio::redirect_error(asio::use_awaitable, ec);
    co_await asio::async_initiate<decltype(token), void(boost::system::error_code)>(
        [s, w](auto handler) {
          std::lock_guard lock(s->mutex);
          if (!w->queued) {
            auto ex = asio::get_associated_executor(handler, s->executor);
            asio::post(ex, [h = std::move(handler)]() mutable { h(boost::system::error_code()); });
          } else {
            w->timer.async_wait(std::move(handler));
          }
        },
        token);
    unqueue.consumed = true;
    {
      std::lock_guard lock(st->mutex);
      if (waiter->conn) {
        conn = waiter->conn;
      } else if (waiter->may_open) {
        open_new = true;
      } else {
        if (waiter->queued) {
          st->waiters.erase(std::find(st->waiters.begin(), st->waiters.end(), &*waiter));
          waiter->queued = false;
        }
        if (!waiter->closed && !st->closed) {
          ++st->acquire_timeouts;
          if (st->timeouts_metric) st->timeouts_metric->inc();
        }
      }
    }
    if (conn) co_return PooledConnection(conn, st);
    if (!open_new) {
      if (waiter->closed) throw_unavailable("database pool closed");
      throw domain::Error::unavailable("database busy", std::chrono::seconds(1));
    }
  }

  // open_new: a slot is reserved (counted in open and in_use) for this caller.
  std::unique_ptr<PgConnection> fresh;
  std::exception_ptr failure;
  try {
    fresh = co_await PgConnection::open(st->executor, st->config.conninfo, st->config.connect_timeout);
  } catch (...) {
    failure = std::current_exception();
  }
  if (failure) {
    st->on_connect_failure();
    try {
      std::rethrow_exception(failure);
    } catch (const domain::Error&) {
      throw;
    } catch (const std::exception& e) {
      log::warn("db_connect_failed", {{"reason", e.what()}});
      throw_unavailable();
    }
  }
  co_return PooledConnection(fresh.release(), st);
}

PoolStats Pool::stats() const {
  std::lock_guard lock(state_->mutex);
  return PoolStats{state_->open,
                   state_->in_use,
                   state_->waiters.size(),
                   state_->acquire_timeouts,
                   state_->connect_failures,
                   state_->pipelined};
}

void Pool::close() {
  std::vector<State::Idle> idle;
  {
    std::lock_guard lock(state_->mutex);
    if (state_->closed) return;
    state_->closed = true;
    idle.swap(state_->idle);
    state_->open -= idle.size();
    for (auto* w : state_->waiters) {
      w->queued = false;
      w->closed = true;
      w->timer.cancel();
    }
    state_->waiters.clear();
  }
  for (auto& i : idle) delete i.conn;
  for (auto& p : state_->pipelines) p->close();
}

Task<void> Pool::begin(Connection& c) {
  co_await c.execute_script("BEGIN");
}

Task<void> Pool::commit(Connection& c) {
  co_await c.execute_script("COMMIT");
}

Task<void> Pool::rollback(Connection& c) noexcept {
  bool failed = false;
  try {
    co_await c.execute_script("ROLLBACK");
  } catch (...) {
    failed = true;
  }
  // A connection that cannot roll back is in an unknown state: never hand it out again.
  if (failed) {
    if (auto* pg = dynamic_cast<PgConnection*>(&c)) pg->mark_broken();
  }
}

}  // namespace bookstore::pg
