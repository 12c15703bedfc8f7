#pragma once
// Access tokens (PASETO v4.public, adapters/crypto). The issuer and audience come from the adapter's
// configuration; the use cases see only the claims that carry meaning for them.
#include <string>
#include <string_view>

#include "app/ports/clock.hpp"

namespace bookstore::app {

struct AccessClaims {
  std::string subject;     // sub: the user id in decimal
  std::string session_id;  // sid: the session (refresh-token family) the token belongs to
  std::string role;        // role: customer, support, inventory or admin
  std::string token_id;    // jti: random, unique per token
  TimePoint issued_at{};   // iat
  TimePoint not_before{};  // nbf
  TimePoint expires_at{};  // exp
};

class AccessTokens {
 public:
  virtual ~AccessTokens() = default;
  // Signs with the current key; the footer carries its kid (k4.pid).
  virtual std::string issue(const AccessClaims& claims) = 0;
  // The claims of a token this service issued and that is valid at `now`. Anything else (malformed,
  // tampered, unknown kid, other purpose or version, expired, not yet valid, wrong iss/aud, bad claim
  // types, duplicate or unknown claims) throws domain::Error(kUnauthenticated) without saying which.
  virtual AccessClaims verify(std::string_view token, TimePoint now) const = 0;
};

}  // namespace bookstore::app
