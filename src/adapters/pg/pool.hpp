#pragma once
// Non-blocking libpq on Asio: the socket of each PGconn is waited on with a posix::stream_descriptor,
// so no coroutine ever blocks a thread. A bounded pool hands out connections; each connection keeps its
// own prepared-statement cache keyed by SQL text.
//
// Pool::query() (one statement outside a transaction) goes through a few connections shared in libpq
// pipeline mode (PoolConfig::pipeline_connections): concurrent statements reach the server in batches,
// each followed by its own Sync, so each still runs in its own implicit transaction and fails alone.
// acquire() and transaction() get exclusive connections; both kinds count towards max_size.
//
// Errors: a lost connection, a refused connect or an acquire timeout raise domain::Error(kUnavailable)
// (HTTP 503); a unique violation raises domain::Error(kConflict); other server errors raise pg::QueryError,
// which the HTTP layer turns into a 500 (the SQLSTATE is logged, parameters never are).
#include <chrono>
#include <concepts>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include "app/task.hpp"

struct pg_conn;
struct pg_result;

namespace bookstore::metrics {
class Registry;
}

namespace bookstore::pg {

// A parameter in libpq text format; std::nullopt is SQL NULL.
using Param = std::optional<std::string>;

inline Param to_param(std::nullopt_t) {
  return std::nullopt;
}
inline Param to_param(std::string_view v) {
  return std::string(v);
}
inline Param to_param(const std::string& v) {
  return v;
}
inline Param to_param(const char* v) {
  return std::string(v);
}
inline Param to_param(bool v) {
  return std::string(v ? "t" : "f");
}
template <std::integral T>
requires(!std::same_as<T, bool>) Param to_param(T v) {
  return std::to_string(v);
}
Param to_param(double v);
template <class T>
Param to_param(const std::optional<T>& v) {
  return v ? to_param(*v) : std::nullopt;
}

// A server error that is not one of the typed domain errors.
class QueryError : public std::runtime_error {
 public:
  QueryError(std::string sqlstate, std::string message)
      : std::runtime_error(std::move(message)), sqlstate_(std::move(sqlstate)) {}
  const std::string& sqlstate() const noexcept { return sqlstate_; }

 private:
  std::string sqlstate_;
};

// The rows of one statement. Column access by index; column(name) finds an index once.
class Result {
 public:
  Result() = default;
  explicit Result(pg_result* res);
  Result(Result&&) noexcept = default;
  Result& operator=(Result&&) noexcept = default;

  int rows() const noexcept;
  int columns() const noexcept;
  int column(std::string_view name) const;  // throws std::out_of_range
  bool is_null(int row, int col) const;
  std::string_view text(int row, int col) const;  // "" for NULL
  std::optional<std::string> optional_text(int row, int col) const;
  std::int64_t int64(int row, int col) const;  // throws on NULL or not a number
  double float64(int row, int col) const;
  bool boolean(int row, int col) const;
  std::int64_t affected_rows() const;  // PQcmdTuples of INSERT/UPDATE/DELETE

 private:
  struct Deleter {
    void operator()(pg_result* r) const noexcept;
  };
  std::unique_ptr<pg_result, Deleter> res_;
};

// One libpq connection. Used by one coroutine at a time (the pool guarantees it).
class Connection {
 public:
  virtual ~Connection() = default;

  // Runs one parameterised statement. The statement is prepared on first use on this connection
  // and reused afterwards (SQL text is the cache key). SQL is never built from input.
  template <class... Args>
  Task<Result> query(std::string_view sql, const Args&... args) {
    std::vector<Param> params{to_param(args)...};
    co_return co_await query_params(sql, params);
  }
  virtual Task<Result> query_params(std::string_view sql, std::span<const Param> params) = 0;
  // Runs one or more statements without parameters (simple protocol), e.g. a migration file.
  virtual Task<void> execute_script(std::string_view sql) = 0;
  // False once the connection was lost; the pool then discards it instead of reusing it.
  virtual bool healthy() const noexcept = 0;
};

// Move-only handle to a pooled connection; returns it to the pool (or discards it when broken)
// when destroyed.
class PooledConnection {
 public:
  PooledConnection() = default;
  PooledConnection(PooledConnection&&) noexcept;
  PooledConnection& operator=(PooledConnection&&) noexcept;
  ~PooledConnection();
  Connection* operator->() const noexcept { return conn_; }
  Connection& operator*() const noexcept { return *conn_; }

 private:
  friend class Pool;
  struct Return {
    virtual ~Return() = default;
    virtual void give_back(Connection* c) noexcept = 0;
  };
  PooledConnection(Connection* c, std::shared_ptr<Return> home) : conn_(c), home_(std::move(home)) {}
  Connection* conn_ = nullptr;
  std::shared_ptr<Return> home_;
};

struct PoolConfig {
  std::string conninfo;
  std::size_t max_size = 16;
  std::chrono::milliseconds acquire_timeout{2000};
  std::chrono::milliseconds connect_timeout{3000};
  // Connections Pool::query() shares in pipeline mode, at most max_size / 2; 0: every query() takes an
  // exclusive connection like acquire(). Statements go to the first pipeline that keeps up (large
  // batches: on the 2-core bench one pipeline gave 85-91% of pgbench -S against 51-56% without and
  // 62-67% when spread over four), the next one opens only when a slow statement stalls it.
  std::size_t pipeline_connections = 4;
};

struct PoolStats {
  std::size_t open = 0;     // connections that exist
  std::size_t in_use = 0;   // handed out
  std::size_t waiting = 0;  // acquire() calls waiting for a connection
  std::uint64_t acquire_timeouts = 0;
  std::uint64_t connect_failures = 0;
  std::size_t pipelined = 0;  // open connections shared by query() in pipeline mode (part of open)
};

class Pool {
 public:
  // metrics may be null; when given, the pool registers its gauges and counters there.
  Pool(boost::asio::any_io_executor executor, PoolConfig config, metrics::Registry* metrics = nullptr);
  ~Pool();
  Pool(const Pool&) = delete;
  Pool& operator=(const Pool&) = delete;

  // A connection, opening a new one when below max_size. Throws domain::Error(kUnavailable) after
  // acquire_timeout, or when the server cannot be reached.
  Task<PooledConnection> acquire();

  // One statement outside a transaction, on a shared pipelined connection when there are any.
  template <class... Args>
  Task<Result> query(std::string_view sql, const Args&... args) {
    std::vector<Param> params{to_param(args)...};
    co_return co_await query_params(sql, params);
  }
  Task<Result> query_params(std::string_view sql, std::span<const Param> params);

  // Runs fn(Connection&) between BEGIN and COMMIT; on an exception rolls back and rethrows.
  // Usage: co_await pool.transaction([&](pg::Connection& c) -> Task<int> { ...; co_return 1; });
  template <class F>
  auto transaction(F fn) -> std::invoke_result_t<F, Connection&> {
    using R = typename std::invoke_result_t<F, Connection&>::value_type;
    auto conn = co_await acquire();
    co_await begin(*conn);
    std::exception_ptr failure;
    try {
      if constexpr (std::is_void_v<R>) {
        co_await fn(*conn);
        co_await commit(*conn);
        co_return;
      } else {
        R value = co_await fn(*conn);
        co_await commit(*conn);
        co_return value;
      }
    } catch (...) {
      failure = std::current_exception();  // no co_await inside a handler: roll back below
    }
    // Also after a failed COMMIT: harmless there (the server already ended the transaction), and a
    // broken connection is marked so the pool discards it.
    co_await rollback(*conn);
    std::rethrow_exception(failure);
  }

  PoolStats stats() const;
  // Closes idle connections and makes later acquire() calls fail; used at shutdown.
  void close();

 private:
  struct State;
  static Task<PooledConnection> acquire_from(std::shared_ptr<State> st);
  static Task<void> begin(Connection& c);
  static Task<void> commit(Connection& c);
  static Task<void> rollback(Connection& c) noexcept;
  std::shared_ptr<State> state_;
};

// A dedicated connection that LISTENs on channels and hands notifications to a callback. It
// reconnects on its own after the server goes away and calls on_reconnect (notifications sent while
// it was away are lost, so listeners re-check what they were waiting for).
class Listener {
 public:
  using OnNotify = std::function<void(std::string_view channel, std::string_view payload)>;
  Listener(boost::asio::any_io_executor executor, std::string conninfo, std::vector<std::string> channels,
           OnNotify on_notify, std::function<void()> on_reconnect = {});
  ~Listener();
  // Runs until stop(); co_spawn it.
  Task<void> run();
  void stop();

 private:
  struct State;
  std::shared_ptr<State> state_;
};

}  // namespace bookstore::pg
