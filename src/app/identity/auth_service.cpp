#include "app/identity/auth_service.hpp"

#include <charconv>
#include <map>

#include "app/identity/identity_support.hpp"
#include "domain/identity/display_name.hpp"
#include "domain/identity/email.hpp"
#include "domain/identity/refresh_rules.hpp"
#include "domain/identity/utf8.hpp"

namespace bookstore::app {
namespace {

using namespace identity_detail;
using domain::AccountState;
using Vars = std::map<std::string, std::string>;

constexpr std::size_t kMaxUserAgentBytes = 256;
constexpr const char* kBadCredentials = "invalid email or password";

domain::Error bad_code() {
  return field_error("code", "invalid or expired code");
}
domain::Error bad_token() {
  return field_error("token", "invalid or expired token");
}
domain::Error bad_refresh() {
  return unauthenticated("invalid or expired refresh token");
}
domain::Error bad_access() {
  return unauthenticated("invalid or expired access token");
}

bool is_six_digits(std::string_view s) {
  if (s.size() != 6) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

// A positive decimal id, digits only (no sign, no spaces, no leading zeros).
std::optional<std::int64_t> parse_user_id(std::string_view text) {
  if (text.empty() || text.size() > 19 || text.front() == '0') return std::nullopt;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
  }
  std::int64_t id = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (ec != std::errc() || end != text.data() + text.size() || id <= 0) return std::nullopt;
  return id;
}

// A token still proves what it was sent for: a verification of an address the account no longer has
// (changed since) proves nothing; the token must not be burned by wrong codes nor expired.
bool usable(const OneTimeToken& token, const UserRecord& user, int max_attempts, TimePoint now) {
  if (token.failed_attempts >= max_attempts || token.expires_at <= now) return false;
  if (token.purpose == TokenPurpose::kVerifyEmail && !domain::same_email(token.email, user.email))
    return false;
  return true;
}

TokenPair issue_pair(IdentityDeps& deps, const IdentityConfig& config, const UserRecord& user,
                     std::string session_id, std::string refresh_token, TimePoint now) {
  AccessClaims claims;
  claims.subject = std::to_string(user.id);
  claims.session_id = session_id;
  claims.role = std::string(domain::to_string(user.role));
  claims.token_id = deps.secrets.random_token();
  claims.issued_at = now;
  claims.not_before = now;
  claims.expires_at = now + config.access_ttl;
  TokenPair pair;
  pair.access_token = deps.access_tokens.issue(claims);
  pair.refresh_token = std::move(refresh_token);
  pair.expires_in = config.access_ttl.count();
  pair.session_id = std::move(session_id);
  pair.account_state = user.state;
  return pair;
}

// Marks the token used and applies it (verified flag, or the new address with a notice to the old one).
// False when a concurrent request used it first.
Task<bool> consume_verification(IdentityDeps deps, OneTimeToken token, UserRecord user, RequestMeta meta) {
  Effects effects;
  if (token.purpose == TokenPurpose::kChangeEmail) {
    effects.mails.emplace_back(user.email, user.name, "email_changed_notice",
                               Vars{{"name", user.name}, {"new_email", token.email}});
    effects.audit.push_back(
        user_event("email.changed", user.id, user.id, meta,
                   {{"from", domain::mask_email(user.email)}, {"to", domain::mask_email(token.email)}}));
  } else {
    effects.audit.push_back(user_event("email.verified", user.id, user.id, meta));
  }
  std::optional<std::string> no_password;
  const bool consumed = co_await deps.tokens.consume(token, std::move(no_password), std::move(effects));
  co_return consumed;
}

Task<void> revoke_for_reuse(IdentityDeps deps, std::string session_id, std::int64_t user_id,
                            RequestMeta meta) {
  Effects effects;
  effects.audit.push_back(
      user_event("refresh.reused", std::nullopt, user_id, meta, {{"session_id", session_id}}));
  std::string reason = "reuse_detected";
  co_await deps.sessions.revoke(std::move(session_id), user_id, std::move(reason), std::move(effects));
}

}  // namespace

AuthService::AuthService(IdentityDeps deps, IdentityConfig config) : deps_(deps), config_(config) {}

Task<void> AuthService::register_account(std::string email, std::string password, std::string name,
                                         RequestMeta meta) {
  const auto fields = validate_new_account(deps_.password_policy, email, name, password);

  // Hashed whether or not the address is taken: both answers take the same time.
  std::string password_hash = co_await deps_.hasher.hash(std::move(password));

  NewUser user;
  user.email = fields.email;
  user.name = fields.name;
  user.password_hash = std::move(password_hash);
  user.role = domain::Role::kCustomer;
  user.email_verified = false;

  auto verification =
      code_and_link(deps_, config_, 0, TokenPurpose::kVerifyEmail, fields.email, fields.name, "verify_email");
  Effects if_created;
  if_created.mails.push_back(std::move(verification.mail));
  if_created.audit.push_back(audit_event("account.registered", std::nullopt, "user", "", meta));
  // The owner of the address is told; the name typed by whoever registered is not put in their mail.
  Effects if_taken;
  if_taken.mails.emplace_back(fields.email, "", "account_exists", Vars{});

  co_await deps_.users.create(std::move(user), std::move(verification.token), std::move(if_created),
                              std::move(if_taken));
}

Task<void> AuthService::verify_email_code(std::string email, std::string code, RequestMeta meta) {
  const auto normalized = domain::normalize_email(email);
  if (!normalized || !is_six_digits(code)) throw bad_code();
  std::string address = *normalized;
  auto user = co_await deps_.users.find_by_email(std::move(address));
  if (!user) throw bad_code();

  // The code of a verification (sent to this address) or of a change of email (sent to the new address,
  // typed here with the account's current address; a change can also be confirmed by its link).
  const TimePoint now = deps_.clock.now();
  std::vector<OneTimeToken> candidates;
  auto verify = co_await deps_.tokens.find_active(user->id, TokenPurpose::kVerifyEmail);
  if (verify && verify->code_digest && usable(*verify, *user, config_.max_code_attempts, now)) {
    candidates.push_back(std::move(*verify));
  }
  auto change = co_await deps_.tokens.find_active(user->id, TokenPurpose::kChangeEmail);
  if (change && change->code_digest && usable(*change, *user, config_.max_code_attempts, now)) {
    candidates.push_back(std::move(*change));
  }
  if (candidates.empty()) throw bad_code();

  const std::string digest = deps_.secrets.digest(code);
  for (const OneTimeToken& candidate : candidates) {
    if (!digests_equal(*candidate.code_digest, digest)) continue;
    const bool consumed = co_await consume_verification(deps_, candidate, *user, meta);
    if (!consumed) throw bad_code();
    co_return;
  }
  for (const OneTimeToken& candidate : candidates) co_await deps_.tokens.add_failed_attempt(candidate.id);
  throw bad_code();
}

Task<void> AuthService::verify_email_token(std::string token, RequestMeta meta) {
  if (token.empty()) throw bad_token();
  const std::string digest = deps_.secrets.digest(token);
  std::string lookup = digest;
  auto found = co_await deps_.tokens.find_by_digest(TokenPurpose::kVerifyEmail, std::move(lookup));
  if (!found) {
    lookup = digest;
    found = co_await deps_.tokens.find_by_digest(TokenPurpose::kChangeEmail, std::move(lookup));
  }
  if (!found) throw bad_token();
  auto user = co_await deps_.users.find_by_id(found->user_id);
  if (!user || user->state == AccountState::kDeleted) throw bad_token();
  if (!usable(*found, *user, config_.max_code_attempts, deps_.clock.now())) throw bad_token();
  const bool consumed = co_await consume_verification(deps_, *found, *user, meta);
  if (!consumed) throw bad_token();
}

Task<void> AuthService::resend_verification(std::string email, RequestMeta meta) {
  const auto normalized = domain::normalize_email(email);
  if (!normalized) co_return;
  std::string address = *normalized;
  auto user = co_await deps_.users.find_by_email(std::move(address));
  if (!user || user->email_verified_at || user->banned_at || user->state == AccountState::kDeleted) co_return;
  const auto last = co_await deps_.tokens.last_issued_at(user->id, TokenPurpose::kVerifyEmail);
  if (last && deps_.clock.now() - *last < config_.resend_interval) co_return;
  co_await send_verification(deps_, config_, *user, std::nullopt, meta);
}

Task<TokenPair> AuthService::login(std::string email, std::string password, RequestMeta meta) {
  const auto normalized = domain::normalize_email(email);
  std::optional<UserRecord> user;
  if (normalized) {
    std::string address = *normalized;
    user = co_await deps_.users.find_by_email(std::move(address));
  }
  if (!user || !user->password_hash) {
    // The same hashing work as a real check, so that timing does not tell registered addresses apart.
    co_await deps_.hasher.verify_dummy(std::move(password));
    const std::string shown =
        domain::mask_email(normalized ? *normalized : domain::truncate_utf8(email, 254));
    AuditEvent event = audit_event("login.failed", std::nullopt, "user", user ? std::to_string(user->id) : "",
                                   meta, {{"reason", "unknown_email"}, {"email", shown}});
    co_await deps_.audit.record(std::move(event));
    throw unauthenticated(kBadCredentials);
  }

  const TimePoint now = deps_.clock.now();
  if (is_locked(*user, now)) {
    AuditEvent event = user_event("login.locked", std::nullopt, user->id, meta);
    co_await deps_.audit.record(std::move(event));
    throw locked_error(*user->locked_until, now);
  }

  std::string stored = *user->password_hash;
  std::string attempt = password;  // the original is kept for a rehash
  const PasswordVerdict verdict = co_await deps_.hasher.verify(std::move(stored), std::move(attempt));
  if (!verdict.match) {
    std::string reason = "wrong_password";
    co_await record_wrong_password(deps_, config_, user->id, std::move(reason), meta);
    throw unauthenticated(kBadCredentials);
  }
  if (user->banned_at) {
    AuditEvent event = user_event("login.failed", std::nullopt, user->id, meta, {{"reason", "banned"}});
    co_await deps_.audit.record(std::move(event));
    throw forbidden("account suspended");
  }
  if (user->state == AccountState::kDeleted) throw unauthenticated(kBadCredentials);
  if (user->state == AccountState::kPendingDeletion) {
    Effects effects;
    effects.mails.emplace_back(user->email, user->name, "deletion_cancelled", Vars{{"name", user->name}});
    effects.audit.push_back(
        user_event("account.deletion_cancelled", user->id, user->id, meta, {{"via", "login"}}));
    const std::optional<TimePoint> no_due_date;
    co_await deps_.users.set_state(user->id, AccountState::kActive, no_due_date, false, std::move(effects));
    user->state = AccountState::kActive;
    user->deletion_due_at.reset();
  }

  std::optional<std::string> new_hash;
  if (verdict.needs_rehash) new_hash = co_await deps_.hasher.hash(std::move(password));

  std::string refresh_token = deps_.secrets.random_token();
  NewSession session;
  session.user_id = user->id;
  session.refresh_digest = deps_.secrets.digest(refresh_token);
  session.user_agent = domain::truncate_utf8(meta.user_agent, kMaxUserAgentBytes);
  session.ip = meta.ip;
  session.absolute_expires_at = now + config_.refresh_absolute;
  session.idle_expires_at = domain::next_idle_expiry(now, config_.refresh_idle, session.absolute_expires_at);
  Effects no_effects;
  std::string session_id = co_await deps_.sessions.create(std::move(session), std::move(no_effects));

  Effects login_effects;
  login_effects.audit.push_back(
      user_event("login.succeeded", user->id, user->id, meta, {{"session_id", session_id}}));
  co_await deps_.users.record_login(user->id, std::move(new_hash), std::move(login_effects));
  co_return issue_pair(deps_, config_, *user, std::move(session_id), std::move(refresh_token), now);
}

Task<TokenPair> AuthService::refresh(std::string refresh_token, RequestMeta meta) {
  if (refresh_token.empty()) throw bad_refresh();
  const std::string old_digest = deps_.secrets.digest(refresh_token);
  std::string lookup = old_digest;
  auto record = co_await deps_.sessions.find_refresh(std::move(lookup));
  if (!record) throw bad_refresh();

  const TimePoint now = deps_.clock.now();
  domain::RefreshFacts facts;
  facts.token_replaced_at = record->replaced_at;
  facts.session_revoked_at = record->session.revoked_at;
  facts.idle_expires_at = record->session.idle_expires_at;
  facts.absolute_expires_at = record->session.absolute_expires_at;
  const domain::RefreshDecision decision = domain::decide_refresh(facts, now, config_.refresh_reuse_grace);
  const std::int64_t user_id = record->session.user_id;
  switch (decision) {
    case domain::RefreshDecision::kRevoked:
    case domain::RefreshDecision::kExpired:
      throw bad_refresh();
    case domain::RefreshDecision::kReuseDetected: {
      std::string session_id = record->session_id;
      co_await revoke_for_reuse(deps_, std::move(session_id), user_id, meta);
      throw bad_refresh();
    }
    case domain::RefreshDecision::kRotate:
    case domain::RefreshDecision::kGraceReplay:
      break;
  }

  auto user = co_await deps_.users.find_by_id(user_id);
  if (!user || user->banned_at || user->state == AccountState::kDeleted ||
      user->state == AccountState::kPendingDeletion) {
    Effects effects;
    std::string session_id = record->session_id;
    std::string reason = "account_unavailable";
    co_await deps_.sessions.revoke(std::move(session_id), user_id, std::move(reason), std::move(effects));
    throw bad_refresh();
  }

  std::string new_token = deps_.secrets.random_token();
  std::string session_id = record->session_id;
  std::string old = old_digest;
  std::string fresh = deps_.secrets.digest(new_token);
  const TimePoint idle =
      domain::next_idle_expiry(now, config_.refresh_idle, record->session.absolute_expires_at);
  const bool allow_replaced = decision == domain::RefreshDecision::kGraceReplay;
  const bool rotated = co_await deps_.sessions.rotate(std::move(session_id), std::move(old), std::move(fresh),
                                                      allow_replaced, idle);
  if (!rotated) {
    // Another request rotated this token first: the same token used twice, treated as reuse.
    std::string reused = record->session_id;
    co_await revoke_for_reuse(deps_, std::move(reused), user_id, meta);
    throw bad_refresh();
  }
  co_return issue_pair(deps_, config_, *user, record->session_id, std::move(new_token), now);
}

Task<void> AuthService::logout(Principal principal, RequestMeta meta) {
  Effects effects;
  effects.audit.push_back(user_event("logout", principal.user_id, principal.user_id, meta,
                                     {{"session_id", principal.session_id}}));
  std::string reason = "logout";
  co_await deps_.sessions.revoke(std::move(principal.session_id), principal.user_id, std::move(reason),
                                 std::move(effects));
}

Task<void> AuthService::forgot_password(std::string email, RequestMeta meta) {
  const auto normalized = domain::normalize_email(email);
  if (!normalized) co_return;
  const std::string link = deps_.secrets.random_token();
  NewOneTimeToken token;
  token.user_id = 0;  // the store fills in the account it finds
  token.purpose = TokenPurpose::kResetPassword;
  token.token_digest = deps_.secrets.digest(link);
  token.email = *normalized;
  token.expires_at = deps_.clock.now() + config_.reset_ttl;
  OutgoingMail mail("", "", "password_reset", Vars{{"token", link}});
  AuditEvent audit = audit_event("password.reset_requested", std::nullopt, "user", "", meta);
  std::string address = *normalized;
  co_await deps_.tokens.issue_for_email(std::move(address), std::move(token), std::move(mail),
                                        std::move(audit));
}

Task<void> AuthService::reset_password(std::string token, std::string new_password, RequestMeta meta) {
  if (token.empty()) throw bad_token();
  std::string digest = deps_.secrets.digest(token);
  auto found = co_await deps_.tokens.find_by_digest(TokenPurpose::kResetPassword, std::move(digest));
  if (!found || found->expires_at <= deps_.clock.now()) throw bad_token();
  auto user = co_await deps_.users.find_by_id(found->user_id);
  if (!user || user->state == AccountState::kDeleted) throw bad_token();
  if (auto problem = deps_.password_policy.problem(new_password, user->email)) {
    throw field_error("password", *problem);
  }
  std::optional<std::string> password_hash = co_await deps_.hasher.hash(std::move(new_password));
  Effects effects;
  effects.mails.emplace_back(user->email, user->name, "password_changed", Vars{{"name", user->name}});
  effects.audit.push_back(user_event("password.reset", user->id, user->id, meta));
  const bool consumed = co_await deps_.tokens.consume(*found, std::move(password_hash), std::move(effects));
  if (!consumed) throw bad_token();
}

Principal AuthService::authenticate(std::string_view bearer_token) const {
  if (bearer_token.empty()) throw bad_access();
  const AccessClaims claims = deps_.access_tokens.verify(bearer_token, deps_.clock.now());
  if (claims.session_id.empty() || deps_.revocations.is_revoked(claims.session_id)) throw bad_access();
  const auto user_id = parse_user_id(claims.subject);
  const auto role = domain::parse_role(claims.role);
  if (!user_id || !role) throw bad_access();
  Principal principal;
  principal.user_id = *user_id;
  principal.session_id = claims.session_id;
  principal.role = *role;
  return principal;
}

}  // namespace bookstore::app
