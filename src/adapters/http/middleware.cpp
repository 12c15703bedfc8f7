#include "adapters/http/middleware.hpp"

#include <charconv>
#include <random>
#include <stdexcept>

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

TrustedProxies TrustedProxies::parse(std::string_view list) {
  TrustedProxies out;
  while (!list.empty()) {
    auto comma = list.find(',');
    auto entry = list.substr(0, comma);
    list = comma == std::string_view::npos ? std::string_view{} : list.substr(comma + 1);
    while (!entry.empty() && entry.front() == ' ') entry.remove_prefix(1);
    while (!entry.empty() && entry.back() == ' ') entry.remove_suffix(1);
    if (entry.empty()) continue;
    auto slash = entry.find('/');
    boost::system::error_code ec;
    auto base = boost::asio::ip::make_address(std::string(entry.substr(0, slash)), ec);
    unsigned max_prefix = base.is_v4() ? 32 : 128;
    unsigned prefix = max_prefix;
    if (!ec && slash != std::string_view::npos) {
      auto digits = entry.substr(slash + 1);
      auto [end, err] = std::from_chars(digits.data(), digits.data() + digits.size(), prefix);
      if (err != std::errc() || end != digits.data() + digits.size() || digits.empty() || prefix > max_prefix)
        ec = boost::asio::error::invalid_argument;
    }
    if (ec) throw std::invalid_argument("not an address or network: " + std::string(entry));
    out.networks_.push_back({base, prefix});
  }
  return out;
}

bool TrustedProxies::contains(const boost::asio::ip::address& address) const noexcept {
  auto a = address;
  if (a.is_v6() && a.to_v6().is_v4_mapped())
    a = boost::asio::ip::make_address_v4(boost::asio::ip::v4_mapped, a.to_v6());
  for (const auto& n : networks_) {
    if (n.base.is_v4() != a.is_v4()) continue;
    auto match = [&](const auto& x, const auto& y) {
      unsigned bits = n.prefix;
      for (std::size_t i = 0; i < x.size() && bits > 0; ++i, bits = bits >= 8 ? bits - 8 : 0) {
        unsigned mask = bits >= 8 ? 0xffu : (0xffu << (8 - bits)) & 0xffu;
        if ((x[i] & mask) != (y[i] & mask)) return false;
      }
      return true;
    };
    if (a.is_v4() ? match(a.to_v4().to_bytes(), n.base.to_v4().to_bytes())
                  : match(a.to_v6().to_bytes(), n.base.to_v6().to_bytes()))
      return true;
  }
  return false;
}

}  // namespace bookstore::http
