#pragma once
// Security events (PRODUCT.md 1, "Audit log"): who did what to whom, from where. Never secrets,
// passwords, tokens or codes in any field.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "app/ports/clock.hpp"
#include "app/ports/outgoing_mail.hpp"
#include "app/task.hpp"

namespace bookstore::app {

struct AuditEvent {
  AuditEvent() = default;
  AuditEvent(std::string action_, std::optional<std::int64_t> actor_id_, std::string target_type_,
             std::string target_id_, std::map<std::string, std::string> details_ = {})
      : action(std::move(action_)),
        actor_id(actor_id_),
        target_type(std::move(target_type_)),
        target_id(std::move(target_id_)),
        details(std::move(details_)) {}
  // Dotted verb, e.g. login.succeeded, login.failed, refresh.reused, session.revoked, role.changed,
  // user.banned, account.deletion_requested, admin.user_viewed.
  std::string action;
  std::optional<std::int64_t> actor_id;  // the user who acted; nullopt for anonymous or the system
  std::string target_type;               // "user", "session", ...
  // Decimal id, uuid... Empty with target_type "user" in UserStore::create: the store fills in the new id.
  std::string target_id;
  std::string ip;          // filled from the RequestMeta by the use case
  std::string request_id;  // idem
  std::map<std::string, std::string> details;
};

// What a mutation causes besides itself, written in the same transaction (outbox): mails become
// "mail.send" jobs, events become audit_log rows. Either all of it commits or none.
struct Effects {
  std::vector<OutgoingMail> mails;
  std::vector<AuditEvent> audit;
};

struct AuditQuery {
  std::optional<std::int64_t> actor_id;
  std::optional<std::string> target_type;
  std::optional<std::string> target_id;
  std::optional<std::string> action;      // exact, or a prefix ending in '.' ("login.")
  std::optional<TimePoint> from, to;      // occurred_at in [from, to)
  std::optional<std::int64_t> before_id;  // keyset cursor: rows with id < before_id (newest first)
  int limit = 50;                         // 1..200
};

struct AuditRecord {
  std::int64_t id = 0;
  TimePoint occurred_at{};
  AuditEvent event;
};

class AuditLog {
 public:
  virtual ~AuditLog() = default;
  // For events that come with no other change (a failed login of an unknown email, a viewed user).
  virtual Task<void> record(AuditEvent event) = 0;
  // Newest first; at most query.limit rows.
  virtual Task<std::vector<AuditRecord>> find(AuditQuery query) = 0;
};

}  // namespace bookstore::app
