#pragma once
// Helpers shared by the integration tests, which run against the real private PostgreSQL cluster that
// the Makefile starts. They fail (never skip) when the database is not configured.
#include <sys/wait.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <libpq-fe.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "app/task.hpp"

namespace bookstore::testing {

// URL of the "bookstore" role on the test database (BOOKSTORE_TEST_DATABASE_URL).
inline std::string database_url() {
  const char* url = std::getenv("BOOKSTORE_TEST_DATABASE_URL");
  if (!url || !*url)
    throw std::runtime_error("BOOKSTORE_TEST_DATABASE_URL is not set: run the tests with make test");
  return url;
}

// URL of the superuser "postgres" on the same cluster, database "postgres" (BOOKSTORE_TEST_ADMIN_URL), for
// tests that create scratch databases or terminate backends.
inline std::string admin_url() {
  const char* url = std::getenv("BOOKSTORE_TEST_ADMIN_URL");
  if (!url || !*url)
    throw std::runtime_error("BOOKSTORE_TEST_ADMIN_URL is not set: run the tests with make test");
  return url;
}

// The test database URL with an application_name, so a test can find (and terminate) the backends of
// the code under test.
inline std::string url_with_app(const std::string& app) {
  std::string url = database_url();
  return url + (url.find('?') == std::string::npos ? "?" : "&") + "application_name=" + app;
}

// Blocking libpq for set-up and for acting as "the operator" (creating databases, terminating backends);
// the code under test never blocks. Returns the first column of the first row ("" when none); throws
// with the server's message when the statement fails.
inline std::string exec_blocking(const std::string& url, const std::string& sql) {
  PGconn* c = PQconnectdb(url.c_str());
  if (PQstatus(c) != CONNECTION_OK) {
    std::string e = PQerrorMessage(c);
    PQfinish(c);
    throw std::runtime_error("connect: " + e);
  }
  PQsetNoticeProcessor(
      c, [](void*, const char*) {}, nullptr);  // "does not exist, skipping" and the like
  PGresult* r = PQexec(c, sql.c_str());
  auto status = PQresultStatus(r);
  std::string value = status == PGRES_TUPLES_OK && PQntuples(r) > 0 ? PQgetvalue(r, 0, 0) : "";
  std::string error = PQresultErrorMessage(r);
  PQclear(r);
  PQfinish(c);
  if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK) throw std::runtime_error(sql + ": " + error);
  return value;
}

// The test database URL with its database name replaced by `name`.
inline std::string url_for_database(const std::string& name) {
  std::string url = database_url();
  auto q = url.find('?');
  std::string base = url.substr(0, q);
  std::string query = q == std::string::npos ? "" : url.substr(q);
  auto scheme_end = base.find("://");
  auto slash = base.find('/', scheme_end == std::string::npos ? 0 : scheme_end + 3);
  if (slash == std::string::npos) return base + "/" + name + query;
  return base.substr(0, slash + 1) + name + query;
}

// Drops and creates the empty database `name`, owned by the bookstore role; returns its URL.
inline std::string create_scratch_database(const std::string& name) {
  exec_blocking(admin_url(), "DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
  exec_blocking(admin_url(), "CREATE DATABASE " + name + " OWNER bookstore");
  return url_for_database(name);
}

inline void drop_database(const std::string& name) {
  exec_blocking(admin_url(), "DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
}

inline Task<void> sleep_for(std::chrono::milliseconds d) {
  boost::asio::steady_timer t(co_await boost::asio::this_coro::executor, d);
  co_await t.async_wait(boost::asio::use_awaitable);
}

// Runs a coroutine to completion on `io` (with `threads` threads) and returns its value, rethrowing its
// exception. Usage: auto n = run(io, [&]() -> Task<int> { co_return 1; });
template <class F>
auto run(boost::asio::io_context& io, F&& make_coroutine, unsigned threads = 1) {
  using Awaitable = decltype(make_coroutine());
  using T = typename Awaitable::value_type;
  std::exception_ptr failure;
  std::conditional_t<std::is_void_v<T>, bool, std::optional<T>> value{};
  boost::asio::co_spawn(io, make_coroutine(), [&](std::exception_ptr e, auto... v) {
    failure = e;
    if constexpr (!std::is_void_v<T>) {
      if (!e) value.emplace(std::move(v)...);
    }
  });
  io.restart();
  std::vector<std::thread> extra;
  for (unsigned i = 1; i < threads; ++i) extra.emplace_back([&] { io.run(); });
  io.run();
  for (auto& t : extra) t.join();
  if (failure) std::rethrow_exception(failure);
  if constexpr (!std::is_void_v<T>) return std::move(*value);
}

struct Outcome {
  int exit_code = -1;  // -1: did not exit normally
  std::string output;  // stdout and stderr
};

// Runs the binary with only `env` (no BOOKSTORE_* of the developer's shell leaks in) and waits for it.
// `stdin_line`, when given, is written to the binary's standard input (for `admin create`); otherwise
// standard input is empty.
inline Outcome run_binary(const std::vector<std::string>& env, const std::vector<std::string>& args,
                          const std::optional<std::string>& stdin_line = std::nullopt) {
  std::string command = stdin_line ? "printf '%s\\n' '" + *stdin_line + "' | " : "";
  command += "env -i PATH=/usr/bin:/bin";
  for (auto& e : env) command += " '" + e + "'";
  command += " " BOOKSTORE_BINARY;
  for (auto& a : args) command += " '" + a + "'";
  command += stdin_line ? " 2>&1" : " 2>&1 </dev/null";
  Outcome out;
  FILE* pipe = popen(command.c_str(), "r");
  if (!pipe) throw std::runtime_error("popen failed");
  char buffer[4096];
  while (std::size_t n = std::fread(buffer, 1, sizeof buffer, pipe)) out.output.append(buffer, n);
  int status = pclose(pipe);
  if (WIFEXITED(status)) out.exit_code = WEXITSTATUS(status);
  return out;
}

}  // namespace bookstore::testing
