#include "adapters/http/handlers/admin_audit.hpp"

#include <nlohmann/json.hpp>

#include "adapters/http/json_dto.hpp"
#include "app/identity/admin_users.hpp"

namespace bookstore::http {

void register_admin_audit_routes(Router& router, app::AdminUsers& admin, TokenVerifier verify) {
  app::AdminUsers* svc = &admin;
  router.get(
      "/api/v1/admin/audit",
      no_store(with_principal(std::move(verify), [svc](Request& req, app::Principal actor) -> Task<Response> {
        app::AuditQuery query = audit_query_from(req);
        const int limit = query.limit;
        std::vector<app::AuditRecord> records = co_await svc->audit(std::move(actor), std::move(query));
        nlohmann::json items = nlohmann::json::array();
        for (const auto& r : records) items.push_back(audit_json(r));
        std::optional<std::int64_t> last_id;
        if (!records.empty()) last_id = records.back().id;
        // Newest first: the next page holds the rows older than the last one here.
        auto body = page_json(std::move(items), last_id, static_cast<int>(records.size()) >= limit);
        co_return json_response(bhttp::status::ok, body);
      })));
}

}  // namespace bookstore::http
