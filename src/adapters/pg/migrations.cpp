#include "adapters/pg/migrations.hpp"

#include <map>
#include <stdexcept>
#include <string>

#include <fmt/format.h>
#include <sodium.h>

#include "adapters/log/log.hpp"
#include "adapters/pg/connection.hpp"
#include "adapters/pg/pool.hpp"
#include "domain/error.hpp"

namespace bookstore::pg {

namespace {

// Session advisory lock that serialises migrate() across instances ("bookstor" in ASCII).
constexpr std::int64_t kMigrationLock = 0x626f6f6b73746f72;

constexpr std::string_view kCreateTable = R"sql(
CREATE TABLE IF NOT EXISTS schema_migrations (
  version integer PRIMARY KEY,
  name text NOT NULL,
  checksum text NOT NULL,
  applied_at timestamptz NOT NULL DEFAULT now()
))sql";

struct Applied {
  std::string name;
  std::string checksum;
};

std::string file_name(const EmbeddedMigration& m) {
  return fmt::format("{}.sql", m.name);
}

std::string sha256_hex(std::string_view text) {
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(text.data()), text.size());
  char hex[crypto_hash_sha256_BYTES * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
  return hex;
}

void check_order(std::span<const EmbeddedMigration> migrations) {
  for (std::size_t i = 1; i < migrations.size(); ++i) {
    if (migrations[i].version <= migrations[i - 1].version) {
      throw std::runtime_error(fmt::format("migrations out of order or duplicated at version {} ({})",
                                           migrations[i].version, file_name(migrations[i])));
    }
  }
}

Task<std::map<int, Applied>> read_applied(Connection& conn) {
  std::map<int, Applied> applied;
  auto exists = co_await conn.query("SELECT to_regclass('schema_migrations') IS NOT NULL");
  if (!exists.boolean(0, 0)) co_return applied;
  auto rows = co_await conn.query("SELECT version, name, checksum FROM schema_migrations ORDER BY version");
  for (int r = 0; r < rows.rows(); ++r) {
    applied.emplace(static_cast<int>(rows.int64(r, 0)),
                    Applied{std::string(rows.text(r, 1)), std::string(rows.text(r, 2))});
  }
  co_return applied;
}

// Throws when the database and the binary disagree about what was applied; returns the pending ones.
std::vector<const EmbeddedMigration*> pending_of(std::span<const EmbeddedMigration> migrations,
                                                 const std::map<int, Applied>& applied) {
  check_order(migrations);
  std::map<int, const EmbeddedMigration*> known;
  for (auto& m : migrations) known.emplace(m.version, &m);
  for (auto& [version, row] : applied) {
    auto it = known.find(version);
    if (it == known.end()) {
      throw std::runtime_error(
          fmt::format("database has migration {} ({}.sql) that this binary does not know: the database is "
                      "newer than the binary",
                      version, row.name));
    }
    if (sha256_hex(it->second->sql) != row.checksum) {
      throw std::runtime_error(fmt::format(
          "migration {} ({}) was edited after it was applied (checksum differs): add a new migration instead",
          version, file_name(*it->second)));
    }
  }
  std::vector<const EmbeddedMigration*> pending;
  for (auto& m : migrations) {
    if (!applied.contains(m.version)) pending.push_back(&m);
  }
  return pending;
}

void mark_broken(Connection& conn) noexcept {
  if (auto* pg = dynamic_cast<PgConnection*>(&conn)) pg->mark_broken();
}

Task<void> apply(Connection& conn, const EmbeddedMigration& m) {
  std::exception_ptr failure;
  co_await conn.execute_script("BEGIN");
  try {
    co_await conn.execute_script(m.sql);
    co_await conn.query("INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)",
                        m.version, m.name, sha256_hex(m.sql));
    co_await conn.execute_script("COMMIT");
  } catch (...) {
    failure = std::current_exception();
  }
  if (!failure) co_return;
  try {
    co_await conn.execute_script("ROLLBACK");
  } catch (...) {
    mark_broken(conn);
  }
  try {
    std::rethrow_exception(failure);
  } catch (const QueryError& e) {
    throw std::runtime_error(fmt::format("migration {} ({}) failed: {} (SQLSTATE {})", m.version,
                                         file_name(m), e.what(), e.sqlstate()));
  }
}

}  // namespace

Task<MigrationReport> migrate(Pool& pool, std::span<const EmbeddedMigration> migrations) {
  if (sodium_init() < 0) throw std::runtime_error("libsodium initialisation failed");
  auto conn = co_await pool.acquire();
  // Blocks (on the server, not on a thread) until no other instance is migrating.
  co_await conn->query("SELECT pg_advisory_lock($1)", kMigrationLock);
  MigrationReport report;
  std::exception_ptr failure;
  try {
    co_await conn->execute_script(kCreateTable);
    auto applied = co_await read_applied(*conn);
    auto pending = pending_of(migrations, applied);
    for (auto* m : pending) {
      co_await apply(*conn, *m);
      report.applied.push_back(m->version);
      log::info("migration_applied", {{"version", m->version}, {"name", m->name}});
    }
    auto rows = co_await conn->query("SELECT coalesce(max(version), 0) FROM schema_migrations");
    report.current_version = static_cast<int>(rows.int64(0, 0));
  } catch (...) {
    failure = std::current_exception();
  }
  try {
    co_await conn->query("SELECT pg_advisory_unlock($1)", kMigrationLock);
  } catch (...) {
    // The session lock ends with the session: make sure that session is closed, not pooled.
    mark_broken(*conn);
  }
  if (failure) std::rethrow_exception(failure);
  co_return report;
}

Task<int> pending_migrations(Pool& pool, std::span<const EmbeddedMigration> migrations) {
  if (sodium_init() < 0) throw std::runtime_error("libsodium initialisation failed");
  auto conn = co_await pool.acquire();
  auto applied = co_await read_applied(*conn);
  co_return static_cast<int>(pending_of(migrations, applied).size());
}

Task<bool> PgDatabaseStatus::reachable() {
  try {
    co_await pool_.query("SELECT 1");
    co_return true;
  } catch (...) {
    co_return false;
  }
}

Task<int> PgDatabaseStatus::pending_migrations() {
  co_return co_await pg::pending_migrations(pool_);
}

}  // namespace bookstore::pg
