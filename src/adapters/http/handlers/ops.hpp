#pragma once
#include "adapters/http/router.hpp"

namespace bookstore::app {
class CheckReadiness;
}
namespace bookstore::metrics {
class Registry;
}

namespace bookstore::http {

// /healthz, /readyz, /metrics, /openapi.json, /docs.
void register_ops_routes(Router& router, app::CheckReadiness* readiness, metrics::Registry* metrics);

}  // namespace bookstore::http
