#pragma once
// identity.cleanup, a periodic job: sessions and single-use tokens that can no longer be used are
// deleted some time after they stopped working, so those tables do not grow for ever. Revoked and
// expired sessions stay `keep_ended` (default 30 days) for support questions ("where was I logged
// in?") and GET /me/export; expired or used one-time tokens stay a day.
#include <chrono>
#include <cstdint>
#include <string_view>

#include "adapters/jobs/worker.hpp"
#include "adapters/pg/pool.hpp"
#include "app/task.hpp"

namespace bookstore::identity {

inline constexpr std::string_view kCleanupKind = "identity.cleanup";

struct IdentityCleanupConfig {
  std::chrono::seconds every{3600};
  std::chrono::hours keep_ended{24 * 30};
  std::chrono::hours keep_tokens{24};
  int batch = 1000;  // rows per statement; the job repeats until a batch comes back short
};

struct CleanupCounts {
  std::int64_t sessions = 0;
  std::int64_t tokens = 0;
};

void register_identity_cleanup(jobs::Worker& worker, pg::Pool& pool, IdentityCleanupConfig config = {});
Task<CleanupCounts> clean_up_identity(pg::Pool& pool, IdentityCleanupConfig config);

}  // namespace bookstore::identity
