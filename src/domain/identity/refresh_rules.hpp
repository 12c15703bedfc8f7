#pragma once
// What to do with a presented refresh token (PRODUCT.md 1, "Refresh"): each use rotates it; a token that
// was already rotated is accepted once more within a short grace window (a client that lost the answer
// of its refresh), after that its reuse means it was stolen and the whole session is revoked.
#include <chrono>
#include <optional>

namespace bookstore::domain {

enum class RefreshDecision {
  kRotate,         // current token of a live session: rotate it
  kGraceReplay,    // replaced within the grace window: rotate once more (allow_replaced)
  kReuseDetected,  // replaced longer ago than the grace window: revoke the session
  kExpired,        // the session's idle or absolute lifetime is over
  kRevoked,        // the session was revoked
};

struct RefreshFacts {
  std::optional<std::chrono::system_clock::time_point> token_replaced_at;
  std::optional<std::chrono::system_clock::time_point> session_revoked_at;
  std::chrono::system_clock::time_point idle_expires_at{};
  std::chrono::system_clock::time_point absolute_expires_at{};
};

// A revoked session wins over everything, then expiry, then reuse: a dead session has nothing left to
// revoke. Expiry instants are exclusive (at idle_expires_at the session is expired). The grace window
// is inclusive; a replaced_at in the future (clocks of two instances) counts as within it.
RefreshDecision decide_refresh(const RefreshFacts& facts, std::chrono::system_clock::time_point now,
                               std::chrono::seconds reuse_grace) noexcept;

// The idle expiry after a use at `now`: now + idle, never past the absolute expiry.
std::chrono::system_clock::time_point next_idle_expiry(
    std::chrono::system_clock::time_point now, std::chrono::seconds idle,
    std::chrono::system_clock::time_point absolute) noexcept;

}  // namespace bookstore::domain
