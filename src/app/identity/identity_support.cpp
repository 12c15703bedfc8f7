#include "app/identity/identity_support.hpp"

#include <chrono>
#include <cstdio>
#include <vector>

#include "domain/identity/display_name.hpp"
#include "domain/identity/email.hpp"

namespace bookstore::app::identity_detail {

AuditEvent audit_event(std::string action, std::optional<std::int64_t> actor, std::string target_type,
                       std::string target_id, const RequestMeta& meta,
                       std::map<std::string, std::string> details) {
  AuditEvent event(std::move(action), actor, std::move(target_type), std::move(target_id),
                   std::move(details));
  event.ip = meta.ip;
  event.request_id = meta.request_id;
  return event;
}

AuditEvent user_event(std::string action, std::optional<std::int64_t> actor, std::int64_t user_id,
                      const RequestMeta& meta, std::map<std::string, std::string> details) {
  return audit_event(std::move(action), actor, "user", std::to_string(user_id), meta, std::move(details));
}

domain::Error field_error(std::string field, std::string message) {
  std::vector<domain::FieldError> fields;
  fields.push_back(domain::FieldError{std::move(field), std::move(message)});
  return domain::Error::validation(std::move(fields));
}

domain::Error unauthenticated(std::string message) {
  return domain::Error(domain::ErrorCode::kUnauthenticated, std::move(message));
}

domain::Error forbidden(std::string message) {
  return domain::Error(domain::ErrorCode::kForbidden, std::move(message));
}

domain::Error locked_error(TimePoint until, TimePoint now) {
  return domain::Error(domain::ErrorCode::kRateLimited,
                       "too many failed sign-in attempts; the account is locked for a while", {},
                       domain::seconds_until(until, now));
}

domain::LockoutPolicy lockout_policy(const IdentityConfig& config) {
  return domain::LockoutPolicy{config.lockout_threshold, config.lockout_base, config.lockout_max};
}

bool is_locked(const UserRecord& user, TimePoint now) {
  return user.locked_until && *user.locked_until > now;
}

bool digests_equal(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  unsigned char diff = 0;
  for (std::size_t i = 0; i < a.size(); ++i) diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  return diff == 0;
}

std::string format_date(TimePoint t) {
  const std::chrono::year_month_day ymd{std::chrono::floor<std::chrono::days>(t)};
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
  return buf;
}

Task<void> record_wrong_password(IdentityDeps deps, IdentityConfig config, std::int64_t user_id,
                                 std::string reason, RequestMeta meta) {
  Effects effects;
  effects.audit.push_back(user_event("login.failed", std::nullopt, user_id, meta, {{"reason", reason}}));
  const int failures = co_await deps.users.add_failed_login(user_id, std::move(effects));
  const auto lock_for = domain::lockout_duration(failures, lockout_policy(config));
  if (!lock_for) co_return;
  const TimePoint until = deps.clock.now() + *lock_for;
  co_await deps.users.set_locked_until(user_id, until);
  AuditEvent locked =
      user_event("account.locked", std::nullopt, user_id, meta,
                 {{"failures", std::to_string(failures)}, {"seconds", std::to_string(lock_for->count())}});
  co_await deps.audit.record(std::move(locked));
}

Task<void> require_password(IdentityDeps deps, IdentityConfig config, UserRecord user, std::string password,
                            const char* field, RequestMeta meta) {
  const TimePoint now = deps.clock.now();
  if (is_locked(user, now)) throw locked_error(*user.locked_until, now);
  if (!user.password_hash) throw field_error(field, "wrong password");
  std::string stored = *user.password_hash;
  const PasswordVerdict verdict = co_await deps.hasher.verify(std::move(stored), std::move(password));
  if (verdict.match) co_return;
  std::string reason = "wrong_password_confirmation";  // a signed-in user re-entering the password
  co_await record_wrong_password(deps, config, user.id, std::move(reason), std::move(meta));
  throw field_error(field, "wrong password");
}

UserRecord without_secrets(UserRecord user) {
  user.password_hash.reset();
  return user;
}

CodeAndLink code_and_link(const IdentityDeps& deps, const IdentityConfig& config, std::int64_t user_id,
                          TokenPurpose purpose, std::string email, std::string name,
                          std::string template_id) {
  const std::string link = deps.secrets.random_token();
  const std::string code = deps.secrets.six_digit_code();
  CodeAndLink out;
  out.token.user_id = user_id;
  out.token.purpose = purpose;
  out.token.token_digest = deps.secrets.digest(link);
  out.token.code_digest = deps.secrets.digest(code);
  out.token.email = email;
  out.token.expires_at = deps.clock.now() + config.verification_ttl;
  std::map<std::string, std::string> vars{{"name", name}, {"code", code}, {"token", link}};
  out.mail = OutgoingMail(std::move(email), std::move(name), std::move(template_id), std::move(vars));
  return out;
}

Task<void> send_verification(IdentityDeps deps, IdentityConfig config, UserRecord user,
                             std::optional<std::int64_t> actor, RequestMeta meta) {
  auto issued =
      code_and_link(deps, config, user.id, TokenPurpose::kVerifyEmail, user.email, user.name, "verify_email");
  Effects effects;
  effects.mails.push_back(std::move(issued.mail));
  effects.audit.push_back(user_event("email.verification_sent", actor, user.id, meta));
  co_await deps.tokens.issue(std::move(issued.token), std::move(effects));
}

Task<UserRecord> load_self(IdentityDeps deps, std::int64_t user_id) {
  auto user = co_await deps.users.find_by_id(user_id);
  if (!user || user->state == domain::AccountState::kDeleted) {
    throw unauthenticated("the account no longer exists");
  }
  co_return std::move(*user);
}

NewAccountFields validate_new_account(const domain::PasswordPolicy& policy, std::string_view email,
                                      std::string_view name, std::string_view password) {
  std::vector<domain::FieldError> problems;
  const auto normalized = domain::normalize_email(email);
  if (!normalized) problems.push_back({"email", "must be a valid email address"});
  const auto display = domain::normalize_display_name(name);
  if (!display) problems.push_back({"name", "must be 1 to 100 characters, without control characters"});
  if (auto problem = policy.problem(password, normalized ? *normalized : email)) {
    problems.push_back({"password", *problem});
  }
  if (!problems.empty()) throw domain::Error::validation(std::move(problems));
  return NewAccountFields{*normalized, *display};
}

}  // namespace bookstore::app::identity_detail
