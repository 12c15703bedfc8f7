#include "adapters/identity/effects_writer.hpp"

#include <stdexcept>

#include "adapters/identity/sql_support.hpp"
#include "adapters/jobs/queue.hpp"

namespace bookstore::identity {
namespace {

// Arrays unnested server-side: any number of events in one round trip. ip goes in as text and is cast
// per element, NULL for what inet_param() refused.
constexpr std::string_view kInsertAudit = R"SQL(
INSERT INTO audit_log (action, actor_id, target_type, target_id, ip, request_id, details)
SELECT a, ac, tt, ti, i::inet, r, d
FROM unnest($1::text[], $2::bigint[], $3::text[], $4::text[], $5::text[], $6::text[], $7::jsonb[])
  AS t(a, ac, tt, ti, i, r, d))SQL";

std::optional<std::string> non_empty(const std::string& s) {
  if (s.empty()) return std::nullopt;
  return s;
}

std::vector<pg::Param> audit_params(std::span<const app::AuditEvent> events) {
  std::vector<std::optional<std::string>> actions, actors, target_types, target_ids, ips, request_ids,
      details;
  for (const auto& e : events) {
    actions.emplace_back(e.action);
    actors.emplace_back(e.actor_id ? std::optional<std::string>(std::to_string(*e.actor_id)) : std::nullopt);
    target_types.emplace_back(non_empty(e.target_type));
    target_ids.emplace_back(non_empty(e.target_id));
    ips.emplace_back(inet_param(e.ip));
    request_ids.emplace_back(non_empty(e.request_id));
    details.emplace_back(details_json(e.details));
  }
  return {jobs::array_literal(actions),    jobs::array_literal(actors), jobs::array_literal(target_types),
          jobs::array_literal(target_ids), jobs::array_literal(ips),    jobs::array_literal(request_ids),
          jobs::array_literal(details)};
}

}  // namespace

Task<void> write_audit(pg::Connection& tx, std::span<const app::AuditEvent> events) {
  if (events.empty()) co_return;
  auto params = audit_params(events);
  co_await tx.query_params(kInsertAudit, params);
}

Task<void> write_audit(pg::Pool& pool, std::span<const app::AuditEvent> events) {
  if (events.empty()) co_return;
  auto params = audit_params(events);
  co_await pool.query_params(kInsertAudit, params);
}

Task<void> write_effects(pg::Connection& tx, const app::Effects& effects, const MailOutbox& outbox) {
  for (const auto& mail : effects.mails) {
    if (!outbox) throw std::logic_error("identity: a mail to send but no mail outbox configured");
    co_await outbox(tx, mail);
  }
  co_await write_audit(tx, std::span<const app::AuditEvent>(effects.audit));
}

}  // namespace bookstore::identity
