#pragma once
// Users in a vector. Mirrors the pg store's rules: reads see live (not deleted) accounts, emails are
// unique among live accounts ignoring case, each mutation commits its Effects, and the changes that end
// sessions do so through the FakeSessionStore.
#include <algorithm>
#include <functional>
#include <string>
#include <vector>

#include "app/ports/one_time_tokens.hpp"
#include "app/ports/user_store.hpp"
#include "domain/error.hpp"
#include "fake_audit_log.hpp"
#include "fake_clock.hpp"
#include "fake_session_store.hpp"

namespace bookstore::fakes {

inline std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

class FakeUserStore : public app::UserStore {
 public:
  FakeUserStore(const FakeClock& clock, FakeSink sink, FakeSessionStore& sessions)
      : clock_(clock), sink_(sink), sessions_(sessions) {}

  // Set by FakeIdentity: create() inserts the verification token through it (one "transaction").
  std::function<void(app::NewOneTimeToken)> insert_token;

  Task<std::optional<app::UserRecord>> find_by_id(std::int64_t id) override {
    std::optional<app::UserRecord> out;
    if (const auto* u = live_by_id(id)) out = *u;
    co_return out;
  }

  Task<std::optional<app::UserRecord>> find_by_email(std::string email) override {
    ++find_by_email_calls;
    std::optional<app::UserRecord> out;
    if (const auto* u = live_by_email(email)) out = *u;
    co_return out;
  }

  Task<std::vector<app::UserRecord>> list(app::UserQuery query) override {
    ++list_calls;
    std::vector<app::UserRecord> out;
    for (const auto& u : users_) {
      if (u.state == domain::AccountState::kDeleted) continue;
      if (query.search && lower(u.email).find(lower(*query.search)) == std::string::npos &&
          lower(u.name).find(lower(*query.search)) == std::string::npos) {
        continue;
      }
      if (query.role && u.role != *query.role) continue;
      if (query.state && u.state != *query.state) continue;
      if (query.banned && u.banned_at.has_value() != *query.banned) continue;
      if (query.after_id && u.id <= *query.after_id) continue;
      if (static_cast<int>(out.size()) >= query.limit) break;
      out.push_back(u);
    }
    co_return out;
  }

  Task<app::RegisterOutcome> create(app::NewUser user, app::NewOneTimeToken verification,
                                    app::Effects if_created, app::Effects if_taken) override {
    ++create_calls;
    app::RegisterOutcome outcome;
    if (live_by_email(user.email)) {
      sink_.commit(std::move(if_taken));
      co_return outcome;
    }
    const std::int64_t id = insert(user);
    verification.user_id = id;
    if (insert_token) insert_token(std::move(verification));
    for (auto& e : if_created.audit) {
      if (e.target_type == "user" && e.target_id.empty()) e.target_id = std::to_string(id);
    }
    sink_.commit(std::move(if_created));
    outcome.created = true;
    outcome.user_id = id;
    co_return outcome;
  }

  Task<std::int64_t> create_verified(app::NewUser user, app::Effects effects) override {
    if (live_by_email(user.email)) throw domain::Error::conflict("email address already in use");
    user.email_verified = true;
    const std::int64_t id = insert(user);
    sink_.commit(std::move(effects));
    co_return id;
  }

  Task<int> add_failed_login(std::int64_t id, app::Effects effects) override {
    app::UserRecord& u = must(id);
    ++u.failed_logins;
    sink_.commit(std::move(effects));
    co_return u.failed_logins;
  }

  Task<void> set_locked_until(std::int64_t id, app::TimePoint until) override {
    must(id).locked_until = until;
    co_return;
  }

  Task<void> record_login(std::int64_t id, std::optional<std::string> new_password_hash,
                          app::Effects effects) override {
    ++record_login_calls;
    app::UserRecord& u = must(id);
    u.failed_logins = 0;
    u.locked_until.reset();
    if (new_password_hash) u.password_hash = *new_password_hash;
    sink_.commit(std::move(effects));
    co_return;
  }

  Task<void> update_name(std::int64_t id, std::string name, app::Effects effects) override {
    must(id).name = name;
    touch(id);
    sink_.commit(std::move(effects));
    co_return;
  }

  Task<void> set_password(std::int64_t id, std::string password_hash, app::EndSessions end,
                          std::optional<std::string> keep_session_id, app::Effects effects) override {
    must(id).password_hash = password_hash;
    touch(id);
    if (end == app::EndSessions::kAll) sessions_.end_sessions(id, std::nullopt, "password_changed");
    if (end == app::EndSessions::kAllExcept) sessions_.end_sessions(id, keep_session_id, "password_changed");
    sink_.commit(std::move(effects));
    co_return;
  }

  Task<void> set_state(std::int64_t id, domain::AccountState state,
                       std::optional<app::TimePoint> deletion_due_at, bool end_sessions,
                       app::Effects effects) override {
    app::UserRecord& u = must(id);
    u.state = state;
    u.deletion_due_at = state == domain::AccountState::kPendingDeletion ? deletion_due_at : std::nullopt;
    touch(id);
    if (end_sessions) sessions_.end_sessions(id, std::nullopt, "state_changed");
    sink_.commit(std::move(effects));
    co_return;
  }

  Task<void> set_role(std::int64_t id, domain::Role role, bool end_sessions, app::Effects effects) override {
    must(id).role = role;
    touch(id);
    if (end_sessions) sessions_.end_sessions(id, std::nullopt, "role_changed");
    sink_.commit(std::move(effects));
    co_return;
  }

  Task<void> set_banned(std::int64_t id, bool banned, app::Effects effects) override {
    app::UserRecord& u = must(id);
    u.banned_at = banned ? std::optional<app::TimePoint>(clock_.now()) : std::nullopt;
    touch(id);
    if (banned) sessions_.end_sessions(id, std::nullopt, "banned");
    sink_.commit(std::move(effects));
    co_return;
  }

  Task<void> set_email(std::int64_t id, std::string new_email, app::Effects effects) override {
    change_email(id, new_email);
    sink_.commit(std::move(effects));
    co_return;
  }

  Task<int> anonymise_due(app::TimePoint now, int limit) override {
    int n = 0;
    for (auto& u : users_) {
      if (n >= limit) break;
      if (u.state != domain::AccountState::kPendingDeletion || !u.deletion_due_at ||
          *u.deletion_due_at >= now) {
        continue;
      }
      u.state = domain::AccountState::kDeleted;
      u.email = "deleted-" + std::to_string(u.id) + "@invalid";
      u.name = "Deleted user";
      u.password_hash.reset();
      sessions_.end_sessions(u.id, std::nullopt, "deleted");
      app::AuditEvent event("account.anonymised", std::nullopt, "user", std::to_string(u.id));
      sink_.audit.append(std::move(event));
      ++n;
    }
    co_return n;
  }

  Task<int> purge_anonymised(app::TimePoint, int) override { co_return 0; }

  // ---- for the other fakes and the tests ----
  void change_email(std::int64_t id, const std::string& new_email) {
    const auto* other = live_by_email(new_email);
    if (other && other->id != id) throw domain::Error::conflict("email address already in use");
    app::UserRecord& u = must(id);
    u.email = new_email;
    u.email_verified_at = clock_.now();
    touch(id);
  }
  app::UserRecord& must(std::int64_t id) {
    for (auto& u : users_) {
      if (u.id == id) return u;
    }
    throw std::logic_error("FakeUserStore: no user " + std::to_string(id));
  }
  const app::UserRecord* live_by_id(std::int64_t id) const {
    for (const auto& u : users_) {
      if (u.id == id && u.state != domain::AccountState::kDeleted) return &u;
    }
    return nullptr;
  }
  const app::UserRecord* live_by_email(std::string_view email) const {
    const std::string wanted = lower(email);
    for (const auto& u : users_) {
      if (u.state != domain::AccountState::kDeleted && lower(u.email) == wanted) return &u;
    }
    return nullptr;
  }
  std::size_t size() const { return users_.size(); }

  int create_calls = 0;
  int find_by_email_calls = 0;
  int record_login_calls = 0;
  int list_calls = 0;

 private:
  std::int64_t insert(const app::NewUser& user) {
    app::UserRecord u;
    u.id = ++next_id_;
    u.email = user.email;
    u.name = user.name;
    u.password_hash = user.password_hash;
    u.role = user.role;
    if (user.email_verified) u.email_verified_at = clock_.now();
    u.created_at = clock_.now();
    u.updated_at = clock_.now();
    users_.push_back(u);
    return u.id;
  }
  void touch(std::int64_t id) { must(id).updated_at = clock_.now(); }

  const FakeClock& clock_;
  FakeSink sink_;
  FakeSessionStore& sessions_;
  std::int64_t next_id_ = 0;
  std::vector<app::UserRecord> users_;
};

}  // namespace bookstore::fakes
