#pragma once
// What the server does around every handler: request ids, per-route metrics, the access log line.
#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>

#include <vector>

#include <boost/asio/ip/address.hpp>
#include <boost/beast/http/verb.hpp>

#include "adapters/metrics/metrics.hpp"

namespace bookstore::http {

// True when a client-sent X-Request-Id may be reused: [A-Za-z0-9._-]{1,128}.
bool valid_request_id(std::string_view id) noexcept;
// 128 random bits as 32 lowercase hex digits, from a per-thread generator seeded once.
std::string generate_request_id();

// The client address: the peer's, unless the peer is loopback (our nginx) and says who it forwarded
// for in X-Real-IP or (its rightmost entry) X-Forwarded-For. Values that are not IP addresses are ignored.
std::string client_address(std::string_view peer, bool peer_is_loopback, std::string_view x_real_ip,
                           std::string_view x_forwarded_for);

// The peers allowed to say whom they forward for (X-Real-IP / X-Forwarded-For): our nginx. Addresses or
// CIDR networks, e.g. "127.0.0.1,::1" (the default: nginx on the same machine) or "172.16.0.0/12" for a
// proxy in a container network. Anyone else is taken at its own address, so it cannot pose as another.
class TrustedProxies {
 public:
  TrustedProxies() = default;
  // Throws std::invalid_argument naming the entry that is neither an address nor a network.
  static TrustedProxies parse(std::string_view comma_separated);
  bool contains(const boost::asio::ip::address& address) const noexcept;

 private:
  struct Network {
    boost::asio::ip::address base;
    unsigned prefix = 0;
  };
  std::vector<Network> networks_;
};

// bookstore_http_requests_total{route,method,status}, bookstore_http_request_duration_seconds{route,method}
// and bookstore_http_in_flight. Series of one (route, method) are looked up once and cached, so the
// request path only touches atomics.
class HttpMetrics {
 public:
  class RouteSeries {
   public:
    RouteSeries(metrics::Family<metrics::Counter>& requests, metrics::Histogram& duration, std::string route,
                std::string method)
        : requests_(requests), duration_(duration), route_(std::move(route)), method_(std::move(method)) {}
    void record(unsigned status, std::chrono::nanoseconds elapsed);

   private:
    metrics::Family<metrics::Counter>& requests_;
    metrics::Histogram& duration_;
    std::string route_, method_;
    std::array<std::atomic<metrics::Counter*>, 600> by_status_{};
  };

  explicit HttpMetrics(metrics::Registry& registry);
  // The series of a (route pattern, method); takes a lock, so the server calls it once per route and
  // for the rare unmatched requests.
  RouteSeries& series(std::string_view route, boost::beast::http::verb method);
  std::atomic<std::int64_t>& in_flight() noexcept { return *in_flight_; }

 private:
  metrics::Family<metrics::Counter>& requests_;
  metrics::Family<metrics::Histogram>& duration_;
  std::shared_ptr<std::atomic<std::int64_t>> in_flight_;
  std::mutex mutex_;
  std::map<std::pair<std::string, unsigned>, std::unique_ptr<RouteSeries>, std::less<>> series_;
};

}  // namespace bookstore::http
