#include "adapters/crypto/bounded_pool.hpp"

#include <algorithm>
#include <thread>

namespace bookstore::crypto {
namespace {
std::size_t worker_count(std::size_t requested) {
  if (requested > 0) return requested;
  return std::max<std::size_t>(1, std::thread::hardware_concurrency());
}
}  // namespace

BoundedPool::BoundedPool(std::size_t workers, std::size_t queue_capacity, std::string saturated_message,
                         std::chrono::seconds retry_after)
    : workers_(worker_count(workers)),
      queue_capacity_(queue_capacity),
      saturated_message_(std::move(saturated_message)),
      retry_after_(retry_after),
      threads_(workers_) {}

BoundedPool::~BoundedPool() {
  threads_.join();
}

bool BoundedPool::try_admit() {
  // Exact bound with a compare-and-swap loop: a plain increment-then-check would briefly over-count
  // and refuse work the pool had room for.
  const std::size_t limit = workers_ + queue_capacity_;
  std::size_t current = admitted_.load(std::memory_order_relaxed);
  do {
    if (current >= limit) {
      rejected_.fetch_add(1, std::memory_order_relaxed);
      return false;
    }
  } while (!admitted_.compare_exchange_weak(current, current + 1, std::memory_order_acq_rel));
  return true;
}

void BoundedPool::job_started() noexcept {
  running_.fetch_add(1, std::memory_order_acq_rel);
}

void BoundedPool::job_finished() noexcept {
  running_.fetch_sub(1, std::memory_order_acq_rel);
  admitted_.fetch_sub(1, std::memory_order_acq_rel);
  completed_.fetch_add(1, std::memory_order_relaxed);
}

PoolStats BoundedPool::stats() const {
  const std::size_t admitted = admitted_.load(std::memory_order_acquire);
  const std::size_t running = running_.load(std::memory_order_acquire);
  PoolStats s;
  s.in_flight = running;
  s.queue_depth = admitted > running ? admitted - running : 0;  // the two loads are not one snapshot
  s.rejected = rejected_.load(std::memory_order_relaxed);
  s.completed = completed_.load(std::memory_order_relaxed);
  s.workers = workers_;
  s.queue_capacity = queue_capacity_;
  return s;
}

}  // namespace bookstore::crypto
