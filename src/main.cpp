// Composition root: configuration -> adapters -> use cases -> server and workers. The only file that
// knows every layer.
#include <termios.h>
#include <unistd.h>

#include <atomic>
#include <charconv>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <exception>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "adapters/catalog/catalog_seed.hpp"
#include "adapters/config/config.hpp"
#include "adapters/crypto/key_ring.hpp"
#include "adapters/http/router.hpp"
#include "adapters/http/routes.hpp"
#include "adapters/http/server.hpp"
#include "adapters/jobs/maintenance.hpp"
#include "adapters/jobs/test_jobs.hpp"
#include "adapters/jobs/worker.hpp"
#include "adapters/log/log.hpp"
#include "adapters/metrics/metrics.hpp"
#include "adapters/pg/migrations.hpp"
#include "adapters/pg/pool.hpp"
#include "adapters/wiring/catalog_module.hpp"
#include "adapters/wiring/identity_module.hpp"
#include "app/identity/admin_users.hpp"
#include "app/ops/readiness.hpp"
#include "domain/error.hpp"

namespace asio = boost::asio;
using namespace bookstore;

namespace {

enum class Command { kServe, kWorker, kMigrate, kAdminCreate, kKeysGenerate, kSeed, kHelp };

std::optional<Command> parse_command(int argc, char** argv) {
  if (argc < 2) return Command::kServe;
  std::string_view c = argv[1];
  std::string_view sub = argc >= 3 ? argv[2] : "";
  if (c == "serve") return Command::kServe;
  if (c == "worker") return Command::kWorker;
  if (c == "migrate") return Command::kMigrate;
  if (c == "admin" && sub == "create") return Command::kAdminCreate;
  if (c == "keys" && sub == "generate") return Command::kKeysGenerate;
  if (c == "seed") return Command::kSeed;
  if (c == "help" || c == "--help" || c == "-h") return Command::kHelp;
  return std::nullopt;
}

// `bookstore keys generate DIR`: what make run uses to have keys under var/ on a fresh machine.
int run_keys_generate(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: bookstore keys generate DIR\n");
    return 2;
  }
  try {
    auto files = crypto::generate_key_files(argv[3]);
    std::printf("%s\n%s\n", files.signing_key.c_str(), files.local_key.c_str());
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bookstore keys generate: %s\n", e.what());
    return 1;
  }
}

// Runs a one-shot command's coroutine on `io` to the end: exit status 0, or 1 with the error on stderr
// ("bookstore <name>: ..." with the offending fields of a validation error) and in the log.
template <class MakeCoroutine>
int run_command(const char* name, asio::io_context& io, MakeCoroutine make_coroutine) {
  int status = 1;
  asio::co_spawn(io, make_coroutine(), [&](std::exception_ptr e) {
    if (!e) {
      status = 0;
      return;
    }
    std::string detail;
    try {
      std::rethrow_exception(e);
    } catch (const domain::Error& ex) {
      detail = ex.what();
      for (auto& f : ex.fields()) detail += "; " + f.field + ": " + f.message;
    } catch (const std::exception& ex) {
      detail = ex.what();
    }
    log::error("command_failed", {{"command", name}, {"error", detail}});
    std::fprintf(stderr, "bookstore %s: %s\n", name, detail.c_str());
  });
  io.run();
  return status;
}

// The password of `admin create`: one line on standard input, without echo on a terminal.
std::optional<std::string> read_password() {
  bool tty = isatty(STDIN_FILENO);
  termios saved{};
  if (tty) {
    std::fprintf(stderr, "Password for the new administrator: ");
    tcgetattr(STDIN_FILENO, &saved);
    termios quiet = saved;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
  }
  std::string line;
  bool ok = static_cast<bool>(std::getline(std::cin, line));
  if (tty) {
    tcsetattr(STDIN_FILENO, TCSANOW, &saved);
    std::fprintf(stderr, "\n");
  }
  if (!ok) return std::nullopt;
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

// `bookstore admin create --email EMAIL [--name NAME]`: there are no default accounts (PRODUCT.md 2).
int run_admin_create(const config::Config& cfg, int argc, char** argv) {
  std::string email, name = "Administrator";
  for (int i = 3; i < argc; ++i) {
    std::string_view a = argv[i];
    if (a == "--email" && i + 1 < argc) {
      email = argv[++i];
    } else if (a == "--name" && i + 1 < argc) {
      name = argv[++i];
    } else {
      std::fprintf(stderr, "usage: bookstore admin create --email EMAIL [--name NAME]\n");
      return 2;
    }
  }
  if (email.empty()) {
    std::fprintf(stderr, "usage: bookstore admin create --email EMAIL [--name NAME]\n");
    return 2;
  }
  auto password = read_password();
  if (!password) {
    std::fprintf(stderr, "bookstore admin create: no password on standard input\n");
    return 2;
  }
  asio::io_context io(1);
  pg::Pool pool(io.get_executor(), {cfg.database_url, 2, cfg.db_acquire_timeout, cfg.db_connect_timeout, 0});
  wiring::IdentityModule identity(cfg, pool, io.get_executor(), wiring::IdentityModule::Keys::kEphemeral);
  int status = run_command("admin create", io, [&]() -> asio::awaitable<void> {
    co_await pg::migrate(pool);
    auto id = co_await identity.admin_users().create_admin(email, *password, name);
    std::printf("created administrator %s (id %lld)\n", email.c_str(), static_cast<long long>(id));
  });
  pool.close();
  return status;
}

// `bookstore seed --books N [--seed S]` and `bookstore seed --demo` (src/adapters/catalog/catalog_seed.hpp):
// pending migrations first, then the catalog; what was loaded and how fast on standard output.
int run_seed(const config::Config& cfg, int argc, char** argv) {
  auto usage = [] {
    std::fprintf(stderr,
                 "usage: bookstore seed --books N [--seed S]   (N from 1 to %lld, S a non-negative integer)\n"
                 "       bookstore seed --demo\n",
                 static_cast<long long>(catalog::kMaxSeedBooks));
    return 2;
  };
  auto number = [](std::string_view text, auto& out) {
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
    return ec == std::errc() && end == text.data() + text.size();
  };
  std::optional<std::int64_t> books;
  std::optional<std::uint64_t> seed;
  bool demo = false;
  for (int i = 2; i < argc; ++i) {
    std::string_view a = argv[i];
    if (a == "--demo" && !demo) {
      demo = true;
    } else if (a == "--books" && i + 1 < argc && !books) {
      std::int64_t n = 0;
      if (!number(argv[++i], n) || n < 1 || n > catalog::kMaxSeedBooks) return usage();
      books = n;
    } else if (a == "--seed" && i + 1 < argc && !seed) {
      std::uint64_t s = 0;
      if (!number(argv[++i], s)) return usage();
      seed = s;
    } else {
      return usage();
    }
  }
  if (demo == books.has_value() || (demo && seed)) return usage();

  asio::io_context io(1);
  pg::Pool pool(io.get_executor(), {cfg.database_url, 2, cfg.db_acquire_timeout, cfg.db_connect_timeout, 0});
  int status = run_command("seed", io, [&]() -> asio::awaitable<void> {
    co_await pg::migrate(pool);
    if (demo) {
      auto report = co_await catalog::seed_demo(pool);
      if (report.loaded) {
        std::printf("demo catalog: loaded %lld books in %.1f s\n", static_cast<long long>(report.books),
                    report.elapsed.count());
      } else {
        std::printf("demo catalog: not loaded, the catalog already has %lld books\n",
                    static_cast<long long>(report.books));
      }
      co_return;
    }
    catalog::SeedOptions options;
    options.books = *books;
    options.seed = seed.value_or(1);
    auto progress = [](const catalog::SeedProgress& p) {
      double s = p.elapsed.count();
      if (p.phase == "authors") {
        std::printf("seed: %lld authors ready (%.1f s)\n", static_cast<long long>(p.done), s);
      } else if (p.phase == "books") {
        std::printf("seed: %lld/%lld books (%.1f s, %.0f books/s)\n", static_cast<long long>(p.done),
                    static_cast<long long>(p.total), s, s > 0 ? static_cast<double>(p.done) / s : 0.0);
      } else if (p.phase == "index") {
        std::printf("seed: building the search index (%.1f s)\n", s);
      } else {
        std::printf("seed: analyzing (%.1f s)\n", s);
      }
      std::fflush(stdout);
    };
    auto report = co_await catalog::seed_catalog(pool, options, progress);
    double s = report.elapsed.count();
    std::printf("seeded %lld books (%lld authors, %lld publishers, seed %llu) in %.1f s: %.0f books/s%s\n",
                static_cast<long long>(report.books), static_cast<long long>(report.authors),
                static_cast<long long>(report.publishers), static_cast<unsigned long long>(options.seed), s,
                s > 0 ? static_cast<double>(report.books) / s : 0.0,
                report.bulk ? " (one transaction, search index rebuilt)" : "");
  });
  pool.close();
  return status;
}

void init_logging(const config::Config& cfg) {
  log::Config lc;
  lc.dir = cfg.log_dir;
  lc.level = log::parse_level(cfg.log_level);
  lc.max_file_bytes = cfg.log_max_file_bytes;
  lc.max_files = cfg.log_max_files;
  log::init(lc);
  log::install_crash_handlers();
}

jobs::WorkerConfig worker_config(const config::Config& cfg) {
  jobs::WorkerConfig wc;
  wc.instance_id = cfg.instance_id;
  wc.listen_conninfo = cfg.database_url;
  wc.concurrency = cfg.job_concurrency;
  wc.poll_interval = cfg.job_poll_interval;
  wc.rescue_after = cfg.job_rescue_after;
  wc.retention = cfg.job_retention;
  wc.retry_base = cfg.job_retry_base;
  wc.shutdown_grace = cfg.shutdown_grace;
  return wc;
}

// Migrations are retried until the database answers, so a service started before its database (a
// common order under compose or systemd) becomes ready on its own; /readyz says 503 meanwhile.
asio::awaitable<bool> migrate_until_done(pg::Pool& pool, const std::atomic<bool>& stopping) {
  auto delay = std::chrono::milliseconds(200);
  asio::steady_timer timer(co_await asio::this_coro::executor);
  while (!stopping) {
    try {
      auto report = co_await pg::migrate(pool);
      log::info("migrations_current",
                {{"version", report.current_version}, {"applied", report.applied.size()}});
      co_return true;
    } catch (const domain::Error& e) {
      if (e.code() != domain::ErrorCode::kUnavailable) throw;
      log::warn("migrations_waiting_for_database", {{"retry_in_ms", delay.count()}});
    }
    timer.expires_after(delay);
    co_await timer.async_wait(asio::use_awaitable);
    delay = std::min(delay * 2, std::chrono::milliseconds(5000));
  }
  co_return false;
}

int run_migrate(const config::Config& cfg) {
  asio::io_context io(1);
  pg::Pool pool(io.get_executor(), {cfg.database_url, 2, cfg.db_acquire_timeout, cfg.db_connect_timeout});
  return run_command("migrate", io, [&]() -> asio::awaitable<void> {
    auto report = co_await pg::migrate(pool);
    std::printf("applied %zu migration(s); schema version %d\n", report.applied.size(),
                report.current_version);
  });
}

// serve (HTTP + optional workers) and worker (workers only) share this: both stop gracefully on
// SIGTERM/SIGINT.
int run_service(const config::Config& cfg, bool with_http) {
  asio::io_context io(static_cast<int>(cfg.threads));
  metrics::Registry registry;
  pg::Pool pool(io.get_executor(),
                {cfg.database_url, cfg.db_pool_size, cfg.db_acquire_timeout, cfg.db_connect_timeout,
                 cfg.db_pipeline_connections},
                &registry);

  pg::PgDatabaseStatus db_status(pool);
  app::CheckReadiness readiness(db_status);
  wiring::IdentityModule identity(cfg, pool, io.get_executor(), wiring::IdentityModule::Keys::kConfigured,
                                  &registry);
  std::unique_ptr<wiring::CatalogModule> catalog;
  if (with_http) catalog = std::make_unique<wiring::CatalogModule>(cfg, pool, identity.secrets());

  std::unique_ptr<http::Router> router;
  std::unique_ptr<http::Server> server;
  if (with_http) {
    router = std::make_unique<http::Router>();
    http::RouteDeps deps;
    deps.readiness = &readiness;
    deps.metrics = &registry;
    deps.bench_pool = cfg.bench_routes ? &pool : nullptr;
    deps.pool = &pool;
    deps.test_routes = cfg.test_routes;
    deps.auth = &identity.auth();
    deps.accounts = &identity.accounts();
    deps.admin_users = &identity.admin_users();
    deps.catalog = &catalog->catalog();
    deps.inventory = &catalog->inventory();
    deps.published_keys = [&identity] { return identity.published_keys(); };
    deps.auth_rate_limit.per_second = cfg.auth_rate_per_second;
    deps.auth_rate_limit.burst = cfg.auth_burst;
    if (cfg.test_routes)
      deps.test_anonymise_now = [&identity](std::string email) {
        return identity.anonymise_now(std::move(email));
      };
    http::register_routes(*router, deps);
    server = std::make_unique<http::Server>(io, *router, http::server_config(cfg), &registry);
    server->start();
    log::info("http_listening", {{"address", cfg.listen_address}, {"port", server->port()}});
  }

  std::unique_ptr<jobs::Worker> worker;
  if (!with_http || cfg.job_concurrency > 0) {
    auto wc = worker_config(cfg);
    if (wc.concurrency == 0) wc.concurrency = 8;  // `bookstore worker` always runs jobs
    worker = std::make_unique<jobs::Worker>(io.get_executor(), pool, wc, &registry);
    jobs::MaintenanceConfig mc;
    mc.log_dir = cfg.log_dir;
    mc.log_retention = cfg.log_retention;
    mc.audit_retention = cfg.audit_retention;
    jobs::register_maintenance(*worker, mc);
    if (cfg.test_jobs) jobs::register_test_jobs(*worker);
    identity.register_jobs(*worker);
  }

  // Startup: migrate (waiting for the database if needed), then run the workers until stop().
  std::atomic<bool> stopping{false};
  std::atomic<bool> background_done{false};
  std::atomic<int> exit_code{0};
  asio::signal_set signals(io, SIGINT, SIGTERM);
  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        bool migrated = !cfg.migrate_on_start || co_await migrate_until_done(pool, stopping);
        if (migrated && !stopping) {
          // Revoked sessions are followed by every process that checks access tokens.
          if (with_http) asio::co_spawn(io, identity.run_revocation_feed(), asio::detached);
          if (worker) co_await worker->run();
        }
      },
      [&](std::exception_ptr e) {
        if (e) {
          try {
            std::rethrow_exception(e);
          } catch (const std::exception& ex) {
            // A refused migration (edited file, schema newer than the binary) stops the process: serving
            // on a schema the code does not know could corrupt data.
            log::error("startup_failed", {{"error", ex.what()}});
          }
          exit_code = 1;
          std::raise(SIGTERM);
        }
        background_done = true;
      });

  // Graceful shutdown on SIGTERM/SIGINT: stop accepting, let in-flight requests finish (up to the
  // grace period), let running jobs finish and their outcomes be written, then close the pool so that
  // io.run() returns on every thread.
  signals.async_wait([&](const boost::system::error_code& ec, int sig) {
    if (ec) return;
    stopping = true;
    log::info("shutdown_started", {{"signal", sig}});
    asio::co_spawn(
        io,
        [&]() -> asio::awaitable<void> {
          if (server) co_await server->drain(cfg.shutdown_grace);
          if (worker) worker->stop();
          identity.stop_revocation_feed();
          asio::steady_timer t(io);
          while (!background_done) {
            t.expires_after(std::chrono::milliseconds(10));
            co_await t.async_wait(asio::use_awaitable);
          }
          pool.close();
        },
        asio::detached);
  });

  std::vector<std::thread> threads;
  for (unsigned i = 1; i < cfg.threads; ++i) threads.emplace_back([&] { io.run(); });
  io.run();
  for (auto& t : threads) t.join();
  log::info("shutdown_complete", {{"exit_code", exit_code.load()}});
  log::shutdown();
  return exit_code;
}

}  // namespace

int main(int argc, char** argv) {
  auto command = parse_command(argc, argv);
  if (!command) {
    std::fprintf(stderr, "bookstore: unknown command '%s'\n\n%s", argv[1], config::help_text().c_str());
    return 2;
  }
  if (*command == Command::kHelp) {
    std::fputs(config::help_text().c_str(), stdout);
    return 0;
  }
  if (*command == Command::kKeysGenerate) return run_keys_generate(argc, argv);
  config::Config cfg;
  try {
    cfg = config::load_from_environment();
    init_logging(cfg);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bookstore: configuration error: %s\n", e.what());
    return 2;
  }
  try {
    switch (*command) {
      case Command::kMigrate:
        return run_migrate(cfg);
      case Command::kServe:
        return run_service(cfg, true);
      case Command::kWorker:
        return run_service(cfg, false);
      case Command::kAdminCreate:
        return run_admin_create(cfg, argc, argv);
      case Command::kSeed:
        return run_seed(cfg, argc, argv);
      case Command::kKeysGenerate:
      case Command::kHelp:
        break;
    }
  } catch (const std::exception& e) {
    log::error("fatal", {{"error", e.what()}});
    log::shutdown();
    std::fprintf(stderr, "bookstore: %s\n", e.what());
    return 1;
  }
  return 0;
}
