#pragma once
// Per-account lockout after repeated wrong passwords (PRODUCT.md 1, "Brute force"): from the
// threshold-th consecutive failure the account is locked for base * 2^(failures - threshold), at most max.
#include <chrono>
#include <optional>

namespace bookstore::domain {

struct LockoutPolicy {
  int threshold = 5;
  std::chrono::seconds base{30};
  std::chrono::seconds max{15 * 60};
};

// How long to lock after `consecutive_failures` failures; nullopt below the threshold.
std::optional<std::chrono::seconds> lockout_duration(int consecutive_failures,
                                                     const LockoutPolicy& policy) noexcept;

// Whole seconds until `until` (rounded up, at least 1): the Retry-After of a locked account.
std::chrono::seconds seconds_until(std::chrono::system_clock::time_point until,
                                   std::chrono::system_clock::time_point now) noexcept;

}  // namespace bookstore::domain
