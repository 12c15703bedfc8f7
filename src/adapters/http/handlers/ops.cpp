#include "adapters/http/handlers/ops.hpp"

#include <string_view>

#include <nlohmann/json.hpp>

#include "adapters/http/docs_page.hpp"
#include "adapters/metrics/metrics.hpp"
#include "app/ops/readiness.hpp"

namespace bookstore::embedded {
std::string_view openapi_document();  // generated from openapi.json at build time
}

namespace bookstore::http {

namespace {

nlohmann::json checks_json(const app::ReadinessReport& report) {
  auto checks = nlohmann::json::array();
  for (const auto& c : report.checks)
    checks.push_back({{"name", c.name}, {"ok", c.ok}, {"detail", c.detail}});
  return checks;
}

}  // namespace

void register_ops_routes(Router& router, app::CheckReadiness* readiness, metrics::Registry* metrics) {
  // Liveness: the process answers. No database, so a database outage does not get us restarted.
  router.get("/healthz", [](Request&) -> Task<Response> {
    co_return raw_json_response(bhttp::status::ok, R"({"status":"ok"})");
  });

  // Readiness: a load balancer stops sending traffic while the database is away or migrations pend.
  router.get("/readyz", [readiness](Request& req) -> Task<Response> {
    app::ReadinessReport report;
    if (readiness) {
      report = co_await (*readiness)();
    } else {
      report.ready = true;
    }
    if (report.ready)
      co_return json_response(bhttp::status::ok, {{"status", "ready"}, {"checks", checks_json(report)}});
    // Shaped like a problem (so clients handle it as one) with the checks added.
    nlohmann::json body{{"type", "/problems/not-ready"},
                        {"title", "Service not ready"},
                        {"status", 503},
                        {"detail", "A dependency of the service is not ready"},
                        {"instance", req.path()},
                        {"request_id", req.request_id()},
                        {"checks", checks_json(report)}};
    auto res = text_response(bhttp::status::service_unavailable, body.dump(), "application/problem+json");
    res.set(bhttp::field::retry_after, "5");
    res.set(bhttp::field::cache_control, "no-store");
    co_return res;
  });

  router.get("/metrics", [metrics](Request&) -> Task<Response> {
    co_return text_response(bhttp::status::ok, metrics ? metrics->render() : std::string(),
                            "text/plain; version=0.0.4; charset=utf-8");
  });

  router.get("/openapi.json", [](Request&) -> Task<Response> {
    co_return raw_json_response(bhttp::status::ok, std::string(embedded::openapi_document()));
  });

  router.get("/docs", [](Request&) -> Task<Response> {
    auto res = text_response(bhttp::status::ok, std::string(docs_page_html()), "text/html; charset=utf-8");
    // The page's own inline script and style, same-origin fetches, nothing else.
    res.set("Content-Security-Policy",
            "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'");
    co_return res;
  });
}

}  // namespace bookstore::http
