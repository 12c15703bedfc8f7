#pragma once
#include <memory>

#include "adapters/http/auth.hpp"
#include "adapters/http/rate_limiter.hpp"
#include "adapters/http/router.hpp"

namespace bookstore::app {
class AuthService;
}
namespace bookstore::metrics {
class Registry;
}

namespace bookstore::http {

// The anonymous identity flows under /api/v1/auth/: register, verify-email (+ resend), login, refresh,
// logout, password/forgot, password/reset. Every POST first takes a token of its client's bucket in
// `limiter` (null or disabled: no limit); refusals are counted in bookstore_http_rate_limited_total{route}
// when `registry` is set. Every answer carries Cache-Control: no-store.
void register_auth_routes(Router& router, app::AuthService& auth, TokenVerifier verify,
                          std::shared_ptr<RateLimiter> limiter, metrics::Registry* registry);

}  // namespace bookstore::http
