#include "domain/identity/lockout.hpp"

#include <algorithm>

namespace bookstore::domain {

std::optional<std::chrono::seconds> lockout_duration(int consecutive_failures,
                                                     const LockoutPolicy& policy) noexcept {
  const int threshold = std::max(policy.threshold, 1);
  if (consecutive_failures < threshold) return std::nullopt;
  const std::chrono::seconds cap = std::max(policy.max, std::chrono::seconds(0));
  std::chrono::seconds duration = std::clamp(policy.base, std::chrono::seconds(0), cap);
  // Doubling stops at the cap, so no overflow whatever the failure count.
  for (int k = threshold; k < consecutive_failures && duration < cap; ++k) {
    duration = std::min(duration * 2, cap);
  }
  return duration;
}

std::chrono::seconds seconds_until(std::chrono::system_clock::time_point until,
                                   std::chrono::system_clock::time_point now) noexcept {
  if (until <= now) return std::chrono::seconds(1);
  return std::max(std::chrono::ceil<std::chrono::seconds>(until - now), std::chrono::seconds(1));
}

}  // namespace bookstore::domain
