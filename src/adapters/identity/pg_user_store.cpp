#include "adapters/identity/pg_user_store.hpp"

#include <algorithm>
#include <stdexcept>

#include "adapters/identity/pg_one_time_token_store.hpp"
#include "adapters/identity/pg_session_store.hpp"
#include "adapters/identity/sql_support.hpp"
#include "adapters/log/log.hpp"
#include "domain/error.hpp"

namespace bookstore::identity {
namespace {

constexpr std::string_view kUserColumns = R"SQL(
SELECT u.id, u.email, u.name, u.password_hash, u.role, u.state,
       (extract(epoch FROM u.email_verified_at) * 1000000)::bigint,
       (extract(epoch FROM u.banned_at) * 1000000)::bigint,
       u.failed_logins,
       (extract(epoch FROM u.locked_until) * 1000000)::bigint,
       (extract(epoch FROM u.deletion_due_at) * 1000000)::bigint,
       (extract(epoch FROM u.created_at) * 1000000)::bigint,
       (extract(epoch FROM u.updated_at) * 1000000)::bigint
FROM users u)SQL";

constexpr std::string_view kByIdTail = R"SQL(
WHERE u.id = $1 AND u.deleted_at IS NULL)SQL";
constexpr std::string_view kFindById = Join<kUserColumns, kByIdTail>::value;

// lower(email) = lower($1): the expression of the users_email_live index.
constexpr std::string_view kByEmailTail = R"SQL(
WHERE lower(u.email) = lower($1) AND u.deleted_at IS NULL)SQL";
constexpr std::string_view kFindByEmail = Join<kUserColumns, kByEmailTail>::value;

constexpr std::string_view kListTail = R"SQL(
WHERE u.deleted_at IS NULL
  AND ($1::text IS NULL OR u.role = $1)
  AND ($2::text IS NULL OR u.state = $2)
  AND ($3::boolean IS NULL OR (u.banned_at IS NOT NULL) = $3)
  AND u.id > $4
ORDER BY u.id
LIMIT $5)SQL";
constexpr std::string_view kList = Join<kUserColumns, kListTail>::value;

// A separate statement for searches, so that its plan can use the trigram indexes (a generic plan of
// "$6 IS NULL OR ..." could not). $6 is a LIKE pattern '%...%' with the input's wildcards escaped.
constexpr std::string_view kSearchTail = R"SQL(
WHERE u.deleted_at IS NULL
  AND ($1::text IS NULL OR u.role = $1)
  AND ($2::text IS NULL OR u.state = $2)
  AND ($3::boolean IS NULL OR (u.banned_at IS NOT NULL) = $3)
  AND u.id > $4
  AND (lower(u.email) LIKE lower($6) OR lower(u.name) LIKE lower($6))
ORDER BY u.id
LIMIT $5)SQL";
constexpr std::string_view kSearch = Join<kUserColumns, kSearchTail>::value;

// ON CONFLICT names the partial unique index by its expression and predicate: a live account with the
// address (whatever its case) makes this insert nothing instead of failing, so the transaction goes on
// to write the "someone tried to register with your address" effects. A concurrent registration of
// the same address waits for the other transaction and then inserts nothing.
constexpr std::string_view kInsertUser = R"SQL(
INSERT INTO users (email, name, password_hash, role, email_verified_at)
VALUES ($1, $2, $3, $4, CASE WHEN $5::boolean THEN now() END)
ON CONFLICT (lower(email)) WHERE deleted_at IS NULL DO NOTHING
RETURNING id)SQL";

// Atomic under concurrency: each UPDATE waits for the row lock of the previous one and adds to the
// value it committed.
constexpr std::string_view kAddFailedLogin = R"SQL(
UPDATE users SET failed_logins = failed_logins + 1
WHERE id = $1 AND deleted_at IS NULL
RETURNING failed_logins)SQL";

constexpr std::string_view kSetLockedUntil = R"SQL(
UPDATE users SET locked_until = timestamptz 'epoch' + $2::bigint * interval '1 microsecond'
WHERE id = $1 AND deleted_at IS NULL)SQL";

constexpr std::string_view kRecordLogin = R"SQL(
UPDATE users SET failed_logins = 0, locked_until = NULL, password_hash = COALESCE($2, password_hash)
WHERE id = $1 AND deleted_at IS NULL)SQL";

constexpr std::string_view kUpdateName = R"SQL(
UPDATE users SET name = $2, updated_at = now() WHERE id = $1 AND deleted_at IS NULL)SQL";

constexpr std::string_view kSetPassword = R"SQL(
UPDATE users SET password_hash = $2, updated_at = now() WHERE id = $1 AND deleted_at IS NULL)SQL";

// deletion_due_at and deletion_requested_at belong to pending_deletion only (see the CHECK).
constexpr std::string_view kSetState = R"SQL(
UPDATE users
SET state = $2,
    deletion_due_at = CASE WHEN $2 = 'pending_deletion'
                           THEN timestamptz 'epoch' + $3::bigint * interval '1 microsecond' END,
    deletion_requested_at = CASE WHEN $2 = 'pending_deletion' THEN now() END,
    updated_at = now()
WHERE id = $1 AND deleted_at IS NULL)SQL";

constexpr std::string_view kSetRole = R"SQL(
UPDATE users SET role = $2, updated_at = now() WHERE id = $1 AND deleted_at IS NULL)SQL";

constexpr std::string_view kSetBanned = R"SQL(
UPDATE users
SET banned_at = CASE WHEN $2::boolean THEN COALESCE(banned_at, now()) END,
    ban_reason = CASE WHEN $2::boolean THEN $3 END,
    updated_at = now()
WHERE id = $1 AND deleted_at IS NULL)SQL";

// A taken address violates users_email_live: kConflict.
constexpr std::string_view kSetEmail = R"SQL(
UPDATE users SET email = $2, updated_at = now() WHERE id = $1 AND deleted_at IS NULL)SQL";

constexpr std::string_view kDueForAnonymisation = R"SQL(
SELECT id FROM users
WHERE state = 'pending_deletion' AND deletion_due_at <= timestamptz 'epoch' + $1::bigint * interval '1 microsecond'
ORDER BY deletion_due_at, id
LIMIT $2)SQL";

// One account, one statement, one transaction. The UPDATE re-checks state and due date under the row
// lock, so an account whose deletion was cancelled after the SELECT above is left alone. Deleting the
// sessions cascades to their refresh tokens and fires the notify trigger for each. Orders, invoices and
// reviews are not touched (they keep pointing at the now anonymous row).
constexpr std::string_view kAnonymise = R"SQL(
WITH anonymised AS (
  UPDATE users
  SET email = 'deleted-' || id || '@deleted.invalid', name = 'Deleted user', password_hash = NULL,
      state = 'deleted', deleted_at = now(), updated_at = now(), email_verified_at = NULL,
      banned_at = NULL, ban_reason = NULL, failed_logins = 0, locked_until = NULL,
      deletion_requested_at = NULL, deletion_due_at = NULL
  WHERE id = $1 AND state = 'pending_deletion'
    AND deletion_due_at <= timestamptz 'epoch' + $2::bigint * interval '1 microsecond'
  RETURNING id
), sessions_deleted AS (
  DELETE FROM sessions WHERE user_id IN (SELECT id FROM anonymised)
), tokens_deleted AS (
  DELETE FROM one_time_tokens WHERE user_id IN (SELECT id FROM anonymised)
), audited AS (
  INSERT INTO audit_log (action, actor_id, target_type, target_id)
  SELECT 'account.anonymised', NULL, 'user', id::text FROM anonymised
)
SELECT id FROM anonymised)SQL";

// Anonymised accounts past the retention cutoff, in id order from a keyset position. Tables that keep
// rows for the legal retention period and reference users add their NOT EXISTS here, e.g.
//   AND NOT EXISTS (SELECT 1 FROM orders o WHERE o.user_id = users.id)
constexpr std::string_view kPurgeCandidates = R"SQL(
SELECT id FROM users
WHERE deleted_at IS NOT NULL AND deleted_at < timestamptz 'epoch' + $1::bigint * interval '1 microsecond'
  AND id > $2
ORDER BY id
LIMIT $3)SQL";

// Sessions and one-time tokens cascade (there are none left after anonymisation anyway).
constexpr std::string_view kPurgeOne = R"SQL(
DELETE FROM users
WHERE id = $1 AND deleted_at IS NOT NULL
  AND deleted_at < timestamptz 'epoch' + $2::bigint * interval '1 microsecond')SQL";

constexpr std::string_view kForeignKeyViolation = "23503";

app::UserRecord user_at(const pg::Result& r, int row) {
  app::UserRecord u;
  u.id = r.int64(row, 0);
  u.email = std::string(r.text(row, 1));
  u.name = std::string(r.text(row, 2));
  u.password_hash = r.optional_text(row, 3);
  auto role = domain::parse_role(r.text(row, 4));
  auto state = domain::parse_account_state(r.text(row, 5));
  if (!role || !state) throw std::runtime_error("users: unknown role or state in the database");
  u.role = *role;
  u.state = *state;
  u.email_verified_at = optional_time_at(r, row, 6);
  u.banned_at = optional_time_at(r, row, 7);
  u.failed_logins = static_cast<int>(r.int64(row, 8));
  u.locked_until = optional_time_at(r, row, 9);
  u.deletion_due_at = optional_time_at(r, row, 10);
  u.created_at = time_at(r, row, 11);
  u.updated_at = time_at(r, row, 12);
  return u;
}

void expect_one(const pg::Result& r) {
  if (r.affected_rows() == 0) throw domain::Error::not_found("user not found");
}

// Audit events about "the new user" name it once its id is known.
void fill_new_user_id(app::Effects& effects, std::int64_t id) {
  for (auto& e : effects.audit) {
    if (e.target_type == "user" && e.target_id.empty()) e.target_id = std::to_string(id);
  }
}

// '%' + text with LIKE's wildcards and escape character escaped + '%'.
std::string contains_pattern(std::string_view text) {
  std::string out = "%";
  for (char c : text) {
    if (c == '%' || c == '_' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  out.push_back('%');
  return out;
}

std::string end_reason(domain::AccountState state) {
  switch (state) {
    case domain::AccountState::kDeactivated:
      return "deactivated";
    case domain::AccountState::kPendingDeletion:
      return "deletion_requested";
    default:
      return "state_changed";
  }
}

std::optional<std::string> ban_reason(const app::Effects& effects) {
  for (const auto& e : effects.audit) {
    if (auto it = e.details.find("reason"); it != e.details.end()) return it->second;
  }
  return std::nullopt;
}

}  // namespace

PgUserStore::PgUserStore(pg::Pool& pool, MailOutbox outbox) : pool_(pool), outbox_(std::move(outbox)) {}

Task<std::optional<app::UserRecord>> PgUserStore::find_by_id(std::int64_t id) {
  auto r = co_await pool_.query(kFindById, id);
  if (r.rows() == 0) co_return std::nullopt;
  co_return user_at(r, 0);
}

Task<std::optional<app::UserRecord>> PgUserStore::find_by_email(std::string email) {
  auto r = co_await pool_.query(kFindByEmail, email);
  if (r.rows() == 0) co_return std::nullopt;
  co_return user_at(r, 0);
}

Task<std::vector<app::UserRecord>> PgUserStore::list(app::UserQuery query) {
  std::optional<std::string> role, state;
  if (query.role) role = std::string(domain::to_string(*query.role));
  if (query.state) state = std::string(domain::to_string(*query.state));
  std::int64_t after = query.after_id.value_or(0);
  int limit = std::clamp(query.limit, 1, 200);
  pg::Result r;
  if (query.search && !query.search->empty()) {
    auto pattern = contains_pattern(*query.search);
    r = co_await pool_.query(kSearch, role, state, query.banned, after, limit, pattern);
  } else {
    r = co_await pool_.query(kList, role, state, query.banned, after, limit);
  }
  std::vector<app::UserRecord> out;
  out.reserve(static_cast<std::size_t>(r.rows()));
  for (int i = 0; i < r.rows(); ++i) out.push_back(user_at(r, i));
  co_return out;
}

Task<app::RegisterOutcome> PgUserStore::create(app::NewUser user, app::NewOneTimeToken verification,
                                               app::Effects if_created, app::Effects if_taken) {
  std::string role(domain::to_string(user.role));
  auto body = [&](pg::Connection& tx) -> Task<app::RegisterOutcome> {
    auto r =
        co_await tx.query(kInsertUser, user.email, user.name, user.password_hash, role, user.email_verified);
    app::RegisterOutcome outcome;
    if (r.rows() == 0) {
      co_await write_effects(tx, if_taken, outbox_);
      co_return outcome;
    }
    outcome.created = true;
    outcome.user_id = r.int64(0, 0);
    if (verification.user_id == 0) verification.user_id = outcome.user_id;
    co_await insert_one_time_token(tx, verification);
    fill_new_user_id(if_created, outcome.user_id);
    co_await write_effects(tx, if_created, outbox_);
    co_return outcome;
  };
  co_return co_await pool_.transaction(body);
}

Task<std::int64_t> PgUserStore::create_verified(app::NewUser user, app::Effects effects) {
  std::string role(domain::to_string(user.role));
  auto body = [&](pg::Connection& tx) -> Task<std::int64_t> {
    auto r = co_await tx.query(kInsertUser, user.email, user.name, user.password_hash, role, true);
    if (r.rows() == 0) throw domain::Error::conflict("the email address is already registered");
    std::int64_t id = r.int64(0, 0);
    fill_new_user_id(effects, id);
    co_await write_effects(tx, effects, outbox_);
    co_return id;
  };
  co_return co_await pool_.transaction(body);
}

Task<int> PgUserStore::add_failed_login(std::int64_t id, app::Effects effects) {
  auto body = [&](pg::Connection& tx) -> Task<int> {
    auto r = co_await tx.query(kAddFailedLogin, id);
    expect_one(r);
    int count = static_cast<int>(r.int64(0, 0));
    co_await write_effects(tx, effects, outbox_);
    co_return count;
  };
  co_return co_await pool_.transaction(body);
}

Task<void> PgUserStore::set_locked_until(std::int64_t id, app::TimePoint until) {
  auto r = co_await pool_.query(kSetLockedUntil, id, to_micros(until));
  expect_one(r);
}

Task<void> PgUserStore::record_login(std::int64_t id, std::optional<std::string> new_password_hash,
                                     app::Effects effects) {
  auto body = [&](pg::Connection& tx) -> Task<void> {
    expect_one(co_await tx.query(kRecordLogin, id, new_password_hash));
    co_await write_effects(tx, effects, outbox_);
  };
  co_await pool_.transaction(body);
}

Task<void> PgUserStore::update_name(std::int64_t id, std::string name, app::Effects effects) {
  auto body = [&](pg::Connection& tx) -> Task<void> {
    expect_one(co_await tx.query(kUpdateName, id, name));
    co_await write_effects(tx, effects, outbox_);
  };
  co_await pool_.transaction(body);
}

Task<void> PgUserStore::set_password(std::int64_t id, std::string password_hash, app::EndSessions end,
                                     std::optional<std::string> keep_session_id, app::Effects effects) {
  std::optional<std::string> keep;
  if (end == app::EndSessions::kAllExcept) keep = keep_session_id;
  std::string reason = "password_changed";
  auto body = [&](pg::Connection& tx) -> Task<void> {
    expect_one(co_await tx.query(kSetPassword, id, password_hash));
    if (end != app::EndSessions::kNone) co_await end_user_sessions(tx, id, keep, reason);
    co_await write_effects(tx, effects, outbox_);
  };
  co_await pool_.transaction(body);
}

Task<void> PgUserStore::set_state(std::int64_t id, domain::AccountState state,
                                  std::optional<app::TimePoint> deletion_due_at, bool end_sessions,
                                  app::Effects effects) {
  if (state == domain::AccountState::kDeleted)
    throw std::invalid_argument("set_state: accounts become deleted through anonymise_due only");
  if (state == domain::AccountState::kPendingDeletion && !deletion_due_at)
    throw std::invalid_argument("set_state: pending_deletion needs a deletion_due_at");
  std::string state_text(domain::to_string(state));
  std::optional<std::int64_t> due;
  if (state == domain::AccountState::kPendingDeletion) due = to_micros(*deletion_due_at);
  std::optional<std::string> keep_none;
  std::string reason = end_reason(state);
  auto body = [&](pg::Connection& tx) -> Task<void> {
    expect_one(co_await tx.query(kSetState, id, state_text, due));
    if (end_sessions) co_await end_user_sessions(tx, id, keep_none, reason);
    co_await write_effects(tx, effects, outbox_);
  };
  co_await pool_.transaction(body);
}

Task<void> PgUserStore::set_role(std::int64_t id, domain::Role role, bool end_sessions,
                                 app::Effects effects) {
  std::string role_text(domain::to_string(role));
  std::optional<std::string> keep_none;
  std::string reason = "role_changed";
  auto body = [&](pg::Connection& tx) -> Task<void> {
    expect_one(co_await tx.query(kSetRole, id, role_text));
    if (end_sessions) co_await end_user_sessions(tx, id, keep_none, reason);
    co_await write_effects(tx, effects, outbox_);
  };
  co_await pool_.transaction(body);
}

Task<void> PgUserStore::set_banned(std::int64_t id, bool banned, app::Effects effects) {
  std::optional<std::string> reason_detail;
  if (banned) reason_detail = ban_reason(effects);
  std::optional<std::string> keep_none;
  std::string reason = "banned";
  auto body = [&](pg::Connection& tx) -> Task<void> {
    expect_one(co_await tx.query(kSetBanned, id, banned, reason_detail));
    if (banned) co_await end_user_sessions(tx, id, keep_none, reason);
    co_await write_effects(tx, effects, outbox_);
  };
  co_await pool_.transaction(body);
}

Task<void> PgUserStore::set_email(std::int64_t id, std::string new_email, app::Effects effects) {
  auto body = [&](pg::Connection& tx) -> Task<void> {
    pg::Result r;
    bool taken = false;
    try {
      r = co_await tx.query(kSetEmail, id, new_email);
    } catch (const domain::Error& e) {
      if (e.code() != domain::ErrorCode::kConflict) throw;
      taken = true;
    }
    if (taken) throw domain::Error::conflict("the email address is already registered");
    expect_one(r);
    co_await write_effects(tx, effects, outbox_);
  };
  co_await pool_.transaction(body);
}

Task<int> PgUserStore::anonymise_due(app::TimePoint now, int limit) {
  if (limit <= 0) co_return 0;
  auto now_us = to_micros(now);
  auto due = co_await pool_.query(kDueForAnonymisation, now_us, limit);
  int anonymised = 0;
  for (int i = 0; i < due.rows(); ++i) {
    auto r = co_await pool_.query(kAnonymise, due.int64(i, 0), now_us);
    anonymised += r.rows();
  }
  co_return anonymised;
}

Task<int> PgUserStore::purge_anonymised(app::TimePoint cutoff, int limit) {
  if (limit <= 0) co_return 0;
  auto cutoff_us = to_micros(cutoff);
  int purged = 0;
  std::int64_t after = 0;
  while (purged < limit) {
    auto candidates = co_await pool_.query(kPurgeCandidates, cutoff_us, after, limit);
    for (int i = 0; i < candidates.rows() && purged < limit; ++i) {
      std::int64_t id = candidates.int64(i, 0);
      after = id;
      try {
        auto r = co_await pool_.query(kPurgeOne, id, cutoff_us);
        purged += static_cast<int>(r.affected_rows());
      } catch (const pg::QueryError& e) {
        if (e.sqlstate() != kForeignKeyViolation) throw;
        log::debug("identity.purge_skipped_referenced", {{"user_id", id}});
      }
    }
    if (candidates.rows() < limit) break;
  }
  co_return purged;
}

}  // namespace bookstore::identity
