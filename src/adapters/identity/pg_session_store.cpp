#include "adapters/identity/pg_session_store.hpp"

#include "adapters/identity/sql_support.hpp"
#include "domain/identity/session_id.hpp"

namespace bookstore::identity {
namespace {

constexpr std::string_view kSessionColumns = R"SQL(
  s.id::text, s.user_id, s.user_agent, COALESCE(host(s.ip), ''),
  (extract(epoch FROM s.created_at) * 1000000)::bigint,
  (extract(epoch FROM s.last_used_at) * 1000000)::bigint,
  (extract(epoch FROM s.idle_expires_at) * 1000000)::bigint,
  (extract(epoch FROM s.absolute_expires_at) * 1000000)::bigint,
  (extract(epoch FROM s.revoked_at) * 1000000)::bigint,
  COALESCE(s.revoked_reason, ''))SQL";
constexpr int kSessionColumnCount = 10;

// The session and its first refresh token (generation 0) in one statement.
constexpr std::string_view kCreate = R"SQL(
WITH s AS (
  INSERT INTO sessions (user_id, user_agent, ip, idle_expires_at, absolute_expires_at)
  VALUES ($1, $2, $3::inet, timestamptz 'epoch' + $4::bigint * interval '1 microsecond',
          timestamptz 'epoch' + $5::bigint * interval '1 microsecond')
  RETURNING id)
INSERT INTO refresh_tokens (digest, session_id, generation)
SELECT $6, id, 0 FROM s
RETURNING session_id::text)SQL";

constexpr std::string_view kFindRefreshHead = R"SQL(
SELECT r.generation, (extract(epoch FROM r.replaced_at) * 1000000)::bigint,)SQL";
constexpr std::string_view kFindRefreshTail = R"SQL(
FROM refresh_tokens r JOIN sessions s ON s.id = r.session_id
WHERE r.digest = $1)SQL";
constexpr std::string_view kFindRefresh = Join<kFindRefreshHead, kSessionColumns, kFindRefreshTail>::value;

// Rotation, step 1: the row lock on the live session serialises every rotation (and revocation) of
// it, so the compare-and-set of step 2 sees what a concurrent rotation committed. NO KEY UPDATE: it
// does not block the foreign-key checks of refresh_tokens inserts.
constexpr std::string_view kLockLiveSession = R"SQL(
SELECT 1 FROM sessions WHERE id = $1::uuid AND revoked_at IS NULL FOR NO KEY UPDATE)SQL";

// Step 2, the compare-and-set: only a token not yet replaced, or (allow_replaced: the caller checked
// that it was replaced within the grace window) one that was; its first replaced_at is kept.
constexpr std::string_view kReplaceToken = R"SQL(
UPDATE refresh_tokens SET replaced_at = COALESCE(replaced_at, now())
WHERE digest = $2 AND session_id = $1::uuid AND (replaced_at IS NULL OR $3::boolean)
RETURNING generation)SQL";

// Step 3: with allow_replaced every other live token of the session is retired too (the one that
// replaced the presented token in the first place), the new token is inserted and the session touched.
constexpr std::string_view kAdvance = R"SQL(
WITH others AS (
  UPDATE refresh_tokens SET replaced_at = now()
  WHERE $4::boolean AND session_id = $1::uuid AND replaced_at IS NULL AND digest <> $2
), touched AS (
  UPDATE sessions
  SET last_used_at = now(), idle_expires_at = timestamptz 'epoch' + $5::bigint * interval '1 microsecond'
  WHERE id = $1::uuid
)
INSERT INTO refresh_tokens (digest, session_id, generation) VALUES ($3, $1::uuid, $6))SQL";

constexpr std::string_view kFindHead = "SELECT";
constexpr std::string_view kFindTail = R"SQL(
FROM sessions s WHERE s.id = $1::uuid)SQL";
constexpr std::string_view kFind = Join<kFindHead, kSessionColumns, kFindTail>::value;

constexpr std::string_view kListActiveTail = R"SQL(
FROM sessions s
WHERE s.user_id = $1 AND s.revoked_at IS NULL
  AND s.idle_expires_at > timestamptz 'epoch' + $2::bigint * interval '1 microsecond'
  AND s.absolute_expires_at > timestamptz 'epoch' + $2::bigint * interval '1 microsecond'
ORDER BY s.created_at DESC, s.id DESC)SQL";
constexpr std::string_view kListActive = Join<kFindHead, kSessionColumns, kListActiveTail>::value;

// The user_id guard makes another user's session look like no session at all.
constexpr std::string_view kRevoke = R"SQL(
UPDATE sessions SET revoked_at = now(), revoked_reason = $3
WHERE id = $1::uuid AND user_id = $2 AND revoked_at IS NULL)SQL";

constexpr std::string_view kRevokeAll = R"SQL(
UPDATE sessions SET revoked_at = now(), revoked_reason = $3
WHERE user_id = $1 AND revoked_at IS NULL AND ($2::uuid IS NULL OR id <> $2::uuid))SQL";

app::SessionRecord session_at(const pg::Result& r, int row, int c) {
  app::SessionRecord s;
  s.id = std::string(r.text(row, c));
  s.user_id = r.int64(row, c + 1);
  s.user_agent = std::string(r.text(row, c + 2));
  s.ip = std::string(r.text(row, c + 3));
  s.created_at = time_at(r, row, c + 4);
  s.last_used_at = time_at(r, row, c + 5);
  s.idle_expires_at = time_at(r, row, c + 6);
  s.absolute_expires_at = time_at(r, row, c + 7);
  s.revoked_at = optional_time_at(r, row, c + 8);
  s.revoked_reason = std::string(r.text(row, c + 9));
  static_assert(kSessionColumnCount == 10);
  return s;
}

}  // namespace

Task<int> end_user_sessions(pg::Connection& tx, std::int64_t user_id,
                            std::optional<std::string> except_session_id, std::string reason) {
  // An id that is not a uuid matches no session: excepting it is excepting nothing.
  std::optional<std::string> except;
  if (except_session_id && domain::is_session_id(*except_session_id)) except = except_session_id;
  auto r = co_await tx.query(kRevokeAll, user_id, except, reason);
  co_return static_cast<int>(r.affected_rows());
}

PgSessionStore::PgSessionStore(pg::Pool& pool, MailOutbox outbox) : pool_(pool), outbox_(std::move(outbox)) {}

Task<std::string> PgSessionStore::create(app::NewSession session, app::Effects effects) {
  auto ip = inet_param(session.ip);
  auto body = [&](pg::Connection& tx) -> Task<std::string> {
    auto r = co_await tx.query(kCreate, session.user_id, session.user_agent, ip,
                               to_micros(session.idle_expires_at), to_micros(session.absolute_expires_at),
                               session.refresh_digest);
    std::string id(r.text(0, 0));
    for (auto& e : effects.audit) {
      if (e.target_type == "session" && e.target_id.empty()) e.target_id = id;
    }
    co_await write_effects(tx, effects, outbox_);
    co_return id;
  };
  co_return co_await pool_.transaction(body);
}

Task<std::optional<app::RefreshTokenRecord>> PgSessionStore::find_refresh(std::string refresh_digest) {
  auto r = co_await pool_.query(kFindRefresh, refresh_digest);
  if (r.rows() == 0) co_return std::nullopt;
  app::RefreshTokenRecord rec;
  rec.generation = static_cast<int>(r.int64(0, 0));
  rec.replaced_at = optional_time_at(r, 0, 1);
  rec.session = session_at(r, 0, 2);
  rec.session_id = rec.session.id;
  co_return rec;
}

Task<bool> PgSessionStore::rotate(std::string session_id, std::string old_digest, std::string new_digest,
                                  bool allow_replaced, app::TimePoint idle_expires_at) {
  if (!domain::is_session_id(session_id)) co_return false;
  auto body = [&](pg::Connection& tx) -> Task<bool> {
    auto locked = co_await tx.query(kLockLiveSession, session_id);
    if (locked.rows() == 0) co_return false;
    auto replaced = co_await tx.query(kReplaceToken, session_id, old_digest, allow_replaced);
    if (replaced.rows() == 0) co_return false;
    auto generation = replaced.int64(0, 0) + 1;
    co_await tx.query(kAdvance, session_id, old_digest, new_digest, allow_replaced,
                      to_micros(idle_expires_at), generation);
    co_return true;
  };
  co_return co_await pool_.transaction(body);
}

Task<std::optional<app::SessionRecord>> PgSessionStore::find(std::string session_id) {
  if (!domain::is_session_id(session_id)) co_return std::nullopt;
  auto r = co_await pool_.query(kFind, session_id);
  if (r.rows() == 0) co_return std::nullopt;
  co_return session_at(r, 0, 0);
}

Task<std::vector<app::SessionRecord>> PgSessionStore::list_active(std::int64_t user_id, app::TimePoint now) {
  auto r = co_await pool_.query(kListActive, user_id, to_micros(now));
  std::vector<app::SessionRecord> out;
  out.reserve(static_cast<std::size_t>(r.rows()));
  for (int i = 0; i < r.rows(); ++i) out.push_back(session_at(r, i, 0));
  co_return out;
}

Task<bool> PgSessionStore::revoke(std::string session_id, std::int64_t user_id, std::string reason,
                                  app::Effects effects) {
  if (!domain::is_session_id(session_id)) co_return false;
  auto body = [&](pg::Connection& tx) -> Task<bool> {
    auto r = co_await tx.query(kRevoke, session_id, user_id, reason);
    if (r.affected_rows() == 0) co_return false;
    co_await write_effects(tx, effects, outbox_);
    co_return true;
  };
  co_return co_await pool_.transaction(body);
}

Task<int> PgSessionStore::revoke_all(std::int64_t user_id, std::optional<std::string> except_session_id,
                                     std::string reason, app::Effects effects) {
  auto body = [&](pg::Connection& tx) -> Task<int> {
    int n = co_await end_user_sessions(tx, user_id, except_session_id, reason);
    co_await write_effects(tx, effects, outbox_);
    co_return n;
  };
  co_return co_await pool_.transaction(body);
}

}  // namespace bookstore::identity
