// The per-address token bucket of the auth routes.
#include <future>

#include <gtest/gtest.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

#include "adapters/http/rate_limiter.hpp"
#include "adapters/metrics/metrics.hpp"
#include "domain/error.hpp"

namespace {

using namespace bookstore;
using namespace std::chrono_literals;
using http::RateLimiter;

RateLimiter::Clock::time_point t0() {
  return RateLimiter::Clock::time_point{} + 1000s;
}

TEST(HttpIdentityRateLimiter, AllowsTheBurstThenRefusesWithRetryAfter) {
  RateLimiter limiter({.per_second = 5, .burst = 20});
  for (int i = 0; i < 20; ++i) EXPECT_TRUE(limiter.acquire("198.51.100.1", t0()).allowed) << i;
  auto refused = limiter.acquire("198.51.100.1", t0());
  EXPECT_FALSE(refused.allowed);
  EXPECT_EQ(refused.retry_after, 1s);  // one token back after 0.2 s: rounded up to a whole second
}

TEST(HttpIdentityRateLimiter, RetryAfterCoversTheTimeToTheNextToken) {
  RateLimiter limiter({.per_second = 0.1, .burst = 2});
  EXPECT_TRUE(limiter.acquire("a", t0()).allowed);
  EXPECT_TRUE(limiter.acquire("a", t0()).allowed);
  EXPECT_EQ(limiter.acquire("a", t0()).retry_after, 10s);
  EXPECT_EQ(limiter.acquire("a", t0() + 4s).retry_after, 6s);
  EXPECT_FALSE(limiter.acquire("a", t0() + 9900ms).allowed);
  EXPECT_TRUE(limiter.acquire("a", t0() + 10s).allowed);  // refusals took nothing
}

TEST(HttpIdentityRateLimiter, RefillsAtTheRate) {
  RateLimiter limiter({.per_second = 5, .burst = 20});
  for (int i = 0; i < 20; ++i) limiter.acquire("a", t0());
  EXPECT_FALSE(limiter.acquire("a", t0()).allowed);
  EXPECT_FALSE(limiter.acquire("a", t0() + 100ms).allowed);
  EXPECT_TRUE(limiter.acquire("a", t0() + 200ms).allowed);
  EXPECT_FALSE(limiter.acquire("a", t0() + 200ms).allowed);
  // One second later: five more, not more.
  for (int i = 0; i < 5; ++i) EXPECT_TRUE(limiter.acquire("a", t0() + 1200ms).allowed) << i;
  EXPECT_FALSE(limiter.acquire("a", t0() + 1200ms).allowed);
  // Never more than the burst, however long the wait.
  int allowed = 0;
  while (limiter.acquire("a", t0() + 1h).allowed) ++allowed;
  EXPECT_EQ(allowed, 20);
}

TEST(HttpIdentityRateLimiter, AddressesHaveIndependentBuckets) {
  RateLimiter limiter({.per_second = 1, .burst = 3});
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(limiter.acquire("10.0.0.1", t0()).allowed);
  EXPECT_FALSE(limiter.acquire("10.0.0.1", t0()).allowed);
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(limiter.acquire("10.0.0.2", t0()).allowed);
  EXPECT_FALSE(limiter.acquire("10.0.0.2", t0()).allowed);
  EXPECT_EQ(limiter.clients(), 2u);
}

TEST(HttpIdentityRateLimiter, EvictsBucketsIdleLongEnoughToBeFull) {
  RateLimiter limiter({.per_second = 5, .burst = 20});  // full again 4 s after being emptied
  limiter.acquire("a", t0());
  limiter.acquire("b", t0() + 2s);
  EXPECT_EQ(limiter.clients(), 2u);
  limiter.acquire("c", t0() + 4s);  // a has been idle 4 s: gone
  EXPECT_EQ(limiter.clients(), 2u);
  limiter.acquire("c", t0() + 10s);  // b too
  EXPECT_EQ(limiter.clients(), 1u);
  // An evicted address starts with a full bucket, as it would have had anyway.
  for (int i = 0; i < 20; ++i) EXPECT_TRUE(limiter.acquire("a", t0() + 10s).allowed);
  EXPECT_FALSE(limiter.acquire("a", t0() + 10s).allowed);
}

TEST(HttpIdentityRateLimiter, KeepsAtMostMaxClientsDroppingTheLeastRecentlyUsed) {
  RateLimiter limiter({.per_second = 1, .burst = 1, .max_clients = 3});
  limiter.acquire("a", t0());
  limiter.acquire("b", t0());
  limiter.acquire("c", t0());
  EXPECT_FALSE(limiter.acquire("a", t0()).allowed);  // a is now the most recently used
  limiter.acquire("d", t0());                        // b goes
  EXPECT_EQ(limiter.clients(), 3u);
  EXPECT_FALSE(limiter.acquire("a", t0()).allowed);  // a kept its (empty) bucket
  EXPECT_FALSE(limiter.acquire("c", t0()).allowed);
  EXPECT_TRUE(limiter.acquire("b", t0()).allowed);  // b starts afresh
}

TEST(HttpIdentityRateLimiter, ZeroRateOrBurstDisablesIt) {
  for (auto settings : {http::RateLimitSettings{.per_second = 0, .burst = 20},
                        http::RateLimitSettings{.per_second = 5, .burst = 0}}) {
    RateLimiter limiter(settings);
    EXPECT_FALSE(settings.enabled());
    for (int i = 0; i < 1000; ++i) ASSERT_TRUE(limiter.acquire("a", t0()).allowed);
    EXPECT_EQ(limiter.clients(), 0u);
  }
}

TEST(HttpIdentityRateLimiter, KeysIpv6ByTheSlash64) {
  EXPECT_EQ(http::rate_limit_key("203.0.113.9"), "203.0.113.9");
  EXPECT_EQ(http::rate_limit_key("2001:db8:1:2:aaaa:bbbb:cccc:dddd"), "2001:db8:1:2::/64");
  EXPECT_EQ(http::rate_limit_key("2001:db8:1:2::1"), http::rate_limit_key("2001:db8:1:2:ffff::9"));
  EXPECT_NE(http::rate_limit_key("2001:db8:1:2::1"), http::rate_limit_key("2001:db8:1:3::1"));
  EXPECT_EQ(http::rate_limit_key("::ffff:192.0.2.1"), "192.0.2.1");
  EXPECT_EQ(http::rate_limit_key("unknown"), "unknown");
}

TEST(HttpIdentityRateLimiter, WrapperAnswers429AndCountsRefusals) {
  auto limiter = std::make_shared<RateLimiter>(http::RateLimitSettings{.per_second = 0.5, .burst = 2});
  metrics::Counter limited;
  int calls = 0;
  auto handler = http::rate_limited(limiter, &limited, [&calls](http::Request&) -> Task<http::Response> {
    ++calls;
    http::Response res{http::bhttp::status::ok, 11};
    co_return res;
  });
  auto call = [&](std::string ip) {
    http::Request req(http::BeastRequest{http::bhttp::verb::post, "/api/v1/auth/login", 11});
    req.set_client_ip(std::move(ip));
    boost::asio::io_context ioc;
    auto future = boost::asio::co_spawn(ioc, handler(req), boost::asio::use_future);
    ioc.run();
    return future.get();
  };
  EXPECT_EQ(call("192.0.2.1").result(), http::bhttp::status::ok);
  EXPECT_EQ(call("192.0.2.1").result(), http::bhttp::status::ok);
  try {
    call("192.0.2.1");
    FAIL() << "expected 429";
  } catch (const domain::Error& e) {
    EXPECT_EQ(e.code(), domain::ErrorCode::kRateLimited);
    ASSERT_TRUE(e.retry_after());
    EXPECT_EQ(*e.retry_after(), 2s);
  }
  EXPECT_EQ(call("192.0.2.2").result(), http::bhttp::status::ok);
  EXPECT_EQ(calls, 3);
  EXPECT_EQ(limited.value(), 1u);
}

TEST(HttpIdentityRateLimiter, DisabledWrapperIsTheHandlerItself) {
  auto limiter = std::make_shared<RateLimiter>(http::RateLimitSettings{.per_second = 0});
  http::Handler inner = [](http::Request&) -> Task<http::Response> {
    http::Response res;
    co_return res;
  };
  auto wrapped = http::rate_limited(limiter, nullptr, inner);
  EXPECT_EQ(wrapped.target_type(), inner.target_type());
}

}  // namespace
