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

// Not an aggregate on purpose: g++ 12 destroys an aggregate temporary twice when it appears in a
// co_await expression (`co_await enqueue(pool, NewJob{"k"})` would double-free); a class with a
// constructor is handled correctly.
struct NewJob {
  NewJob() = default;
  NewJob(std::string kind_, nlohmann::json payload_ = nlohmann::json::object(),
         std::optional<std::string> unique_key_ = std::nullopt)
      : kind(std::move(kind_)),
        payload(payload_.is_null() ? nlohmann::json::object() : std::move(payload_)),
        unique_key(std::move(unique_key_)) {}

  std::string kind;  // which handler runs it, e.g. "mail.send"
  nlohmann::json payload = nlohmann::json::object();
  // At most one live (available or running) job per key; a second enqueue returns std::nullopt.
  std::optional<std::string> unique_key = std::nullopt;
  // Not before this time; std::nullopt means now (the database's clock).
  std::optional<std::chrono::system_clock::time_point> run_at = std::nullopt;
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
