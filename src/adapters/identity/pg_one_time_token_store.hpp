#pragma once
// app::OneTimeTokenStore over the one_time_tokens table (migrations/0003_identity.sql). Only digests
// are stored. A token works while it is unused, not superseded by a newer one of the same user and
// purpose, and not expired (the database's clock decides expiry).
#include <cstdint>
#include <optional>
#include <string>

#include "adapters/identity/effects_writer.hpp"
#include "adapters/pg/pool.hpp"
#include "app/ports/one_time_tokens.hpp"

namespace bookstore::identity {

class PgOneTimeTokenStore final : public app::OneTimeTokenStore {
 public:
  // `pool` must outlive the store; `outbox` sends the mails of Effects.
  PgOneTimeTokenStore(pg::Pool& pool, MailOutbox outbox);

  Task<void> issue(app::NewOneTimeToken token, app::Effects effects) override;
  // One transaction of the same shape whatever the outcome: one statement looks the account up,
  // supersedes and inserts the token (token.email becomes the account's address) and writes `audit`
  // (target_id filled with the user id when target_type is "user" and target_id empty; written for an
  // unknown email too, with no target id); then either the outbox enqueues `mail` or an equivalent
  // statement that inserts nothing runs in its place.
  Task<bool> issue_for_email(std::string email, app::NewOneTimeToken token, app::OutgoingMail mail,
                             app::AuditEvent audit) override;
  Task<std::optional<app::OneTimeToken>> find_active(std::int64_t user_id,
                                                     app::TokenPurpose purpose) override;
  Task<std::optional<app::OneTimeToken>> find_by_digest(app::TokenPurpose purpose,
                                                        std::string token_digest) override;
  // domain::Error(kNotFound) when the token does not exist (any more).
  Task<int> add_failed_attempt(std::int64_t token_id) override;
  // The user id, purpose and email come from the stored row, not from `token` (only token.id is used).
  // False also when the account is gone, or (kVerifyEmail) when the account's address is no longer the
  // one the token was sent to: the token is then used up and nothing else changes. kChangeEmail to an
  // address another live account took meanwhile: domain::Error(kConflict), nothing changes. kResetPassword
  // without new_password_hash: std::invalid_argument.
  Task<bool> consume(const app::OneTimeToken& token, std::optional<std::string> new_password_hash,
                     app::Effects effects) override;
  Task<std::optional<app::TimePoint>> last_issued_at(std::int64_t user_id,
                                                     app::TokenPurpose purpose) override;

 private:
  pg::Pool& pool_;
  MailOutbox outbox_;
};

// Inserts `token` (user_id set) in the caller's transaction, superseding the user's earlier unused
// tokens of the same purpose; returns its id. UserStore::create uses it for the verification token.
Task<std::int64_t> insert_one_time_token(pg::Connection& tx, app::NewOneTimeToken token);

}  // namespace bookstore::identity
