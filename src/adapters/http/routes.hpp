#pragma once
// Every route of the service is registered here; each resource's handlers live in handlers/<resource>.cpp
// and are documented in openapi.json next to this file (a unit test checks that both agree).
#include <functional>
#include <string>

#include <nlohmann/json_fwd.hpp>

#include "adapters/http/rate_limiter.hpp"
#include "adapters/http/router.hpp"

namespace bookstore::app {
class CheckReadiness;
class AuthService;
class AccountService;
class AdminUsers;
class CatalogService;
class Inventory;
}  // namespace bookstore::app
namespace bookstore::metrics {
class Registry;
}
namespace bookstore::pg {
class Pool;
}

namespace bookstore::http {

struct RouteDeps {
  app::CheckReadiness* readiness = nullptr;  // /readyz
  metrics::Registry* metrics = nullptr;      // /metrics (and the rate limiter's counter)
  pg::Pool* bench_pool = nullptr;            // non-null: the /bench routes are registered
  pg::Pool* pool = nullptr;                  // the service's pool, for routes that query the database
  bool test_routes = false;                  // the /_test routes (BOOKSTORE_TEST_ROUTES)
  // Identity and access management. auth non-null: /api/v1/auth/*; with accounts: /api/v1/me*; with
  // admin_users: /api/v1/admin/users* and /api/v1/admin/audit. Each must outlive the router.
  app::AuthService* auth = nullptr;
  app::AccountService* accounts = nullptr;
  app::AdminUsers* admin_users = nullptr;
  // Set: GET /.well-known/paserk answers what it returns, {"keys": [{"kid", "paserk"}]}.
  std::function<nlohmann::json()> published_keys{};
  // The service's own per-address limit on POST /api/v1/auth/* (per_second or burst 0: none).
  RateLimitSettings auth_rate_limit{};
  // The catalog. catalog non-null: the public /api/v1/books, /genres and /authors routes; inventory
  // (needs auth for its tokens): /api/v1/admin/books*.
  app::CatalogService* catalog = nullptr;
  app::Inventory* inventory = nullptr;
  // Set with test_routes: POST /_test/identity/anonymise-now runs the account anonymisation at once.
  std::function<Task<int>(std::string email)> test_anonymise_now{};
};

void register_routes(Router& router, const RouteDeps& deps);

}  // namespace bookstore::http
