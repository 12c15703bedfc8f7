#pragma once
// The values of the job queue: what is enqueued (NewJob), what a handler sees (JobContext), and how a
// handler ends a job without retries (Cancel). See queue.hpp for enqueue and worker.hpp for running.
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>

#include <nlohmann/json.hpp>

#include "app/task.hpp"

namespace bookstore::jobs {

struct NewJob {
  std::string kind;  // which handler runs it, e.g. "mail.send"
  nlohmann::json payload = nlohmann::json::object();
  // At most one live (available or running) job per key; a second enqueue returns std::nullopt.
  std::optional<std::string> unique_key;
  // Not before this time; std::nullopt means now (the database's clock).
  std::optional<std::chrono::system_clock::time_point> run_at;
  int priority = 100;  // lower runs first
  int max_attempts = 20;
};

struct JobContext {
  std::int64_t id = 0;
  std::string kind;
  nlohmann::json payload;
  int attempt = 0;  // 1 on the first run
  int max_attempts = 0;
};

// A handler finishes normally (completed) or throws: any exception retries the job later with backoff
// (its what() is stored, truncated: never put secrets in exception messages) until max_attempts, then
// the job is dead. Throwing Cancel ends the job as cancelled without further attempts.
using Handler = std::function<Task<void>(const JobContext&)>;

class Cancel : public std::runtime_error {
 public:
  explicit Cancel(const std::string& reason) : std::runtime_error(reason) {}
};
using Discard = Cancel;

}  // namespace bookstore::jobs
