// The SQL of catalog searches, for pgbench: runs each given GET /api/v1/books request through the same
// code as the service (query parameters -> app::CatalogService -> catalog::PgBookSearch on the real
// database) and records every statement the search runs (synonyms lookup, search, corrections lookup,
// second search), in order, with its parameters substituted as SQL literals. Each request becomes one
// pgbench script (one transaction = one request), so `pgbench -M prepared -f NAME.sql` runs exactly the
// statement texts the service prepares, with the same values.
//
//   BOOKSTORE_BENCH_DATABASE_URL=postgresql://... search_sql OUTDIR NAME=TARGET...
//     TARGET: "/api/v1/books?q=...&facets=false" (the path is ignored, the query string is what counts)
// Writes OUTDIR/NAME.sql and prints one line per request for scripts/bench:
//   NAME statements=3 hits=20 total=1000 corrected=- calls=synonyms,search
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/beast/http/verb.hpp>

#include "adapters/catalog/pg_book_search.hpp"
#include "adapters/catalog/pg_book_store.hpp"
#include "adapters/http/catalog_query.hpp"
#include "adapters/http/request.hpp"
#include "adapters/log/log.hpp"
#include "adapters/pg/pool.hpp"
#include "app/catalog/catalog_service.hpp"
#include "domain/error.hpp"

namespace asio = boost::asio;
using namespace bookstore;

namespace {

struct Statement {
  std::string what;  // search, synonyms, corrections
  std::string sql;
  std::vector<pg::Param> params;
};

class FixedSecrets final : public app::Secrets {
 public:
  std::string random_token() override { return std::string(43, 'A'); }
  std::string six_digit_code() override { return "000000"; }
  std::string digest(std::string_view) const override { return std::string(64, '0'); }
};

std::string sql_literal(const pg::Param& p) {
  if (!p) return "NULL";
  std::string out = "'";
  for (char c : *p) {
    out += c;
    if (c == '\'') out += '\'';
  }
  return out + "'";
}

// $n (n = 1..99) -> the literal of params[n-1]; $ followed by anything else stays.
std::string with_literals(const Statement& s) {
  std::string out;
  const std::string& sql = s.sql;
  for (std::size_t i = 0; i < sql.size(); ++i) {
    if (sql[i] == '$' && i + 1 < sql.size() && sql[i + 1] >= '1' && sql[i + 1] <= '9') {
      std::size_t j = i + 1;
      std::size_t n = 0;
      while (j < sql.size() && sql[j] >= '0' && sql[j] <= '9')
        n = n * 10 + static_cast<std::size_t>(sql[j++] - '0');
      if (n < 1 || n > s.params.size())
        throw std::runtime_error(s.what + ": $" + std::to_string(n) + " has no value");
      out += sql_literal(s.params[n - 1]);
      i = j - 1;
    } else {
      out += sql[i];
    }
  }
  return out;
}

// pgbench reads :name as a variable (:: is a cast); no statement here may contain one.
bool has_pgbench_variable(const std::string& sql) {
  bool quoted = false;
  for (std::size_t i = 0; i < sql.size(); ++i) {
    if (sql[i] == '\'') quoted = !quoted;
    if (sql[i] != ':') continue;
    if (i + 1 < sql.size() && sql[i + 1] == ':') {
      ++i;
      continue;
    }
    const char n = i + 1 < sql.size() ? sql[i + 1] : ' ';
    if ((n >= 'a' && n <= 'z') || (n >= 'A' && n <= 'Z') || n == '_') return true;
  }
  return false;
}

struct Outcome {
  std::vector<Statement> statements;
  app::SearchResult result;
};

Task<Outcome> run_one(pg::Pool& pool, const std::string& target) {
  http::BeastRequest message{boost::beast::http::verb::get, target, 11};
  http::Request request(std::move(message));
  app::SearchRequest search_request = http::search_request_from(request);
  catalog::PgBookSearch pg_search(pool);
  Outcome out;
  pg_search.observe(
      [&out](std::string_view what, std::string_view sql, const std::vector<pg::Param>& params) {
        out.statements.push_back({std::string(what), std::string(sql), params});
      });
  catalog::PgBookStore store(pool);
  FixedSecrets secrets;
  app::CatalogService service(pg_search, store, secrets);
  out.result = co_await service.search(std::move(search_request));
  co_return out;
}

}  // namespace

int main(int argc, char** argv) {
  const char* url = std::getenv("BOOKSTORE_BENCH_DATABASE_URL");
  if (!url || argc < 3) {
    std::fprintf(stderr, "usage: BOOKSTORE_BENCH_DATABASE_URL=... search_sql OUTDIR NAME=TARGET...\n");
    return 2;
  }
  const std::string outdir = argv[1];
  log::Config lc;
  lc.level = spdlog::level::warn;
  log::init(lc);

  asio::io_context io;
  pg::Pool pool(io.get_executor(), {url, 2, std::chrono::seconds(5), std::chrono::seconds(5)});
  int status = 0;
  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        for (int i = 2; i < argc; ++i) {
          const std::string arg = argv[i];
          const auto eq = arg.find('=');
          if (eq == std::string::npos || eq == 0) throw std::runtime_error("not NAME=TARGET: " + arg);
          const std::string name = arg.substr(0, eq);
          const std::string target = arg.substr(eq + 1);
          Outcome o = co_await run_one(pool, target);
          std::ofstream file(outdir + "/" + name + ".sql");
          file << "-- " << name << ": GET " << target
               << "\n-- the statements the service runs for it, in order"
               << " (scripts/bench, made by search_sql)\n";
          std::string calls;
          for (const Statement& s : o.statements) {
            std::string sql = with_literals(s);
            while (!sql.empty() && (sql.front() == '\n' || sql.front() == ' ')) sql.erase(0, 1);
            if (has_pgbench_variable(sql))
              throw std::runtime_error(name + ": a ':name' would be a pgbench variable");
            file << "-- " << s.what << "\n" << sql << ";\n";
            calls += (calls.empty() ? "" : ",") + s.what;
          }
          if (!file.flush()) throw std::runtime_error("cannot write " + outdir + "/" + name + ".sql");
          // The same as the service sends them: prepared with $n parameters (PostgreSQL may switch such a
          // statement to a generic plan after five executions), for psql and EXPLAIN.
          std::ofstream prepared(outdir + "/" + name + ".prepared.sql");
          prepared << "-- " << name << ": GET " << target << ", as prepared statements with parameters\n";
          for (std::size_t k = 0; k < o.statements.size(); ++k) {
            const Statement& s = o.statements[k];
            std::string sql = s.sql;
            while (!sql.empty() && (sql.front() == '\n' || sql.front() == ' ')) sql.erase(0, 1);
            if (s.params.empty()) {  // BEGIN, SET, COMMIT: as they are
              prepared << sql << ";\n";
              continue;
            }
            prepared << "PREPARE " << name << "_" << k << " AS\n" << sql << ";\n";
            prepared << "EXECUTE " << name << "_" << k << "(";
            for (std::size_t j = 0; j < s.params.size(); ++j)
              prepared << (j ? ", " : "") << sql_literal(s.params[j]);
            prepared << ");\n";
          }
          std::printf("%s statements=%zu hits=%zu total=%lld%s corrected=%s calls=%s\n", name.c_str(),
                      o.statements.size(), o.result.hits.size(),
                      static_cast<long long>(o.result.total.value_or(-1)),
                      o.result.total_exact.value_or(true) ? "" : "+",
                      o.result.corrected_query ? ("\"" + *o.result.corrected_query + "\"").c_str() : "-",
                      calls.c_str());
        }
        pool.close();
      },
      [&](std::exception_ptr e) {
        if (!e) return;
        try {
          std::rethrow_exception(e);
        } catch (const domain::Error& ex) {
          std::string detail;
          for (const auto& f : ex.fields()) detail += " " + f.field + ": " + f.message + ";";
          std::fprintf(stderr, "search_sql: %s%s\n", ex.what(), detail.c_str());
        } catch (const std::exception& ex) {
          std::fprintf(stderr, "search_sql: %s\n", ex.what());
        }
        status = 1;
        pool.close();
      });
  io.run();
  return status;
}
