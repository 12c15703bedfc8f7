#pragma once
// Helpers shared by the integration tests, which run against the real private PostgreSQL cluster that
// the Makefile starts. They fail (never skip) when the database is not configured.
#include <chrono>
#include <cstdlib>
#include <exception>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

namespace bookstore::testing {

// URL of the "bookstore" role on the test database (BOOKSTORE_TEST_DATABASE_URL).
inline std::string database_url() {
  const char* url = std::getenv("BOOKSTORE_TEST_DATABASE_URL");
  if (!url || !*url) throw std::runtime_error("BOOKSTORE_TEST_DATABASE_URL is not set: run the tests with make test");
  return url;
}

// URL of the superuser "postgres" on the same cluster, database "postgres" (BOOKSTORE_TEST_ADMIN_URL), for
// tests that create scratch databases or terminate backends.
inline std::string admin_url() {
  const char* url = std::getenv("BOOKSTORE_TEST_ADMIN_URL");
  if (!url || !*url) throw std::runtime_error("BOOKSTORE_TEST_ADMIN_URL is not set: run the tests with make test");
  return url;
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

}  // namespace bookstore::testing
