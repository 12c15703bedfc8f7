#pragma once
// Housekeeping that every deployment runs: deleting finished jobs after their retention, audit rows
// after theirs (periodic jobs: one instance does each occurrence), and this machine's old log files (a
// local task on every instance).
#include <chrono>
#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>

#include "adapters/jobs/worker.hpp"
#include "adapters/pg/pool.hpp"
#include "app/task.hpp"

namespace bookstore::jobs {

inline constexpr std::string_view kCleanupKind = "jobs.cleanup";
inline constexpr std::string_view kAuditRetentionKind = "audit.retention";

struct MaintenanceConfig {
  // Finished jobs are deleted after the worker's WorkerConfig::retention.
  std::chrono::milliseconds audit_retention{std::chrono::hours(24 * 365)};
  std::string log_dir;                          // empty: no log files to look after
  std::string live_log_file = "bookstore.log";  // never deleted, whatever its age
  std::chrono::milliseconds log_retention{std::chrono::hours(24 * 14)};
  std::chrono::seconds interval{3600};  // how often each task runs
};

// Registers the handlers of jobs.cleanup and audit.retention, schedules both as periodic jobs, and adds
// the log retention as a local task.
void register_maintenance(Worker& worker, const MaintenanceConfig& config);

// Deletes finished (completed, cancelled, dead) jobs whose finished_at is older than `retention`, in
// chunks so that no single statement holds locks for long. Returns the number deleted.
Task<std::int64_t> delete_finished_jobs(pg::Pool& pool, std::chrono::milliseconds retention);
// Deletes audit_log rows older than `retention`, in chunks. Returns the number deleted.
Task<std::int64_t> delete_old_audit_rows(pg::Pool& pool, std::chrono::milliseconds retention);

// Deletes regular files in `dir` (not recursively) that look like log files (name ends in ".log" or
// contains ".log.") and were last modified longer than `max_age` ago, except `live_file`. A missing
// directory is not an error. Returns the number of files deleted.
std::size_t delete_old_log_files(const std::filesystem::path& dir,
                                 std::chrono::system_clock::duration max_age,
                                 std::string_view live_file = "bookstore.log");

}  // namespace bookstore::jobs
