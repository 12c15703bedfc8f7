#include "adapters/http/rate_limiter.hpp"

#include <algorithm>
#include <cmath>

#include <boost/asio/ip/address.hpp>

#include "adapters/metrics/metrics.hpp"
#include "domain/error.hpp"

namespace bookstore::http {

RateLimiter::RateLimiter(RateLimitSettings settings) : settings_(settings) {
  if (settings_.enabled()) {
    full_after_ = std::chrono::duration_cast<Clock::duration>(
        std::chrono::duration<double>(settings_.burst / settings_.per_second));
  }
}

void RateLimiter::evict_idle(Clock::time_point now) {
  // The list is ordered by last use, so the idle buckets are all at its end.
  while (!buckets_.empty() && now - buckets_.back().updated >= full_after_) {
    index_.erase(buckets_.back().key);
    buckets_.pop_back();
  }
}

RateLimiter::Decision RateLimiter::acquire(std::string_view key, Clock::time_point now) {
  if (!settings_.enabled()) return {};
  std::lock_guard lock(mutex_);
  evict_idle(now);
  Bucket* bucket = nullptr;
  if (auto it = index_.find(key); it != index_.end()) {
    buckets_.splice(buckets_.begin(), buckets_, it->second);
    bucket = &buckets_.front();
    auto elapsed = std::chrono::duration<double>(std::max(now - bucket->updated, Clock::duration::zero()));
    bucket->tokens = std::min(settings_.burst, bucket->tokens + elapsed.count() * settings_.per_second);
    bucket->updated = std::max(now, bucket->updated);
  } else {
    if (buckets_.size() >= settings_.max_clients) {
      index_.erase(buckets_.back().key);
      buckets_.pop_back();
    }
    buckets_.push_front(Bucket{std::string(key), settings_.burst, now});
    bucket = &buckets_.front();
    index_.emplace(bucket->key, buckets_.begin());
  }
  if (bucket->tokens >= 1.0) {
    bucket->tokens -= 1.0;
    return {};
  }
  // Refused requests take nothing, so a client that waits Retry-After is served.
  double wait = (1.0 - bucket->tokens) / settings_.per_second;
  auto seconds = static_cast<long long>(std::ceil(wait - 1e-9));
  return {false, std::chrono::seconds(std::max<long long>(1, seconds))};
}

std::size_t RateLimiter::clients() const {
  std::lock_guard lock(mutex_);
  return buckets_.size();
}

std::string rate_limit_key(std::string_view client_ip) {
  boost::system::error_code ec;
  auto address = boost::asio::ip::make_address(std::string(client_ip), ec);
  if (ec) return std::string(client_ip);
  if (address.is_v4()) return address.to_v4().to_string();
  auto v6 = address.to_v6();
  if (v6.is_v4_mapped()) return boost::asio::ip::make_address_v4(boost::asio::ip::v4_mapped, v6).to_string();
  auto bytes = v6.to_bytes();
  for (std::size_t i = 8; i < bytes.size(); ++i) bytes[i] = 0;
  return boost::asio::ip::address_v6(bytes).to_string() + "/64";
}

Handler rate_limited(std::shared_ptr<RateLimiter> limiter, metrics::Counter* limited, Handler handler) {
  if (!limiter || !limiter->settings().enabled()) return handler;
  return
      [limiter = std::move(limiter), limited, handler = std::move(handler)](Request& req) -> Task<Response> {
        auto decision = limiter->acquire(rate_limit_key(req.client_ip()));
        if (!decision.allowed) {
          if (limited) limited->inc();
          throw domain::Error(domain::ErrorCode::kRateLimited,
                              "Too many requests from this address; try again in " +
                                  std::to_string(decision.retry_after.count()) + " s",
                              {}, decision.retry_after);
        }
        co_return co_await handler(req);
      };
}

}  // namespace bookstore::http
