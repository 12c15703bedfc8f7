#include "adapters/identity/identity_cleanup.hpp"

#include <string>

#include "adapters/jobs/job.hpp"
#include "adapters/log/log.hpp"

namespace bookstore::identity {
namespace {

// Deleting a session cascades to its refresh tokens and notifies the revocation channel (harmless for a
// session that ended long ago: listeners keep its id for one access-token lifetime).
constexpr std::string_view kDeleteEndedSessions = R"SQL(
DELETE FROM sessions WHERE id IN (
  SELECT id FROM sessions
  WHERE coalesce(revoked_at, least(idle_expires_at, absolute_expires_at)) < now() - $1 * interval '1 second'
  LIMIT $2))SQL";

constexpr std::string_view kDeleteOldTokens = R"SQL(
DELETE FROM one_time_tokens WHERE id IN (
  SELECT id FROM one_time_tokens
  WHERE coalesce(used_at, superseded_at, expires_at) < now() - $1 * interval '1 second'
    AND expires_at < now()
  LIMIT $2))SQL";

Task<std::int64_t> delete_in_batches(pg::Pool& pool, std::string_view sql, std::chrono::seconds keep,
                                     int batch) {
  std::int64_t total = 0;
  for (;;) {
    auto r = co_await pool.query(sql, static_cast<std::int64_t>(keep.count()), batch);
    auto n = r.affected_rows();
    total += n;
    if (n < batch) co_return total;
  }
}

}  // namespace

Task<CleanupCounts> clean_up_identity(pg::Pool& pool, IdentityCleanupConfig config) {
  CleanupCounts c;
  c.sessions = co_await delete_in_batches(pool, kDeleteEndedSessions,
                                          std::chrono::duration_cast<std::chrono::seconds>(config.keep_ended),
                                          config.batch);
  c.tokens = co_await delete_in_batches(pool, kDeleteOldTokens,
                                        std::chrono::duration_cast<std::chrono::seconds>(config.keep_tokens),
                                        config.batch);
  co_return c;
}

void register_identity_cleanup(jobs::Worker& worker, pg::Pool& pool, IdentityCleanupConfig config) {
  worker.handle(std::string(kCleanupKind), [&pool, config](const jobs::JobContext&) -> Task<void> {
    auto counts = co_await clean_up_identity(pool, config);
    if (counts.sessions > 0 || counts.tokens > 0)
      log::info("identity.cleanup",
                {{"sessions_deleted", counts.sessions}, {"tokens_deleted", counts.tokens}});
  });
  worker.add_periodic(std::string(kCleanupKind), config.every);
}

}  // namespace bookstore::identity
