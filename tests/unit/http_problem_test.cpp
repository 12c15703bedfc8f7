#include "adapters/http/problem.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "adapters/http/middleware.hpp"
#include "adapters/http/request.hpp"

namespace {

using namespace bookstore;
using domain::ErrorCode;
using http::bhttp::status;

struct Case {
  ErrorCode code;
  status expected;
  const char* slug;
};

TEST(HttpProblem, MapsEveryErrorCode) {
  const Case cases[] = {
      {ErrorCode::kValidation, status::unprocessable_entity, "validation"},
      {ErrorCode::kBadRequest, status::bad_request, "bad-request"},
      {ErrorCode::kNotFound, status::not_found, "not-found"},
      {ErrorCode::kConflict, status::conflict, "conflict"},
      {ErrorCode::kUnauthenticated, status::unauthorized, "unauthenticated"},
      {ErrorCode::kForbidden, status::forbidden, "forbidden"},
      {ErrorCode::kRateLimited, status::too_many_requests, "rate-limited"},
      {ErrorCode::kUnavailable, status::service_unavailable, "unavailable"},
      {ErrorCode::kPayloadTooLarge, status::payload_too_large, "payload-too-large"},
      {ErrorCode::kUnsupportedMediaType, status::unsupported_media_type, "unsupported-media-type"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.slug);
    auto res =
        http::problem_response(http::problem_for(domain::Error(c.code, "what happened")), "/x", "rid1");
    EXPECT_EQ(res.result(), c.expected);
    EXPECT_EQ(res[http::bhttp::field::content_type], "application/problem+json");
    EXPECT_EQ(res[http::bhttp::field::cache_control], "no-store");
    auto body = nlohmann::json::parse(res.body());
    EXPECT_EQ(body["type"], std::string("/problems/") + c.slug);
    EXPECT_EQ(body["status"], static_cast<unsigned>(c.expected));
    EXPECT_EQ(body["detail"], "what happened");
    EXPECT_EQ(body["instance"], "/x");
    EXPECT_EQ(body["request_id"], "rid1");
    EXPECT_FALSE(body["title"].get<std::string>().empty());
    EXPECT_FALSE(body.contains("errors"));
    bool retry = c.code == ErrorCode::kRateLimited || c.code == ErrorCode::kUnavailable;
    EXPECT_EQ(res.count(http::bhttp::field::retry_after), retry ? 1u : 0u);
    EXPECT_EQ(res.count(http::bhttp::field::www_authenticate),
              c.code == ErrorCode::kUnauthenticated ? 1u : 0u);
  }
}

TEST(HttpProblem, CarriesFieldErrorsAndRetryAfter) {
  auto res = http::problem_response(http::problem_for(domain::Error::validation(
                                        {{"email", "is not an address"}, {"items/0/qty", "must be > 0"}})),
                                    "/api", "r");
  auto body = nlohmann::json::parse(res.body());
  ASSERT_EQ(body["errors"].size(), 2u);
  EXPECT_EQ(body["errors"][0]["field"], "email");
  EXPECT_EQ(body["errors"][1]["message"], "must be > 0");

  res = http::problem_response(
      http::problem_for(domain::Error::unavailable("db down", std::chrono::seconds(7))), "/", "r");
  EXPECT_EQ(res[http::bhttp::field::retry_after], "7");
  EXPECT_EQ(http::problem_response(http::problem_for(domain::Error(ErrorCode::kUnauthenticated, "x")), "/",
                                   "r")[http::bhttp::field::www_authenticate],
            "Bearer");
}

TEST(HttpProblem, InternalErrorSaysNothing) {
  auto body =
      nlohmann::json::parse(http::problem_response(http::internal_error_problem(), "/p", "rid").body());
  EXPECT_EQ(body["status"], 500);
  EXPECT_EQ(body["request_id"], "rid");
}

http::Request json_request(std::string content_type, std::string body) {
  http::BeastRequest m{http::bhttp::verb::post, "/x?a=1&b=hello+world&c=%2F", 11};
  if (!content_type.empty()) m.set(http::bhttp::field::content_type, content_type);
  m.body() = std::move(body);
  return http::Request(std::move(m));
}

domain::Error json_error(const http::Request& r) {
  try {
    (void)r.json();
  } catch (const domain::Error& e) {
    return e;
  }
  ADD_FAILURE() << "no error";
  return domain::Error(ErrorCode::kNotFound, "");
}

TEST(HttpRequest, JsonBodyRequiresJsonContentType) {
  EXPECT_EQ(json_request("application/json", R"({"a":1})").json()["a"], 1);
  EXPECT_NO_THROW(json_request("Application/JSON; charset=utf-8", "[]").json());
  EXPECT_NO_THROW(json_request("application/merge-patch+json", "{}").json());
  EXPECT_EQ(json_error(json_request("text/plain", "{}")).code(), ErrorCode::kUnsupportedMediaType);
  EXPECT_EQ(json_error(json_request("", "{}")).code(), ErrorCode::kUnsupportedMediaType);
  EXPECT_EQ(json_error(json_request("application/jsonx", "{}")).code(), ErrorCode::kUnsupportedMediaType);
}

TEST(HttpRequest, MalformedJsonReportsThePosition) {
  // The lexer fails at the newline after "tru": byte 12, the end of line 2.
  auto e = json_error(json_request("application/json", "{\n  \"a\": tru\n}"));
  EXPECT_EQ(e.code(), ErrorCode::kBadRequest);
  std::string detail = e.what();
  EXPECT_NE(detail.find("byte 12"), std::string::npos) << detail;
  EXPECT_NE(detail.find("line 2, column 11"), std::string::npos) << detail;
  ASSERT_EQ(e.fields().size(), 1u);
  EXPECT_EQ(e.fields()[0].field, "body");
  EXPECT_NE(e.fields()[0].message.find("byte 12"), std::string::npos);

  EXPECT_EQ(json_error(json_request("application/json", "")).code(), ErrorCode::kBadRequest);
  EXPECT_EQ(json_error(json_request("application/json", "  \n")).code(), ErrorCode::kBadRequest);
  EXPECT_EQ(json_error(json_request("application/json", std::string(1000, '['))).code(),
            ErrorCode::kBadRequest);
}

TEST(HttpRequest, QueryParametersAreDecoded) {
  auto r = json_request("", "");
  EXPECT_EQ(r.path(), "/x");
  EXPECT_EQ(r.query_string(), "a=1&b=hello+world&c=%2F");
  EXPECT_EQ(r.query("a").value(), "1");
  EXPECT_EQ(r.query("b").value(), "hello world");
  EXPECT_EQ(r.query("c").value(), "/");
  EXPECT_FALSE(r.query("d").has_value());
}

TEST(HttpMiddleware, RequestIds) {
  EXPECT_TRUE(http::valid_request_id("abc-DEF_1.2"));
  EXPECT_TRUE(http::valid_request_id(std::string(128, 'a')));
  EXPECT_FALSE(http::valid_request_id(std::string(129, 'a')));
  EXPECT_FALSE(http::valid_request_id(""));
  EXPECT_FALSE(http::valid_request_id("a b"));
  EXPECT_FALSE(http::valid_request_id("a\"b"));
  auto a = http::generate_request_id(), b = http::generate_request_id();
  EXPECT_EQ(a.size(), 32u);
  EXPECT_NE(a, b);
  EXPECT_TRUE(http::valid_request_id(a));
}

TEST(HttpMiddleware, ClientAddressTrustsOnlyTheLocalProxy) {
  EXPECT_EQ(http::client_address("10.0.0.5", false, "1.2.3.4", "5.6.7.8"), "10.0.0.5");
  EXPECT_EQ(http::client_address("127.0.0.1", true, "1.2.3.4", "5.6.7.8"), "1.2.3.4");
  EXPECT_EQ(http::client_address("127.0.0.1", true, "", "9.9.9.9, 5.6.7.8"), "5.6.7.8");
  EXPECT_EQ(http::client_address("127.0.0.1", true, "not-an-ip", ""), "127.0.0.1");
  EXPECT_EQ(http::client_address("::1", true, "2001:db8::1", ""), "2001:db8::1");
}

}  // namespace
