#include "adapters/http/handlers/admin_users.hpp"

#include <nlohmann/json.hpp>

#include "adapters/http/json_dto.hpp"
#include "app/identity/admin_users.hpp"

namespace bookstore::http {

namespace {

using json = nlohmann::json;

}  // namespace

void register_admin_user_routes(Router& router, app::AdminUsers& admin, TokenVerifier verify) {
  auto route = [&](bhttp::verb method, std::string_view pattern, AuthenticatedHandler handler) {
    router.add(method, pattern, no_store(with_principal(verify, std::move(handler))));
  };
  app::AdminUsers* svc = &admin;

  route(bhttp::verb::get, "/api/v1/admin/users", [svc](Request& req, app::Principal actor) -> Task<Response> {
    app::UserQuery query = user_query_from(req);
    const int limit = query.limit;
    std::vector<app::UserRecord> users = co_await svc->list(std::move(actor), std::move(query));
    json items = json::array();
    for (const auto& u : users) items.push_back(admin_user_json(u));
    std::optional<std::int64_t> last_id;
    if (!users.empty()) last_id = users.back().id;
    auto body = page_json(std::move(items), last_id, static_cast<int>(users.size()) >= limit);
    co_return json_response(bhttp::status::ok, body);
  });

  route(bhttp::verb::get, "/api/v1/admin/users/{id}",
        [svc](Request& req, app::Principal actor) -> Task<Response> {
          const std::int64_t id = path_id(req, "id");
          std::string current_session = actor.session_id;
          auto meta = request_meta(req);
          app::UserDetail detail = co_await svc->view(std::move(actor), id, std::move(meta));
          auto body = user_detail_json(detail, current_session);
          co_return json_response(bhttp::status::ok, body);
        });

  route(bhttp::verb::patch, "/api/v1/admin/users/{id}",
        [svc](Request& req, app::Principal actor) -> Task<Response> {
          const std::int64_t id = path_id(req, "id");
          auto body = req.json();
          app::AdminUserPatch patch = admin_user_patch_from(body);
          auto meta = request_meta(req);
          app::UserRecord user =
              co_await svc->update(std::move(actor), id, std::move(patch), std::move(meta));
          auto out = admin_user_json(user);
          co_return json_response(bhttp::status::ok, out);
        });

  // The body ({reason}) may be left out.
  route(bhttp::verb::post, "/api/v1/admin/users/{id}/ban",
        [svc](Request& req, app::Principal actor) -> Task<Response> {
          const std::int64_t id = path_id(req, "id");
          std::string reason;
          if (auto body = optional_body(req)) {
            BodyFields f(*body);
            f.reject_unknown({"reason"});
            reason = f.optional_string("reason").value_or("");  // its length is the use case's rule
            f.check();
          }
          auto meta = request_meta(req);
          app::UserRecord user = co_await svc->ban(std::move(actor), id, std::move(reason), std::move(meta));
          auto out = admin_user_json(user);
          co_return json_response(bhttp::status::ok, out);
        });

  route(bhttp::verb::post, "/api/v1/admin/users/{id}/unban",
        [svc](Request& req, app::Principal actor) -> Task<Response> {
          const std::int64_t id = path_id(req, "id");
          auto meta = request_meta(req);
          app::UserRecord user = co_await svc->unban(std::move(actor), id, std::move(meta));
          auto out = admin_user_json(user);
          co_return json_response(bhttp::status::ok, out);
        });

  route(bhttp::verb::delete_, "/api/v1/admin/users/{id}",
        [svc](Request& req, app::Principal actor) -> Task<Response> {
          const std::int64_t id = path_id(req, "id");
          auto meta = request_meta(req);
          co_await svc->force_delete(std::move(actor), id, std::move(meta));
          json out = json::object();
          out["state"] = "pending_deletion";
          co_return json_response(bhttp::status::accepted, out);
        });

  route(bhttp::verb::get, "/api/v1/admin/users/{id}/sessions",
        [svc](Request& req, app::Principal actor) -> Task<Response> {
          const std::int64_t id = path_id(req, "id");
          std::string current_session = actor.session_id;
          std::vector<app::SessionRecord> sessions = co_await svc->sessions(std::move(actor), id);
          auto body = sessions_json(sessions, current_session);
          co_return json_response(bhttp::status::ok, body);
        });

  route(bhttp::verb::delete_, "/api/v1/admin/users/{id}/sessions",
        [svc](Request& req, app::Principal actor) -> Task<Response> {
          const std::int64_t id = path_id(req, "id");
          auto meta = request_meta(req);
          int revoked = co_await svc->revoke_sessions(std::move(actor), id, std::move(meta));
          json out = json::object();
          out["revoked"] = revoked;
          co_return json_response(bhttp::status::ok, out);
        });

  route(bhttp::verb::post, "/api/v1/admin/users/{id}/resend-verification",
        [svc](Request& req, app::Principal actor) -> Task<Response> {
          const std::int64_t id = path_id(req, "id");
          auto meta = request_meta(req);
          co_await svc->resend_verification(std::move(actor), id, std::move(meta));
          json out = json::object();
          out["status"] = "accepted";
          co_return json_response(bhttp::status::accepted, out);
        });
}

}  // namespace bookstore::http
