#pragma once
// The account lifecycle's periodic jobs (PRODUCT.md 1, "Account deletion"):
//   identity.anonymise  accounts whose deletion grace period is over become anonymous
//   (UserStore::anonymise_due) identity.purge      anonymised accounts past the legal retention period are
//   removed
//                       (UserStore::purge_anonymised; rows still referenced by kept data stay)
// Each is a periodic job of the worker, so with several instances one of them runs each occurrence.
#include <chrono>
#include <string_view>

#include "adapters/jobs/worker.hpp"
#include "app/ports/clock.hpp"
#include "app/ports/user_store.hpp"
#include "app/task.hpp"

namespace bookstore::identity {

inline constexpr std::string_view kAnonymiseKind = "identity.anonymise";
inline constexpr std::string_view kPurgeKind = "identity.purge";

struct IdentityJobsConfig {
  std::chrono::seconds anonymise_every{3600};
  std::chrono::seconds purge_every{24 * 3600};
  std::chrono::hours retention{24 * 2922};  // 8 years: BOOKSTORE_ORDER_RETENTION_DAYS
  int batch = 100;                          // accounts per store call
};

// Registers both handlers and schedules both periodic jobs. `users` must outlive the worker's run().
void register_identity_jobs(jobs::Worker& worker, app::UserStore& users, IdentityJobsConfig config = {});

// What the handlers do: call the store batch after batch until a batch comes back short; return the
// total. `now` is the job's start (this host's clock).
Task<int> anonymise_all_due(app::UserStore& users, app::TimePoint now, int batch);
Task<int> purge_all_anonymised(app::UserStore& users, app::TimePoint cutoff, int batch);

}  // namespace bookstore::identity
