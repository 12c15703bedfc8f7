#include "adapters/jobs/queue.hpp"

#include <algorithm>
#include <cmath>

namespace bookstore::jobs {
namespace {

// The predicate of the jobs_unique_live index: ON CONFLICT must name it so that PostgreSQL infers it.
constexpr std::string_view kInsertOne = R"SQL(
INSERT INTO jobs (kind, payload, priority, run_at, max_attempts, unique_key)
VALUES ($1, $2::jsonb, $3, COALESCE(timestamptz 'epoch' + $4::bigint * interval '1 microsecond', now()), $5, $6)
ON CONFLICT (unique_key) WHERE unique_key IS NOT NULL AND state IN ('available', 'running') DO NOTHING
RETURNING id)SQL";

constexpr std::string_view kInsertMany = R"SQL(
INSERT INTO jobs (kind, payload, priority, run_at, max_attempts, unique_key)
SELECT k, p, pr, COALESCE(timestamptz 'epoch' + r * interval '1 microsecond', now()), m, u
FROM unnest($1::text[], $2::jsonb[], $3::smallint[], $4::bigint[], $5::integer[], $6::text[]) AS t(k, p, pr, r, m, u)
ON CONFLICT (unique_key) WHERE unique_key IS NOT NULL AND state IN ('available', 'running') DO NOTHING
RETURNING id)SQL";

std::optional<std::int64_t> micros_since_epoch(
    const std::optional<std::chrono::system_clock::time_point>& t) {
  if (!t) return std::nullopt;
  return std::chrono::duration_cast<std::chrono::microseconds>(t->time_since_epoch()).count();
}

void validate(const NewJob& job) {
  if (job.kind.empty()) throw std::invalid_argument("jobs::enqueue: kind is empty");
  if (job.max_attempts < 1) throw std::invalid_argument("jobs::enqueue: max_attempts must be at least 1");
  if (job.priority < -32768 || job.priority > 32767)
    throw std::invalid_argument("jobs::enqueue: priority out of smallint range");
}

void append_quoted(std::string& out, std::string_view v) {
  out.push_back('"');
  for (char c : v) {
    if (c == '"' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  out.push_back('"');
}

}  // namespace

std::string array_literal(std::span<const std::optional<std::string>> elements) {
  std::string out = "{";
  std::size_t size = 2;
  for (auto& e : elements) size += (e ? e->size() + 3 : 5);
  out.reserve(size);
  bool first = true;
  for (auto& e : elements) {
    if (!first) out.push_back(',');
    first = false;
    if (e)
      append_quoted(out, *e);
    else
      out += "NULL";
  }
  out.push_back('}');
  return out;
}

std::string array_literal(std::span<const std::string> elements) {
  std::string out = "{";
  bool first = true;
  for (auto& e : elements) {
    if (!first) out.push_back(',');
    first = false;
    append_quoted(out, e);
  }
  out.push_back('}');
  return out;
}

std::string array_literal(std::span<const std::int64_t> elements) {
  std::string out = "{";
  out.reserve(elements.size() * 8 + 2);
  bool first = true;
  for (auto v : elements) {
    if (!first) out.push_back(',');
    first = false;
    out += std::to_string(v);
  }
  out.push_back('}');
  return out;
}

Task<std::optional<std::int64_t>> enqueue(pg::Connection& tx, const NewJob& job) {
  validate(job);
  auto r = co_await tx.query(kInsertOne, job.kind, job.payload.dump(), job.priority,
                             micros_since_epoch(job.run_at), job.max_attempts, job.unique_key);
  if (r.rows() == 0) co_return std::nullopt;
  co_return r.int64(0, 0);
}

Task<std::optional<std::int64_t>> enqueue(pg::Pool& pool, const NewJob& job) {
  auto conn = co_await pool.acquire();
  co_return co_await enqueue(*conn, job);
}

Task<std::vector<std::int64_t>> enqueue_many(pg::Connection& tx, std::span<const NewJob> jobs) {
  std::vector<std::int64_t> ids;
  if (jobs.empty()) co_return ids;
  std::vector<std::optional<std::string>> kinds, payloads, priorities, run_ats, max_attempts, keys;
  for (auto* v : {&kinds, &payloads, &priorities, &run_ats, &max_attempts, &keys}) v->reserve(jobs.size());
  for (const auto& job : jobs) {
    validate(job);
    kinds.emplace_back(job.kind);
    payloads.emplace_back(job.payload.dump());
    priorities.emplace_back(std::to_string(job.priority));
    auto micros = micros_since_epoch(job.run_at);
    run_ats.emplace_back(micros ? std::optional<std::string>(std::to_string(*micros)) : std::nullopt);
    max_attempts.emplace_back(std::to_string(job.max_attempts));
    keys.emplace_back(job.unique_key);
  }
  auto r =
      co_await tx.query(kInsertMany, array_literal(kinds), array_literal(payloads), array_literal(priorities),
                        array_literal(run_ats), array_literal(max_attempts), array_literal(keys));
  ids.reserve(static_cast<std::size_t>(r.rows()));
  for (int i = 0; i < r.rows(); ++i) ids.push_back(r.int64(i, 0));
  co_return ids;
}

Task<std::vector<std::int64_t>> enqueue_many(pg::Pool& pool, std::span<const NewJob> jobs) {
  auto conn = co_await pool.acquire();
  co_return co_await enqueue_many(*conn, jobs);
}

std::chrono::milliseconds backoff(int attempt, std::chrono::milliseconds base, std::chrono::milliseconds cap,
                                  double jitter, double unit) {
  attempt = std::max(attempt, 1);
  // 2^(attempt-1) overflows quickly; once past the cap the exact power does not matter.
  double delay = static_cast<double>(base.count()) * std::pow(2.0, std::min(attempt - 1, 60));
  delay = std::min(delay, static_cast<double>(cap.count()));
  jitter = std::clamp(jitter, 0.0, 1.0);
  unit = std::clamp(unit, 0.0, 1.0);
  delay *= 1.0 + jitter * (2.0 * unit - 1.0);
  return std::chrono::milliseconds(static_cast<std::int64_t>(std::llround(std::max(delay, 0.0))));
}

std::string error_text(std::string_view what, std::size_t max_bytes) {
  // PostgreSQL rejects invalid UTF-8 and libpq text parameters end at NUL: replace both with '?', so a
  // weird exception message can never make recording the failure itself fail.
  std::string out;
  out.reserve(std::min(what.size(), max_bytes));
  std::size_t i = 0;
  while (i < what.size()) {
    auto c = static_cast<unsigned char>(what[i]);
    std::size_t len = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
    bool valid = len > 0 && i + len <= what.size();
    for (std::size_t k = 1; valid && k < len; ++k)
      valid = (static_cast<unsigned char>(what[i + k]) >> 6) == 0x2;
    if (valid && len > 1) {  // no overlong forms, surrogates or code points above U+10FFFF
      auto c1 = static_cast<unsigned char>(what[i + 1]);
      if (len == 2) valid = c >= 0xC2;
      if (len == 3) valid = !(c == 0xE0 && c1 < 0xA0) && !(c == 0xED && c1 >= 0xA0);
      if (len == 4) valid = c <= 0xF4 && !(c == 0xF0 && c1 < 0x90) && !(c == 0xF4 && c1 >= 0x90);
    }
    if (!valid || c == 0) {
      if (out.size() + 1 > max_bytes) break;
      out.push_back('?');
      ++i;
      continue;
    }
    if (out.size() + len > max_bytes) break;
    out.append(what.substr(i, len));
    i += len;
  }
  return out;
}

}  // namespace bookstore::jobs
