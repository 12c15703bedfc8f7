#include "adapters/pg/pipeline.hpp"

#include <cstring>
#include <new>
#include <utility>

#include <libpq-fe.h>
#include <boost/asio/async_result.hpp>
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "adapters/log/log.hpp"
#include "adapters/pg/connection.hpp"
#include "adapters/pg/errors.hpp"
#include "domain/error.hpp"

namespace bookstore::pg {

namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;

namespace {
// As the pool's idle check: a connection idle this long gets one non-blocking recv() before a batch is
// sent on it, so a server restart or a terminated backend is noticed before statements run into it.
constexpr auto kIdleCheckAfter = std::chrono::milliseconds(250);

bool is_stale_statement(const char* state) {
  // See connection.cpp: both are cured by preparing again.
  return state && (std::strcmp(state, "0A000") == 0 || std::strcmp(state, "26000") == 0);
}

std::exception_ptr unavailable_error(std::string_view what = "database unavailable") {
  return std::make_exception_ptr(domain::Error::unavailable(std::string(what)));
}
}  // namespace

// One statement; lives in the frame of the coroutine awaiting it.
struct Pipeline::Entry {
  std::string_view sql;
  std::span<const Param> params;
  Entry* next = nullptr;
  pg_result* last = nullptr;   // last successful result
  pg_result* error = nullptr;  // first error result
  std::exception_ptr failure;  // what the waiter throws
  std::uint64_t statement = 0;
  bool awaiting_parse = false;  // a Parse was queued for it: its result comes first
  bool parsed = false;          // it carried the Parse of its statement
  int retries = 0;              // re-sent after a stale or missing prepared statement
  // The waiter's completion handler, type-erased without allocating: stored in place, posted to its own
  // executor by resume().
  void (*resume)(Entry*) = nullptr;
  alignas(std::max_align_t) unsigned char handler[128];

  ~Entry() {
    PQclear(last);
    PQclear(error);
  }
};

void Pipeline::Fifo::push(Entry* e) noexcept {
  e->next = nullptr;
  if (tail) {
    tail->next = e;
  } else {
    head = e;
  }
  tail = e;
}

Pipeline::Entry* Pipeline::Fifo::pop() noexcept {
  Entry* e = head;
  if (e) {
    head = e->next;
    if (!head) tail = nullptr;
    e->next = nullptr;
  }
  return e;
}

void Pipeline::Fifo::append(Fifo& other) noexcept {
  if (other.empty()) return;
  if (tail) {
    tail->next = other.head;
  } else {
    head = other.head;
  }
  tail = other.tail;
  other.head = other.tail = nullptr;
}

Pipeline::Pipeline(asio::any_io_executor executor, std::shared_ptr<PipelineHost> host)
    : executor_(executor), strand_(asio::make_strand(executor)), host_(std::move(host)) {}

Pipeline::~Pipeline() {
  // Only reached with statements outstanding when the io_context is destroyed without running them;
  // their frames go with it.
  if (conn_) {
    conn_->mark_broken();
    host_->drop_from_pipeline(conn_);
  }
}

Task<Result> Pipeline::query(std::string_view sql, std::span<const Param> params) {
  Entry e;
  e.sql = sql;
  e.params = params;
  co_await asio::async_initiate<const asio::use_awaitable_t<>&, void()>(
      [this](auto handler, Entry* entry) {
        using H = decltype(handler);
        static_assert(sizeof(H) <= sizeof(entry->handler) && alignof(H) <= alignof(std::max_align_t));
        new (entry->handler) H(std::move(handler));
        entry->resume = [](Entry* x) {
          H* stored = std::launder(reinterpret_cast<H*>(x->handler));
          H h(std::move(*stored));
          stored->~H();
          // x may be gone as soon as this is posted.
          asio::post(std::move(h));
        };
        submit(entry);
      },
      asio::use_awaitable, &e);
  if (e.failure) std::rethrow_exception(e.failure);
  co_return Result(std::exchange(e.last, nullptr));
}

void Pipeline::submit(Entry* e) {
  if (outstanding_.fetch_add(1, std::memory_order_relaxed) == 0) {
    progress_.store(Clock::now().time_since_epoch().count(), std::memory_order_relaxed);
  }
  std::unique_lock lock(mutex_);
  if (closed_) {
    lock.unlock();
    e->failure = unavailable_error("database pool closed");
    complete(e);
    return;
  }
  pending_.push(e);
  if (scheduled_) return;
  scheduled_ = true;
  lock.unlock();
  // Statements submitted before the strand runs this join the same batch.
  asio::post(strand_, [self = shared_from_this()] { self->drain(); });
}

void Pipeline::complete(Entry* e) noexcept {
  progress_.store(Clock::now().time_since_epoch().count(), std::memory_order_relaxed);
  outstanding_.fetch_sub(1, std::memory_order_relaxed);
  e->resume(e);
}

void Pipeline::fail_all(Fifo& f, const std::exception_ptr& error) noexcept {
  while (Entry* e = f.pop()) {
    e->failure = error;
    complete(e);
  }
}

bool Pipeline::is_closed() {
  std::lock_guard lock(mutex_);
  return closed_;
}

void Pipeline::close() {
  Fifo taken;
  {
    std::lock_guard lock(mutex_);
    if (closed_) return;
    closed_ = true;
    taken = std::exchange(pending_, Fifo{});
  }
  fail_all(taken, unavailable_error("database pool closed"));
  asio::post(strand_, [self = shared_from_this()] { self->shutdown_on_strand(); });
}

void Pipeline::shutdown_on_strand() {
  ++generation_;
  auto error = unavailable_error("database pool closed");
  fail_all(unsent_, error);
  fail_all(sent_, error);
  if (conn_) {
    conn_->mark_broken();
    conn_->cancel_wait();
    host_->drop_from_pipeline(std::exchange(conn_, nullptr));
  }
}

void Pipeline::drain() {
  bool closed;
  {
    std::lock_guard lock(mutex_);
    scheduled_ = false;
    unsent_.append(pending_);
    closed = closed_;
  }
  if (closed) {
    shutdown_on_strand();
    return;
  }
  if (unsent_.empty() || connecting_) return;
  if (!conn_) {
    start_connect();
    return;
  }
  if (sent_.empty() && !writing_ && Clock::now() - idle_since_ >= kIdleCheckAfter && !conn_->still_alive()) {
    lose_connection("closed by the server while idle");
    return;
  }
  send_unsent();
}

void Pipeline::send_unsent() {
  if (unsent_.empty()) return;
  const bool cork = unsent_.head->next != nullptr;
  if (cork) conn_->set_cork(true);
  while (Entry* e = unsent_.pop()) {
    int sent = -1;
    try {
      sent = conn_->pipeline_send(e->sql, e->params, e->statement);
    } catch (...) {  // out of memory building the statement: only this one fails
      e->failure = std::current_exception();
      complete(e);
      continue;
    }
    // Once handed to libpq (even halfway), the statement may run: on failure it fails as unavailable
    // with the others in flight rather than being sent again.
    e->awaiting_parse = e->parsed = sent == 1;
    sent_.push(e);
    if (sent < 0) {
      lose_connection(PQerrorMessage(conn_->native()));
      return;
    }
  }
  if (cork) conn_->set_cork(false);
  flush_and_wait();
}

void Pipeline::flush_and_wait() {
  int r = PQflush(conn_->native());
  if (r < 0) {
    lose_connection(PQerrorMessage(conn_->native()));
    return;
  }
  auto self = shared_from_this();
  std::uint64_t generation = generation_;
  if (r == 1 && !writing_) {
    writing_ = true;
    conn_->socket().async_wait(asio::posix::stream_descriptor::wait_write,
                               asio::bind_executor(strand_, [self, generation](boost::system::error_code ec) {
                                 self->on_writable(generation, ec);
                               }));
  }
  if (!sent_.empty() && !reading_) {
    reading_ = true;
    conn_->socket().async_wait(asio::posix::stream_descriptor::wait_read,
                               asio::bind_executor(strand_, [self, generation](boost::system::error_code ec) {
                                 self->on_readable(generation, ec);
                               }));
  }
}

void Pipeline::on_writable(std::uint64_t generation, const boost::system::error_code& ec) {
  if (generation != generation_ || !conn_) return;  // a wait on a connection since dropped
  writing_ = false;
  if (ec) {
    lose_connection(ec.message());
    return;
  }
  flush_and_wait();
}

void Pipeline::on_readable(std::uint64_t generation, const boost::system::error_code& ec) {
  if (generation != generation_ || !conn_) return;
  reading_ = false;
  if (ec) {
    lose_connection(ec.message());
    return;
  }
  if (!PQconsumeInput(conn_->native())) {
    lose_connection(PQerrorMessage(conn_->native()));
    return;
  }
  read_results();
  if (!conn_) return;
  if (!conn_->healthy()) {
    lose_connection("server closed the connection");
    return;
  }
  if (!unsent_.empty()) {  // statements to prepare again
    send_unsent();
    return;
  }
  if (sent_.empty()) {
    idle_since_ = Clock::now();
  } else {
    flush_and_wait();
  }
}

void Pipeline::read_results() {
  PGconn* pg = conn_->native();
  int nulls = 0;
  while (!sent_.empty()) {
    if (PQstatus(pg) == CONNECTION_BAD) {
      lose_connection(PQerrorMessage(pg));
      return;
    }
    if (PQisBusy(pg)) return;
    PGresult* r = PQgetResult(pg);
    if (!r) {  // end of one statement's results; two in a row would mean we are out of step
      if (++nulls > 1) {
        lose_connection("pipeline out of step");
        return;
      }
      continue;
    }
    nulls = 0;
    Entry* e = sent_.head;
    ExecStatusType status = PQresultStatus(r);
    bool failed =
        status == PGRES_FATAL_ERROR || status == PGRES_BAD_RESPONSE || status == PGRES_NONFATAL_ERROR;
    if (e->awaiting_parse && status != PGRES_PIPELINE_SYNC) {
      e->awaiting_parse = false;
      // A failed Parse leaves no statement behind; the next use prepares again.
      if (failed) conn_->forget_statement(e->sql, e->statement);
      if (!failed) {
        PQclear(r);
        continue;
      }
    }
    switch (status) {
      case PGRES_PIPELINE_SYNC:
        PQclear(r);
        sent_.pop();
        finish(e);
        if (!conn_) return;
        break;
      case PGRES_FATAL_ERROR:
      case PGRES_BAD_RESPONSE:
      case PGRES_NONFATAL_ERROR:
        if (!e->error) {
          e->error = r;
        } else {
          PQclear(r);
        }
        break;
      case PGRES_PIPELINE_ABORTED:  // after an error of the same statement (its Parse failed)
        PQclear(r);
        break;
      case PGRES_COPY_IN:
      case PGRES_COPY_OUT:
      case PGRES_COPY_BOTH:
        // COPY cannot go through Pool::query; the protocol state cannot be recovered cheaply.
        PQclear(r);
        lose_connection("COPY in a pipelined statement");
        return;
      default:
        PQclear(e->last);
        e->last = r;
    }
  }
}

void Pipeline::finish(Entry* e) {
  if (!e->error) {
    complete(e);
    return;
  }
  const char* state = PQresultErrorField(e->error, PG_DIAG_SQLSTATE);
  if (is_stale_statement(state)) {
    conn_->forget_statement(e->sql, e->statement);
    // Outside a transaction, so safe to run again, prepared afresh: once for a changed plan; and when its
    // statement is missing because the Parse carried by another statement of the batch failed (that one
    // reports the real error), until it carries the Parse itself.
    bool missing = std::strcmp(state, "26000") == 0 && !e->parsed;
    if (e->retries == 0 || (missing && e->retries < 8)) {
      ++e->retries;
      PQclear(std::exchange(e->error, nullptr));
      PQclear(std::exchange(e->last, nullptr));
      unsent_.push(e);
      return;
    }
  }
  const bool gone = state && is_unavailable_sqlstate(state);
  try {
    throw_result_error(e->error, conn_->native());
  } catch (...) {
    e->failure = std::current_exception();
  }
  complete(e);
  if (gone) lose_connection(state);
}

void Pipeline::lose_connection(std::string_view reason) {
  log::warn("db_connection_lost", {{"reason", reason}, {"pipelined", true}});
  ++generation_;
  reading_ = writing_ = false;
  fail_all(sent_, unavailable_error());
  conn_->mark_broken();
  conn_->cancel_wait();
  host_->drop_from_pipeline(std::exchange(conn_, nullptr));
  // Statements never handed to libpq are safe to send on a fresh connection.
  {
    std::lock_guard lock(mutex_);
    if (closed_) return;
    unsent_.append(pending_);
  }
  if (!unsent_.empty()) start_connect();
}

void Pipeline::start_connect() {
  connecting_ = true;
  asio::co_spawn(
      strand_, [self = shared_from_this()]() -> Task<void> { co_await self->connect(); }, asio::detached);
}

Task<void> Pipeline::connect() {
  PgConnection* c = nullptr;
  std::exception_ptr failure;
  try {
    c = co_await host_->take_for_pipeline();
  } catch (...) {
    failure = std::current_exception();
  }
  // Back on the strand.
  connecting_ = false;
  if (c && !c->enter_pipeline()) {
    c->mark_broken();
    host_->drop_from_pipeline(c);
    c = nullptr;
    failure = unavailable_error();
  }
  {
    std::lock_guard lock(mutex_);
    unsent_.append(pending_);
    if (closed_) {
      failure = unavailable_error("database pool closed");
    }
  }
  if (failure) {
    if (c) {
      c->mark_broken();
      host_->drop_from_pipeline(c);
    }
    fail_all(unsent_, failure);
    co_return;
  }
  conn_ = c;
  ++generation_;
  idle_since_ = Clock::now();
  send_unsent();
}

}  // namespace bookstore::pg
