#include "adapters/http/routes.hpp"

#include "adapters/http/handlers/bench.hpp"
#include "adapters/http/handlers/ops.hpp"
#include "adapters/http/handlers/test_routes.hpp"

namespace bookstore::http {

void register_routes(Router& router, const RouteDeps& deps) {
  register_ops_routes(router, deps.readiness, deps.metrics);
  if (deps.test_routes)
    register_test_routes(router, deps.pool ? pool_database_clock(*deps.pool) : DatabaseClock{});
  if (deps.bench_pool) register_bench_routes(router, pgbench_account_lookup(*deps.bench_pool));
  // Resources of later features: register_<resource>_routes(router, ...) here, documented in openapi.json.
}

}  // namespace bookstore::http
