// The server end to end on 127.0.0.1, driven over real sockets by a blocking Beast client.
#include "adapters/http/server.hpp"

#include <sys/socket.h>
#include <sys/time.h>

#include <filesystem>
#include <fstream>
#include <future>
#include <thread>

#include <gtest/gtest.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <nlohmann/json.hpp>

#include "adapters/http/response.hpp"
#include "adapters/http/router.hpp"
#include "adapters/http/routes.hpp"
#include "adapters/log/log.hpp"
#include "adapters/metrics/metrics.hpp"
#include "app/ops/readiness.hpp"

namespace {

using namespace bookstore;
namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = net::ip::tcp;
using namespace std::chrono_literals;

class FakeDatabase : public app::DatabaseStatus {
 public:
  bool up = true;
  int pending = 0;
  Task<bool> reachable() override { co_return up; }
  Task<int> pending_migrations() override { co_return pending; }
};

using Response = bhttp::response<bhttp::string_body>;

class Client {
 public:
  explicit Client(unsigned short port) : socket_(ioc_) {
    socket_.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port));
    timeval tv{5, 0};  // no test may hang on a read
    setsockopt(socket_.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  }
  Response send(bhttp::request<bhttp::string_body> req) {
    req.set(bhttp::field::host, "localhost");
    req.prepare_payload();
    bhttp::write(socket_, req);
    return read();
  }
  Response get(std::string target, std::vector<std::pair<std::string, std::string>> headers = {}) {
    bhttp::request<bhttp::string_body> req{bhttp::verb::get, target, 11};
    for (auto& [k, v] : headers) req.set(k, v);
    return send(std::move(req));
  }
  Response post(std::string target, std::string content_type, std::string body) {
    bhttp::request<bhttp::string_body> req{bhttp::verb::post, target, 11};
    if (!content_type.empty()) req.set(bhttp::field::content_type, content_type);
    req.body() = std::move(body);
    return send(std::move(req));
  }
  // A HEAD request: the response has headers only, whatever its Content-Length says.
  Response head(std::string target) {
    bhttp::request<bhttp::string_body> req{bhttp::verb::head, target, 11};
    bhttp::write(socket_, req);
    bhttp::response_parser<bhttp::string_body> parser;
    parser.skip(true);
    bhttp::read(socket_, buffer_, parser);
    return parser.release();
  }
  // An interim (1xx) response, read as raw text up to the blank line.
  std::string read_interim() {
    std::string text;
    net::read_until(socket_, net::dynamic_buffer(text), "\r\n\r\n");
    return text;
  }
  void write_raw(std::string_view bytes) { net::write(socket_, net::buffer(bytes)); }
  Response read() {
    Response res;
    bhttp::read(socket_, buffer_, res);
    return res;
  }
  // True when the server closed the connection (EOF or reset) before the client's read timeout.
  bool closed_by_peer() {
    char c;
    boost::system::error_code ec;
    socket_.read_some(net::buffer(&c, 1), ec);
    return ec == net::error::eof || ec == net::error::connection_reset;
  }

 private:
  net::io_context ioc_;
  tcp::socket socket_;
  beast::flat_buffer buffer_;
};

nlohmann::json body_of(const Response& r) {
  return nlohmann::json::parse(r.body());
}

class HttpServer : public ::testing::Test {
 protected:
  void SetUp() override {
    log_dir_ = std::filesystem::temp_directory_path() / ("bookstore-http-test-" + std::to_string(::getpid()));
    log::init({.dir = log_dir_.string(), .to_stdout = false});
    http::register_routes(router_, {.readiness = &readiness_, .metrics = &registry_, .test_routes = true});
    http::ServerConfig config;
    config.port = 0;
    config.max_body_bytes = 1024;
    config.max_header_bytes = 4096;
    config.read_timeout = 400ms;
    config.idle_timeout = 1500ms;
    server_ = std::make_unique<http::Server>(ioc_, router_, config, &registry_);
    server_->start();
    for (int i = 0; i < 2; ++i) threads_.emplace_back([this] { ioc_.run(); });
  }
  void TearDown() override {
    net::co_spawn(ioc_, server_->drain(1s), net::use_future).get();
    work_.reset();
    ioc_.stop();
    for (auto& t : threads_) t.join();
    server_.reset();
    log::shutdown();
    std::filesystem::remove_all(log_dir_);
  }
  std::string log_text() {
    log::shutdown();  // flushes
    std::ifstream in(log_dir_ / "bookstore.log");
    std::string text((std::istreambuf_iterator<char>(in)), {});
    log::init({.dir = log_dir_.string(), .to_stdout = false});
    return text;
  }
  unsigned short port() const { return server_->port(); }

  FakeDatabase db_;
  app::CheckReadiness readiness_{db_};
  metrics::Registry registry_;
  http::Router router_;
  net::io_context ioc_;
  net::executor_work_guard<net::io_context::executor_type> work_ = net::make_work_guard(ioc_);
  std::unique_ptr<http::Server> server_;
  std::vector<std::thread> threads_;
  std::filesystem::path log_dir_;
};

TEST_F(HttpServer, KeepAliveServesTwoRequestsOnOneConnection) {
  Client c(port());
  auto a = c.get("/healthz");
  EXPECT_EQ(a.result(), bhttp::status::ok);
  EXPECT_EQ(body_of(a)["status"], "ok");
  EXPECT_TRUE(a.keep_alive());
  EXPECT_EQ(a["X-Content-Type-Options"], "nosniff");
  auto b = c.get("/healthz");
  EXPECT_EQ(b.result(), bhttp::status::ok);
  EXPECT_EQ(server_->connections(), 1u);
}

TEST_F(HttpServer, HeadIsAnsweredLikeGetWithoutABody) {
  Client c(port());
  auto got = c.get("/healthz");
  auto head = c.head("/healthz");
  EXPECT_EQ(head.result(), bhttp::status::ok);
  EXPECT_EQ(head[bhttp::field::content_length], got[bhttp::field::content_length]);
  EXPECT_EQ(head[bhttp::field::content_type], "application/json");
  EXPECT_TRUE(head.body().empty());
  // The connection is still in step: the next request gets its own answer.
  auto again = c.get("/healthz");
  EXPECT_EQ(body_of(again)["status"], "ok");
  auto missing = c.head("/nowhere");
  EXPECT_EQ(missing.result(), bhttp::status::not_found);
  EXPECT_TRUE(missing.body().empty());
}

TEST_F(HttpServer, RequestIdIsGeneratedPassedThroughOrReplaced) {
  Client c(port());
  auto generated = c.get("/healthz");
  EXPECT_EQ(generated["X-Request-Id"].size(), 32u);
  auto passed = c.get("/healthz", {{"X-Request-Id", "abc.DEF_12-3"}});
  EXPECT_EQ(passed["X-Request-Id"], "abc.DEF_12-3");
  auto replaced = c.get("/healthz", {{"X-Request-Id", "bad id!"}});
  EXPECT_EQ(replaced["X-Request-Id"].size(), 32u);
  EXPECT_NE(replaced["X-Request-Id"], "bad id!");
  auto nf = c.get("/nowhere", {{"X-Request-Id", "trace-404"}});
  EXPECT_EQ(nf["X-Request-Id"], "trace-404");
  EXPECT_EQ(body_of(nf)["request_id"], "trace-404");
}

TEST_F(HttpServer, UnknownPathIs404AndWrongMethodIs405) {
  Client c(port());
  auto nf = c.get("/nowhere?token=secret");
  EXPECT_EQ(nf.result(), bhttp::status::not_found);
  EXPECT_EQ(nf[bhttp::field::content_type], "application/problem+json");
  EXPECT_EQ(nf[bhttp::field::cache_control], "no-store");
  auto body = body_of(nf);
  EXPECT_EQ(body["type"], "/problems/not-found");
  EXPECT_EQ(body["status"], 404);
  EXPECT_EQ(body["instance"], "/nowhere");

  auto na = c.post("/healthz", "application/json", "{}");
  EXPECT_EQ(na.result(), bhttp::status::method_not_allowed);
  EXPECT_EQ(na[bhttp::field::allow], "GET");
  EXPECT_EQ(body_of(na)["type"], "/problems/method-not-allowed");
  EXPECT_TRUE(na.keep_alive());
}

TEST_F(HttpServer, JsonBodyErrors) {
  Client c(port());
  auto echo = c.post("/_test/echo", "application/json", R"({"a":[1,2]})");
  EXPECT_EQ(echo.result(), bhttp::status::ok);
  EXPECT_EQ(body_of(echo)["a"][1], 2);

  auto media = c.post("/_test/echo", "text/plain", "{}");
  EXPECT_EQ(media.result(), bhttp::status::unsupported_media_type);
  EXPECT_EQ(body_of(media)["type"], "/problems/unsupported-media-type");

  auto malformed = c.post("/_test/echo", "application/json", "{\"a\": 1,}");
  EXPECT_EQ(malformed.result(), bhttp::status::bad_request);
  auto body = body_of(malformed);
  EXPECT_NE(body["detail"].get<std::string>().find("byte 8"), std::string::npos) << body.dump();
  EXPECT_NE(body["detail"].get<std::string>().find("line 1, column 9"), std::string::npos) << body.dump();
  EXPECT_EQ(body["errors"][0]["field"], "body");

  auto empty = c.post("/_test/echo", "application/json", "");
  EXPECT_EQ(empty.result(), bhttp::status::bad_request);
  // The connection survives all of these.
  EXPECT_EQ(c.get("/healthz").result(), bhttp::status::ok);
}

TEST_F(HttpServer, TooLargeBodyIs413ByContentLength) {
  Client c(port());
  auto res = c.post("/_test/echo", "application/json", "[" + std::string(2000, ' ') + "]");
  EXPECT_EQ(res.result(), bhttp::status::payload_too_large);
  EXPECT_EQ(body_of(res)["type"], "/problems/payload-too-large");
  EXPECT_FALSE(res.keep_alive());
}

TEST_F(HttpServer, ExpectContinueIsAnswered) {
  Client c(port());
  c.write_raw(
      "POST /_test/echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 7\r\n"
      "Expect: 100-continue\r\n\r\n");
  EXPECT_EQ(c.read_interim(), "HTTP/1.1 100 Continue\r\n\r\n");
  c.write_raw(R"({"a":1})");
  auto res = c.read();
  EXPECT_EQ(res.result(), bhttp::status::ok);
  EXPECT_EQ(body_of(res)["a"], 1);
}

TEST_F(HttpServer, TooLargeChunkedBodyIs413) {
  Client c(port());
  std::string chunk(600, ' ');
  std::string raw =
      "POST /_test/echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: "
      "chunked\r\n\r\n";
  for (int i = 0; i < 3; ++i) raw += "258\r\n" + chunk + "\r\n";
  raw += "0\r\n\r\n";
  c.write_raw(raw);
  auto res = c.read();
  EXPECT_EQ(res.result(), bhttp::status::payload_too_large);
  EXPECT_TRUE(c.closed_by_peer());
}

TEST_F(HttpServer, HugeHeadersAre431) {
  Client c(port());
  auto res = c.get("/healthz", {{"X-Big", std::string(8000, 'x')}});
  EXPECT_EQ(res.result(), bhttp::status::request_header_fields_too_large);
  EXPECT_EQ(body_of(res)["status"], 431);
}

TEST_F(HttpServer, MalformedRequestIs400ThenClose) {
  Client c(port());
  c.write_raw("GET /healthz HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n");
  auto res = c.read();
  EXPECT_EQ(res.result(), bhttp::status::bad_request);
  EXPECT_EQ(res[bhttp::field::content_type], "application/problem+json");
  EXPECT_TRUE(c.closed_by_peer());
}

TEST_F(HttpServer, UnexpectedExceptionIs500WithoutDetails) {
  Client c(port());
  auto res = c.get("/_test/fail", {{"X-Request-Id", "fail-1"}});
  EXPECT_EQ(res.result(), bhttp::status::internal_server_error);
  EXPECT_EQ(res.body().find("secret"), std::string::npos) << res.body();
  EXPECT_EQ(body_of(res)["request_id"], "fail-1");
  auto log = log_text();
  auto line = log.find("http_handler_failed");
  ASSERT_NE(line, std::string::npos) << log;
  EXPECT_NE(log.find("secret detail", line), std::string::npos);
}

TEST_F(HttpServer, AccessLogAndMetrics) {
  Client c(port());
  c.get("/_test/sleep?ms=1&token=hunter2", {{"User-Agent", "gtest"}, {"X-Request-Id", "log-1"}});
  c.get("/nowhere");
  auto log = log_text();
  auto at = log.find("\"request_id\":\"log-1\"");
  ASSERT_NE(at, std::string::npos) << log;
  auto line = nlohmann::json::parse(
      log.substr(log.rfind('\n', at) + 1, log.find('\n', at) - log.rfind('\n', at) - 1));
  EXPECT_EQ(line["event"], "http_request");
  EXPECT_EQ(line["route"], "/_test/sleep");
  EXPECT_EQ(line["path"], "/_test/sleep");
  EXPECT_EQ(line["status"], 200);
  EXPECT_EQ(line["method"], "GET");
  EXPECT_EQ(line["client_ip"], "127.0.0.1");
  EXPECT_EQ(line["user_agent"], "gtest");
  EXPECT_GT(line["bytes_out"].get<int>(), 0);
  EXPECT_TRUE(line.contains("duration_ms"));
  EXPECT_EQ(log.find("hunter2"), std::string::npos);

  auto metrics = c.get("/metrics");
  EXPECT_EQ(metrics[bhttp::field::content_type], "text/plain; version=0.0.4; charset=utf-8");
  const auto& text = metrics.body();
  EXPECT_NE(text.find(R"(bookstore_http_requests_total{route="/_test/sleep",method="GET",status="200"} 1)"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find(R"(bookstore_http_requests_total{route="unmatched",method="GET",status="404"} 1)"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("bookstore_http_request_duration_seconds_bucket{route=\"/_test/sleep\",method=\"GET\""),
            std::string::npos);
  EXPECT_NE(text.find("bookstore_http_in_flight 1"), std::string::npos);  // the /metrics request itself
}

TEST_F(HttpServer, OpsEndpoints) {
  Client c(port());
  auto ready = c.get("/readyz");
  EXPECT_EQ(ready.result(), bhttp::status::ok);
  EXPECT_EQ(body_of(ready)["status"], "ready");
  EXPECT_EQ(body_of(ready)["checks"].size(), 2u);
  db_.up = false;
  auto down = c.get("/readyz");
  EXPECT_EQ(down.result(), bhttp::status::service_unavailable);
  EXPECT_EQ(down.count(bhttp::field::retry_after), 1u);
  EXPECT_EQ(body_of(down)["checks"][0]["ok"], false);

  auto doc = c.get("/openapi.json");
  EXPECT_EQ(doc[bhttp::field::content_type], "application/json");
  EXPECT_EQ(body_of(doc)["openapi"], "3.1.0");
  auto page = c.get("/docs");
  EXPECT_EQ(page[bhttp::field::content_type], "text/html; charset=utf-8");
  EXPECT_NE(page.body().find("/openapi.json"), std::string::npos);
  EXPECT_EQ(page.body().find("<script src"), std::string::npos);  // self-contained
}

TEST_F(HttpServer, ReadTimeoutClosesASlowClient) {
  Client c(port());
  c.write_raw("GET /healthz HTTP/1.1\r\nHost: x\r\n");  // and never the end of the headers
  auto start = std::chrono::steady_clock::now();
  EXPECT_TRUE(c.closed_by_peer());
  EXPECT_LT(std::chrono::steady_clock::now() - start, 3s);
}

TEST_F(HttpServer, IdleConnectionIsClosedQuietly) {
  Client c(port());
  EXPECT_EQ(c.get("/healthz").result(), bhttp::status::ok);
  auto start = std::chrono::steady_clock::now();
  EXPECT_TRUE(c.closed_by_peer());
  EXPECT_GE(std::chrono::steady_clock::now() - start, 1s);
}

TEST_F(HttpServer, DrainLetsInFlightRequestsFinishAndRefusesNewConnections) {
  Client busy(port());
  Client idle(port());
  EXPECT_EQ(idle.get("/healthz").result(), bhttp::status::ok);
  busy.write_raw("GET /_test/sleep?ms=600 HTTP/1.1\r\nHost: x\r\n\r\n");
  std::this_thread::sleep_for(150ms);  // the request is in the handler now

  auto drained = net::co_spawn(ioc_, server_->drain(5s), net::use_future);
  std::this_thread::sleep_for(100ms);
  // Idle keep-alive connections are closed at once; new ones are refused.
  EXPECT_TRUE(idle.closed_by_peer());
  EXPECT_THROW(Client late(port()), boost::system::system_error);
  EXPECT_EQ(drained.wait_for(0ms), std::future_status::timeout);

  auto res = busy.read();
  EXPECT_EQ(res.result(), bhttp::status::ok);
  EXPECT_FALSE(res.keep_alive());
  EXPECT_EQ(drained.wait_for(2s), std::future_status::ready);
  EXPECT_EQ(server_->connections(), 0u);
}

TEST_F(HttpServer, DrainForceClosesAfterTheGrace) {
  Client busy(port());
  busy.write_raw("GET /_test/sleep?ms=3000 HTTP/1.1\r\nHost: x\r\n\r\n");
  std::this_thread::sleep_for(100ms);
  auto start = std::chrono::steady_clock::now();
  net::co_spawn(ioc_, server_->drain(200ms), net::use_future).get();
  EXPECT_LT(std::chrono::steady_clock::now() - start, 2s);
  EXPECT_TRUE(busy.closed_by_peer());
}

// The book file upload, PUT /api/v1/admin/books/{id}/file, may send up to max_upload_bytes; every
// other route, and any other method on that path, keeps max_body_bytes.
class HttpServerUploadLimit : public ::testing::Test {
 protected:
  void SetUp() override {
    log_dir_ =
        std::filesystem::temp_directory_path() / ("bookstore-http-upload-test-" + std::to_string(::getpid()));
    log::init({.dir = log_dir_.string(), .to_stdout = false});
    auto size_of_body = [](http::Request& req) -> Task<http::Response> {
      co_return http::raw_json_response(bhttp::status::ok,
                                        "{\"bytes\":" + std::to_string(req.body().size()) + "}");
    };
    router_.put("/api/v1/admin/books/{id}/file", size_of_body);
    router_.post("/api/v1/admin/books/{id}/file", size_of_body);
    router_.put("/api/v1/admin/books/{id}", size_of_body);
    router_.post("/echo-size", size_of_body);
    http::ServerConfig config;
    config.port = 0;
    config.max_body_bytes = 1024;
    config.max_upload_bytes = 8192;
    config.read_timeout = 2s;
    server_ = std::make_unique<http::Server>(ioc_, router_, config);
    server_->start();
    for (int i = 0; i < 2; ++i) threads_.emplace_back([this] { ioc_.run(); });
  }
  void TearDown() override {
    net::co_spawn(ioc_, server_->drain(1s), net::use_future).get();
    work_.reset();
    ioc_.stop();
    for (auto& t : threads_) t.join();
    server_.reset();
    log::shutdown();
    std::filesystem::remove_all(log_dir_);
  }
  Response send(bhttp::verb method, std::string target, std::size_t bytes) {
    Client c(server_->port());
    bhttp::request<bhttp::string_body> req{method, target, 11};
    req.set(bhttp::field::content_type, "application/octet-stream");
    req.body() = std::string(bytes, 'b');
    return c.send(std::move(req));
  }
  // The body in chunks of 600 bytes (no Content-Length: the limit is counted as the chunks arrive).
  Response send_chunked(std::string target, int chunks) {
    Client c(server_->port());
    std::string raw = "PUT " + target + " HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n";
    for (int i = 0; i < chunks; ++i) raw += "258\r\n" + std::string(600, 'c') + "\r\n";
    raw += "0\r\n\r\n";
    c.write_raw(raw);
    return c.read();
  }

  http::Router router_;
  net::io_context ioc_;
  net::executor_work_guard<net::io_context::executor_type> work_ = net::make_work_guard(ioc_);
  std::unique_ptr<http::Server> server_;
  std::vector<std::thread> threads_;
  std::filesystem::path log_dir_;
};

TEST_F(HttpServerUploadLimit, TheUploadRouteTakesBodiesUpToTheUploadLimit) {
  auto above_body_limit = send(bhttp::verb::put, "/api/v1/admin/books/42/file", 5000);
  EXPECT_EQ(above_body_limit.result(), bhttp::status::ok);
  EXPECT_EQ(body_of(above_body_limit)["bytes"], 5000);
  EXPECT_TRUE(above_body_limit.keep_alive());
  EXPECT_EQ(body_of(send(bhttp::verb::put, "/api/v1/admin/books/42/file", 8192))["bytes"], 8192);
  EXPECT_EQ(body_of(send(bhttp::verb::put, "/api/v1/admin/books/b-7/file?replace=1", 3000))["bytes"], 3000);
  EXPECT_EQ(body_of(send_chunked("/api/v1/admin/books/42/file", 5))["bytes"], 3000);

  auto too_large = send(bhttp::verb::put, "/api/v1/admin/books/42/file", 8193);
  EXPECT_EQ(too_large.result(), bhttp::status::payload_too_large);
  EXPECT_EQ(too_large[bhttp::field::content_type], "application/problem+json");
  EXPECT_NE(body_of(too_large)["detail"].get<std::string>().find("8192 bytes"), std::string::npos)
      << too_large.body();
  EXPECT_FALSE(too_large.keep_alive());
  EXPECT_EQ(send_chunked("/api/v1/admin/books/42/file", 14).result(), bhttp::status::payload_too_large);
}

TEST_F(HttpServerUploadLimit, EveryOtherRouteKeepsTheBodyLimit) {
  EXPECT_EQ(body_of(send(bhttp::verb::post, "/echo-size", 1024))["bytes"], 1024);
  auto other = send(bhttp::verb::post, "/echo-size", 2000);
  EXPECT_EQ(other.result(), bhttp::status::payload_too_large);
  EXPECT_NE(body_of(other)["detail"].get<std::string>().find("1024 bytes"), std::string::npos)
      << other.body();
  // Another method on the upload path, and paths that only look like it.
  EXPECT_EQ(send(bhttp::verb::post, "/api/v1/admin/books/42/file", 2000).result(),
            bhttp::status::payload_too_large);
  EXPECT_EQ(send(bhttp::verb::put, "/api/v1/admin/books/42", 2000).result(),
            bhttp::status::payload_too_large);
  EXPECT_EQ(send(bhttp::verb::put, "/api/v1/admin/books/42/files", 2000).result(),
            bhttp::status::payload_too_large);
  EXPECT_EQ(send(bhttp::verb::put, "/api/v1/admin/books/4/2/file", 2000).result(),
            bhttp::status::payload_too_large);
  EXPECT_EQ(send(bhttp::verb::put, "/api/v1/admin/books//file", 2000).result(),
            bhttp::status::payload_too_large);
  EXPECT_EQ(send(bhttp::verb::put, "/x/api/v1/admin/books/42/file", 2000).result(),
            bhttp::status::payload_too_large);
}

}  // namespace

namespace {

TEST(HttpTrustedProxies, AddressesAndNetworksOfBothFamilies) {
  auto p = bookstore::http::TrustedProxies::parse("127.0.0.1, ::1,172.16.0.0/12,fd00::/8");
  auto ip = [](const char* s) { return boost::asio::ip::make_address(s); };
  EXPECT_TRUE(p.contains(ip("127.0.0.1")));
  EXPECT_FALSE(p.contains(ip("127.0.0.2")));  // another local process is not our nginx
  EXPECT_TRUE(p.contains(ip("::1")));
  EXPECT_TRUE(p.contains(ip("172.20.3.4")));
  EXPECT_FALSE(p.contains(ip("172.32.0.1")));
  EXPECT_TRUE(p.contains(ip("fd12::5")));
  EXPECT_FALSE(p.contains(ip("fe80::1")));
  EXPECT_TRUE(p.contains(ip("::ffff:127.0.0.1")));  // IPv4-mapped
  EXPECT_FALSE(bookstore::http::TrustedProxies::parse("").contains(ip("127.0.0.1")));
  EXPECT_THROW(bookstore::http::TrustedProxies::parse("10.0.0.0/33"), std::invalid_argument);
  EXPECT_THROW(bookstore::http::TrustedProxies::parse("nginx"), std::invalid_argument);
}

}  // namespace
