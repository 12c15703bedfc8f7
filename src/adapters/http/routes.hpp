#pragma once
// Every route of the service is registered here; each resource's handlers live in handlers/<resource>.cpp
// and are documented in openapi.json next to this file (a unit test checks that both agree).
#include "adapters/http/router.hpp"

namespace bookstore::app {
class CheckReadiness;
}
namespace bookstore::metrics {
class Registry;
}
namespace bookstore::pg {
class Pool;
}

namespace bookstore::http {

struct RouteDeps {
  app::CheckReadiness* readiness = nullptr;  // /readyz
  metrics::Registry* metrics = nullptr;      // /metrics
  pg::Pool* bench_pool = nullptr;            // non-null: the /bench routes are registered
  pg::Pool* pool = nullptr;                  // the service's pool, for routes that query the database
  bool test_routes = false;                  // the /_test routes (BOOKSTORE_TEST_ROUTES)
};

void register_routes(Router& router, const RouteDeps& deps);

}  // namespace bookstore::http
