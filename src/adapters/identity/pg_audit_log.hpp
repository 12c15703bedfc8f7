#pragma once
// app::AuditLog over the audit_log table (migrations/0001_audit_log.sql). Events that come with a
// change are written by that change's transaction (effects_writer.hpp); record() is for events that
// come alone.
#include <vector>

#include "adapters/pg/pool.hpp"
#include "app/ports/audit_log.hpp"

namespace bookstore::identity {

class PgAuditLog final : public app::AuditLog {
 public:
  explicit PgAuditLog(pg::Pool& pool) : pool_(pool) {}  // `pool` must outlive the log

  Task<void> record(app::AuditEvent event) override;
  // Every filter of the query, newest first (id descending) from the before_id cursor; limit clamped to
  // 1..200. action "login." (ending in '.') is a prefix, anything else exact. Details that are not
  // strings in the row come back as their JSON text.
  Task<std::vector<app::AuditRecord>> find(app::AuditQuery query) override;

 private:
  pg::Pool& pool_;
};

}  // namespace bookstore::identity
