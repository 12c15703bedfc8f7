#include "adapters/http/server.hpp"

#include <algorithm>
#include <atomic>
#include <mutex>
#include <optional>
#include <unordered_map>
#include <vector>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <nlohmann/json.hpp>

#include "adapters/config/config.hpp"
#include "adapters/http/middleware.hpp"
#include "adapters/http/problem.hpp"
#include "adapters/http/router.hpp"
#include "adapters/log/log.hpp"
#include "domain/error.hpp"

namespace bookstore::http {

namespace net = boost::asio;
namespace beast = boost::beast;
using tcp = net::ip::tcp;
using Clock = std::chrono::steady_clock;

ServerConfig server_config(const config::Config& c) {
  ServerConfig s;
  s.address = c.listen_address;
  s.port = c.port;
  s.max_body_bytes = c.max_body_bytes;
  s.max_upload_bytes = c.max_upload_bytes;
  s.max_header_bytes = c.max_header_bytes;
  s.read_timeout = c.read_timeout;
  s.idle_timeout = c.idle_timeout;
  s.write_timeout = std::max(c.read_timeout, std::chrono::milliseconds(30'000));
  s.trusted_proxies = TrustedProxies::parse(c.trusted_proxies);
  return s;
}

namespace {

struct Session {
  explicit Session(tcp::socket socket) : stream(std::move(socket)) {}
  beast::tcp_stream stream;
  // Only touched on the session's strand.
  enum class State { kIdle, kReading, kBusy } state = State::kIdle;
};

// PUT /api/v1/admin/books/{id}/file, the book file upload: its body may be up to max_upload_bytes.
bool is_upload_route(bhttp::verb method, std::string_view target) {
  static constexpr std::string_view kPrefix = "/api/v1/admin/books/";
  static constexpr std::string_view kSuffix = "/file";
  if (method != bhttp::verb::put) return false;
  target = target.substr(0, target.find('?'));
  if (!target.starts_with(kPrefix) || !target.ends_with(kSuffix)) return false;
  if (target.size() <= kPrefix.size() + kSuffix.size()) return false;
  const auto id = target.substr(kPrefix.size(), target.size() - kPrefix.size() - kSuffix.size());
  return id.find('/') == std::string_view::npos;
}

bool is_http_parse_error(const beast::error_code& ec) {
  return ec.category() == beast::http::make_error_code(beast::http::error::bad_method).category();
}

}  // namespace

struct Server::Impl : std::enable_shared_from_this<Impl> {
  Impl(net::io_context& ioc, const Router& router, ServerConfig config, metrics::Registry* registry)
      : ioc(ioc), router(router), config(std::move(config)), acceptor(net::make_strand(ioc)) {
    if (registry) {
      metrics.emplace(*registry);
      for (const auto& r : router.routes()) route_series.push_back(&metrics->series(r->pattern, r->method));
    }
  }

  net::io_context& ioc;
  const Router& router;
  ServerConfig config;
  tcp::acceptor acceptor;
  unsigned short bound_port = 0;
  std::optional<HttpMetrics> metrics;
  std::vector<HttpMetrics::RouteSeries*> route_series;  // by Route::index

  std::atomic<bool> stopping{false};
  mutable std::mutex sessions_mutex;
  std::unordered_map<Session*, std::weak_ptr<Session>> sessions;
  std::atomic<std::size_t> session_count{0};

  Task<void> accept_loop();
  Task<void> run_session(std::shared_ptr<Session> s);
  Task<Response> dispatch(Request& req, HttpMetrics::RouteSeries*& series);
  void finish_response(Response& res, const Request& req, bool keep_alive) const;
  void record(const Request& req, const Response& res, HttpMetrics::RouteSeries* series,
              Clock::time_point started, std::size_t bytes_out);

  // Runs f(session) on each live session's strand.
  template <class F>
  void for_each_session(F f) {
    std::lock_guard lock(sessions_mutex);
    for (auto& [raw, weak] : sessions) {
      if (auto s = weak.lock()) net::post(s->stream.get_executor(), [s, f] { f(*s); });
    }
  }
};

Task<void> Server::Impl::accept_loop() {
  auto self = shared_from_this();
  for (;;) {
    tcp::socket socket(net::make_strand(ioc));
    beast::error_code ec;
    co_await acceptor.async_accept(socket, net::redirect_error(net::use_awaitable, ec));
    if (stopping.load()) break;
    if (ec) {
      if (ec == net::error::operation_aborted || !acceptor.is_open()) break;
      // Out of descriptors and the like: back off a little instead of spinning.
      log::warn("http_accept_failed", {{"error", ec.message()}});
      net::steady_timer pause(acceptor.get_executor(), std::chrono::milliseconds(50));
      co_await pause.async_wait(net::redirect_error(net::use_awaitable, ec));
      continue;
    }
    socket.set_option(tcp::no_delay(true), ec);
    auto session = std::make_shared<Session>(std::move(socket));
    {
      std::lock_guard lock(sessions_mutex);
      if (stopping.load()) break;
      sessions.emplace(session.get(), session);
      session_count.fetch_add(1);
    }
    net::co_spawn(session->stream.get_executor(), run_session(session), net::detached);
  }
}

void Server::Impl::finish_response(Response& res, const Request& req, bool keep_alive) const {
  res.version(req.beast().version() == 10 ? 10 : 11);
  res.keep_alive(keep_alive);
  res.set("X-Request-Id", req.request_id());
  res.set("X-Content-Type-Options", "nosniff");
  res.prepare_payload();
  if (req.method() == bhttp::verb::head) {
    // HEAD: the headers a GET would get, Content-Length included, and no body (RFC 9110 9.3.2).
    auto length = res.body().size();
    res.body().clear();
    res.content_length(length);
  }
}

Task<Response> Server::Impl::dispatch(Request& req, HttpMetrics::RouteSeries*& series) {
  // HEAD is answered by the GET route of the same path (finish_response drops the body).
  const bool head = req.method() == bhttp::verb::head;
  auto m = router.match(head ? bhttp::verb::get : req.method(), req.path(), req.mutable_path_params());
  if (m.kind == Router::Match::Kind::kNotFound) {
    if (metrics) series = &metrics->series("unmatched", req.method());
    co_return problem_response(not_found_problem(req.path()), req.path(), req.request_id());
  }
  req.set_route(m.pattern);
  if (m.kind == Router::Match::Kind::kMethodNotAllowed) {
    if (metrics) series = &metrics->series(m.pattern, req.method());
    co_return problem_response(method_not_allowed_problem(req.beast().method_string(), std::string(m.allow)),
                               req.path(), req.request_id());
  }
  if (metrics) series = head ? &metrics->series(m.pattern, req.method()) : route_series[m.route->index];
  std::optional<Problem> problem;
  try {
    co_return co_await m.route->handler(req);
  } catch (const domain::Error& e) {
    problem = problem_for(e);
  } catch (const std::exception& e) {
    // The text may hold SQL or internals: it goes to the log only, with the request id.
    log::error("http_handler_failed", {{"request_id", req.request_id()},
                                       {"route", req.route()},
                                       {"method", req.beast().method_string()},
                                       {"error", e.what()}});
    problem = internal_error_problem();
  } catch (...) {
    log::error("http_handler_failed", {{"request_id", req.request_id()},
                                       {"route", req.route()},
                                       {"method", req.beast().method_string()},
                                       {"error", "unknown exception"}});
    problem = internal_error_problem();
  }
  co_return problem_response(*problem, req.path(), req.request_id());
}

void Server::Impl::record(const Request& req, const Response& res, HttpMetrics::RouteSeries* series,
                          Clock::time_point started, std::size_t bytes_out) {
  auto elapsed = Clock::now() - started;
  if (series) series->record(res.result_int(), elapsed);
  if (log::enabled(spdlog::level::info)) {
    // The path without the query: tokens may travel in query strings.
    // write_fields: this line is written once per request, so no JSON object is built for it.
    log::write_fields(spdlog::level::info, "http_request",
                      {{"request_id", req.request_id()},
                       {"method", req.beast().method_string()},
                       {"route", req.route()},
                       {"path", req.path()},
                       {"status", res.result_int()},
                       {"duration_ms", std::chrono::duration<double, std::milli>(elapsed).count()},
                       {"bytes_out", bytes_out},
                       {"client_ip", req.client_ip()},
                       {"user_agent", req.header("User-Agent")}});
  }
}

Task<void> Server::Impl::run_session(std::shared_ptr<Session> s) {
  auto self = shared_from_this();
  struct Unregister {
    Impl& impl;
    Session* s;
    ~Unregister() {
      std::lock_guard lock(impl.sessions_mutex);
      impl.sessions.erase(s);
      impl.session_count.fetch_sub(1);
    }
  } unregister{*this, s.get()};

  beast::error_code ec;
  std::string peer = "unknown";
  bool peer_is_trusted_proxy = false;
  if (auto ep = s->stream.socket().remote_endpoint(ec); !ec) {
    peer = ep.address().to_string();
    // Only our nginx (BOOKSTORE_TRUSTED_PROXIES) may say whom it forwards for; any other peer, also a
    // local process connecting from elsewhere in 127/8, is taken at its address.
    peer_is_trusted_proxy = config.trusted_proxies.contains(ep.address());
  }

  beast::flat_buffer buffer;  // reused by every request of the connection
  std::optional<bhttp::request_parser<bhttp::string_body>> parser;
  bool linger = false;
  for (;;) {
    if (stopping.load()) break;
    if (buffer.size() == 0) {
      // Between requests: an idle connection is closed quietly after idle_timeout, or at shutdown.
      s->state = Session::State::kIdle;
      s->stream.expires_after(config.idle_timeout);
      std::size_t n = co_await s->stream.async_read_some(buffer.prepare(4096),
                                                         net::redirect_error(net::use_awaitable, ec));
      if (ec) break;
      buffer.commit(n);
    }
    s->state = Session::State::kReading;
    parser.emplace();
    parser->header_limit(
        static_cast<std::uint32_t>(std::min<std::size_t>(config.max_header_bytes, UINT32_MAX)));
    // The largest limit while the header is read (Beast checks Content-Length against it when the
    // header ends); the route's own limit is set right after, before any body byte is parsed.
    const std::size_t upload_limit = std::max(config.max_body_bytes, config.max_upload_bytes);
    parser->body_limit(upload_limit);
    // One deadline for the whole request, so a client trickling bytes (slowloris) cannot hold on.
    s->stream.expires_after(config.read_timeout);
    co_await bhttp::async_read_header(s->stream, buffer, *parser,
                                      net::redirect_error(net::use_awaitable, ec));
    std::size_t body_limit = config.max_body_bytes;
    if ((!ec || ec == bhttp::error::body_limit) &&
        is_upload_route(parser->get().method(), parser->get().target())) {
      body_limit = upload_limit;
    }
    if (!ec) {
      parser->body_limit(body_limit);  // chunked bodies are counted against it as they arrive
      if (auto length = parser->content_length(); length && *length > body_limit)
        ec = bhttp::error::body_limit;
    }
    if (!ec && !parser->is_done()) {
      // curl and others wait up to a second for this before sending a body; the Content-Length was
      // already checked against the limit, so a too-large body gets its 413 instead.
      const auto& head = parser->get();
      if (head.version() == 11 && beast::iequals(head[bhttp::field::expect], "100-continue")) {
        static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
        co_await net::async_write(s->stream, net::buffer(kContinue.data(), kContinue.size()),
                                  net::redirect_error(net::use_awaitable, ec));
      }
      if (!ec)
        co_await bhttp::async_read(s->stream, buffer, *parser, net::redirect_error(net::use_awaitable, ec));
    }
    auto started = Clock::now();
    s->state = Session::State::kBusy;

    std::optional<Problem> read_problem;
    if (ec) {
      if (ec == bhttp::error::body_limit) {
        read_problem = problem_for(domain::ErrorCode::kPayloadTooLarge,
                                   "The request body exceeds " + std::to_string(body_limit) + " bytes");
      } else if (ec == bhttp::error::header_limit) {
        read_problem = header_too_large_problem();
      } else if (is_http_parse_error(ec) && ec != bhttp::error::end_of_stream &&
                 ec != bhttp::error::partial_message && ec != bhttp::error::short_read) {
        read_problem = malformed_request_problem();
      } else {
        break;  // timeout, reset, end of stream: nobody to answer
      }
    }

    Request req(parser->release());
    auto forwarded_ip = peer_is_trusted_proxy ? req.header("X-Real-IP") : std::string_view{};
    auto forwarded_for = peer_is_trusted_proxy ? req.header("X-Forwarded-For") : std::string_view{};
    req.set_client_ip(peer_is_trusted_proxy ? client_address(peer, true, forwarded_ip, forwarded_for) : peer);
    if (auto id = req.header("X-Request-Id"); valid_request_id(id)) {
      req.set_request_id(std::string(id));
    } else {
      req.set_request_id(generate_request_id());
    }

    HttpMetrics::RouteSeries* series = nullptr;
    Response res;
    bool keep_alive = false;
    if (read_problem) {
      // After a broken or oversized request the rest of the stream cannot be trusted: answer and close.
      if (metrics) series = &metrics->series("unmatched", req.method());
      res = problem_response(*read_problem, req.path(), req.request_id());
      linger = true;
    } else {
      if (metrics) metrics->in_flight().fetch_add(1, std::memory_order_relaxed);
      res = co_await dispatch(req, series);
      if (metrics) metrics->in_flight().fetch_sub(1, std::memory_order_relaxed);
      keep_alive = req.beast().keep_alive() && !stopping.load();
    }
    finish_response(res, req, keep_alive);
    s->stream.expires_after(config.write_timeout);
    std::size_t bytes_out =
        co_await bhttp::async_write(s->stream, res, net::redirect_error(net::use_awaitable, ec));
    record(req, res, series, started, bytes_out);
    if (ec || !keep_alive) break;
  }

  auto& socket = s->stream.socket();
  if (socket.is_open()) {
    socket.shutdown(tcp::socket::shutdown_send, ec);
    if (linger) {
      // Read and drop what the client is still sending (say the rest of a too-large body) for a
      // moment, so that closing does not reset the connection before it has read our answer.
      s->stream.expires_after(std::chrono::milliseconds(1000));
      std::size_t dropped = 0;
      while (dropped < 8 * config.max_body_bytes + (1u << 20)) {
        buffer.consume(buffer.size());
        std::size_t n = co_await s->stream.async_read_some(buffer.prepare(64 * 1024),
                                                           net::redirect_error(net::use_awaitable, ec));
        if (ec) break;
        dropped += n;
      }
    }
    s->stream.close();
  }
}

Server::Server(net::io_context& ioc, const Router& router, ServerConfig config, metrics::Registry* registry)
    : impl_(std::make_shared<Impl>(ioc, router, std::move(config), registry)) {}

Server::~Server() {
  stop_accepting();
}

void Server::start() {
  auto& a = impl_->acceptor;
  tcp::endpoint endpoint{net::ip::make_address(impl_->config.address), impl_->config.port};
  a.open(endpoint.protocol());
  a.set_option(net::socket_base::reuse_address(true));
  a.bind(endpoint);
  a.listen(net::socket_base::max_listen_connections);
  impl_->bound_port = a.local_endpoint().port();
  log::info("http_listening", {{"address", impl_->config.address}, {"port", impl_->bound_port}});
  net::co_spawn(a.get_executor(), impl_->accept_loop(), net::detached);
}

unsigned short Server::port() const noexcept {
  return impl_->bound_port;
}

std::size_t Server::connections() const noexcept {
  return impl_->session_count.load();
}

void Server::stop_accepting() {
  {
    std::lock_guard lock(impl_->sessions_mutex);
    if (impl_->stopping.exchange(true)) return;
  }
  auto impl = impl_;
  net::post(impl->acceptor.get_executor(), [impl] {
    beast::error_code ec;
    impl->acceptor.close(ec);
  });
  // Idle connections are waiting for a next request that we will not serve: close them now. Busy
  // ones see `stopping` and answer with Connection: close.
  impl->for_each_session([](Session& s) {
    if (s.state == Session::State::kIdle) s.stream.cancel();
  });
}

Task<void> Server::drain(std::chrono::milliseconds grace) {
  stop_accepting();
  auto impl = impl_;
  net::steady_timer timer(co_await net::this_coro::executor);
  beast::error_code ec;
  auto wait_until = [&](Clock::time_point deadline) -> Task<void> {
    while (impl->session_count.load() > 0 && Clock::now() < deadline) {
      timer.expires_after(std::chrono::milliseconds(5));
      co_await timer.async_wait(net::redirect_error(net::use_awaitable, ec));
    }
  };
  co_await wait_until(Clock::now() + grace);
  if (auto left = impl->session_count.load(); left > 0) {
    log::warn("http_drain_grace_expired", {{"connections", left}});
    impl->for_each_session([](Session& s) {
      beast::error_code ignored;
      s.stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
      s.stream.close();
    });
    co_await wait_until(Clock::now() + std::chrono::milliseconds(500));
  }
  log::info("http_drained", {{"connections_left", impl->session_count.load()}});
}

}  // namespace bookstore::http
