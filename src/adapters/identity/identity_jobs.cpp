#include "adapters/identity/identity_jobs.hpp"

#include <algorithm>
#include <string>

#include "adapters/log/log.hpp"

namespace bookstore::identity {

Task<int> anonymise_all_due(app::UserStore& users, app::TimePoint now, int batch) {
  batch = std::max(batch, 1);
  int total = 0;
  for (;;) {
    // Each anonymised account leaves pending_deletion, so every full batch is progress.
    int n = co_await users.anonymise_due(now, batch);
    total += n;
    if (n < batch) co_return total;
  }
}

Task<int> purge_all_anonymised(app::UserStore& users, app::TimePoint cutoff, int batch) {
  batch = std::max(batch, 1);
  int total = 0;
  for (;;) {
    // Counts only removed rows (skipped, still referenced ones do not), so a full batch is progress.
    int n = co_await users.purge_anonymised(cutoff, batch);
    total += n;
    if (n < batch) co_return total;
  }
}

void register_identity_jobs(jobs::Worker& worker, app::UserStore& users, IdentityJobsConfig config) {
  app::UserStore* store = &users;
  int batch = config.batch;
  auto retention = config.retention;
  worker.handle(std::string(kAnonymiseKind), [store, batch](const jobs::JobContext&) -> Task<void> {
    auto n = co_await anonymise_all_due(*store, std::chrono::system_clock::now(), batch);
    if (n > 0) log::info("identity.anonymised", {{"accounts", n}});
  });
  worker.handle(std::string(kPurgeKind), [store, batch, retention](const jobs::JobContext&) -> Task<void> {
    auto cutoff = std::chrono::system_clock::now() - retention;
    auto n = co_await purge_all_anonymised(*store, cutoff, batch);
    if (n > 0) log::info("identity.purged", {{"accounts", n}});
  });
  worker.add_periodic(std::string(kAnonymiseKind), config.anonymise_every);
  worker.add_periodic(std::string(kPurgeKind), config.purge_every);
}

}  // namespace bookstore::identity
