#include "adapters/http/handlers/auth.hpp"

#include <nlohmann/json.hpp>

#include "adapters/http/json_dto.hpp"
#include "adapters/metrics/metrics.hpp"
#include "app/identity/auth_service.hpp"

namespace bookstore::http {

namespace {

Response status_json(bhttp::status status, const char* value) {
  nlohmann::json body = nlohmann::json::object();
  body["status"] = value;
  return json_response(status, body);
}

}  // namespace

void register_auth_routes(Router& router, app::AuthService& auth, TokenVerifier verify,
                          std::shared_ptr<RateLimiter> limiter, metrics::Registry* registry) {
  metrics::Family<metrics::Counter>* limited = nullptr;
  if (registry && limiter && limiter->settings().enabled()) {
    limited = &registry->counter("bookstore_http_rate_limited_total",
                                 "Requests refused by the service's own per-address rate limit, by route",
                                 {"route"});
  }
  auto post = [&](std::string_view pattern, Handler handler) {
    metrics::Counter* counter = limited ? &limited->with({std::string(pattern)}) : nullptr;
    router.post(pattern, no_store(rate_limited(limiter, counter, std::move(handler))));
  };
  app::AuthService* svc = &auth;

  // 202 whether or not the address is taken: the answer must not reveal registered addresses.
  post("/api/v1/auth/register", [svc](Request& req) -> Task<Response> {
    auto body = req.json();
    BodyFields f(body);
    auto email = f.required_string("email");
    auto password = f.required_string("password");
    auto name = f.required_string("name");
    f.check();
    auto meta = request_meta(req);
    co_await svc->register_account(std::move(email), std::move(password), std::move(name), std::move(meta));
    co_return status_json(bhttp::status::accepted, "accepted");
  });

  // {token} (the link) or {email, code} (the 6 digits typed in).
  post("/api/v1/auth/verify-email", [svc](Request& req) -> Task<Response> {
    auto body = req.json();
    BodyFields f(body);
    auto meta = request_meta(req);
    if (f.has("token")) {
      auto token = f.required_string("token");
      f.check();
      co_await svc->verify_email_token(std::move(token), std::move(meta));
    } else {
      auto email = f.required_string("email");
      auto code = f.required_string("code");
      f.check();
      co_await svc->verify_email_code(std::move(email), std::move(code), std::move(meta));
    }
    co_return status_json(bhttp::status::ok, "verified");
  });

  post("/api/v1/auth/verify-email/resend", [svc](Request& req) -> Task<Response> {
    auto body = req.json();
    BodyFields f(body);
    auto email = f.required_string("email");
    f.check();
    auto meta = request_meta(req);
    co_await svc->resend_verification(std::move(email), std::move(meta));
    co_return status_json(bhttp::status::accepted, "accepted");
  });

  post("/api/v1/auth/login", [svc](Request& req) -> Task<Response> {
    auto body = req.json();
    BodyFields f(body);
    auto email = f.required_string("email");
    auto password = f.required_string("password");
    f.check();
    auto meta = request_meta(req);
    app::TokenPair pair = co_await svc->login(std::move(email), std::move(password), std::move(meta));
    auto out = token_pair_json(pair);
    co_return json_response(bhttp::status::ok, out);
  });

  post("/api/v1/auth/refresh", [svc](Request& req) -> Task<Response> {
    auto body = req.json();
    BodyFields f(body);
    auto refresh_token = f.required_string("refresh_token");
    f.check();
    auto meta = request_meta(req);
    app::TokenPair pair = co_await svc->refresh(std::move(refresh_token), std::move(meta));
    auto out = token_pair_json(pair);
    co_return json_response(bhttp::status::ok, out);
  });

  // Ends the session of the access token; any body is ignored.
  post("/api/v1/auth/logout",
       with_principal(std::move(verify), [svc](Request& req, app::Principal principal) -> Task<Response> {
         auto meta = request_meta(req);
         co_await svc->logout(std::move(principal), std::move(meta));
         Response res{bhttp::status::no_content, 11};
         co_return res;
       }));

  // 202 always: the answer must not reveal registered addresses.
  post("/api/v1/auth/password/forgot", [svc](Request& req) -> Task<Response> {
    auto body = req.json();
    BodyFields f(body);
    auto email = f.required_string("email");
    f.check();
    auto meta = request_meta(req);
    co_await svc->forgot_password(std::move(email), std::move(meta));
    co_return status_json(bhttp::status::accepted, "accepted");
  });

  post("/api/v1/auth/password/reset", [svc](Request& req) -> Task<Response> {
    auto body = req.json();
    BodyFields f(body);
    auto token = f.required_string("token");
    auto password = f.required_string("password");
    f.check();
    auto meta = request_meta(req);
    co_await svc->reset_password(std::move(token), std::move(password), std::move(meta));
    co_return status_json(bhttp::status::ok, "password_reset");
  });
}

}  // namespace bookstore::http
