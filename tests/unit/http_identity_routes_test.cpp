// The identity routes end to end through the Router, over the real use cases on the in-memory fakes:
// the HTTP shapes, status codes, no-store, 401 challenges, rate limiting; and the OpenAPI document agrees
// with the routes once the identity services are wired.
#include <fstream>
#include <set>

#include <gtest/gtest.h>
#include <boost/asio/io_context.hpp>
#include <nlohmann/json.hpp>

#include "adapters/http/problem.hpp"
#include "adapters/http/routes.hpp"
#include "adapters/metrics/metrics.hpp"
#include "adapters/pg/pool.hpp"
#include "app/catalog/catalog_service.hpp"
#include "app/catalog/inventory.hpp"
#include "app/identity/account_service.hpp"
#include "app/identity/admin_users.hpp"
#include "app/identity/auth_service.hpp"
#include "app/ops/readiness.hpp"
#include "fakes/fake_book_files.hpp"
#include "fakes/fake_book_search.hpp"
#include "fakes/fake_book_store.hpp"
#include "fakes/fake_clock.hpp"
#include "fakes/fake_identity.hpp"

namespace {

using namespace bookstore;
using json = nlohmann::json;
using verb = http::bhttp::verb;
using status = http::bhttp::status;
using field = http::bhttp::field;

// FakeAccessTokens writes "at|sub|sid|...", which is no RFC 6750 b64token; real tokens are
// "v4.public.<base64url>". This wrapper hex-encodes the fake's tokens into that shape.
class HexAccessTokens : public app::AccessTokens {
 public:
  explicit HexAccessTokens(fakes::FakeAccessTokens& inner) : inner_(inner) {}
  std::string issue(const app::AccessClaims& claims) override {
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out = "v4.public.";
    for (unsigned char c : inner_.issue(claims)) {
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
    return out;
  }
  app::AccessClaims verify(std::string_view token, app::TimePoint now) const override {
    constexpr std::string_view kPrefix = "v4.public.";
    if (token.substr(0, kPrefix.size()) != kPrefix || token.size() % 2 != 0)
      throw domain::Error(domain::ErrorCode::kUnauthenticated, "invalid token");
    std::string raw;
    for (std::size_t i = kPrefix.size(); i + 1 < token.size(); i += 2)
      raw.push_back(static_cast<char>(std::stoi(std::string(token.substr(i, 2)), nullptr, 16)));
    return inner_.verify(raw, now);
  }

 private:
  fakes::FakeAccessTokens& inner_;
};

class FakeDatabase : public app::DatabaseStatus {
 public:
  Task<bool> reachable() override { co_return true; }
  Task<int> pending_migrations() override { co_return 0; }
};

json published_keys() {
  return json::array({{{"kid", "k4.pid.test"}, {"paserk", "k4.public.test"}}});
}

class HttpIdentityRoutes : public ::testing::Test {
 protected:
  static constexpr const char* kPassword = "correct horse battery";

  void SetUp() override { register_with({.per_second = 1000, .burst = 1000}); }

  void register_with(http::RateLimitSettings limits) {
    router = http::Router();
    http::register_routes(router, {.metrics = &registry,
                                   .auth = &auth,
                                   .accounts = &accounts,
                                   .admin_users = &admin,
                                   .published_keys = published_keys,
                                   .auth_rate_limit = limits});
  }

  // What the server does around a handler: route, run, turn a thrown domain::Error into its problem.
  http::Response send(verb method, std::string target, std::optional<std::string> body = std::nullopt,
                      std::string token = {}, std::string ip = "192.0.2.10") {
    http::BeastRequest message{method, target, 11};
    if (body) {
      message.set(field::content_type, "application/json");
      message.body() = *body;
    }
    if (!token.empty()) message.set(field::authorization, "Bearer " + token);
    message.set(field::user_agent, "HttpTest/1.0");
    http::Request req(std::move(message));
    req.set_client_ip(ip);
    req.set_request_id("req-http");
    auto m = router.match(method, req.path(), req.mutable_path_params());
    if (m.kind == http::Router::Match::Kind::kNotFound)
      return http::problem_response(http::not_found_problem(req.path()), req.path(), req.request_id());
    if (m.kind == http::Router::Match::Kind::kMethodNotAllowed)
      return http::problem_response(http::method_not_allowed_problem("X", std::string(m.allow)), req.path(),
                                    req.request_id());
    req.set_route(m.pattern);
    try {
      return fakes::run(m.route->handler(req));
    } catch (const domain::Error& e) {
      return http::problem_response(http::problem_for(e), req.path(), req.request_id());
    }
  }
  http::Response post(std::string target, json body, std::string token = {}) {
    return send(verb::post, std::move(target), body.dump(), std::move(token));
  }

  std::string verified_user(const std::string& email) {
    EXPECT_EQ(
        post("/api/v1/auth/register", {{"email", email}, {"password", kPassword}, {"name", "Ann"}}).result(),
        status::accepted);
    const app::OutgoingMail* mail = world.outbox.last("verify_email", email);
    EXPECT_NE(mail, nullptr);
    if (mail) {
      auto res = post("/api/v1/auth/verify-email", {{"email", email}, {"code", mail->vars.at("code")}});
      EXPECT_EQ(res.result(), status::ok);
    }
    return email;
  }
  json login(const std::string& email) {
    auto res = post("/api/v1/auth/login", {{"email", email}, {"password", kPassword}});
    EXPECT_EQ(res.result(), status::ok) << res.body();
    return json::parse(res.body());
  }
  std::string admin_token() {
    fakes::run(admin.create_admin("root@example.org", kPassword, "Root"));
    return login("root@example.org")["access_token"];
  }

  fakes::FakeIdentity world;
  HexAccessTokens tokens{world.access_tokens};
  app::IdentityDeps deps{world.users, world.sessions,    world.tokens,  world.audit, world.hasher,
                         tokens,      world.revocations, world.secrets, world.clock, world.policy};
  app::AuthService auth{deps, world.config};
  app::AccountService accounts{deps, world.config};
  app::AdminUsers admin{deps, world.config};
  metrics::Registry registry;
  http::Router router;
};

json body_of(const http::Response& res) {
  return json::parse(res.body());
}

std::vector<std::string> error_fields(const http::Response& res) {
  std::vector<std::string> out;
  for (const auto& e : body_of(res).value("errors", json::array())) out.push_back(e.at("field"));
  return out;
}

TEST_F(HttpIdentityRoutes, OpenApiDocumentsEveryRouteAndNothingElse) {
  std::ifstream in(BOOKSTORE_SOURCE_DIR "/src/adapters/http/openapi.json");
  ASSERT_TRUE(in);
  auto doc = json::parse(in);
  std::set<std::pair<std::string, std::string>> documented;
  for (auto& [path, item] : doc.at("paths").items()) {
    for (auto& [method, op] : item.items()) {
      std::string upper = method;
      for (auto& ch : upper) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
      documented.emplace(upper, path);
    }
  }
  // Every optional group of routes registered.
  FakeDatabase db;
  app::CheckReadiness readiness(db);
  boost::asio::io_context ioc;
  pg::Pool pool(ioc.get_executor(), pg::PoolConfig{.conninfo = "host=/nonexistent"});
  fakes::FakeClock catalog_clock;
  fakes::FakeBookStore books(catalog_clock);
  fakes::FakeBookFiles files;
  fakes::FakeBookSearch search;
  fakes::FakeSecrets secrets;
  app::CatalogService catalog(search, books, secrets);
  app::Inventory inventory(books, files, catalog_clock);
  http::Router all;
  http::register_routes(all, {.readiness = &readiness,
                              .metrics = &registry,
                              .bench_pool = &pool,
                              .pool = &pool,
                              .test_routes = true,
                              .auth = &auth,
                              .accounts = &accounts,
                              .admin_users = &admin,
                              .published_keys = published_keys,
                              .catalog = &catalog,
                              .inventory = &inventory,
                              .test_anonymise_now = [](std::string) -> Task<int> { co_return 0; }});
  std::set<std::pair<std::string, std::string>> routed;
  for (const auto& r : all.routes())
    routed.emplace(std::string(http::bhttp::to_string(r->method)), r->pattern);
  for (const auto& op : routed)
    EXPECT_TRUE(documented.count(op)) << "not documented: " << op.first << " " << op.second;
  for (const auto& op : documented)
    EXPECT_TRUE(routed.count(op)) << "not routed: " << op.first << " " << op.second;
  EXPECT_TRUE(routed.count({"POST", "/api/v1/auth/login"}));
  EXPECT_TRUE(routed.count({"GET", "/api/v1/admin/audit"}));
  EXPECT_TRUE(routed.count({"GET", "/.well-known/paserk"}));
}

TEST_F(HttpIdentityRoutes, WithoutTheServicesNoIdentityRouteIsRegistered) {
  http::Router bare;
  http::register_routes(bare, {.metrics = &registry});
  for (const auto& r : bare.routes()) {
    EXPECT_EQ(r->pattern.find("/api/v1/"), std::string::npos) << r->pattern;
    EXPECT_NE(r->pattern, "/.well-known/paserk");
  }
}

TEST_F(HttpIdentityRoutes, RegisterVerifyLoginAndReadMe) {
  auto res =
      post("/api/v1/auth/register", {{"email", "ann@example.org"}, {"password", kPassword}, {"name", "Ann"}});
  EXPECT_EQ(res.result(), status::accepted);
  EXPECT_EQ(body_of(res), json::parse(R"({"status":"accepted"})"));
  EXPECT_EQ(res[field::cache_control], "no-store");
  const app::OutgoingMail* mail = world.outbox.last("verify_email", "ann@example.org");
  ASSERT_NE(mail, nullptr);
  res = post("/api/v1/auth/verify-email", {{"token", mail->vars.at("token")}});
  EXPECT_EQ(res.result(), status::ok) << res.body();
  EXPECT_EQ(body_of(res), json::parse(R"({"status":"verified"})"));

  res = post("/api/v1/auth/login", {{"email", "ann@example.org"}, {"password", kPassword}});
  ASSERT_EQ(res.result(), status::ok) << res.body();
  EXPECT_EQ(res[field::cache_control], "no-store");
  auto pair = body_of(res);
  EXPECT_EQ(pair["token_type"], "Bearer");
  EXPECT_EQ(pair["expires_in"], 900);
  EXPECT_EQ(pair["account_state"], "active");
  EXPECT_TRUE(pair["refresh_token"].is_string());
  EXPECT_TRUE(pair["session_id"].is_string());

  res = send(verb::get, "/api/v1/me", std::nullopt, pair["access_token"]);
  ASSERT_EQ(res.result(), status::ok) << res.body();
  EXPECT_EQ(res[field::cache_control], "no-store");
  auto me = body_of(res);
  EXPECT_TRUE(me["id"].is_number_integer());
  EXPECT_EQ(me["email"], "ann@example.org");
  EXPECT_EQ(me["role"], "customer");
  EXPECT_EQ(me["email_verified"], true);
  EXPECT_EQ(me["email_verified_at"], "2025-01-15T10:00:00Z");
  EXPECT_EQ(me["deletion_due_at"], nullptr);

  // The refresh token rotates; the old access token keeps working until logout.
  res = post("/api/v1/auth/refresh", {{"refresh_token", pair["refresh_token"]}});
  ASSERT_EQ(res.result(), status::ok) << res.body();
  EXPECT_NE(body_of(res)["refresh_token"], pair["refresh_token"]);
  res = send(verb::post, "/api/v1/auth/logout", std::nullopt, pair["access_token"]);
  EXPECT_EQ(res.result(), status::no_content);
  EXPECT_EQ(res[field::cache_control], "no-store");
  res = send(verb::get, "/api/v1/me", std::nullopt, pair["access_token"]);
  EXPECT_EQ(res.result(), status::unauthorized);
  EXPECT_EQ(res[field::www_authenticate], R"(Bearer error="invalid_token")");
}

TEST_F(HttpIdentityRoutes, WrongPasswordIs401AndLooksLikeAnUnknownEmail) {
  verified_user("ann@example.org");
  auto wrong = post("/api/v1/auth/login", {{"email", "ann@example.org"}, {"password", "not it at all"}});
  auto unknown = post("/api/v1/auth/login", {{"email", "nobody@example.org"}, {"password", "not it at all"}});
  EXPECT_EQ(wrong.result(), status::unauthorized);
  EXPECT_EQ(unknown.result(), status::unauthorized);
  EXPECT_EQ(body_of(wrong)["detail"], body_of(unknown)["detail"]);
  EXPECT_EQ(wrong[field::cache_control], "no-store");
}

TEST_F(HttpIdentityRoutes, EveryBearerRouteChallengesWithout401AndNoStore) {
  int checked = 0;
  for (const auto& r : router.routes()) {
    const std::string& p = r->pattern;
    bool needs_token =
        p.starts_with("/api/v1/me") || p.starts_with("/api/v1/admin/") || p == "/api/v1/auth/logout";
    if (!needs_token) continue;
    std::string target = p;
    if (auto brace = target.find("{id}"); brace != std::string::npos)
      target.replace(brace, 4, p.starts_with("/api/v1/me") ? "0b6f2a4e-1111-4222-8333-444455556666" : "1");
    SCOPED_TRACE(std::string(http::bhttp::to_string(r->method)) + " " + target);
    auto res = send(r->method, target, "{}");
    EXPECT_EQ(res.result(), status::unauthorized);
    EXPECT_EQ(res[field::www_authenticate], "Bearer");
    EXPECT_EQ(res[field::cache_control], "no-store");
    EXPECT_EQ(res[field::content_type], "application/problem+json");
    res = send(r->method, target, "{}", "not-a-token-we-issued");
    EXPECT_EQ(res.result(), status::unauthorized);
    EXPECT_EQ(res[field::www_authenticate], R"(Bearer error="invalid_token")");
    ++checked;
  }
  EXPECT_EQ(checked, 23);
}

TEST_F(HttpIdentityRoutes, BodyShapeErrorsAreCollected) {
  auto res = post("/api/v1/auth/register", {{"email", 5}, {"password", ""}});
  EXPECT_EQ(res.result(), status::unprocessable_entity);
  EXPECT_EQ(error_fields(res), (std::vector<std::string>{"email", "password", "name"}));
  EXPECT_EQ(res[field::cache_control], "no-store");
  res = send(verb::post, "/api/v1/auth/login", "[1]");
  EXPECT_EQ(res.result(), status::unprocessable_entity);
  EXPECT_EQ(error_fields(res), std::vector<std::string>{"body"});
  res = send(verb::post, "/api/v1/auth/login", "{\"email\":");
  EXPECT_EQ(res.result(), status::bad_request);
  res = send(verb::post, "/api/v1/auth/verify-email", R"({"email":"a@b.org"})");
  EXPECT_EQ(error_fields(res), std::vector<std::string>{"code"});
}

TEST_F(HttpIdentityRoutes, PatchMe) {
  verified_user("ann@example.org");
  std::string token = login("ann@example.org")["access_token"];
  auto res = send(verb::patch, "/api/v1/me", R"({"name":"Ann B"})", token);
  ASSERT_EQ(res.result(), status::ok) << res.body();
  EXPECT_EQ(body_of(res)["name"], "Ann B");
  res = send(verb::patch, "/api/v1/me", R"({"name":"X","role":"admin","email_verified":true})", token);
  EXPECT_EQ(res.result(), status::forbidden);
  EXPECT_EQ(error_fields(res), (std::vector<std::string>{"email_verified", "role"}));
  EXPECT_EQ(res[field::cache_control], "no-store");
  res = send(verb::patch, "/api/v1/me", R"({"nickname":"X"})", token);
  EXPECT_EQ(res.result(), status::unprocessable_entity);
  EXPECT_EQ(error_fields(res), std::vector<std::string>{"nickname"});
  res = send(verb::get, "/api/v1/me", std::nullopt, token);
  EXPECT_EQ(body_of(res)["role"], "customer");
  EXPECT_EQ(body_of(res)["name"], "Ann B");
}

TEST_F(HttpIdentityRoutes, SessionsAndExport) {
  verified_user("ann@example.org");
  auto first = login("ann@example.org");
  login("ann@example.org");
  std::string token = first["access_token"];
  auto res = send(verb::get, "/api/v1/me/sessions", std::nullopt, token);
  ASSERT_EQ(res.result(), status::ok) << res.body();
  auto items = body_of(res)["items"];
  ASSERT_EQ(items.size(), 2u);
  int current = 0;
  for (const auto& s : items) {
    if (s["current"] == true) {
      ++current;
      EXPECT_EQ(s["id"], first["session_id"]);
    }
    EXPECT_EQ(s["user_agent"], "HttpTest/1.0");
    EXPECT_EQ(s["ip"], "192.0.2.10");
  }
  EXPECT_EQ(current, 1);

  res = send(verb::get, "/api/v1/me/export", std::nullopt, token);
  ASSERT_EQ(res.result(), status::ok) << res.body();
  EXPECT_EQ(res[field::content_disposition], R"(attachment; filename="bookstore-export.json")");
  EXPECT_EQ(res[field::cache_control], "no-store");
  auto exported = body_of(res);
  EXPECT_EQ(exported["user"]["email"], "ann@example.org");
  EXPECT_EQ(exported["sessions"].size(), 2u);
  EXPECT_FALSE(exported["security_events"].empty());
  EXPECT_TRUE(exported["exported_at"].is_string());

  // Not a session id at all: 404 without asking anyone.
  res = send(verb::delete_, "/api/v1/me/sessions/sess-1'--", std::nullopt, token);
  EXPECT_EQ(res.result(), status::not_found);
  res = send(verb::delete_, "/api/v1/me/sessions", std::nullopt, token);
  ASSERT_EQ(res.result(), status::ok) << res.body();
  EXPECT_EQ(body_of(res), json::parse(R"({"revoked": 2})"));
  EXPECT_EQ(send(verb::get, "/api/v1/me", std::nullopt, token).result(), status::unauthorized);
}

TEST_F(HttpIdentityRoutes, PasswordChangeAndDeletion) {
  verified_user("ann@example.org");
  std::string token = login("ann@example.org")["access_token"];
  auto res = post("/api/v1/me/password",
                  {{"current_password", kPassword},
                   {"new_password", "another good phrase"},
                   {"end_other_sessions", "yes"}},
                  token);
  EXPECT_EQ(res.result(), status::unprocessable_entity);
  EXPECT_EQ(error_fields(res), std::vector<std::string>{"end_other_sessions"});
  res = post("/api/v1/me/password",
             {{"current_password", "wrong one here"}, {"new_password", "another good phrase"}}, token);
  EXPECT_EQ(res.result(), status::unprocessable_entity);
  res = post("/api/v1/me/delete", {{"password", kPassword}}, token);
  ASSERT_EQ(res.result(), status::accepted) << res.body();
  auto body = body_of(res);
  EXPECT_EQ(body["state"], "pending_deletion");
  EXPECT_EQ(body["deletion_due_at"], "2025-02-14T10:00:00Z");
}

TEST_F(HttpIdentityRoutes, AdminUsersAndAudit) {
  std::string root = admin_token();
  verified_user("ann@example.org");
  verified_user("bob@example.org");
  std::string customer = login("bob@example.org")["access_token"];

  auto res = send(verb::get, "/api/v1/admin/users?limit=2", std::nullopt, root);
  ASSERT_EQ(res.result(), status::ok) << res.body();
  auto page = body_of(res);
  ASSERT_EQ(page["items"].size(), 2u);
  EXPECT_TRUE(page["items"][0].contains("failed_logins"));
  ASSERT_TRUE(page["next_cursor"].is_string());
  res = send(verb::get, "/api/v1/admin/users?limit=2&cursor=" + page["next_cursor"].get<std::string>(),
             std::nullopt, root);
  page = body_of(res);
  EXPECT_EQ(page["items"].size(), 1u);
  EXPECT_EQ(page["next_cursor"], nullptr);
  EXPECT_EQ(res[field::cache_control], "no-store");

  res = send(verb::get, "/api/v1/admin/users?limit=0&role=god", std::nullopt, root);
  EXPECT_EQ(res.result(), status::unprocessable_entity);
  EXPECT_EQ(error_fields(res), (std::vector<std::string>{"role", "limit"}));
  for (auto id : {"abc", "0", "-1", "01", "99999999999999999999"})
    EXPECT_EQ(send(verb::get, std::string("/api/v1/admin/users/") + id, std::nullopt, root).result(),
              status::not_found)
        << id;
  EXPECT_EQ(send(verb::get, "/api/v1/admin/users", std::nullopt, customer).result(), status::forbidden);

  const app::UserRecord* ann = world.users.live_by_email("ann@example.org");
  ASSERT_NE(ann, nullptr);
  std::string ann_path = "/api/v1/admin/users/" + std::to_string(ann->id);
  res = send(verb::get, ann_path, std::nullopt, root);
  ASSERT_EQ(res.result(), status::ok) << res.body();
  EXPECT_EQ(body_of(res)["user"]["email"], "ann@example.org");
  EXPECT_TRUE(body_of(res)["sessions"].is_array());

  res = send(verb::post, ann_path + "/ban", std::nullopt, root);  // no body: no reason
  ASSERT_EQ(res.result(), status::ok) << res.body();
  EXPECT_EQ(body_of(res)["banned"], true);
  res = post(ann_path + "/unban", json::object(), root);
  ASSERT_EQ(res.result(), status::ok) << res.body();
  EXPECT_EQ(body_of(res)["banned"], false);
  res = send(verb::post, ann_path + "/ban", R"({"reason": 5})", root);
  EXPECT_EQ(res.result(), status::unprocessable_entity);

  res = send(verb::patch, ann_path, R"({"role":"support"})", root);
  ASSERT_EQ(res.result(), status::ok) << res.body();
  EXPECT_EQ(body_of(res)["role"], "support");
  res = send(verb::patch, ann_path, R"({"role":"owner"})", root);
  EXPECT_EQ(error_fields(res), std::vector<std::string>{"role"});

  res = send(verb::get, "/api/v1/admin/audit?action=user.&limit=1", std::nullopt, root);
  ASSERT_EQ(res.result(), status::ok) << res.body();
  page = body_of(res);
  ASSERT_EQ(page["items"].size(), 1u);
  EXPECT_TRUE(page["items"][0]["id"].is_number_integer());
  EXPECT_TRUE(page["next_cursor"].is_string());
  res = send(verb::get, "/api/v1/admin/audit?from=yesterday", std::nullopt, root);
  EXPECT_EQ(error_fields(res), std::vector<std::string>{"from"});

  res = send(verb::delete_, ann_path + "/sessions", std::nullopt, root);
  ASSERT_EQ(res.result(), status::ok) << res.body();
  EXPECT_TRUE(body_of(res)["revoked"].is_number_integer());
  res = send(verb::delete_, ann_path, std::nullopt, root);
  EXPECT_EQ(res.result(), status::accepted) << res.body();
  EXPECT_EQ(body_of(res), json::parse(R"({"state":"pending_deletion"})"));
}

TEST_F(HttpIdentityRoutes, AuthPostsAreRateLimitedPerAddress) {
  register_with({.per_second = 1, .burst = 3});
  json body{{"email", "nobody@example.org"}, {"password", "whatever it is"}};
  for (int i = 0; i < 3; ++i) EXPECT_EQ(post("/api/v1/auth/login", body).result(), status::unauthorized);
  auto res = post("/api/v1/auth/login", body);
  EXPECT_EQ(res.result(), status::too_many_requests);
  EXPECT_EQ(res[field::retry_after], "1");
  EXPECT_EQ(res[field::cache_control], "no-store");
  // The bucket is per address, shared by every POST under /api/v1/auth/.
  EXPECT_EQ(post("/api/v1/auth/password/forgot", {{"email", "x@example.org"}}).result(),
            status::too_many_requests);
  EXPECT_EQ(send(verb::post, "/api/v1/auth/login", body.dump(), {}, "192.0.2.99").result(),
            status::unauthorized);
  EXPECT_NE(registry.render().find(R"(bookstore_http_rate_limited_total{route="/api/v1/auth/login"} 1)"),
            std::string::npos)
      << registry.render();
}

TEST_F(HttpIdentityRoutes, PublishedKeysAreCacheable) {
  auto res = send(verb::get, "/.well-known/paserk");
  ASSERT_EQ(res.result(), status::ok);
  EXPECT_EQ(res[field::cache_control], "public, max-age=300");
  EXPECT_EQ(body_of(res), json::parse(R"({"keys":[{"kid":"k4.pid.test","paserk":"k4.public.test"}]})"));
}

}  // namespace
