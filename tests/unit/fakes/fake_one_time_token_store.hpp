#pragma once
// One-time tokens in a vector, applied to the FakeUserStore / FakeSessionStore when consumed.
#include <string>
#include <vector>

#include "app/ports/one_time_tokens.hpp"
#include "fake_audit_log.hpp"
#include "fake_clock.hpp"
#include "fake_session_store.hpp"
#include "fake_user_store.hpp"

namespace bookstore::fakes {

class FakeOneTimeTokenStore : public app::OneTimeTokenStore {
 public:
  struct Stored {
    app::OneTimeToken token;
    std::string token_digest;
    bool used = false;
  };

  FakeOneTimeTokenStore(const FakeClock& clock, FakeSink sink, FakeUserStore& users,
                        FakeSessionStore& sessions)
      : clock_(clock), sink_(sink), users_(users), sessions_(sessions) {}

  Task<void> issue(app::NewOneTimeToken token, app::Effects effects) override {
    ++issue_calls;
    insert(std::move(token));
    sink_.commit(std::move(effects));
    co_return;
  }

  Task<bool> issue_for_email(std::string email, app::NewOneTimeToken token, app::OutgoingMail mail,
                             app::AuditEvent audit) override {
    ++issue_for_email_calls;
    issue_for_email_addresses.push_back(email);
    const app::UserRecord* user = users_.live_by_email(email);
    if (!user) co_return false;
    token.user_id = user->id;
    insert(std::move(token));
    mail.to = user->email;
    mail.to_name = user->name;
    if (audit.target_id.empty()) audit.target_id = std::to_string(user->id);
    app::Effects effects;
    effects.mails.push_back(std::move(mail));
    effects.audit.push_back(std::move(audit));
    sink_.commit(std::move(effects));
    co_return true;
  }

  Task<std::optional<app::OneTimeToken>> find_active(std::int64_t user_id,
                                                     app::TokenPurpose purpose) override {
    std::optional<app::OneTimeToken> out;
    for (auto it = stored_.rbegin(); it != stored_.rend(); ++it) {
      if (it->token.user_id == user_id && it->token.purpose == purpose && active(*it)) {
        out = it->token;
        break;
      }
    }
    co_return out;
  }

  Task<std::optional<app::OneTimeToken>> find_by_digest(app::TokenPurpose purpose,
                                                        std::string token_digest) override {
    std::optional<app::OneTimeToken> out;
    for (const auto& s : stored_) {
      if (s.token.purpose == purpose && s.token_digest == token_digest && active(s)) out = s.token;
    }
    co_return out;
  }

  Task<int> add_failed_attempt(std::int64_t token_id) override {
    ++add_failed_attempt_calls;
    co_return ++must(token_id).token.failed_attempts;
  }

  Task<bool> consume(const app::OneTimeToken& token, std::optional<std::string> new_password_hash,
                     app::Effects effects) override {
    ++consume_calls;
    Stored& s = must(token.id);
    if (s.used) co_return false;
    switch (s.token.purpose) {
      case app::TokenPurpose::kVerifyEmail:
        users_.must(s.token.user_id).email_verified_at = clock_.now();
        break;
      case app::TokenPurpose::kChangeEmail:
        users_.change_email(s.token.user_id, s.token.email);  // kConflict when taken meanwhile
        break;
      case app::TokenPurpose::kResetPassword:
        if (new_password_hash) users_.must(s.token.user_id).password_hash = *new_password_hash;
        sessions_.end_sessions(s.token.user_id, std::nullopt, "password_reset");
        break;
    }
    s.used = true;
    sink_.commit(std::move(effects));
    co_return true;
  }

  Task<std::optional<app::TimePoint>> last_issued_at(std::int64_t user_id,
                                                     app::TokenPurpose purpose) override {
    std::optional<app::TimePoint> out;
    for (const auto& s : stored_) {
      if (s.token.user_id == user_id && s.token.purpose == purpose && (!out || s.token.created_at > *out)) {
        out = s.token.created_at;
      }
    }
    co_return out;
  }

  // Also used by FakeUserStore::create for the registration's verification token.
  void insert(app::NewOneTimeToken token) {
    for (auto& s : stored_) {  // earlier unused tokens of the same user and purpose stop working
      if (s.token.user_id == token.user_id && s.token.purpose == token.purpose) s.used = true;
    }
    Stored s;
    s.token.id = static_cast<std::int64_t>(stored_.size()) + 1;
    s.token.user_id = token.user_id;
    s.token.purpose = token.purpose;
    s.token.code_digest = token.code_digest;
    s.token.email = token.email;
    s.token.created_at = clock_.now();
    s.token.expires_at = token.expires_at;
    s.token_digest = token.token_digest;
    stored_.push_back(std::move(s));
  }

  const std::vector<Stored>& stored() const { return stored_; }

  int issue_calls = 0;
  int issue_for_email_calls = 0;
  int add_failed_attempt_calls = 0;
  int consume_calls = 0;
  std::vector<std::string> issue_for_email_addresses;

 private:
  bool active(const Stored& s) const { return !s.used && s.token.expires_at > clock_.now(); }
  Stored& must(std::int64_t id) {
    for (auto& s : stored_) {
      if (s.token.id == id) return s;
    }
    throw std::logic_error("FakeOneTimeTokenStore: no token " + std::to_string(id));
  }

  const FakeClock& clock_;
  FakeSink sink_;
  FakeUserStore& users_;
  FakeSessionStore& sessions_;
  std::vector<Stored> stored_;
};

}  // namespace bookstore::fakes
