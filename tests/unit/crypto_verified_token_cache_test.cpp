#include "adapters/crypto/verified_token_cache.hpp"

#include <chrono>
#include <string>

#include <gtest/gtest.h>

#include "domain/error.hpp"

namespace {
using namespace std::chrono_literals;
using bookstore::app::AccessClaims;
using bookstore::app::TimePoint;

// Accepts tokens "ok:<exp seconds>" and counts how often it was asked.
class CountingTokens : public bookstore::app::AccessTokens {
 public:
  std::string issue(const AccessClaims&) override { return "ok:100"; }
  AccessClaims verify(std::string_view token, TimePoint now) const override {
    ++calls;
    if (token.rfind("ok:", 0) != 0)
      throw bookstore::domain::Error(bookstore::domain::ErrorCode::kUnauthenticated,
                                     "invalid or expired token");
    AccessClaims c;
    c.subject = "7";
    c.expires_at = TimePoint(std::chrono::seconds(std::stol(std::string(token.substr(3)))));
    if (now >= c.expires_at)
      throw bookstore::domain::Error(bookstore::domain::ErrorCode::kUnauthenticated,
                                     "invalid or expired token");
    return c;
  }
  mutable int calls = 0;
};

TimePoint at(long s) {
  return TimePoint(std::chrono::seconds(s));
}

TEST(CryptoVerifiedTokenCache, VerifiesOnceThenServesFromTheCache) {
  CountingTokens inner;
  bookstore::crypto::VerifiedTokenCache cache(inner);
  EXPECT_EQ(cache.verify("ok:100", at(10)).subject, "7");
  EXPECT_EQ(cache.verify("ok:100", at(20)).subject, "7");
  EXPECT_EQ(inner.calls, 1);
  EXPECT_EQ(cache.size(), 1u);
}

TEST(CryptoVerifiedTokenCache, ExpiryIsCheckedOnEveryHit) {
  CountingTokens inner;
  bookstore::crypto::VerifiedTokenCache cache(inner);
  cache.verify("ok:100", at(10));
  EXPECT_THROW(cache.verify("ok:100", at(100)), bookstore::domain::Error);
  EXPECT_EQ(cache.size(), 0u);
}

TEST(CryptoVerifiedTokenCache, RejectedTokensAreNeverCached) {
  CountingTokens inner;
  bookstore::crypto::VerifiedTokenCache cache(inner);
  EXPECT_THROW(cache.verify("forged", at(10)), bookstore::domain::Error);
  EXPECT_THROW(cache.verify("forged", at(10)), bookstore::domain::Error);
  EXPECT_EQ(inner.calls, 2);
  EXPECT_EQ(cache.size(), 0u);
}

TEST(CryptoVerifiedTokenCache, MemoryStaysBounded) {
  CountingTokens inner;
  bookstore::crypto::VerifiedTokenCache cache(inner, 64);
  for (int i = 0; i < 10000; ++i) cache.verify("ok:" + std::to_string(1000 + i), at(10));
  EXPECT_LE(cache.size(), 64u);
}

}  // namespace
