#include "adapters/jobs/maintenance.hpp"

#include <system_error>

#include "adapters/log/log.hpp"

namespace bookstore::jobs {
namespace {

// Deleting in chunks of at most 10k rows keeps each statement short and its WAL small; the loop
// ends when a chunk comes back short.
constexpr std::int64_t kChunk = 10000;

constexpr std::string_view kDeleteJobs = R"SQL(
DELETE FROM jobs WHERE id IN (
  SELECT id FROM jobs
  WHERE state IN ('completed', 'dead', 'cancelled') AND finished_at < now() - $1 * interval '1 millisecond'
  LIMIT $2))SQL";

constexpr std::string_view kDeleteAudit = R"SQL(
DELETE FROM audit_log WHERE id IN (
  SELECT id FROM audit_log WHERE occurred_at < now() - $1 * interval '1 millisecond' LIMIT $2))SQL";

Task<std::int64_t> delete_in_chunks(pg::Pool& pool, std::string_view sql,
                                    std::chrono::milliseconds retention) {
  std::int64_t total = 0;
  for (;;) {
    auto r = co_await pool.query(sql, static_cast<std::int64_t>(retention.count()), kChunk);
    total += r.affected_rows();
    if (r.affected_rows() < kChunk) co_return total;
  }
}

bool looks_like_log_file(const std::string& name) {
  return (name.size() > 4 && name.ends_with(".log")) || name.find(".log.") != std::string::npos;
}

}  // namespace

Task<std::int64_t> delete_finished_jobs(pg::Pool& pool, std::chrono::milliseconds retention) {
  co_return co_await delete_in_chunks(pool, kDeleteJobs, retention);
}

Task<std::int64_t> delete_old_audit_rows(pg::Pool& pool, std::chrono::milliseconds retention) {
  co_return co_await delete_in_chunks(pool, kDeleteAudit, retention);
}

std::size_t delete_old_log_files(const std::filesystem::path& dir,
                                 std::chrono::system_clock::duration max_age, std::string_view live_file) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (dir.empty() || !fs::is_directory(dir, ec)) return 0;
  auto cutoff =
      fs::file_time_type::clock::now() - std::chrono::duration_cast<fs::file_time_type::duration>(max_age);
  std::size_t deleted = 0;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    const auto& entry = *it;
    auto name = entry.path().filename().string();
    if (name == live_file || !looks_like_log_file(name)) continue;
    std::error_code fec;
    if (!entry.is_regular_file(fec) || fec) continue;  // symlinks to elsewhere, directories: leave alone
    auto mtime = fs::last_write_time(entry.path(), fec);
    if (fec || mtime >= cutoff) continue;
    if (fs::remove(entry.path(), fec)) {
      ++deleted;
    } else if (fec) {
      log::warn("logs.retention_delete_failed", {{"file", name}, {"error", fec.message()}});
    }
  }
  return deleted;
}

void register_maintenance(Worker& worker, const MaintenanceConfig& config) {
  pg::Pool* pool = &worker.pool();
  auto job_retention = worker.config().retention;
  worker.handle(std::string(kCleanupKind), [pool, job_retention](const JobContext&) -> Task<void> {
    auto n = co_await delete_finished_jobs(*pool, job_retention);
    if (n > 0) log::info("jobs.cleanup", {{"deleted", n}});
  });
  auto audit_retention = config.audit_retention;
  worker.handle(std::string(kAuditRetentionKind), [pool, audit_retention](const JobContext&) -> Task<void> {
    auto n = co_await delete_old_audit_rows(*pool, audit_retention);
    if (n > 0) log::info("audit.retention", {{"deleted", n}});
  });
  worker.add_periodic(std::string(kCleanupKind), config.interval);
  worker.add_periodic(std::string(kAuditRetentionKind), config.interval);

  // Log files are local to each machine, while a job runs on whichever single instance claims it: a
  // "logs.retention" job would clean one machine per occurrence and never the others. So every worker
  // process looks after its own log directory with a local timer instead. The directory holds a handful
  // of files, so doing the filesystem calls on the event loop is cheap enough.
  if (!config.log_dir.empty()) {
    worker.add_local_task(
        "logs.retention", std::chrono::duration_cast<std::chrono::milliseconds>(config.interval),
        [dir = config.log_dir, age = config.log_retention, live = config.live_log_file]() -> Task<void> {
          auto n = delete_old_log_files(dir, age, live);
          if (n > 0) log::info("logs.retention", {{"deleted", n}, {"dir", dir}});
          co_return;
        });
  }
}

}  // namespace bookstore::jobs
