#include "adapters/http/middleware.hpp"

#include <random>

#include <boost/asio/ip/address.hpp>

namespace bookstore::http {

bool valid_request_id(std::string_view id) noexcept {
  if (id.empty() || id.size() > 128) return false;
  for (char c : id) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
              c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

namespace {

// xoshiro256** seeded from the OS once per thread: ids must be unique and unguessable enough for
// correlation, not secrets, and a syscall per request would cost more than the request.
struct IdGenerator {
  std::uint64_t s[4];
  IdGenerator() {
    std::random_device rd;
    for (auto& x : s) x = (static_cast<std::uint64_t>(rd()) << 32) ^ rd();
  }
  static std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  std::uint64_t next() {
    std::uint64_t result = rotl(s[1] * 5, 7) * 9;
    std::uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
  }
};

bool is_ip(std::string_view v) {
  boost::system::error_code ec;
  boost::asio::ip::make_address(std::string(v), ec);
  return !ec;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

std::string generate_request_id() {
  thread_local IdGenerator gen;
  static constexpr char kHex[] = "0123456789abcdef";
  std::string id(32, '0');
  for (int half = 0; half < 2; ++half) {
    std::uint64_t v = gen.next();
    for (int i = 0; i < 16; ++i) {
      id[half * 16 + i] = kHex[v & 0xf];
      v >>= 4;
    }
  }
  return id;
}

std::string client_address(std::string_view peer, bool peer_is_loopback, std::string_view x_real_ip,
                           std::string_view x_forwarded_for) {
  if (peer_is_loopback) {
    auto real = trim(x_real_ip);
    if (!real.empty() && is_ip(real)) return std::string(real);
    if (!x_forwarded_for.empty()) {
      auto comma = x_forwarded_for.rfind(',');
      auto last = trim(comma == std::string_view::npos ? x_forwarded_for : x_forwarded_for.substr(comma + 1));
      if (!last.empty() && is_ip(last)) return std::string(last);
    }
  }
  return std::string(peer);
}

void HttpMetrics::RouteSeries::record(unsigned status, std::chrono::nanoseconds elapsed) {
  duration_.observe(std::chrono::duration<double>(elapsed).count());
  if (status >= by_status_.size()) status = 0;
  auto* counter = by_status_[status].load(std::memory_order_acquire);
  if (!counter) {
    counter = &requests_.with({route_, method_, std::to_string(status)});
    by_status_[status].store(counter, std::memory_order_release);
  }
  counter->inc();
}

HttpMetrics::HttpMetrics(metrics::Registry& registry)
    : requests_(registry.counter("bookstore_http_requests_total",
                                 "HTTP requests answered, by route pattern, method and status",
                                 {"route", "method", "status"})),
      duration_(registry.histogram(
          "bookstore_http_request_duration_seconds",
          "Time from a request's last byte read to its response written, by route pattern and method",
          {"route", "method"}, metrics::Registry::latency_buckets())),
      in_flight_(std::make_shared<std::atomic<std::int64_t>>(0)) {
  // The gauge outlives this object inside the registry, so it holds the counter by shared_ptr.
  registry.gauge("bookstore_http_in_flight", "HTTP requests being handled now", {}, [v = in_flight_] {
    return metrics::Registry::GaugeSamples{{{}, static_cast<double>(v->load())}};
  });
}

HttpMetrics::RouteSeries& HttpMetrics::series(std::string_view route, boost::beast::http::verb method) {
  std::lock_guard lock(mutex_);
  auto key = std::make_pair(std::string(route), static_cast<unsigned>(method));
  auto& slot = series_[key];
  if (!slot) {
    std::string method_name(boost::beast::http::to_string(method));
    if (method == boost::beast::http::verb::unknown) method_name = "OTHER";
    auto& hist = duration_.with({std::string(route), method_name});
    slot = std::make_unique<RouteSeries>(requests_, hist, std::string(route), method_name);
  }
  return *slot;
}

}  // namespace bookstore::http
