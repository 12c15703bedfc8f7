#include "adapters/identity/pg_one_time_token_store.hpp"

#include <stdexcept>

#include <nlohmann/json.hpp>

#include "adapters/identity/pg_session_store.hpp"
#include "adapters/identity/sql_support.hpp"
#include "domain/error.hpp"

namespace bookstore::identity {
namespace {

// Only the latest token of a user and purpose works: issuing one supersedes the others (so a resend
// does not multiply the codes an attacker may try).
constexpr std::string_view kInsert = R"SQL(
WITH superseded AS (
  UPDATE one_time_tokens SET superseded_at = now()
  WHERE user_id = $1 AND purpose = $2 AND used_at IS NULL AND superseded_at IS NULL
)
INSERT INTO one_time_tokens (user_id, purpose, token_digest, code_digest, email, expires_at)
VALUES ($1, $2, $3, $4, $5, timestamptz 'epoch' + $6::bigint * interval '1 microsecond')
RETURNING id)SQL";

// Password reset by email: lookup, supersede, insert and the audit row in one statement, whose work
// does not depend on whether the account exists (the data-modifying CTEs run either way and simply
// touch no row for an unknown address). The audit row names the user only when there is one.
constexpr std::string_view kIssueForEmail = R"SQL(
WITH u AS (
  SELECT id, email, name FROM users WHERE lower(email) = lower($1) AND deleted_at IS NULL
), superseded AS (
  UPDATE one_time_tokens t SET superseded_at = now()
  FROM u
  WHERE t.user_id = u.id AND t.purpose = $2 AND t.used_at IS NULL AND t.superseded_at IS NULL
), inserted AS (
  INSERT INTO one_time_tokens (user_id, purpose, token_digest, code_digest, email, expires_at)
  SELECT u.id, $2, $3, $4, u.email, timestamptz 'epoch' + $5::bigint * interval '1 microsecond' FROM u
), audit AS (
  INSERT INTO audit_log (action, actor_id, target_type, target_id, ip, request_id, details)
  VALUES ($6, $7, $8,
          CASE WHEN $9::text IS NULL AND $8 = 'user' THEN (SELECT id::text FROM u) ELSE $9 END,
          $10::inet, $11, $12::jsonb)
)
SELECT id, email, name FROM u)SQL";

// Stands in for the outbox's job insert when the address is unknown: the same kind of statement on the
// same table (its statement trigger fires too) that inserts nothing, so both outcomes make the same
// round trips.
constexpr std::string_view kOutboxStandIn = R"SQL(
INSERT INTO jobs (kind, payload) SELECT 'mail.send', $1::jsonb WHERE false)SQL";

constexpr std::string_view kTokenColumns = R"SQL(
SELECT id, user_id, purpose, code_digest, email, failed_attempts,
       (extract(epoch FROM created_at) * 1000000)::bigint, (extract(epoch FROM expires_at) * 1000000)::bigint
FROM one_time_tokens)SQL";

constexpr std::string_view kActiveTail = R"SQL(
WHERE user_id = $1 AND purpose = $2 AND used_at IS NULL AND superseded_at IS NULL AND expires_at > now()
ORDER BY created_at DESC, id DESC
LIMIT 1)SQL";
constexpr std::string_view kFindActive = Join<kTokenColumns, kActiveTail>::value;

constexpr std::string_view kDigestTail = R"SQL(
WHERE token_digest = $2 AND purpose = $1 AND used_at IS NULL AND superseded_at IS NULL AND expires_at > now())SQL";
constexpr std::string_view kFindByDigest = Join<kTokenColumns, kDigestTail>::value;

constexpr std::string_view kAddFailedAttempt = R"SQL(
UPDATE one_time_tokens SET failed_attempts = failed_attempts + 1 WHERE id = $1 RETURNING failed_attempts)SQL";

// The compare-and-set that makes a token single-use: of two concurrent consumers one gets the row.
constexpr std::string_view kUse = R"SQL(
UPDATE one_time_tokens SET used_at = now()
WHERE id = $1 AND used_at IS NULL AND superseded_at IS NULL AND expires_at > now()
RETURNING user_id, purpose, email)SQL";

// A verification code proves the address it was sent to, so it verifies only while that is still the
// account's address.
constexpr std::string_view kVerifyEmail = R"SQL(
UPDATE users SET email_verified_at = COALESCE(email_verified_at, now()), updated_at = now()
WHERE id = $1 AND deleted_at IS NULL AND lower(email) = lower($2))SQL";

// A taken address violates users_email_live (kConflict) and the whole consume rolls back.
constexpr std::string_view kChangeEmail = R"SQL(
UPDATE users SET email = $2, email_verified_at = now(), updated_at = now()
WHERE id = $1 AND deleted_at IS NULL)SQL";

constexpr std::string_view kResetPassword = R"SQL(
UPDATE users SET password_hash = $2, failed_logins = 0, locked_until = NULL, updated_at = now()
WHERE id = $1 AND deleted_at IS NULL)SQL";

constexpr std::string_view kLastIssued = R"SQL(
SELECT (extract(epoch FROM max(created_at)) * 1000000)::bigint
FROM one_time_tokens WHERE user_id = $1 AND purpose = $2)SQL";

app::OneTimeToken token_at(const pg::Result& r, int row) {
  app::OneTimeToken t;
  t.id = r.int64(row, 0);
  t.user_id = r.int64(row, 1);
  t.purpose = parse_purpose(r.text(row, 2));
  t.code_digest = r.optional_text(row, 3);
  t.email = std::string(r.text(row, 4));
  t.failed_attempts = static_cast<int>(r.int64(row, 5));
  t.created_at = time_at(r, row, 6);
  t.expires_at = time_at(r, row, 7);
  return t;
}

// A payload of the same shape and size as the real mail's, without its values (never sent anywhere:
// the stand-in statement inserts nothing).
std::string stand_in_payload(const app::OutgoingMail& mail) {
  nlohmann::json vars = nlohmann::json::object();
  for (const auto& [k, v] : mail.vars) vars[k] = std::string(v.size(), 'x');
  nlohmann::json payload = {{"template", mail.template_id}, {"to", "x"}, {"to_name", ""}, {"vars", vars}};
  return payload.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::optional<std::string> non_empty(const std::string& s) {
  if (s.empty()) return std::nullopt;
  return s;
}

}  // namespace

Task<std::int64_t> insert_one_time_token(pg::Connection& tx, app::NewOneTimeToken token) {
  auto r = co_await tx.query(kInsert, token.user_id, to_string(token.purpose), token.token_digest,
                             token.code_digest, token.email, to_micros(token.expires_at));
  co_return r.int64(0, 0);
}

PgOneTimeTokenStore::PgOneTimeTokenStore(pg::Pool& pool, MailOutbox outbox)
    : pool_(pool), outbox_(std::move(outbox)) {}

Task<void> PgOneTimeTokenStore::issue(app::NewOneTimeToken token, app::Effects effects) {
  auto body = [&](pg::Connection& tx) -> Task<void> {
    co_await insert_one_time_token(tx, token);
    co_await write_effects(tx, effects, outbox_);
  };
  co_await pool_.transaction(body);
}

Task<bool> PgOneTimeTokenStore::issue_for_email(std::string email, app::NewOneTimeToken token,
                                                app::OutgoingMail mail, app::AuditEvent audit) {
  auto ip = inet_param(audit.ip);
  auto details = details_json(audit.details);
  auto target_type = non_empty(audit.target_type);
  auto target_id = non_empty(audit.target_id);
  auto request_id = non_empty(audit.request_id);
  auto stand_in = stand_in_payload(mail);
  auto body = [&](pg::Connection& tx) -> Task<bool> {
    auto r = co_await tx.query(kIssueForEmail, email, to_string(token.purpose), token.token_digest,
                               token.code_digest, to_micros(token.expires_at), audit.action, audit.actor_id,
                               target_type, target_id, ip, request_id, details);
    if (r.rows() == 0) {
      co_await tx.query(kOutboxStandIn, stand_in);
      co_return false;
    }
    mail.to = std::string(r.text(0, 1));
    mail.to_name = std::string(r.text(0, 2));
    co_await outbox_(tx, mail);
    co_return true;
  };
  co_return co_await pool_.transaction(body);
}

Task<std::optional<app::OneTimeToken>> PgOneTimeTokenStore::find_active(std::int64_t user_id,
                                                                        app::TokenPurpose purpose) {
  auto r = co_await pool_.query(kFindActive, user_id, to_string(purpose));
  if (r.rows() == 0) co_return std::nullopt;
  co_return token_at(r, 0);
}

Task<std::optional<app::OneTimeToken>> PgOneTimeTokenStore::find_by_digest(app::TokenPurpose purpose,
                                                                           std::string token_digest) {
  auto r = co_await pool_.query(kFindByDigest, to_string(purpose), token_digest);
  if (r.rows() == 0) co_return std::nullopt;
  co_return token_at(r, 0);
}

Task<int> PgOneTimeTokenStore::add_failed_attempt(std::int64_t token_id) {
  auto r = co_await pool_.query(kAddFailedAttempt, token_id);
  if (r.rows() == 0) throw domain::Error::not_found("one-time token not found");
  co_return static_cast<int>(r.int64(0, 0));
}

Task<bool> PgOneTimeTokenStore::consume(const app::OneTimeToken& token,
                                        std::optional<std::string> new_password_hash, app::Effects effects) {
  std::int64_t token_id = token.id;
  auto body = [&](pg::Connection& tx) -> Task<bool> {
    auto used = co_await tx.query(kUse, token_id);
    if (used.rows() == 0) co_return false;
    std::int64_t user_id = used.int64(0, 0);
    auto purpose = parse_purpose(used.text(0, 1));
    std::string email(used.text(0, 2));
    switch (purpose) {
      case app::TokenPurpose::kVerifyEmail: {
        auto r = co_await tx.query(kVerifyEmail, user_id, email);
        if (r.affected_rows() == 0) co_return false;
        break;
      }
      case app::TokenPurpose::kChangeEmail: {
        pg::Result r;
        bool taken = false;
        try {
          r = co_await tx.query(kChangeEmail, user_id, email);
        } catch (const domain::Error& e) {
          if (e.code() != domain::ErrorCode::kConflict) throw;
          taken = true;
        }
        if (taken) throw domain::Error::conflict("the email address is already registered");
        if (r.affected_rows() == 0) co_return false;
        break;
      }
      case app::TokenPurpose::kResetPassword: {
        if (!new_password_hash) throw std::invalid_argument("consume: a password reset needs the new hash");
        auto r = co_await tx.query(kResetPassword, user_id, *new_password_hash);
        if (r.affected_rows() == 0) co_return false;
        std::optional<std::string> keep_none;
        std::string reason = "password_reset";
        co_await end_user_sessions(tx, user_id, keep_none, reason);
        break;
      }
    }
    co_await write_effects(tx, effects, outbox_);
    co_return true;
  };
  co_return co_await pool_.transaction(body);
}

Task<std::optional<app::TimePoint>> PgOneTimeTokenStore::last_issued_at(std::int64_t user_id,
                                                                        app::TokenPurpose purpose) {
  auto r = co_await pool_.query(kLastIssued, user_id, to_string(purpose));
  if (r.rows() == 0) co_return std::nullopt;
  co_return optional_time_at(r, 0, 0);
}

}  // namespace bookstore::identity
