#include "adapters/http/routes.hpp"

#include <memory>

#include <nlohmann/json.hpp>

#include "adapters/http/auth.hpp"
#include "adapters/http/handlers/admin_audit.hpp"
#include "adapters/http/handlers/admin_books.hpp"
#include "adapters/http/handlers/admin_users.hpp"
#include "adapters/http/handlers/auth.hpp"
#include "adapters/http/handlers/bench.hpp"
#include "adapters/http/handlers/books.hpp"
#include "adapters/http/handlers/me.hpp"
#include "adapters/http/handlers/ops.hpp"
#include "adapters/http/handlers/sessions.hpp"
#include "adapters/http/handlers/test_routes.hpp"
#include "adapters/http/handlers/well_known.hpp"
#include "app/identity/auth_service.hpp"

namespace bookstore::http {

void register_routes(Router& router, const RouteDeps& deps) {
  register_ops_routes(router, deps.readiness, deps.metrics);
  if (deps.test_routes)
    register_test_routes(router, deps.pool ? pool_database_clock(*deps.pool) : DatabaseClock{},
                         deps.test_anonymise_now);
  if (deps.bench_pool) register_bench_routes(router, pgbench_account_lookup(*deps.bench_pool));

  if (deps.published_keys) register_well_known_routes(router, deps.published_keys);
  if (deps.catalog) register_book_routes(router, *deps.catalog);
  if (deps.auth) {
    const app::AuthService* auth = deps.auth;
    TokenVerifier verify = [auth](std::string_view token) { return auth->authenticate(token); };
    // Shared by the auth routes' handlers, so it lives as long as the router does.
    auto limiter = std::make_shared<RateLimiter>(deps.auth_rate_limit);
    register_auth_routes(router, *deps.auth, verify, std::move(limiter), deps.metrics);
    if (deps.bench_pool) register_bench_auth_routes(router, verify);
    if (deps.accounts) {
      register_me_routes(router, *deps.accounts, verify);
      register_session_routes(router, *deps.accounts, verify);
    }
    if (deps.admin_users) {
      register_admin_user_routes(router, *deps.admin_users, verify);
      register_admin_audit_routes(router, *deps.admin_users, verify);
    }
    if (deps.inventory) register_admin_book_routes(router, *deps.inventory, verify);
  }
  // Resources of later features: register_<resource>_routes(router, ...) here, documented in openapi.json.
}

}  // namespace bookstore::http
