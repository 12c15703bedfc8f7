// Every route the router knows is documented in openapi.json, and every documented operation is routed.
#include <fstream>
#include <set>

#include <gtest/gtest.h>
#include <boost/asio/io_context.hpp>
#include <nlohmann/json.hpp>

#include "adapters/http/handlers/bench.hpp"
#include "adapters/http/routes.hpp"
#include "adapters/metrics/metrics.hpp"
#include "adapters/pg/pool.hpp"
#include "app/ops/readiness.hpp"

namespace bookstore::embedded {
std::string_view openapi_document();
}

namespace {

using namespace bookstore;

class FakeDatabase : public app::DatabaseStatus {
 public:
  Task<bool> reachable() override { co_return true; }
  Task<int> pending_migrations() override { co_return 0; }
};

std::set<std::pair<std::string, std::string>> documented(const nlohmann::json& doc) {
  std::set<std::pair<std::string, std::string>> ops;
  for (auto& [path, item] : doc.at("paths").items()) {
    for (auto& [method, op] : item.items()) {
      if (method == "parameters" || method == "summary" || method == "description" || method == "servers")
        continue;
      std::string upper = method;
      for (auto& ch : upper) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
      ops.emplace(upper, path);
    }
  }
  return ops;
}

TEST(HttpOpenApi, EveryRouteIsDocumentedAndEveryOperationRouted) {
  std::ifstream in(BOOKSTORE_SOURCE_DIR "/src/adapters/http/openapi.json");
  ASSERT_TRUE(in) << "openapi.json not found";
  auto doc = nlohmann::json::parse(in);
  EXPECT_EQ(doc.at("openapi"), "3.1.0");
  // The binary serves the same document as the tree holds.
  EXPECT_EQ(nlohmann::json::parse(embedded::openapi_document()), doc);

  FakeDatabase db;
  app::CheckReadiness readiness(db);
  metrics::Registry registry;
  http::Router router;
  // The pool connects lazily: registering the bench routes does not need a database.
  boost::asio::io_context ioc;
  pg::Pool pool(ioc.get_executor(), pg::PoolConfig{.conninfo = "host=/nonexistent"});
  http::register_routes(router, {.readiness = &readiness,
                                 .metrics = &registry,
                                 .bench_pool = &pool,
                                 .pool = &pool,
                                 .test_routes = true,
                                 .test_anonymise_now = [](std::string) -> Task<int> { co_return 0; }});

  std::set<std::pair<std::string, std::string>> routed;
  for (const auto& r : router.routes())
    routed.emplace(std::string(http::bhttp::to_string(r->method)), r->pattern);
  auto ops = documented(doc);
  for (const auto& op : routed)
    EXPECT_TRUE(ops.count(op)) << "not documented: " << op.first << " " << op.second;
  for (const auto& op : ops) {
    // Routes that need the identity services; http_identity_routes_test.cpp wires them over the in-memory
    // fakes and checks those both ways.
    if (op.second.starts_with("/api/v1/") || op.second == "/.well-known/paserk" ||
        op.second == "/bench/anonymous" || op.second == "/bench/authenticated")
      continue;
    EXPECT_TRUE(routed.count(op)) << "not routed: " << op.first << " " << op.second;
  }
  EXPECT_TRUE(routed.count({"GET", "/bench/account/{aid}"}));
  EXPECT_TRUE(routed.count({"POST", "/_test/echo"}));
}

TEST(HttpOpenApi, OperationsHaveIdsSummariesAndTags) {
  std::ifstream in(BOOKSTORE_SOURCE_DIR "/src/adapters/http/openapi.json");
  auto doc = nlohmann::json::parse(in);
  std::set<std::string> ids;
  for (auto& [path, item] : doc.at("paths").items()) {
    for (auto& [method, op] : item.items()) {
      SCOPED_TRACE(method + " " + path);
      ASSERT_TRUE(op.contains("operationId"));
      EXPECT_TRUE(ids.insert(op["operationId"].get<std::string>()).second) << "duplicate operationId";
      EXPECT_TRUE(op.contains("summary"));
      EXPECT_FALSE(op.at("tags").empty());
    }
  }
  for (const char* code : {"BadRequest", "NotFound", "MethodNotAllowed", "PayloadTooLarge",
                           "UnsupportedMediaType", "ValidationFailed", "InternalError", "Unavailable"}) {
    EXPECT_TRUE(doc["components"]["responses"].contains(code)) << code;
  }
}

}  // namespace
