#pragma once
// Writes the app::Effects of a mutation inside the mutation's own transaction (the outbox rule of
// ARCHITECTURE.md "Data"): each mail through the MailOutbox (a "mail.send" job), all audit events as
// audit_log rows in one statement. Either everything commits with the change or nothing does.
#include <functional>
#include <span>
#include <vector>

#include "adapters/pg/pool.hpp"
#include "app/ports/audit_log.hpp"
#include "app/ports/outgoing_mail.hpp"
#include "app/task.hpp"

namespace bookstore::identity {

// Enqueues one mail in the caller's transaction. The composition root wires it to the mail adapter
// (a "mail.send" job whose secrets are sealed); tests use a plain jobs::enqueue.
using MailOutbox = std::function<Task<void>(pg::Connection&, const app::OutgoingMail&)>;

Task<void> write_effects(pg::Connection& tx, const app::Effects& effects, const MailOutbox& outbox);

// Inserts the events into audit_log in one statement (none: no round trip). ip becomes NULL when it
// is empty or not an address; empty target_type, target_id and request_id become NULL; details are a
// jsonb object of strings.
Task<void> write_audit(pg::Connection& tx, std::span<const app::AuditEvent> events);
// The same statement outside a transaction (AuditLog::record).
Task<void> write_audit(pg::Pool& pool, std::span<const app::AuditEvent> events);

}  // namespace bookstore::identity
