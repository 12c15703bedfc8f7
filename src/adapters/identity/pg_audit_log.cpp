#include "adapters/identity/pg_audit_log.hpp"

#include <algorithm>
#include <span>

#include <nlohmann/json.hpp>

#include "adapters/identity/effects_writer.hpp"
#include "adapters/identity/sql_support.hpp"

namespace bookstore::identity {
namespace {

// Keyset pagination on the primary key: stable whatever is inserted meanwhile. Absent filters are NULL
// parameters; starts_with() serves the "login." prefix form.
constexpr std::string_view kFind = R"SQL(
SELECT id, (extract(epoch FROM occurred_at) * 1000000)::bigint, action, actor_id,
       COALESCE(target_type, ''), COALESCE(target_id, ''), COALESCE(host(ip), ''), COALESCE(request_id, ''),
       details::text
FROM audit_log
WHERE ($1::bigint IS NULL OR actor_id = $1)
  AND ($2::text IS NULL OR target_type = $2)
  AND ($3::text IS NULL OR target_id = $3)
  AND ($4::text IS NULL OR action = $4)
  AND ($5::text IS NULL OR starts_with(action, $5))
  AND ($6::bigint IS NULL OR occurred_at >= timestamptz 'epoch' + $6 * interval '1 microsecond')
  AND ($7::bigint IS NULL OR occurred_at < timestamptz 'epoch' + $7 * interval '1 microsecond')
  AND ($8::bigint IS NULL OR id < $8)
ORDER BY id DESC
LIMIT $9)SQL";

std::map<std::string, std::string> details_from(std::string_view text) {
  std::map<std::string, std::string> out;
  auto j = nlohmann::json::parse(text, nullptr, false);
  if (!j.is_object()) return out;
  for (auto it = j.begin(); it != j.end(); ++it) {
    out[it.key()] = it->is_string() ? it->get<std::string>() : it->dump();
  }
  return out;
}

}  // namespace

Task<void> PgAuditLog::record(app::AuditEvent event) {
  co_await write_audit(pool_, std::span<const app::AuditEvent>(&event, 1));
}

Task<std::vector<app::AuditRecord>> PgAuditLog::find(app::AuditQuery query) {
  std::optional<std::string> exact, prefix;
  if (query.action) {
    if (query.action->ends_with('.'))
      prefix = query.action;
    else
      exact = query.action;
  }
  int limit = std::clamp(query.limit, 1, 200);
  auto from = to_micros(query.from);
  auto to = to_micros(query.to);
  auto r = co_await pool_.query(kFind, query.actor_id, query.target_type, query.target_id, exact, prefix,
                                from, to, query.before_id, limit);
  std::vector<app::AuditRecord> out;
  out.reserve(static_cast<std::size_t>(r.rows()));
  for (int i = 0; i < r.rows(); ++i) {
    app::AuditRecord rec;
    rec.id = r.int64(i, 0);
    rec.occurred_at = time_at(r, i, 1);
    rec.event.action = std::string(r.text(i, 2));
    if (!r.is_null(i, 3)) rec.event.actor_id = r.int64(i, 3);
    rec.event.target_type = std::string(r.text(i, 4));
    rec.event.target_id = std::string(r.text(i, 5));
    rec.event.ip = std::string(r.text(i, 6));
    rec.event.request_id = std::string(r.text(i, 7));
    rec.event.details = details_from(r.text(i, 8));
    out.push_back(std::move(rec));
  }
  co_return out;
}

}  // namespace bookstore::identity
