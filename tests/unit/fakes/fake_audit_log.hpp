#pragma once
// Where the fakes' Effects go: mails into an outbox the tests read, audit events into a FakeAuditLog
// that find() can query. Stores call commit() at the end of a successful mutation (their "transaction").
#include <algorithm>
#include <vector>

#include "app/ports/audit_log.hpp"
#include "fake_clock.hpp"

namespace bookstore::fakes {

class FakeAuditLog : public app::AuditLog {
 public:
  explicit FakeAuditLog(const FakeClock& clock) : clock_(clock) {}

  Task<void> record(app::AuditEvent event) override {
    append(std::move(event));
    co_return;
  }

  Task<std::vector<app::AuditRecord>> find(app::AuditQuery query) override {
    std::vector<app::AuditRecord> out;
    for (auto it = records_.rbegin(); it != records_.rend(); ++it) {
      const app::AuditRecord& r = *it;
      if (query.actor_id && r.event.actor_id != query.actor_id) continue;
      if (query.target_type && r.event.target_type != *query.target_type) continue;
      if (query.target_id && r.event.target_id != *query.target_id) continue;
      if (query.action) {
        const std::string& a = *query.action;
        const bool prefix = !a.empty() && a.back() == '.';
        if (prefix ? r.event.action.rfind(a, 0) != 0 : r.event.action != a) continue;
      }
      if (query.from && r.occurred_at < *query.from) continue;
      if (query.to && r.occurred_at >= *query.to) continue;
      if (query.before_id && r.id >= *query.before_id) continue;
      if (static_cast<int>(out.size()) >= query.limit) break;
      out.push_back(r);
    }
    co_return out;
  }

  void append(app::AuditEvent event) {
    app::AuditRecord record;
    record.id = static_cast<std::int64_t>(records_.size()) + 1;
    record.occurred_at = clock_.now();
    record.event = std::move(event);
    records_.push_back(std::move(record));
  }

  const std::vector<app::AuditRecord>& records() const { return records_; }
  std::vector<app::AuditEvent> events(std::string_view action) const {
    std::vector<app::AuditEvent> out;
    for (const auto& r : records_) {
      if (r.event.action == action) out.push_back(r.event);
    }
    return out;
  }
  bool has(std::string_view action) const { return !events(action).empty(); }

 private:
  const FakeClock& clock_;
  std::vector<app::AuditRecord> records_;
};

struct FakeOutbox {
  std::vector<app::OutgoingMail> mails;

  std::vector<app::OutgoingMail> with_template(std::string_view id) const {
    std::vector<app::OutgoingMail> out;
    for (const auto& m : mails) {
      if (m.template_id == id) out.push_back(m);
    }
    return out;
  }
  // The newest mail of this template to this address; the test fails on a missing one by the caller's check.
  const app::OutgoingMail* last(std::string_view id, std::string_view to = {}) const {
    for (auto it = mails.rbegin(); it != mails.rend(); ++it) {
      if (it->template_id == id && (to.empty() || it->to == to)) return &*it;
    }
    return nullptr;
  }
};

struct FakeSink {
  FakeAuditLog& audit;
  FakeOutbox& outbox;

  void commit(app::Effects effects) {
    for (auto& m : effects.mails) outbox.mails.push_back(std::move(m));
    for (auto& e : effects.audit) audit.append(std::move(e));
  }
};

}  // namespace bookstore::fakes
