#pragma once
// The HTTP/1.1 server on Boost.Beast: one coroutine per connection, each on its own strand of a
// multi-threaded io_context, keep-alive, size limits and timeouts, graceful shutdown.
//
//   http::Router router;
//   http::register_routes(router, deps);
//   http::Server server(ioc, router, http::server_config(cfg), &registry);
//   server.start();                        // binds now (throws on failure); port() is the bound port
//   ... on SIGTERM: co_await server.drain(cfg.shutdown_grace);   // stops accepting, then waits
//
// The router and the registry must outlive the server and every io_context thread.
#include <chrono>
#include <cstddef>
#include <memory>
#include <string>

#include <boost/asio/io_context.hpp>

#include "adapters/http/middleware.hpp"
#include "app/task.hpp"

namespace bookstore::config {
struct Config;
}
namespace bookstore::metrics {
class Registry;
}

namespace bookstore::http {

class Router;

struct ServerConfig {
  std::string address = "127.0.0.1";
  unsigned short port = 0;                          // 0: an ephemeral port, see Server::port()
  std::size_t max_body_bytes = 1024 * 1024;         // larger bodies: 413 (Content-Length checked up front)
  std::size_t max_header_bytes = 16 * 1024;         // request line + header block larger than this: 431
  std::chrono::milliseconds read_timeout{10'000};   // to read one whole request once it has begun
  std::chrono::milliseconds idle_timeout{60'000};   // between requests on a keep-alive connection
  std::chrono::milliseconds write_timeout{30'000};  // to write one response
  // Peers whose X-Real-IP / X-Forwarded-For is believed (see middleware.hpp).
  TrustedProxies trusted_proxies = TrustedProxies::parse("127.0.0.1,::1");
  // The one exception to max_body_bytes: the book file upload, PUT /api/v1/admin/books/{id}/file (the
  // request target, query aside, matches ^/api/v1/admin/books/[^/]+/file$), may send up to this many
  // bytes (at least max_body_bytes). The route is told apart by the request line, before the body is
  // read; every other method and target keeps max_body_bytes.
  std::size_t max_upload_bytes = 100 * 1024 * 1024;
};

ServerConfig server_config(const config::Config& config);

class Server {
 public:
  // metrics may be null (no HTTP metrics are recorded then).
  Server(boost::asio::io_context& ioc, const Router& router, ServerConfig config,
         metrics::Registry* metrics = nullptr);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds and listens (throws boost::system::system_error when it cannot), then accepts in the
  // background on the io_context.
  void start();
  unsigned short port() const noexcept;  // the bound port, valid after start()

  // Stops accepting: the listening socket is closed, idle keep-alive connections are closed, and
  // connections in the middle of a request answer it with Connection: close. Thread-safe, idempotent.
  void stop_accepting();
  // stop_accepting(), then completes when every connection is gone, or after grace, when the ones
  // left are closed by force.
  Task<void> drain(std::chrono::milliseconds grace);

  std::size_t connections() const noexcept;  // open connections now

  struct Impl;

 private:
  std::shared_ptr<Impl> impl_;
};

}  // namespace bookstore::http
