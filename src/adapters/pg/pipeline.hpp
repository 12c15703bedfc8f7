#pragma once
// A connection in libpq pipeline mode shared by concurrent single statements (Pool::query): statements
// queue up, go to the server in batches (one write, one backend wake-up, one read for many), and each
// waiter gets its own result. Internal to the pg adapter.
//
// Every statement is followed by its own Sync, so each runs in its own implicit transaction exactly as
// it would alone: an error fails that statement only. All libpq calls happen on one strand; callers
// enqueue under a small mutex and are resumed on their own executor.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <exception>
#include <memory>
#include <mutex>
#include <span>
#include <string_view>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/strand.hpp>

#include "adapters/pg/pool.hpp"

namespace bookstore::pg {

class PgConnection;

// Where a pipeline gets its connection (the pool: it counts towards max_size) and returns it.
class PipelineHost {
 public:
  virtual ~PipelineHost() = default;
  // Throws as Pool::acquire() does.
  virtual Task<PgConnection*> take_for_pipeline() = 0;
  // The connection broke or the pipeline closed: it is discarded and its slot freed.
  virtual void drop_from_pipeline(PgConnection* c) noexcept = 0;
};

class Pipeline : public std::enable_shared_from_this<Pipeline> {
 public:
  Pipeline(boost::asio::any_io_executor executor, std::shared_ptr<PipelineHost> host);
  ~Pipeline();
  Pipeline(const Pipeline&) = delete;
  Pipeline& operator=(const Pipeline&) = delete;

  // `sql` and `params` must stay valid until it completes (they live in the caller's frame).
  Task<Result> query(std::string_view sql, std::span<const Param> params);
  // Fails queued statements and later queries with kUnavailable and drops the connection.
  void close();
  // Statements queued or in flight: the pool sends new ones to the least busy pipeline.
  std::size_t outstanding() const noexcept { return outstanding_.load(std::memory_order_relaxed); }
  // Busy without a statement completing for `threshold` (a slow statement holds up those behind it).
  bool stalled(std::chrono::steady_clock::time_point now, std::chrono::nanoseconds threshold) const noexcept {
    return outstanding() > 0 &&
           now.time_since_epoch() - std::chrono::nanoseconds(progress_.load(std::memory_order_relaxed)) >
               threshold;
  }

 private:
  struct Entry;
  struct Fifo {
    Entry* head = nullptr;
    Entry* tail = nullptr;
    bool empty() const noexcept { return head == nullptr; }
    void push(Entry* e) noexcept;
    Entry* pop() noexcept;
    void append(Fifo& other) noexcept;
  };

  void submit(Entry* e);
  void complete(Entry* e) noexcept;
  void fail_all(Fifo& f, const std::exception_ptr& error) noexcept;
  // On the strand:
  void drain();
  void send_unsent();
  void flush_and_wait();
  void on_readable(std::uint64_t generation, const boost::system::error_code& ec);
  void on_writable(std::uint64_t generation, const boost::system::error_code& ec);
  void read_results();
  void finish(Entry* e);
  void lose_connection(std::string_view reason);
  void start_connect();
  Task<void> connect();
  void shutdown_on_strand();
  bool is_closed();

  boost::asio::any_io_executor executor_;
  boost::asio::strand<boost::asio::any_io_executor> strand_;
  std::shared_ptr<PipelineHost> host_;
  std::atomic<std::size_t> outstanding_{0};
  std::atomic<std::int64_t> progress_{0};  // steady_clock ns: last completion, or start of a busy period

  std::mutex mutex_;  // guards the three below
  Fifo pending_;      // submitted, not yet taken by the strand
  bool scheduled_ = false;
  bool closed_ = false;

  // Strand only.
  PgConnection* conn_ = nullptr;
  std::uint64_t generation_ = 0;  // bumped when conn_ changes; socket waits of an older one are ignored
  Fifo unsent_;  // taken from pending_ (or retried), waiting for a connection or the next send
  Fifo sent_;    // sent, in order; each completes at its PGRES_PIPELINE_SYNC
  bool connecting_ = false;
  bool reading_ = false;
  bool writing_ = false;
  std::chrono::steady_clock::time_point idle_since_{};
};

}  // namespace bookstore::pg
