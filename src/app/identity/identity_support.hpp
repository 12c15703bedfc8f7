#pragma once
// Pieces the identity use cases share (private to app/identity): audit events stamped with the request,
// the errors they answer with, and the password check with its lockout bookkeeping.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "app/identity/identity_deps.hpp"
#include "app/identity/identity_types.hpp"
#include "domain/error.hpp"
#include "domain/identity/lockout.hpp"

namespace bookstore::app::identity_detail {

// An event with the ip and request id of `meta`. Details never hold passwords, tokens, codes or hashes.
AuditEvent audit_event(std::string action, std::optional<std::int64_t> actor, std::string target_type,
                       std::string target_id, const RequestMeta& meta,
                       std::map<std::string, std::string> details = {});
// The same with target_type "user".
AuditEvent user_event(std::string action, std::optional<std::int64_t> actor, std::int64_t user_id,
                      const RequestMeta& meta, std::map<std::string, std::string> details = {});

domain::Error field_error(std::string field, std::string message);
domain::Error unauthenticated(std::string message);
domain::Error forbidden(std::string message);
// 429 with Retry-After until the lock ends.
domain::Error locked_error(TimePoint until, TimePoint now);

domain::LockoutPolicy lockout_policy(const IdentityConfig& config);
bool is_locked(const UserRecord& user, TimePoint now);

// The fields of a new account (registration, `admin create`), normalised; kValidation naming every
// offending field (email, name, password) otherwise.
struct NewAccountFields {
  std::string email;
  std::string name;
};
NewAccountFields validate_new_account(const domain::PasswordPolicy& policy, std::string_view email,
                                      std::string_view name, std::string_view password);

// Equality of two digests in time that does not depend on where they differ.
bool digests_equal(std::string_view a, std::string_view b) noexcept;
// "2025-01-31" (UTC), for mails.
std::string format_date(TimePoint t);

// Counts a wrong password (audit "login.failed" with `reason`) and locks the account once the count of
// consecutive failures reaches the threshold (audit "account.locked").
Task<void> record_wrong_password(IdentityDeps deps, IdentityConfig config, std::int64_t user_id,
                                 std::string reason, RequestMeta meta);

// For calls of a signed-in user that ask for the password again: a locked account answers 429 without
// checking; a wrong password counts towards the lockout and answers 422 on `field`. Saturation of the
// hasher propagates (kUnavailable).
Task<void> require_password(IdentityDeps deps, IdentityConfig config, UserRecord user, std::string password,
                            const char* field, RequestMeta meta);

// The record without its password hash: use cases never hand a hash out (profile, export, admin views).
UserRecord without_secrets(UserRecord user);

// A fresh 6-digit code and link token for `purpose`, addressed to `email`: the token to store (digests
// only; user_id 0 lets UserStore::create fill in the new account) and the mail that carries the secrets
// (`template_id` with vars name, code and token).
struct CodeAndLink {
  NewOneTimeToken token;
  OutgoingMail mail;
};
CodeAndLink code_and_link(const IdentityDeps& deps, const IdentityConfig& config, std::int64_t user_id,
                          TokenPurpose purpose, std::string email, std::string name, std::string template_id);

// Issues a new email-verification code + link for `user` (earlier ones stop working) and mails it
// ("verify_email"); audit "email.verification_sent" with `actor`.
Task<void> send_verification(IdentityDeps deps, IdentityConfig config, UserRecord user,
                             std::optional<std::int64_t> actor, RequestMeta meta);

// The live account of a principal; kUnauthenticated when it is gone (deleted since the token was issued).
Task<UserRecord> load_self(IdentityDeps deps, std::int64_t user_id);

}  // namespace bookstore::app::identity_detail
