#pragma once
// Enqueueing jobs. The Connection overloads take the caller's open transaction, so a job exists if and
// only if the caller's change commits (the outbox rule of ARCHITECTURE.md "Data").
#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/jobs/job.hpp"
#include "adapters/pg/pool.hpp"
#include "app/task.hpp"

namespace bookstore::jobs {

// Channel the jobs table's AFTER INSERT trigger notifies (migrations/0002_jobs.sql).
inline constexpr std::string_view kNotifyChannel = "bookstore_jobs";

// Inserts one job and returns its id, or std::nullopt when job.unique_key already has a live job.
// A duplicate is skipped with ON CONFLICT DO NOTHING rather than an error, so the caller's transaction
// stays usable.
Task<std::optional<std::int64_t>> enqueue(pg::Connection& tx, const NewJob& job);
Task<std::optional<std::int64_t>> enqueue(pg::Pool& pool, const NewJob& job);

// Inserts many jobs in one statement (arrays unnested server-side); returns the ids of the inserted
// rows, which may be fewer than jobs.size() when unique keys were already taken (or repeated within
// `jobs`). The order of the ids is not the order of `jobs`.
Task<std::vector<std::int64_t>> enqueue_many(pg::Connection& tx, std::span<const NewJob> jobs);
Task<std::vector<std::int64_t>> enqueue_many(pg::Pool& pool, std::span<const NewJob> jobs);

// Delay before the next attempt after `attempt` (1-based) failed: base * 2^(attempt-1), capped at `cap`,
// then scaled by 1 + jitter * (2 * unit - 1), i.e. +-jitter around it. `unit` is a uniform draw in
// [0, 1) supplied by the caller so that the function stays pure and testable.
std::chrono::milliseconds backoff(int attempt, std::chrono::milliseconds base, std::chrono::milliseconds cap,
                                  double jitter, double unit);

// Error text as stored in jobs.last_error: valid UTF-8 without NUL bytes, at most max_bytes long.
std::string error_text(std::string_view what, std::size_t max_bytes = 2000);

// A PostgreSQL array literal ('{"a","b",NULL}') for a text-format array parameter; elements are quoted
// and escaped, std::nullopt becomes NULL.
std::string array_literal(std::span<const std::optional<std::string>> elements);
std::string array_literal(std::span<const std::string> elements);
std::string array_literal(std::span<const std::int64_t> elements);

}  // namespace bookstore::jobs
