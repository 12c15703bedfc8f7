#pragma once
// Single-use secrets sent by mail: email verification (code + link), password reset (link), change of
// email (code + link to the new address). Only digests are stored (Secrets::digest).
#include <cstdint>
#include <optional>
#include <string>

#include "app/ports/audit_log.hpp"
#include "app/ports/clock.hpp"
#include "app/task.hpp"

namespace bookstore::app {

enum class TokenPurpose { kVerifyEmail, kResetPassword, kChangeEmail };

struct NewOneTimeToken {
  NewOneTimeToken() = default;
  std::int64_t user_id = 0;  // 0 in UserStore::create: the store uses the new user's id
  TokenPurpose purpose = TokenPurpose::kVerifyEmail;
  std::string token_digest;                // of the link token
  std::optional<std::string> code_digest;  // of the 6-digit code, when there is one
  std::string email;                       // where it was sent (the new address for kChangeEmail)
  TimePoint expires_at{};
};

struct OneTimeToken {
  std::int64_t id = 0;
  std::int64_t user_id = 0;
  TokenPurpose purpose = TokenPurpose::kVerifyEmail;
  std::optional<std::string> code_digest;
  std::string email;
  int failed_attempts = 0;
  TimePoint created_at{};
  TimePoint expires_at{};
};

class OneTimeTokenStore {
 public:
  virtual ~OneTimeTokenStore() = default;
  // Inserts the token and its effects (usually the mail carrying it); earlier unused tokens of the same
  // user and purpose stop working.
  virtual Task<void> issue(NewOneTimeToken token, Effects effects) = 0;
  // Issues a reset token for the live account with this email, if there is one, in one statement whose
  // cost does not depend on whether the account exists (no enumeration by timing). `mail` is sent to
  // that account (to and to_name filled in by the store); returns whether an account matched.
  virtual Task<bool> issue_for_email(std::string email, NewOneTimeToken token, OutgoingMail mail,
                                     AuditEvent audit) = 0;
  // The newest unused, unexpired token of this user and purpose.
  virtual Task<std::optional<OneTimeToken>> find_active(std::int64_t user_id, TokenPurpose purpose) = 0;
  // The unused, unexpired token with this link-token digest.
  virtual Task<std::optional<OneTimeToken>> find_by_digest(TokenPurpose purpose,
                                                           std::string token_digest) = 0;
  // Atomically adds one to failed_attempts; returns the new count.
  virtual Task<int> add_failed_attempt(std::int64_t token_id) = 0;
  // Marks the token used and applies what it proves, in one transaction; false when it was already
  // used (a concurrent request won). kVerifyEmail: sets email_verified_at. kChangeEmail: sets the
  // user's email to token.email (kConflict if taken) and marks it verified. kResetPassword: stores
  // new_password_hash and ends every session.
  virtual Task<bool> consume(const OneTimeToken& token, std::optional<std::string> new_password_hash,
                             Effects effects) = 0;
  // Seconds since the newest token of this user and purpose was issued (resend rate limit).
  virtual Task<std::optional<TimePoint>> last_issued_at(std::int64_t user_id, TokenPurpose purpose) = 0;
};

}  // namespace bookstore::app
