#pragma once
// Sessions and their refresh tokens in maps, with the revocation set the auth check consults.
//
// rotate() follows the port: compare-and-set on the presented token. With allow_replaced a token that
// was already replaced is accepted once (its grace replay); the second replay answers false, which the
// use case treats as reuse.
#include <algorithm>
#include <map>
#include <set>

#include "app/ports/session_store.hpp"
#include "fake_audit_log.hpp"
#include "fake_clock.hpp"

namespace bookstore::fakes {

class FakeSessionStore : public app::SessionStore {
 public:
  struct StoredToken {
    std::string session_id;
    int generation = 0;
    std::optional<app::TimePoint> replaced_at;
    bool grace_used = false;
  };

  FakeSessionStore(const FakeClock& clock, FakeSink sink) : clock_(clock), sink_(sink) {}

  Task<std::string> create(app::NewSession session, app::Effects effects) override {
    ++create_calls;
    app::SessionRecord record;
    record.id = "sess-" + std::to_string(++next_id_);
    record.user_id = session.user_id;
    record.user_agent = session.user_agent;
    record.ip = session.ip;
    record.created_at = clock_.now();
    record.last_used_at = clock_.now();
    record.idle_expires_at = session.idle_expires_at;
    record.absolute_expires_at = session.absolute_expires_at;
    sessions_[record.id] = record;
    tokens_[session.refresh_digest] = StoredToken{record.id, 0, std::nullopt, false};
    sink_.commit(std::move(effects));
    co_return record.id;
  }

  Task<std::optional<app::RefreshTokenRecord>> find_refresh(std::string refresh_digest) override {
    std::optional<app::RefreshTokenRecord> out;
    auto it = tokens_.find(refresh_digest);
    if (it != tokens_.end()) {
      app::RefreshTokenRecord record;
      record.session_id = it->second.session_id;
      record.generation = it->second.generation;
      record.replaced_at = it->second.replaced_at;
      record.session = sessions_.at(it->second.session_id);
      out = std::move(record);
    }
    co_return out;
  }

  Task<bool> rotate(std::string session_id, std::string old_digest, std::string new_digest,
                    bool allow_replaced, app::TimePoint idle_expires_at) override {
    ++rotate_calls;
    last_allow_replaced = allow_replaced;
    auto it = tokens_.find(old_digest);
    if (it == tokens_.end() || it->second.session_id != session_id) co_return false;
    app::SessionRecord& session = sessions_.at(session_id);
    if (session.revoked_at) co_return false;
    StoredToken& old = it->second;
    const app::TimePoint now = clock_.now();
    if (!old.replaced_at) {
      old.replaced_at = now;
    } else if (allow_replaced && !old.grace_used) {
      old.grace_used = true;
      for (auto& [digest, token] : tokens_) {
        if (token.session_id == session_id && !token.replaced_at) token.replaced_at = now;
      }
    } else {
      co_return false;
    }
    tokens_[new_digest] = StoredToken{session_id, old.generation + 1, std::nullopt, false};
    session.last_used_at = now;
    session.idle_expires_at = idle_expires_at;
    co_return true;
  }

  Task<std::optional<app::SessionRecord>> find(std::string session_id) override {
    std::optional<app::SessionRecord> out;
    auto it = sessions_.find(session_id);
    if (it != sessions_.end()) out = it->second;
    co_return out;
  }

  Task<std::vector<app::SessionRecord>> list_active(std::int64_t user_id, app::TimePoint now) override {
    co_return active_of(user_id, now);
  }

  Task<bool> revoke(std::string session_id, std::int64_t user_id, std::string reason,
                    app::Effects effects) override {
    ++revoke_calls;
    auto it = sessions_.find(session_id);
    if (it == sessions_.end() || it->second.user_id != user_id || !live(it->second, clock_.now())) {
      co_return false;
    }
    mark_revoked(it->second, reason);
    sink_.commit(std::move(effects));
    co_return true;
  }

  Task<int> revoke_all(std::int64_t user_id, std::optional<std::string> except_session_id, std::string reason,
                       app::Effects effects) override {
    const int n = end_sessions(user_id, except_session_id, reason);
    sink_.commit(std::move(effects));
    co_return n;
  }

  // For the other fakes (password reset, ban, state changes): what the real stores do in SQL.
  int end_sessions(std::int64_t user_id, const std::optional<std::string>& except,
                   const std::string& reason) {
    int n = 0;
    for (auto& [id, session] : sessions_) {
      if (session.user_id != user_id || (except && id == *except) || !live(session, clock_.now())) continue;
      mark_revoked(session, reason);
      ++n;
    }
    return n;
  }

  std::vector<app::SessionRecord> active_of(std::int64_t user_id, app::TimePoint now) const {
    std::vector<app::SessionRecord> out;
    for (const auto& [id, session] : sessions_) {
      if (session.user_id == user_id && live(session, now)) out.push_back(session);
    }
    std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
      return a.created_at != b.created_at ? a.created_at > b.created_at : a.id > b.id;
    });
    return out;
  }

  bool is_revoked(std::string_view id) const { return revoked_ids_.count(std::string(id)) != 0; }
  const app::SessionRecord& session(const std::string& id) const { return sessions_.at(id); }
  std::size_t size() const { return sessions_.size(); }

  int create_calls = 0;
  int rotate_calls = 0;
  int revoke_calls = 0;
  bool last_allow_replaced = false;

 private:
  static bool live(const app::SessionRecord& s, app::TimePoint now) {
    return !s.revoked_at && now < s.idle_expires_at && now < s.absolute_expires_at;
  }
  void mark_revoked(app::SessionRecord& session, const std::string& reason) {
    session.revoked_at = clock_.now();
    session.revoked_reason = reason;
    revoked_ids_.insert(session.id);
  }

  const FakeClock& clock_;
  FakeSink sink_;
  int next_id_ = 0;
  std::map<std::string, app::SessionRecord> sessions_;
  std::map<std::string, StoredToken> tokens_;
  std::set<std::string> revoked_ids_;
};

// Sees revocations at once, like the LISTEN/NOTIFY-fed set of every instance.
class FakeRevocationSet : public app::RevocationSet {
 public:
  explicit FakeRevocationSet(const FakeSessionStore& sessions) : sessions_(sessions) {}
  bool is_revoked(std::string_view session_id) const override { return sessions_.is_revoked(session_id); }

 private:
  const FakeSessionStore& sessions_;
};

}  // namespace bookstore::fakes
