// Bearer extraction (RFC 6750), the 401 answers with WWW-Authenticate, RequestMeta and no-store.
#include <future>

#include <gtest/gtest.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

#include "adapters/http/auth.hpp"
#include "domain/error.hpp"

namespace {

using namespace bookstore;
using http::BearerCredentials;
using Kind = BearerCredentials::Kind;

http::Request make_request(std::string authorization = {}, std::string user_agent = {}) {
  http::BeastRequest message{http::bhttp::verb::get, "/api/v1/me", 11};
  if (!authorization.empty()) message.set(http::bhttp::field::authorization, authorization);
  if (!user_agent.empty()) message.set(http::bhttp::field::user_agent, user_agent);
  http::Request req(std::move(message));
  req.set_client_ip("203.0.113.7");
  req.set_request_id("req-1");
  return req;
}

http::Response run(const http::Handler& handler, http::Request& req) {
  boost::asio::io_context ioc;
  auto future = boost::asio::co_spawn(ioc, handler(req), boost::asio::use_future);
  ioc.run();
  return future.get();
}

// Accepts "good" only.
app::Principal fake_verify(std::string_view token) {
  if (token != "good") throw domain::Error(domain::ErrorCode::kUnauthenticated, "bad token");
  return app::Principal{42, "0b6f2a4e-1111-4222-8333-444455556666", domain::Role::kAdmin};
}

TEST(HttpIdentityBearer, ParsesTheBearerScheme) {
  auto c = http::parse_bearer("Bearer v4.public.abc-_~+/=");
  EXPECT_EQ(c.kind, Kind::kToken);
  EXPECT_EQ(c.token, "v4.public.abc-_~+/=");
  // The scheme is case-insensitive; spaces around and between are tolerated.
  EXPECT_EQ(http::parse_bearer("bearer tok").token, "tok");
  EXPECT_EQ(http::parse_bearer("BEARER   tok  ").token, "tok");
  EXPECT_EQ(http::parse_bearer("  Bearer\ttok").token, "tok");
}

TEST(HttpIdentityBearer, TellsMissingOtherSchemesEmptyAndMalformedApart) {
  EXPECT_EQ(http::parse_bearer("").kind, Kind::kMissing);
  EXPECT_EQ(http::parse_bearer("   ").kind, Kind::kMissing);
  EXPECT_EQ(http::parse_bearer("Basic dXNlcjpwYXNz").kind, Kind::kOtherScheme);
  EXPECT_EQ(http::parse_bearer("Bearertoken").kind, Kind::kOtherScheme);
  EXPECT_EQ(http::parse_bearer("Token abc").kind, Kind::kOtherScheme);
  EXPECT_EQ(http::parse_bearer("Bearer").kind, Kind::kEmpty);
  EXPECT_EQ(http::parse_bearer("Bearer    ").kind, Kind::kEmpty);
  EXPECT_EQ(http::parse_bearer("Bearer two tokens").kind, Kind::kMalformed);
  EXPECT_EQ(http::parse_bearer("Bearer a,b").kind, Kind::kMalformed);
  EXPECT_EQ(http::parse_bearer("Bearer \"quoted\"").kind, Kind::kMalformed);
  EXPECT_EQ(http::parse_bearer("Bearer ===").kind, Kind::kMalformed);  // padding only
  EXPECT_EQ(http::parse_bearer("Bearer a=b").kind, Kind::kMalformed);  // '=' only at the end
  EXPECT_EQ(http::parse_bearer("Bearer abc==").kind, Kind::kToken);
  EXPECT_EQ(http::parse_bearer("Bearer " + std::string(http::kMaxBearerTokenBytes, 'a')).kind, Kind::kToken);
  EXPECT_EQ(http::parse_bearer("Bearer " + std::string(http::kMaxBearerTokenBytes + 1, 'a')).kind,
            Kind::kMalformed);
}

TEST(HttpIdentityBearer, AuthenticatesAGoodToken) {
  auto req = make_request("Bearer good");
  auto outcome = http::authenticate_request(req, fake_verify);
  ASSERT_TRUE(std::holds_alternative<app::Principal>(outcome));
  EXPECT_EQ(std::get<app::Principal>(outcome).user_id, 42);
}

TEST(HttpIdentityBearer, ChallengesWithoutErrorWhenNoTokenWasGiven) {
  for (std::string header : {"", "Basic dXNlcjpwYXNz", "Bearer"}) {
    SCOPED_TRACE(header);
    auto req = make_request(header);
    bool verified = false;
    auto outcome = http::authenticate_request(req, [&](std::string_view t) {
      verified = true;
      return fake_verify(t);
    });
    ASSERT_TRUE(std::holds_alternative<http::Problem>(outcome));
    const auto& p = std::get<http::Problem>(outcome);
    EXPECT_EQ(p.status, http::bhttp::status::unauthorized);
    EXPECT_EQ(p.www_authenticate, "Bearer");
    EXPECT_FALSE(verified);
  }
}

TEST(HttpIdentityBearer, ChallengesWithInvalidTokenWhenATokenWasRefused) {
  for (std::string header : {"Bearer bad", "Bearer two parts"}) {
    SCOPED_TRACE(header);
    auto req = make_request(header);
    auto outcome = http::authenticate_request(req, fake_verify);
    ASSERT_TRUE(std::holds_alternative<http::Problem>(outcome));
    const auto& p = std::get<http::Problem>(outcome);
    EXPECT_EQ(p.status, http::bhttp::status::unauthorized);
    EXPECT_EQ(p.www_authenticate, R"(Bearer error="invalid_token")");
    // Which check failed is not told.
    EXPECT_EQ(p.detail.find("bad token"), std::string::npos);
  }
}

TEST(HttpIdentityBearer, OtherErrorsOfTheVerifierPassThrough) {
  auto req = make_request("Bearer x");
  auto failing = [](std::string_view) -> app::Principal { throw domain::Error::unavailable("down"); };
  try {
    http::authenticate_request(req, failing);
    FAIL() << "expected an exception";
  } catch (const domain::Error& e) {
    EXPECT_EQ(e.code(), domain::ErrorCode::kUnavailable);
  }
}

TEST(HttpIdentityBearer, WithPrincipalAnswers401ProblemWithoutCallingTheHandler) {
  bool called = false;
  auto handler = http::no_store(
      http::with_principal(fake_verify, [&called](http::Request&, app::Principal) -> Task<http::Response> {
        called = true;
        http::Response res{http::bhttp::status::ok, 11};
        co_return res;
      }));
  auto req = make_request("Bearer bad");
  auto res = run(handler, req);
  EXPECT_FALSE(called);
  EXPECT_EQ(res.result(), http::bhttp::status::unauthorized);
  EXPECT_EQ(res[http::bhttp::field::www_authenticate], R"(Bearer error="invalid_token")");
  EXPECT_EQ(res[http::bhttp::field::content_type], "application/problem+json");
  EXPECT_EQ(res[http::bhttp::field::cache_control], "no-store");
  EXPECT_NE(res.body().find("req-1"), std::string::npos);
}

TEST(HttpIdentityBearer, WithPrincipalPassesTheCallerAndNoStoreMarksTheAnswer) {
  app::Principal seen;
  auto handler = http::no_store(
      http::with_principal(fake_verify, [&seen](http::Request&, app::Principal p) -> Task<http::Response> {
        seen = p;
        http::Response res{http::bhttp::status::ok, 11};
        co_return res;
      }));
  auto req = make_request("Bearer good");
  auto res = run(handler, req);
  EXPECT_EQ(res.result(), http::bhttp::status::ok);
  EXPECT_EQ(seen.user_id, 42);
  EXPECT_EQ(seen.role, domain::Role::kAdmin);
  EXPECT_EQ(res[http::bhttp::field::cache_control], "no-store");
}

TEST(HttpIdentityBearer, NoStoreKeepsACacheControlTheHandlerSet) {
  auto handler = http::no_store([](http::Request&) -> Task<http::Response> {
    http::Response res{http::bhttp::status::ok, 11};
    res.set(http::bhttp::field::cache_control, "public, max-age=300");
    co_return res;
  });
  auto req = make_request();
  EXPECT_EQ(run(handler, req)[http::bhttp::field::cache_control], "public, max-age=300");
}

TEST(HttpIdentityBearer, RequestMetaTruncatesTheUserAgentAtACharacterBoundary) {
  // 255 ASCII bytes then a 2-byte character: cutting at 256 would split it.
  std::string agent = std::string(255, 'a') + "\xC3\xA9" + "tail";
  auto req = make_request({}, agent);
  auto meta = http::request_meta(req);
  EXPECT_EQ(meta.ip, "203.0.113.7");
  EXPECT_EQ(meta.request_id, "req-1");
  EXPECT_EQ(meta.user_agent, std::string(255, 'a'));
  EXPECT_EQ(http::truncate_utf8("short", 256), "short");
  EXPECT_EQ(http::truncate_utf8(std::string(300, 'x'), 256).size(), 256u);
}

}  // namespace
