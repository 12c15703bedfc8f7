#include "adapters/http/handlers/me.hpp"

#include <chrono>

#include <nlohmann/json.hpp>

#include "adapters/http/json_dto.hpp"
#include "app/identity/account_service.hpp"

namespace bookstore::http {

namespace {

using json = nlohmann::json;

// {password}: the actions that ask for the password again.
std::string password_of(const Request& req) {
  auto body = req.json();
  BodyFields f(body);
  auto password = f.required_string("password");
  f.check();
  return password;
}

Response state_json(const char* state) {
  json body = json::object();
  body["state"] = state;
  return json_response(bhttp::status::ok, body);
}

}  // namespace

void register_me_routes(Router& router, app::AccountService& accounts, TokenVerifier verify) {
  auto route = [&](bhttp::verb method, std::string_view pattern, AuthenticatedHandler handler) {
    router.add(method, pattern, no_store(with_principal(verify, std::move(handler))));
  };
  app::AccountService* svc = &accounts;

  route(bhttp::verb::get, "/api/v1/me", [svc](Request&, app::Principal principal) -> Task<Response> {
    app::UserRecord user = co_await svc->me(std::move(principal));
    auto body = user_json(user);
    co_return json_response(bhttp::status::ok, body);
  });

  // Only name may change here; fields a user may never set (role, state, verification...) are passed on
  // so that the use case refuses them by name (403) instead of their being dropped silently.
  route(bhttp::verb::patch, "/api/v1/me", [svc](Request& req, app::Principal principal) -> Task<Response> {
    auto body = req.json();
    app::ProfilePatch patch = profile_patch_from(body);
    auto meta = request_meta(req);
    app::UserRecord user =
        co_await svc->update_profile(std::move(principal), std::move(patch), std::move(meta));
    auto out = user_json(user);
    co_return json_response(bhttp::status::ok, out);
  });

  route(bhttp::verb::post, "/api/v1/me/password",
        [svc](Request& req, app::Principal principal) -> Task<Response> {
          auto body = req.json();
          BodyFields f(body);
          auto current_password = f.required_string("current_password");
          auto new_password = f.required_string("new_password");
          bool end_other_sessions = f.optional_bool("end_other_sessions", false);
          f.check();
          auto meta = request_meta(req);
          co_await svc->change_password(std::move(principal), std::move(current_password),
                                        std::move(new_password), end_other_sessions, std::move(meta));
          json out = json::object();
          out["status"] = "password_changed";
          co_return json_response(bhttp::status::ok, out);
        });

  route(bhttp::verb::post, "/api/v1/me/email",
        [svc](Request& req, app::Principal principal) -> Task<Response> {
          auto body = req.json();
          BodyFields f(body);
          auto password = f.required_string("password");
          auto new_email = f.required_string("new_email");
          f.check();
          auto meta = request_meta(req);
          co_await svc->request_email_change(std::move(principal), std::move(password), std::move(new_email),
                                             std::move(meta));
          json out = json::object();
          out["status"] = "verification_sent";
          co_return json_response(bhttp::status::accepted, out);
        });

  route(bhttp::verb::post, "/api/v1/me/deactivate",
        [svc](Request& req, app::Principal principal) -> Task<Response> {
          auto password = password_of(req);
          auto meta = request_meta(req);
          co_await svc->deactivate(std::move(principal), std::move(password), std::move(meta));
          co_return state_json("deactivated");
        });

  route(bhttp::verb::post, "/api/v1/me/reactivate",
        [svc](Request& req, app::Principal principal) -> Task<Response> {
          auto password = password_of(req);
          auto meta = request_meta(req);
          co_await svc->reactivate(std::move(principal), std::move(password), std::move(meta));
          co_return state_json("active");
        });

  route(bhttp::verb::post, "/api/v1/me/delete",
        [svc](Request& req, app::Principal principal) -> Task<Response> {
          auto password = password_of(req);
          auto meta = request_meta(req);
          app::TimePoint due =
              co_await svc->request_deletion(std::move(principal), std::move(password), std::move(meta));
          json out = json::object();
          out["state"] = "pending_deletion";
          out["deletion_due_at"] = time_or_null(due);
          co_return json_response(bhttp::status::accepted, out);
        });

  route(bhttp::verb::post, "/api/v1/me/delete/cancel",
        [svc](Request& req, app::Principal principal) -> Task<Response> {
          auto password = password_of(req);
          auto meta = request_meta(req);
          co_await svc->cancel_deletion(std::move(principal), std::move(password), std::move(meta));
          co_return state_json("active");
        });

  route(bhttp::verb::get, "/api/v1/me/export", [svc](Request&, app::Principal principal) -> Task<Response> {
    std::string current_session = principal.session_id;
    app::AccountExport data = co_await svc->export_data(std::move(principal));
    auto body = export_json(data, std::chrono::system_clock::now(), current_session);
    auto res = json_response(bhttp::status::ok, body);
    res.set(bhttp::field::content_disposition, R"(attachment; filename="bookstore-export.json")");
    co_return res;
  });
}

}  // namespace bookstore::http
