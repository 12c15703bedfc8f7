#pragma once
// The libpq connection behind pg::Connection (internal to the pg adapter: the pool, the listener and
// the migrations runner use it; everything else sees pg::Connection).
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>

#include "adapters/pg/pool.hpp"

namespace bookstore::pg {

class PgConnection final : public Connection {
 public:
  // Distinct SQL texts prepared per connection; texts beyond it run unprepared (see query_params).
  static constexpr std::size_t kMaxPreparedStatements = 512;

  // Connects without blocking a thread (PQconnectStart/PQconnectPoll). Throws domain::Error(kUnavailable)
  // when the server refuses or does not answer within `timeout`.
  static Task<std::unique_ptr<PgConnection>> open(boost::asio::any_io_executor executor, std::string conninfo,
                                                  std::chrono::milliseconds timeout);
  ~PgConnection() override;
  PgConnection(const PgConnection&) = delete;
  PgConnection& operator=(const PgConnection&) = delete;

  Task<Result> query_params(std::string_view sql, std::span<const Param> params) override;
  Task<void> execute_script(std::string_view sql) override;
  bool healthy() const noexcept override { return !broken_; }

  // Safe to hand to another caller: healthy, outside any transaction, no statement interrupted halfway.
  bool reusable() const noexcept;
  // Reads whatever the server sent while the connection sat idle (non-blocking); false when the server
  // closed it (terminated backend, restart). Costs one recv(), so the pool calls it only after a while idle.
  bool still_alive() noexcept;
  void mark_broken() noexcept { broken_ = true; }
  std::size_t prepared_statements() const noexcept { return statements_.size(); }
  pg_conn* native() const noexcept { return conn_; }

  // For the listener: wait until the socket is readable (false when cancelled or the wait failed), read
  // what arrived (false when the connection is lost), and cancel a pending wait.
  Task<bool> wait_readable();
  bool consume_input() noexcept;
  void cancel_wait() noexcept;

  // Pipeline mode (the pool's shared connections, see pipeline.hpp). The caller serialises all use.
  bool enter_pipeline() noexcept;
  // Queues one statement and a Sync without waiting: the statement is prepared first when it is new on
  // this connection (past kMaxPreparedStatements it runs unnamed). Returns -1 when the connection failed,
  // 1 when a Parse was queued ahead of the statement (its result comes first), 0 otherwise. `statement`
  // receives the id of the prepared statement used (0: unnamed).
  int pipeline_send(std::string_view sql, std::span<const Param> params, std::uint64_t& statement);
  // Forgets `sql` when it still maps to prepared statement `statement` (its Parse failed, or it went stale).
  void forget_statement(std::string_view sql, std::uint64_t statement) noexcept;
  // TCP_CORK: libpq 15 sends at every PQpipelineSync; corked, a batch leaves in one segment.
  void set_cork(bool on) noexcept;
  boost::asio::posix::stream_descriptor& socket() noexcept { return socket_; }

 private:
  PgConnection(boost::asio::any_io_executor executor, pg_conn* conn);
  static Task<std::unique_ptr<PgConnection>> connect(boost::asio::any_io_executor io_executor,
                                                     std::string conninfo, std::chrono::milliseconds timeout);
  struct ResultDeleter {
    void operator()(pg_result* r) const noexcept;
  };
  using OwnedResult = std::unique_ptr<pg_result, ResultDeleter>;
  struct Outcome {
    OwnedResult last;   // last successful result
    OwnedResult error;  // first error result, if any
  };

  Task<void> flush();
  Task<Outcome> collect();
  Task<const std::string*> prepare(std::string_view sql);
  [[noreturn]] void fail_connection(std::string_view what);
  [[noreturn]] void throw_error(const pg_result* res);
  static void on_notice(void* self, const pg_result* res);

  struct TransparentHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
  };

  boost::asio::posix::stream_descriptor socket_;
  pg_conn* conn_;
  bool broken_ = false;
  bool in_flight_ = false;  // a statement was sent and its results are not all read yet
  bool corkable_ = true;    // false once TCP_CORK was refused (a Unix-domain socket)
  std::uint64_t next_statement_ = 0;
  std::unordered_map<std::string, std::string, TransparentHash, std::equal_to<>> statements_;
};

}  // namespace bookstore::pg
