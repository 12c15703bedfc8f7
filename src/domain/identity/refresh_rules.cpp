#include "domain/identity/refresh_rules.hpp"

#include <algorithm>

namespace bookstore::domain {

RefreshDecision decide_refresh(const RefreshFacts& facts, std::chrono::system_clock::time_point now,
                               std::chrono::seconds reuse_grace) noexcept {
  if (facts.session_revoked_at) return RefreshDecision::kRevoked;
  if (now >= facts.idle_expires_at || now >= facts.absolute_expires_at) return RefreshDecision::kExpired;
  if (facts.token_replaced_at) {
    return now - *facts.token_replaced_at <= reuse_grace ? RefreshDecision::kGraceReplay
                                                         : RefreshDecision::kReuseDetected;
  }
  return RefreshDecision::kRotate;
}

std::chrono::system_clock::time_point next_idle_expiry(
    std::chrono::system_clock::time_point now, std::chrono::seconds idle,
    std::chrono::system_clock::time_point absolute) noexcept {
  return std::min(now + idle, absolute);
}

}  // namespace bookstore::domain
