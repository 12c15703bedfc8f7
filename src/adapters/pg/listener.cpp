#include <algorithm>

#include <libpq-fe.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "adapters/log/log.hpp"
#include "adapters/pg/connection.hpp"

namespace bookstore::pg {

namespace asio = boost::asio;

namespace {
constexpr auto kFirstBackoff = std::chrono::milliseconds(100);
constexpr auto kMaxBackoff = std::chrono::milliseconds(5000);
constexpr auto kConnectTimeout = std::chrono::milliseconds(3000);

std::string quote_identifier(std::string_view name) {
  std::string out = "\"";
  for (char c : name) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  return out;
}
}  // namespace

// Everything the listener does runs on one strand, so stop() (posted there) can cancel the socket wait
// or the backoff sleep without racing the loop.
struct Listener::State {
  State(asio::any_io_executor ex, std::string info, std::vector<std::string> chans, OnNotify notify,
        std::function<void()> reconnect)
      : executor(ex),
        strand(asio::make_strand(ex)),
        conninfo(std::move(info)),
        channels(std::move(chans)),
        on_notify(std::move(notify)),
        on_reconnect(std::move(reconnect)),
        backoff_timer(strand) {}

  asio::any_io_executor executor;
  asio::strand<asio::any_io_executor> strand;
  std::string conninfo;
  std::vector<std::string> channels;
  OnNotify on_notify;
  std::function<void()> on_reconnect;
  asio::steady_timer backoff_timer;
  bool stopped = false;             // strand only
  PgConnection* current = nullptr;  // strand only

  Task<void> loop();
  Task<void> listen_on(PgConnection& conn);
};

Listener::Listener(asio::any_io_executor executor, std::string conninfo, std::vector<std::string> channels,
                   OnNotify on_notify, std::function<void()> on_reconnect)
    : state_(std::make_shared<State>(std::move(executor), std::move(conninfo), std::move(channels),
                                     std::move(on_notify), std::move(on_reconnect))) {}

Listener::~Listener() {
  stop();
}

void Listener::stop() {
  asio::post(state_->strand, [s = state_] {
    s->stopped = true;
    s->backoff_timer.cancel();
    if (s->current) s->current->cancel_wait();
  });
}

Task<void> Listener::run() {
  auto s = state_;
  co_await asio::co_spawn(s->strand, s->loop(), asio::use_awaitable);
}

Task<void> Listener::State::listen_on(PgConnection& conn) {
  std::string sql;
  for (auto& ch : channels) sql += "LISTEN " + quote_identifier(ch) + ";";
  if (!sql.empty()) co_await conn.execute_script(sql);
  if (on_reconnect) on_reconnect();
  for (;;) {
    while (PGnotify* n = PQnotifies(conn.native())) {
      std::string channel = n->relname ? n->relname : "";
      std::string payload = n->extra ? n->extra : "";
      PQfreemem(n);
      try {
        on_notify(channel, payload);
      } catch (const std::exception& e) {
        log::error("db_notify_handler_failed", {{"channel", channel}, {"error", e.what()}});
      }
    }
    if (stopped) co_return;
    bool readable = co_await conn.wait_readable();
    if (stopped) co_return;
    if (!readable || !conn.consume_input()) co_return;  // lost: the caller reconnects
  }
}

Task<void> Listener::State::loop() {
  auto backoff = kFirstBackoff;
  while (!stopped) {
    try {
      auto conn = co_await PgConnection::open(executor, conninfo, kConnectTimeout);
      if (stopped) break;
      current = conn.get();
      struct Clear {
        PgConnection*& p;
        ~Clear() { p = nullptr; }
      } clear{current};
      log::info("db_listener_connected", {{"channels", channels}});
      backoff = kFirstBackoff;
      co_await listen_on(*conn);
      if (stopped) break;
      log::warn("db_listener_lost", {});
    } catch (const std::exception& e) {
      log::warn("db_listener_failed", {{"error", e.what()}, {"retry_ms", backoff.count()}});
    }
    if (stopped) break;
    backoff_timer.expires_after(backoff);
    boost::system::error_code ec;
    co_await backoff_timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    backoff = std::min(backoff * 2, kMaxBackoff);
  }
}

}  // namespace bookstore::pg
