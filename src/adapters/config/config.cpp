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
      {"BOOKSTORE_MAX_UPLOAD_BYTES", "104857600",
       "largest body of PUT /api/v1/admin/books/{id}/file, the book file upload (413 above)"},
      {"BOOKSTORE_MAX_HEADER_BYTES", "16384", "largest request header block accepted (431 above)"},
      {"BOOKSTORE_READ_TIMEOUT_MS", "15000", "time allowed to read one whole request"},
      {"BOOKSTORE_IDLE_TIMEOUT_MS", "60000", "keep-alive connections idle longer than this are closed"},
      {"BOOKSTORE_SHUTDOWN_GRACE_MS", "10000",
       "on SIGTERM/SIGINT, time given to in-flight requests and jobs"},
      {"BOOKSTORE_PUBLIC_BASE_URL", "http://localhost:8080",
       "the URL users reach the shop at (links in mail)"},
      {"BOOKSTORE_TRUSTED_PROXIES", "127.0.0.1,::1",
       "proxies (addresses or CIDR networks) whose X-Real-IP / X-Forwarded-For is believed"},
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
      {"BOOKSTORE_TOKEN_SIGNING_KEY", "",
       "k4.secret PASERK, or a file holding one (path starting with / or ./), that signs access tokens"},
      {"BOOKSTORE_TOKEN_VERIFY_KEYS", "",
       "comma-separated k4.public PASERKs (or files) of earlier signing keys still accepted (rotation)"},
      {"BOOKSTORE_LOCAL_KEY", "",
       "k4.local PASERK (or a file) for keyed digests of stored secrets and sealed job payloads"},
      {"BOOKSTORE_TOKEN_ISSUER", "", "iss of access tokens; empty: BOOKSTORE_PUBLIC_BASE_URL"},
      {"BOOKSTORE_TOKEN_AUDIENCE", "bookstore-api", "aud of access tokens"},
      {"BOOKSTORE_ACCESS_TOKEN_TTL_S", "900", "lifetime of an access token"},
      {"BOOKSTORE_REFRESH_IDLE_DAYS", "30", "a session unused for this long ends"},
      {"BOOKSTORE_REFRESH_ABSOLUTE_DAYS", "90", "a session ends this long after its login"},
      {"BOOKSTORE_REFRESH_REUSE_GRACE_S", "10",
       "a rotated refresh token still works once this long (lost answers); later reuse ends the session"},
      {"BOOKSTORE_ARGON2_MEMORY_KIB", "19456", "Argon2id memory per hash (OWASP minimum 19456)"},
      {"BOOKSTORE_ARGON2_ITERATIONS", "2", "Argon2id passes (OWASP minimum 2)"},
      {"BOOKSTORE_HASH_THREADS", "0", "threads that hash passwords; 0 means one per core"},
      {"BOOKSTORE_HASH_QUEUE", "64", "password hashes that may wait for a thread; beyond it 503"},
      {"BOOKSTORE_COMMON_PASSWORDS", "/usr/share/john/password.lst",
       "list of common passwords refused at registration (one per line; empty: none)"},
      {"BOOKSTORE_LOCKOUT_THRESHOLD", "5", "consecutive failed logins that lock an account"},
      {"BOOKSTORE_LOCKOUT_BASE_S", "30", "first lock; doubles with every further failure"},
      {"BOOKSTORE_LOCKOUT_MAX_S", "900", "longest lock"},
      {"BOOKSTORE_AUTH_RATE_PER_S", "5", "per client address: auth requests per second (0: no limit)"},
      {"BOOKSTORE_AUTH_BURST", "20", "per client address: auth requests allowed at once"},
      {"BOOKSTORE_DELETION_GRACE_DAYS", "30", "a deleted account can be restored by logging in this long"},
      {"BOOKSTORE_ORDER_RETENTION_DAYS", "2922",
       "orders and invoices of deleted accounts are kept this long (8 years)"},
      {"BOOKSTORE_SMTP_URL", "smtp://127.0.0.1:8025", "SMTP server (smtp:// or smtps://host:port)"},
      {"BOOKSTORE_SMTP_USERNAME", "", "SMTP user; empty: no authentication"},
      {"BOOKSTORE_SMTP_PASSWORD", "", "SMTP password"},
      {"BOOKSTORE_SMTP_REQUIRE_TLS", "0",
       "1: always refuse to send without TLS; 0: TLS required except to a loopback server"},
      {"BOOKSTORE_MAIL_FROM", "Bookstore <no-reply@bookstore.local>", "From of every mail"},
      {"BOOKSTORE_BOOK_FILES_DIR", "",
       "directory of the uploaded book files, made (mode 0700) if missing; empty: serve refuses to start"},
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
  c.max_upload_bytes = r.integer<std::size_t>("BOOKSTORE_MAX_UPLOAD_BYTES", 1024, std::size_t{1} << 30);
  if (c.max_upload_bytes < c.max_body_bytes)
    throw std::invalid_argument(
        fmt::format("BOOKSTORE_MAX_UPLOAD_BYTES={} is below BOOKSTORE_MAX_BODY_BYTES={}", c.max_upload_bytes,
                    c.max_body_bytes));
  c.max_header_bytes = r.integer<std::size_t>("BOOKSTORE_MAX_HEADER_BYTES", 1024, 1 << 20);
  c.read_timeout = std::chrono::milliseconds(r.integer<long>("BOOKSTORE_READ_TIMEOUT_MS", 100));
  c.idle_timeout = std::chrono::milliseconds(r.integer<long>("BOOKSTORE_IDLE_TIMEOUT_MS", 100));
  c.shutdown_grace = std::chrono::milliseconds(r.integer<long>("BOOKSTORE_SHUTDOWN_GRACE_MS", 0));
  c.public_base_url = r.text("BOOKSTORE_PUBLIC_BASE_URL");
  while (!c.public_base_url.empty() && c.public_base_url.back() == '/') c.public_base_url.pop_back();
  c.trusted_proxies = r.text("BOOKSTORE_TRUSTED_PROXIES");
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
  c.token_signing_key = r.text("BOOKSTORE_TOKEN_SIGNING_KEY");
  c.token_verify_keys = r.text("BOOKSTORE_TOKEN_VERIFY_KEYS");
  c.local_key = r.text("BOOKSTORE_LOCAL_KEY");
  c.token_issuer = r.text("BOOKSTORE_TOKEN_ISSUER");
  if (c.token_issuer.empty()) c.token_issuer = c.public_base_url;
  c.token_audience = r.text("BOOKSTORE_TOKEN_AUDIENCE");
  if (c.token_audience.empty()) throw std::invalid_argument("BOOKSTORE_TOKEN_AUDIENCE must not be empty");
  c.access_token_ttl = std::chrono::seconds(r.integer<long>("BOOKSTORE_ACCESS_TOKEN_TTL_S", 30, 24 * 3600));
  c.refresh_idle = std::chrono::hours(24 * r.integer<long>("BOOKSTORE_REFRESH_IDLE_DAYS", 1, 3650));
  c.refresh_absolute = std::chrono::hours(24 * r.integer<long>("BOOKSTORE_REFRESH_ABSOLUTE_DAYS", 1, 3650));
  c.refresh_reuse_grace = std::chrono::seconds(r.integer<long>("BOOKSTORE_REFRESH_REUSE_GRACE_S", 0, 300));
  c.argon2_memory_kib = r.integer<std::size_t>("BOOKSTORE_ARGON2_MEMORY_KIB", 19456, 4 * 1024 * 1024);
  c.argon2_iterations = r.integer<unsigned>("BOOKSTORE_ARGON2_ITERATIONS", 2, 100);
  c.hash_threads = r.integer<unsigned>("BOOKSTORE_HASH_THREADS", 0, 256);
  if (c.hash_threads == 0) c.hash_threads = std::max(1u, std::thread::hardware_concurrency());
  c.hash_queue = r.integer<std::size_t>("BOOKSTORE_HASH_QUEUE", 0, 100000);
  c.common_passwords_file = r.text("BOOKSTORE_COMMON_PASSWORDS");
  c.lockout_threshold = r.integer<int>("BOOKSTORE_LOCKOUT_THRESHOLD", 1, 1000);
  c.lockout_base = std::chrono::seconds(r.integer<long>("BOOKSTORE_LOCKOUT_BASE_S", 1, 86400));
  c.lockout_max = std::chrono::seconds(r.integer<long>("BOOKSTORE_LOCKOUT_MAX_S", 1, 7 * 86400));
  c.auth_rate_per_second = r.integer<unsigned>("BOOKSTORE_AUTH_RATE_PER_S", 0, 100000);
  c.auth_burst = r.integer<unsigned>("BOOKSTORE_AUTH_BURST", 1, 100000);
  c.deletion_grace = std::chrono::hours(24 * r.integer<long>("BOOKSTORE_DELETION_GRACE_DAYS", 0, 3650));
  c.order_retention = std::chrono::hours(24 * r.integer<long>("BOOKSTORE_ORDER_RETENTION_DAYS", 1, 36500));
  c.smtp_url = r.text("BOOKSTORE_SMTP_URL");
  if (c.smtp_url.rfind("smtp://", 0) != 0 && c.smtp_url.rfind("smtps://", 0) != 0)
    throw std::invalid_argument("BOOKSTORE_SMTP_URL must start with smtp:// or smtps://");
  c.smtp_username = r.text("BOOKSTORE_SMTP_USERNAME");
  c.smtp_password = r.text("BOOKSTORE_SMTP_PASSWORD");
  c.smtp_require_tls = r.flag("BOOKSTORE_SMTP_REQUIRE_TLS");
  c.mail_from = r.text("BOOKSTORE_MAIL_FROM");
  c.book_files_dir = r.text("BOOKSTORE_BOOK_FILES_DIR");
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
      "  admin create --email EMAIL [--name NAME]\n"
      "             create an administrator; the password is read from standard input\n"
      "  keys generate DIR\n"
      "             write a new signing key and local key into DIR (existing files are kept)\n"
      "  seed --books N [--seed S]\n"
      "             load N generated books (1 to 5000000; one seed, one catalog) for benchmarks\n"
      "  seed --demo\n"
      "             load the demo catalog of make run when the catalog has no books\n"
      "  help       print this text (also --help, -h)\n"
      "\n"
      "Configuration (environment variables, default in brackets):\n";
  for (auto& v : variables())
    out += fmt::format("  {:<32} {} [{}]\n", v.name, v.description, v.default_value);
  return out;
}

}  // namespace bookstore::config
