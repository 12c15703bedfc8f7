#pragma once
// The service's own per-client rate limit for the anonymous auth routes (PRODUCT.md 1, "Brute force"):
// a second layer behind nginx's limit_req, so that a service reached without nginx, or a proxy
// misconfigured, still cannot be used to try passwords at full speed.
//
// A token bucket per client address: `burst` requests at once, then `per_second` more each second.
// Memory is bounded: a bucket untouched long enough to be full again is the same as no bucket and is
// dropped, and at most `max_clients` buckets are kept (the least recently used goes first).
#include <chrono>
#include <cstddef>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "adapters/http/router.hpp"

namespace bookstore::metrics {
class Counter;
}

namespace bookstore::http {

struct RateLimitSettings {
  double per_second = 5.0;            // tokens added per second; 0 disables the limiter
  double burst = 20.0;                // bucket size: requests allowed at once; 0 disables the limiter
  std::size_t max_clients = 100'000;  // buckets kept at most

  bool enabled() const noexcept { return per_second > 0 && burst >= 1 && max_clients > 0; }
};

class RateLimiter {
 public:
  using Clock = std::chrono::steady_clock;

  struct Decision {
    bool allowed = true;
    std::chrono::seconds retry_after{0};  // when refused: until one token is back (at least 1 s)
  };

  explicit RateLimiter(RateLimitSettings settings);
  RateLimiter(const RateLimiter&) = delete;
  RateLimiter& operator=(const RateLimiter&) = delete;

  // Takes one token from the bucket of `key` (a client address, see rate_limit_key). Thread-safe.
  Decision acquire(std::string_view key, Clock::time_point now);
  Decision acquire(std::string_view key) { return acquire(key, Clock::now()); }

  std::size_t clients() const;  // buckets held now
  const RateLimitSettings& settings() const noexcept { return settings_; }

 private:
  struct Bucket {
    std::string key;
    double tokens = 0;
    Clock::time_point updated;
  };
  void evict_idle(Clock::time_point now);

  RateLimitSettings settings_;
  Clock::duration full_after_;  // time for an empty bucket to fill up: idle longer than this = no bucket
  mutable std::mutex mutex_;
  std::list<Bucket> buckets_;                                                // most recently used first
  std::unordered_map<std::string_view, std::list<Bucket>::iterator> index_;  // keys view into buckets_
};

// The bucket key of a client address: IPv4 as is; IPv6 by its /64 prefix (one subscriber usually holds a
// whole /64, so per-address buckets would be free to multiply); IPv4-mapped IPv6 as the IPv4 address.
// Anything that does not parse is used verbatim.
std::string rate_limit_key(std::string_view client_ip);

// Wraps a handler: each request first takes a token of its client's bucket; without one the answer is
// 429 rate-limited with Retry-After (thrown as domain::Error) and `limited` (may be null) is counted.
// A disabled limiter (null or !enabled()) returns the handler unchanged.
Handler rate_limited(std::shared_ptr<RateLimiter> limiter, metrics::Counter* limited, Handler handler);

}  // namespace bookstore::http
