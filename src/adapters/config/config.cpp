#include "adapters/config/config.hpp"

#include <unistd.h>

#include <charconv>
#include <cstdlib>
#include <limits>
#include <stdexcept>
#include <thread>

#include <fmt/format.h>

namespace bookstore::config {

const std::vector<Variable>& variables() {
  static const std::vector<Variable> all = {
      {"BOOKSTORE_LISTEN_ADDRESS", "127.0.0.1", "address the HTTP server binds"},
      {"BOOKSTORE_PORT", "8080", "port the HTTP server binds"},
      {"BOOKSTORE_THREADS", "0", "event-loop threads; 0 means one per core"},
      {"BOOKSTORE_MAX_BODY_BYTES", "1048576", "largest request body accepted (413 above)"},
      {"BOOKSTORE_MAX_HEADER_BYTES", "16384", "largest request header block accepted (431 above)"},
      {"BOOKSTORE_READ_TIMEOUT_MS", "15000", "time allowed to read one whole request"},
      {"BOOKSTORE_IDLE_TIMEOUT_MS", "60000", "keep-alive connections idle longer than this are closed"},
      {"BOOKSTORE_SHUTDOWN_GRACE_MS", "10000",
       "on SIGTERM/SIGINT, time given to in-flight requests and jobs"},
      {"BOOKSTORE_PUBLIC_BASE_URL", "http://localhost:8080",
       "the URL users reach the shop at (links in mail)"},
      {"BOOKSTORE_BENCH_ROUTES", "0",
       "1 adds GET /bench/account/{aid} (one pgbench_accounts lookup) for make bench"},
      {"BOOKSTORE_DATABASE_URL", "postgresql:///bookstore", "libpq connection string or URI"},
      {"BOOKSTORE_DB_POOL_SIZE", "16", "most connections the pool opens"},
      {"BOOKSTORE_DB_ACQUIRE_TIMEOUT_MS", "2000", "wait for a free connection before answering 503"},
      {"BOOKSTORE_DB_CONNECT_TIMEOUT_MS", "3000", "time allowed to open one connection"},
      {"BOOKSTORE_DB_PIPELINE_CONNECTIONS", "4",
       "pool connections shared by single statements in pipeline mode (at most half the pool); 0: none"},
      {"BOOKSTORE_MIGRATE_ON_START", "1", "apply pending migrations when serve/worker starts"},
      {"BOOKSTORE_LOG_DIR", "", "directory for rotated JSON log files; empty: stdout only"},
      {"BOOKSTORE_LOG_LEVEL", "info", "trace, debug, info, warn, error, critical or off"},
      {"BOOKSTORE_LOG_MAX_FILE_MB", "10", "a log file is rotated at this size"},
      {"BOOKSTORE_LOG_MAX_FILES", "5", "rotated log files kept by the logger"},
      {"BOOKSTORE_LOG_RETENTION_DAYS", "14", "log files older than this are deleted by the retention job"},
      {"BOOKSTORE_AUDIT_RETENTION_DAYS", "365",
       "audit rows older than this are deleted by the retention job"},
      {"BOOKSTORE_JOB_CONCURRENCY", "8", "jobs run at once by this process; 0 runs no worker inside serve"},
      {"BOOKSTORE_JOB_POLL_INTERVAL_MS", "1000",
       "poll for due jobs this often besides LISTEN/NOTIFY wake-ups"},
      {"BOOKSTORE_JOB_RESCUE_AFTER_S", "60",
       "a running job whose worker sent no heartbeat for this long is retried"},
      {"BOOKSTORE_JOB_RETENTION_HOURS", "168", "finished jobs are deleted after this many hours"},
      {"BOOKSTORE_JOB_RETRY_BASE_MS", "1000",
       "a failed job is retried after this * 2^(attempt-1), +-20%, at most 1 h"},
      {"BOOKSTORE_INSTANCE_ID", "", "name of this process in job locks and logs; default host:pid"},
      {"BOOKSTORE_TEST_JOBS", "0", "1 registers the test.* job kinds used by the test suite"},
      {"BOOKSTORE_TEST_ROUTES", "0", "1 adds the /_test/* routes (fail, sleep) used by the test suite"},
  };
  return all;
}

namespace {

class Reader {
 public:
  explicit Reader(const std::function<const char*(const char*)>& getenv) : getenv_(getenv) {}

  std::string text(std::string_view name) const {
    std::string key(name);
    if (const char* v = getenv_(key.c_str())) return v;
    for (auto& var : variables())
      if (var.name == name) return std::string(var.default_value);
    throw std::logic_error("undocumented configuration variable " + key);
  }

  template <class T>
  T integer(std::string_view name, T min, T max = std::numeric_limits<T>::max()) const {
    std::string v = text(name);
    T out{};
    auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), out);
    if (ec != std::errc() || end != v.data() + v.size() || out < min || out > max)
      throw std::invalid_argument(
          fmt::format("{}={:?} is not a whole number from {} to {}", name, v, min, max));
    return out;
  }

  bool flag(std::string_view name) const {
    std::string v = text(name);
    if (v == "1" || v == "true" || v == "yes") return true;
    if (v == "0" || v == "false" || v == "no" || v.empty()) return false;
    throw std::invalid_argument(fmt::format("{}={:?} is not 0 or 1", name, v));
  }

 private:
  const std::function<const char*(const char*)>& getenv_;
};

std::string default_instance_id() {
  char host[256] = {};
  if (gethostname(host, sizeof(host) - 1) != 0) host[0] = '\0';
  return fmt::format("{}:{}", host[0] ? host : "localhost", getpid());
}

}  // namespace

Config load(const std::function<const char*(const char*)>& getenv) {
  Reader r(getenv);
  Config c;
  c.listen_address = r.text("BOOKSTORE_LISTEN_ADDRESS");
  c.port = r.integer<unsigned short>("BOOKSTORE_PORT", 0);
  c.threads = r.integer<unsigned>("BOOKSTORE_THREADS", 0, 256);
  if (c.threads == 0) c.threads = std::max(1u, std::thread::hardware_concurrency());
  c.max_body_bytes = r.integer<std::size_t>("BOOKSTORE_MAX_BODY_BYTES", 1024, std::size_t{1} << 30);
  c.max_header_bytes = r.integer<std::size_t>("BOOKSTORE_MAX_HEADER_BYTES", 1024, 1 << 20);
  c.read_timeout = std::chrono::milliseconds(r.integer<long>("BOOKSTORE_READ_TIMEOUT_MS", 100));
  c.idle_timeout = std::chrono::milliseconds(r.integer<long>("BOOKSTORE_IDLE_TIMEOUT_MS", 100));
  c.shutdown_grace = std::chrono::milliseconds(r.integer<long>("BOOKSTORE_SHUTDOWN_GRACE_MS", 0));
  c.public_base_url = r.text("BOOKSTORE_PUBLIC_BASE_URL");
  while (!c.public_base_url.empty() && c.public_base_url.back() == '/') c.public_base_url.pop_back();
  c.bench_routes = r.flag("BOOKSTORE_BENCH_ROUTES");

  c.database_url = r.text("BOOKSTORE_DATABASE_URL");
  if (c.database_url.empty()) throw std::invalid_argument("BOOKSTORE_DATABASE_URL must not be empty");
  c.db_pool_size = r.integer<std::size_t>("BOOKSTORE_DB_POOL_SIZE", 1, 1000);
  c.db_acquire_timeout = std::chrono::milliseconds(r.integer<long>("BOOKSTORE_DB_ACQUIRE_TIMEOUT_MS", 1));
  c.db_connect_timeout = std::chrono::milliseconds(r.integer<long>("BOOKSTORE_DB_CONNECT_TIMEOUT_MS", 100));
  c.db_pipeline_connections = r.integer<std::size_t>("BOOKSTORE_DB_PIPELINE_CONNECTIONS", 0, 1000);
  c.migrate_on_start = r.flag("BOOKSTORE_MIGRATE_ON_START");

  c.log_dir = r.text("BOOKSTORE_LOG_DIR");
  c.log_level = r.text("BOOKSTORE_LOG_LEVEL");
  c.log_max_file_bytes = r.integer<std::size_t>("BOOKSTORE_LOG_MAX_FILE_MB", 1, 100000) * 1024 * 1024;
  c.log_max_files = r.integer<std::size_t>("BOOKSTORE_LOG_MAX_FILES", 1, 10000);
  c.log_retention = std::chrono::hours(24 * r.integer<long>("BOOKSTORE_LOG_RETENTION_DAYS", 1));
  c.audit_retention = std::chrono::hours(24 * r.integer<long>("BOOKSTORE_AUDIT_RETENTION_DAYS", 1));

  c.job_concurrency = r.integer<std::size_t>("BOOKSTORE_JOB_CONCURRENCY", 0, 10000);
  c.job_poll_interval = std::chrono::milliseconds(r.integer<long>("BOOKSTORE_JOB_POLL_INTERVAL_MS", 10));
  c.job_rescue_after = std::chrono::seconds(r.integer<long>("BOOKSTORE_JOB_RESCUE_AFTER_S", 1));
  c.job_retention = std::chrono::hours(r.integer<long>("BOOKSTORE_JOB_RETENTION_HOURS", 1));
  c.job_retry_base =
      std::chrono::milliseconds(r.integer<long>("BOOKSTORE_JOB_RETRY_BASE_MS", 1, 3600 * 1000));
  c.instance_id = r.text("BOOKSTORE_INSTANCE_ID");
  if (c.instance_id.empty()) c.instance_id = default_instance_id();
  c.test_jobs = r.flag("BOOKSTORE_TEST_JOBS");
  c.test_routes = r.flag("BOOKSTORE_TEST_ROUTES");
  return c;
}

Config load_from_environment() {
  return load([](const char* name) -> const char* { return std::getenv(name); });
}

std::string help_text() {
  std::string out =
      "bookstore: an online book store service\n"
      "\n"
      "Usage: bookstore [COMMAND]\n"
      "\n"
      "Commands:\n"
      "  serve      run the HTTP server and, unless BOOKSTORE_JOB_CONCURRENCY=0, the job workers (default)\n"
      "  worker     run only the job workers\n"
      "  migrate    apply pending database migrations and exit\n"
      "  help       print this text (also --help, -h)\n"
      "\n"
      "Configuration (environment variables, default in brackets):\n";
  for (auto& v : variables())
    out += fmt::format("  {:<32} {} [{}]\n", v.name, v.description, v.default_value);
  return out;
}

}  // namespace bookstore::config
