#pragma once
// A small thread pool for CPU-heavy work (Argon2id) that coroutines on the event loop can await without
// blocking it. Admission is bounded: at most `workers` jobs run and `queue_capacity` wait; beyond that
// run() throws domain::Error(kUnavailable) at once, so overload turns into quick 503s with Retry-After
// instead of a growing queue whose every request times out.
//
// The awaiting coroutine resumes on its own executor (its strand or io_context), never on a pool thread:
// the completion is posted back to the executor associated with the coroutine's handler.
//
// Lifetime: a job holds its caller's executor (with work tracked) until it has posted the completion, so
// destroy the pool before the io_context it serves (construct it after): the destructor waits for the
// admitted jobs, whose completions then die with the io_context if it is no longer run.
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <optional>
#include <string>
#include <type_traits>

#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/execution/outstanding_work.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/prefer.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "app/task.hpp"
#include "domain/error.hpp"

namespace bookstore::crypto {

struct PoolStats {
  std::size_t queue_depth = 0;  // admitted, waiting for a worker
  std::size_t in_flight = 0;    // running on a worker now
  std::uint64_t rejected = 0;   // refused as saturated since start
  std::uint64_t completed = 0;  // finished since start (successfully or not)
  std::size_t workers = 0;
  std::size_t queue_capacity = 0;
};

class BoundedPool {
 public:
  // workers == 0 means one per hardware thread (at least 1).
  BoundedPool(std::size_t workers, std::size_t queue_capacity, std::string saturated_message,
              std::chrono::seconds retry_after = std::chrono::seconds(1));
  BoundedPool(const BoundedPool&) = delete;
  BoundedPool& operator=(const BoundedPool&) = delete;
  // Waits for every admitted job; their completions are posted to their executors as usual.
  ~BoundedPool();

  // Moves `work` (a callable taking nothing) to a worker, runs it there and gives back its result or
  // rethrows its exception in the awaiting coroutine, on that coroutine's executor. Takes an lvalue so
  // that the callable lives in the caller's frame until it is handed over (see README: no lambda
  // temporaries inside co_await). The result type must be void or default-constructible.
  template <class Fn>
  Task<std::invoke_result_t<Fn&>> run(Fn& work);

  PoolStats stats() const;

 private:
  bool try_admit();
  void job_started() noexcept;
  void job_finished() noexcept;
  template <class R, class Fn, class Handler>
  void start(Fn work, Handler handler);

  const std::size_t workers_;
  const std::size_t queue_capacity_;
  const std::string saturated_message_;
  const std::chrono::seconds retry_after_;
  std::atomic<std::size_t> admitted_{0};  // running + waiting
  std::atomic<std::size_t> running_{0};
  std::atomic<std::uint64_t> rejected_{0};
  std::atomic<std::uint64_t> completed_{0};
  boost::asio::thread_pool threads_;
};

template <class Fn>
Task<std::invoke_result_t<Fn&>> BoundedPool::run(Fn& work) {
  namespace asio = boost::asio;
  using R = std::invoke_result_t<Fn&>;
  if (!try_admit()) throw domain::Error::unavailable(saturated_message_, retry_after_);
  // Captures only pointers (trivially destructible), and is named before the co_await (g++ 12).
  auto initiation = [this, work_ptr = &work](auto handler) {
    start<R>(std::move(*work_ptr), std::move(handler));
  };
  if constexpr (std::is_void_v<R>) {
    co_await asio::async_initiate<const asio::use_awaitable_t<>&, void(std::exception_ptr)>(
        initiation, asio::use_awaitable);
  } else {
    co_return co_await asio::async_initiate<const asio::use_awaitable_t<>&, void(std::exception_ptr, R)>(
        initiation, asio::use_awaitable);
  }
}

template <class R, class Fn, class Handler>
void BoundedPool::start(Fn work, Handler handler) {
  namespace asio = boost::asio;
  // The coroutine's own executor, marked as having work outstanding so that its io_context does not run
  // out of work (and return from run()) while the job is on a pool thread.
  auto home = asio::prefer(asio::get_associated_executor(handler), asio::execution::outstanding_work.tracked);
  auto job = [this, work = std::move(work), handler = std::move(handler), home = std::move(home)]() mutable {
    job_started();
    std::exception_ptr error;
    if constexpr (std::is_void_v<R>) {
      try {
        work();
      } catch (...) {
        error = std::current_exception();
      }
      job_finished();
      asio::post(home, [handler = std::move(handler), error]() mutable { std::move(handler)(error); });
    } else {
      std::optional<R> result;
      try {
        result.emplace(work());
      } catch (...) {
        error = std::current_exception();
      }
      job_finished();
      asio::post(home, [handler = std::move(handler), error, result = std::move(result)]() mutable {
        if (error) {
          std::move(handler)(error, R{});
        } else {
          std::move(handler)(std::exception_ptr(), std::move(*result));
        }
      });
    }
  };
  try {
    asio::post(threads_, std::move(job));
  } catch (...) {
    admitted_.fetch_sub(1, std::memory_order_acq_rel);
    throw;
  }
}

}  // namespace bookstore::crypto
