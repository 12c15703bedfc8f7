#include "adapters/http/handlers/sessions.hpp"

#include <nlohmann/json.hpp>

#include "adapters/http/json_dto.hpp"
#include "app/identity/account_service.hpp"
#include "domain/identity/session_id.hpp"

namespace bookstore::http {

void register_session_routes(Router& router, app::AccountService& accounts, TokenVerifier verify) {
  auto route = [&](bhttp::verb method, std::string_view pattern, AuthenticatedHandler handler) {
    router.add(method, pattern, no_store(with_principal(verify, std::move(handler))));
  };
  app::AccountService* svc = &accounts;

  route(bhttp::verb::get, "/api/v1/me/sessions", [svc](Request&, app::Principal principal) -> Task<Response> {
    std::string current_session = principal.session_id;
    std::vector<app::SessionRecord> sessions = co_await svc->sessions(std::move(principal));
    auto body = sessions_json(sessions, current_session);
    co_return json_response(bhttp::status::ok, body);
  });

  route(bhttp::verb::delete_, "/api/v1/me/sessions/{id}",
        [svc](Request& req, app::Principal principal) -> Task<Response> {
          // Session ids are uuids: anything else names no session (and never reaches the database).
          std::string session_id(req.path_param("id"));
          if (!domain::is_session_id(session_id)) throw domain::Error::not_found("No such session");
          auto meta = request_meta(req);
          co_await svc->revoke_session(std::move(principal), std::move(session_id), std::move(meta));
          Response res{bhttp::status::no_content, 11};
          co_return res;
        });

  route(bhttp::verb::delete_, "/api/v1/me/sessions",
        [svc](Request& req, app::Principal principal) -> Task<Response> {
          auto meta = request_meta(req);
          int revoked = co_await svc->revoke_all_sessions(std::move(principal), std::move(meta));
          nlohmann::json body = nlohmann::json::object();
          body["revoked"] = revoked;
          co_return json_response(bhttp::status::ok, body);
        });
}

}  // namespace bookstore::http
