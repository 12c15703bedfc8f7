#pragma once
// Configuration comes from environment variables, each with a documented default; `bookstore --help`
// prints the table below. Values are validated at start: a bad value stops the process with a message
// naming the variable, never a half-configured service.
#include <chrono>
#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace bookstore::config {

struct Variable {
  std::string_view name;
  std::string_view default_value;
  std::string_view description;
};

// Every variable the service reads, in the order --help lists them.
const std::vector<Variable>& variables();

struct Config {
  // HTTP server
  std::string listen_address;
  unsigned short port = 0;
  unsigned threads = 0;
  std::size_t max_body_bytes = 0;
  std::size_t max_upload_bytes = 0;  // body limit of the book file upload route (see http/server.hpp)
  std::size_t max_header_bytes = 0;
  std::chrono::milliseconds read_timeout{};
  std::chrono::milliseconds idle_timeout{};
  std::chrono::milliseconds shutdown_grace{};
  std::string public_base_url;
  std::string trusted_proxies;  // checked when the server is configured (http::TrustedProxies::parse)
  bool bench_routes = false;

  // PostgreSQL
  std::string database_url;
  std::size_t db_pool_size = 0;
  std::chrono::milliseconds db_acquire_timeout{};
  std::chrono::milliseconds db_connect_timeout{};
  std::size_t db_pipeline_connections = 0;
  bool migrate_on_start = true;

  // Logs
  std::string log_dir;
  std::string log_level;
  std::size_t log_max_file_bytes = 0;
  std::size_t log_max_files = 0;
  std::chrono::hours log_retention{};
  std::chrono::hours audit_retention{};

  // Background jobs
  std::size_t job_concurrency = 0;  // jobs run at once by this process; 0: no worker in `serve`
  std::chrono::milliseconds job_poll_interval{};
  std::chrono::seconds job_rescue_after{};
  std::chrono::hours job_retention{};
  std::chrono::milliseconds job_retry_base{};  // first retry delay; doubles per attempt
  std::string instance_id;

  // Identity: keys (PASERK strings or file paths), tokens, passwords, abuse limits, account lifecycle
  std::string token_signing_key;
  std::string token_verify_keys;
  std::string local_key;
  std::string token_issuer;
  std::string token_audience;
  std::chrono::seconds access_token_ttl{};
  std::chrono::hours refresh_idle{};
  std::chrono::hours refresh_absolute{};
  std::chrono::seconds refresh_reuse_grace{};
  std::size_t argon2_memory_kib = 0;
  unsigned argon2_iterations = 0;
  unsigned hash_threads = 0;
  std::size_t hash_queue = 0;
  std::string common_passwords_file;
  int lockout_threshold = 0;
  std::chrono::seconds lockout_base{};
  std::chrono::seconds lockout_max{};
  unsigned auth_rate_per_second = 0;
  unsigned auth_burst = 0;
  std::chrono::hours deletion_grace{};
  std::chrono::hours order_retention{};

  // Mail
  std::string smtp_url;
  std::string smtp_username;
  std::string smtp_password;
  bool smtp_require_tls = false;
  std::string mail_from;

  // Catalog
  std::string book_files_dir;  // empty: serve refuses to start (catalog::LocalBookFiles)

  bool test_jobs = false;
  bool test_routes = false;
};

// Reads the environment through `getenv` (injectable for tests). Throws std::invalid_argument naming the
// variable and what is wrong with its value.
Config load(const std::function<const char*(const char*)>& getenv);
Config load_from_environment();

// The --help text: commands and every variable with its default.
std::string help_text();

}  // namespace bookstore::config
