#include "adapters/pg/connection.hpp"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <array>
#include <atomic>
#include <charconv>
#include <cstring>
#include <vector>

#include <libpq-fe.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "adapters/log/log.hpp"
#include "adapters/pg/errors.hpp"
#include "domain/error.hpp"

namespace bookstore::pg {

namespace asio = boost::asio;
using asio::use_awaitable;

namespace {

std::string trimmed_error(const PGconn* conn) {
  std::string s = conn ? PQerrorMessage(conn) : "out of memory";
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

// While the server is down every request that needs a connection fails to connect; one line per second
// says so without flooding the log (the failures are counted in bookstore_db_connect_failures_total).
void log_connect_failure(std::string_view reason) {
  static std::atomic<std::int64_t> last_logged{0};
  std::int64_t now = std::chrono::duration_cast<std::chrono::milliseconds>(
                         std::chrono::steady_clock::now().time_since_epoch())
                         .count();
  std::int64_t last = last_logged.load(std::memory_order_relaxed);
  if (now - last < 1000 || !last_logged.compare_exchange_strong(last, now)) return;
  log::warn("db_connect_failed", {{"reason", reason}});
}

bool is_stale_statement(const pg_result* res) {
  const char* state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
  // 0A000: "cached plan must not change result type" after a schema change; 26000: the statement is
  // gone (DISCARD ALL, DEALLOCATE). Both are cured by preparing again.
  return state && (std::strcmp(state, "0A000") == 0 || std::strcmp(state, "26000") == 0);
}

}  // namespace

void PgConnection::ResultDeleter::operator()(pg_result* r) const noexcept {
  PQclear(r);
}

PgConnection::PgConnection(asio::any_io_executor executor, pg_conn* conn) : socket_(executor), conn_(conn) {
  PQsetNoticeReceiver(conn_, &PgConnection::on_notice, this);
}

PgConnection::~PgConnection() {
  // libpq owns the socket: stop watching it without closing it, then let PQfinish close it.
  if (socket_.is_open()) {
    boost::system::error_code ignored;
    socket_.cancel(ignored);
    socket_.release();
  }
  PQfinish(conn_);
}

void PgConnection::on_notice(void* self, const pg_result* res) {
  // A FATAL error that arrives while the connection is idle (pg_terminate_backend, shutdown) reaches
  // libpq as a notice; the socket closes right after, so the connection must not be reused.
  const char* severity = PQresultErrorField(res, PG_DIAG_SEVERITY_NONLOCALIZED);
  if (severity && (std::strcmp(severity, "FATAL") == 0 || std::strcmp(severity, "PANIC") == 0)) {
    static_cast<PgConnection*>(self)->broken_ = true;
  }
}

Task<std::unique_ptr<PgConnection>> PgConnection::open(asio::any_io_executor executor, std::string conninfo,
                                                       std::chrono::milliseconds timeout) {
  // The connect loop and its deadline timer run on one strand, so the timer can cancel the socket wait
  // without racing the coroutine that owns the socket.
  auto strand = asio::make_strand(executor);
  co_return co_await asio::co_spawn(strand, connect(executor, std::move(conninfo), timeout), use_awaitable);
}

Task<std::unique_ptr<PgConnection>> PgConnection::connect(asio::any_io_executor io_executor,
                                                          std::string conninfo,
                                                          std::chrono::milliseconds timeout) {
  // TCP keepalives unless the connection string says otherwise: a server that vanishes without closing
  // the socket (host lost, network partition) then fails queries within about a minute instead of
  // hanging them. The configured string is expanded last, so its values win over these defaults.
  static constexpr const char* kKeys[] = {"keepalives",
                                          "keepalives_idle",
                                          "keepalives_interval",
                                          "keepalives_count",
                                          "tcp_user_timeout",
                                          "dbname",
                                          nullptr};
  const char* values[] = {"1", "30", "10", "3", "60000", conninfo.c_str(), nullptr};
  PGconn* raw = PQconnectStartParams(kKeys, values, /*expand_dbname=*/1);
  if (!raw) throw std::bad_alloc();
  std::unique_ptr<PgConnection> conn(new PgConnection(io_executor, raw));
  auto fail = [&](std::string_view reason) {
    log_connect_failure(reason);
    throw_unavailable();
  };
  if (PQstatus(raw) == CONNECTION_BAD) fail(trimmed_error(raw));

  struct Deadline {
    bool done = false;
    bool expired = false;
  };
  auto deadline = std::make_shared<Deadline>();
  asio::steady_timer timer(co_await asio::this_coro::executor, timeout);
  PgConnection* target = conn.get();
  timer.async_wait([deadline, target](boost::system::error_code ec) {
    if (ec || deadline->done) return;
    deadline->expired = true;
    boost::system::error_code ignored;
    target->socket_.cancel(ignored);
  });
  struct Finish {  // on every exit: the timer handler must no longer touch the connection
    std::shared_ptr<Deadline> d;
    asio::steady_timer& t;
    ~Finish() {
      d->done = true;
      t.cancel();
    }
  } finish{deadline, timer};

  PostgresPollingStatusType status = PGRES_POLLING_WRITING;  // as libpq documents for the first wait
  while (status != PGRES_POLLING_OK) {
    if (status == PGRES_POLLING_FAILED) fail(trimmed_error(raw));
    // libpq may close and reopen the socket while connecting (another host, SSL/GSS fallback), possibly
    // under the same number, so register the current socket afresh before every wait.
    if (conn->socket_.is_open()) conn->socket_.release();
    int fd = PQsocket(raw);
    if (fd < 0) fail("no socket");
    boost::system::error_code ec;
    conn->socket_.assign(fd, ec);
    if (ec) fail(ec.message());
    auto what = status == PGRES_POLLING_READING ? asio::posix::stream_descriptor::wait_read
                                                : asio::posix::stream_descriptor::wait_write;
    co_await conn->socket_.async_wait(what, asio::redirect_error(use_awaitable, ec));
    if (deadline->expired) fail("connect timeout");
    if (ec) fail(ec.message());
    status = PQconnectPoll(raw);
  }
  if (PQsetnonblocking(raw, 1) != 0) fail(trimmed_error(raw));
  co_return conn;
}

bool PgConnection::reusable() const noexcept {
  return !broken_ && !in_flight_ && PQstatus(conn_) == CONNECTION_OK &&
         PQtransactionStatus(conn_) == PQTRANS_IDLE;
}

bool PgConnection::still_alive() noexcept {
  return consume_input();
}

bool PgConnection::consume_input() noexcept {
  if (broken_) return false;
  // PQconsumeInput only reads; PQisBusy parses, which hands a FATAL error that arrived while idle to
  // on_notice (marking the connection broken) before the EOF that follows it is even read.
  if (!PQconsumeInput(conn_) || PQstatus(conn_) != CONNECTION_OK) broken_ = true;
  PQisBusy(conn_);
  return !broken_;
}

void PgConnection::cancel_wait() noexcept {
  boost::system::error_code ignored;
  socket_.cancel(ignored);
}

Task<bool> PgConnection::wait_readable() {
  boost::system::error_code ec;
  co_await socket_.async_wait(asio::posix::stream_descriptor::wait_read,
                              asio::redirect_error(use_awaitable, ec));
  co_return !ec;
}

void PgConnection::fail_connection(std::string_view what) {
  broken_ = true;
  log::warn("db_connection_lost", {{"reason", what}});
  throw_unavailable();
}

void PgConnection::throw_error(const pg_result* res) {
  const char* state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
  if (PQstatus(conn_) != CONNECTION_OK || (state && is_unavailable_sqlstate(state))) broken_ = true;
  throw_result_error(res, conn_);
}

Task<void> PgConnection::flush() {
  for (;;) {
    int r = PQflush(conn_);
    if (r == 0) co_return;
    if (r < 0) fail_connection(trimmed_error(conn_));
    boost::system::error_code ec;
    co_await socket_.async_wait(asio::posix::stream_descriptor::wait_write,
                                asio::redirect_error(use_awaitable, ec));
    if (ec) fail_connection(ec.message());
  }
}

Task<PgConnection::Outcome> PgConnection::collect() {
  Outcome out;
  for (;;) {
    while (PQisBusy(conn_)) {
      boost::system::error_code ec;
      co_await socket_.async_wait(asio::posix::stream_descriptor::wait_read,
                                  asio::redirect_error(use_awaitable, ec));
      if (ec) fail_connection(ec.message());
      if (!PQconsumeInput(conn_)) fail_connection(trimmed_error(conn_));
    }
    PGresult* r = PQgetResult(conn_);
    if (!r) break;
    switch (PQresultStatus(r)) {
      case PGRES_FATAL_ERROR:
      case PGRES_BAD_RESPONSE:
      case PGRES_NONFATAL_ERROR:
        if (!out.error) {
          out.error.reset(r);
        } else {
          PQclear(r);
        }
        break;
      case PGRES_COPY_IN:
      case PGRES_COPY_OUT:
      case PGRES_COPY_BOTH:
        // COPY is not supported through this interface; the protocol state cannot be recovered cheaply.
        PQclear(r);
        broken_ = true;
        throw QueryError("0A000", "COPY is not supported by pg::Connection");
      default:
        out.last.reset(r);
    }
  }
  if (PQstatus(conn_) != CONNECTION_OK) broken_ = true;
  co_return out;
}

Task<const std::string*> PgConnection::prepare(std::string_view sql) {
  std::string name = "bs" + std::to_string(++next_statement_);
  std::string text(sql);
  if (!PQsendPrepare(conn_, name.c_str(), text.c_str(), 0, nullptr)) fail_connection(trimmed_error(conn_));
  co_await flush();
  Outcome out = co_await collect();
  if (out.error) {
    in_flight_ = false;  // the exchange is complete: the connection is in sync and reusable
    throw_error(out.error.get());
  }
  if (broken_) fail_connection("lost during prepare");
  auto [it, inserted] = statements_.insert_or_assign(std::move(text), std::move(name));
  co_return &it->second;
}

namespace {

// libpq takes parameter values as an array of C strings (NULL for SQL NULL). Short lists, the usual
// case, stay on the stack.
class ParamValues {
 public:
  explicit ParamValues(std::span<const Param> params) {
    const char** out = inline_.data();
    if (params.size() > inline_.size()) {
      heap_.resize(params.size());
      out = heap_.data();
    }
    for (std::size_t i = 0; i < params.size(); ++i) out[i] = params[i] ? params[i]->c_str() : nullptr;
    values_ = out;
    size_ = static_cast<int>(params.size());
  }
  ParamValues(const ParamValues&) = delete;
  ParamValues& operator=(const ParamValues&) = delete;
  const char* const* data() const noexcept { return values_; }
  int size() const noexcept { return size_; }

 private:
  std::array<const char*, 16> inline_{};
  std::vector<const char*> heap_;
  const char** values_ = nullptr;
  int size_ = 0;
};

}  // namespace

Task<Result> PgConnection::query_params(std::string_view sql, std::span<const Param> params) {
  if (broken_) throw_unavailable();
  in_flight_ = true;
  const ParamValues param_values(params);
  const char* const* values = param_values.data();
  const int n = param_values.size();

  for (int attempt = 0;; ++attempt) {
    auto it = statements_.find(sql);
    if (it == statements_.end() && statements_.size() >= kMaxPreparedStatements) {
      // SQL assembled at run time (e.g. a variable number of placeholders) must not grow the cache
      // without bound: past the limit, new texts run as unnamed statements, still one round trip.
      std::string text(sql);
      if (!PQsendQueryParams(conn_, text.c_str(), n, nullptr, values, nullptr, nullptr, 0)) {
        fail_connection(trimmed_error(conn_));
      }
      co_await flush();
      Outcome out = co_await collect();
      in_flight_ = false;
      if (out.error) throw_error(out.error.get());
      if (broken_) fail_connection("lost while reading results");
      co_return Result(out.last.release());
    }
    const std::string* name = it != statements_.end() ? &it->second : co_await prepare(sql);
    if (!PQsendQueryPrepared(conn_, name->c_str(), n, values, nullptr, nullptr, 0)) {
      fail_connection(trimmed_error(conn_));
    }
    co_await flush();
    Outcome out = co_await collect();
    if (out.error) {
      if (is_stale_statement(out.error.get())) {
        if (auto stale = statements_.find(sql); stale != statements_.end()) statements_.erase(stale);
        // Inside a transaction the failed statement aborted it, so only a statement outside one retries.
        if (attempt == 0 && PQtransactionStatus(conn_) == PQTRANS_IDLE) continue;
      }
      in_flight_ = false;
      throw_error(out.error.get());
    }
    if (broken_) fail_connection("lost while reading results");
    in_flight_ = false;
    co_return Result(out.last.release());
  }
}

bool PgConnection::enter_pipeline() noexcept {
  return !broken_ && PQenterPipelineMode(conn_) == 1;
}

namespace {
std::uint64_t statement_id(const std::string& name) noexcept {  // "bs<id>"
  std::uint64_t id = 0;
  if (name.size() > 2) std::from_chars(name.data() + 2, name.data() + name.size(), id);
  return id;
}
}  // namespace

int PgConnection::pipeline_send(std::string_view sql, std::span<const Param> params,
                                std::uint64_t& statement) {
  if (broken_) return -1;
  const ParamValues param_values(params);
  const char* const* values = param_values.data();
  const int n = param_values.size();

  int parsed = 0;
  auto it = statements_.find(sql);
  if (it == statements_.end()) {
    std::string text(sql);
    if (statements_.size() >= kMaxPreparedStatements) {
      statement = 0;
      if (!PQsendQueryParams(conn_, text.c_str(), n, nullptr, values, nullptr, nullptr, 0)) return -1;
      return PQpipelineSync(conn_) == 1 ? 0 : -1;
    }
    std::string name = "bs" + std::to_string(++next_statement_);
    if (!PQsendPrepare(conn_, name.c_str(), text.c_str(), 0, nullptr)) return -1;
    it = statements_.emplace(std::move(text), std::move(name)).first;
    parsed = 1;
  }
  statement = statement_id(it->second);
  if (!PQsendQueryPrepared(conn_, it->second.c_str(), n, values, nullptr, nullptr, 0)) return -1;
  return PQpipelineSync(conn_) == 1 ? parsed : -1;
}

void PgConnection::forget_statement(std::string_view sql, std::uint64_t statement) noexcept {
  auto it = statements_.find(sql);
  if (it != statements_.end() && statement_id(it->second) == statement) statements_.erase(it);
}

void PgConnection::set_cork(bool on) noexcept {
  if (!corkable_) return;
  int value = on ? 1 : 0;
  if (setsockopt(PQsocket(conn_), IPPROTO_TCP, TCP_CORK, &value, sizeof value) != 0) corkable_ = false;
}

Task<void> PgConnection::execute_script(std::string_view sql) {
  if (broken_) throw_unavailable();
  in_flight_ = true;
  std::string text(sql);
  if (!PQsendQuery(conn_, text.c_str())) fail_connection(trimmed_error(conn_));
  co_await flush();
  Outcome out = co_await collect();
  in_flight_ = false;
  if (out.error) throw_error(out.error.get());
  if (broken_) fail_connection("lost while reading results");
}

}  // namespace bookstore::pg
