#include "adapters/http/router.hpp"

#include <stdexcept>

#include <gtest/gtest.h>

namespace {

using namespace bookstore;
using http::bhttp::verb;
using Kind = http::Router::Match::Kind;

http::Handler ok() {
  return [](http::Request&) -> Task<http::Response> { co_return http::Response{}; };
}

TEST(HttpRouter, MatchesLiteralsAndDecodesParameters) {
  http::Router r;
  r.get("/api/v1/books/{id}", ok());
  r.get("/api/v1/books/{id}/reviews/{review}", ok());
  r.get("/", ok());
  http::PathParams params;
  auto m = r.match(verb::get, "/api/v1/books/42", params);
  ASSERT_EQ(m.kind, Kind::kFound);
  EXPECT_EQ(m.route->pattern, "/api/v1/books/{id}");
  ASSERT_EQ(params.size(), 1u);
  EXPECT_EQ(params[0].first, "id");
  EXPECT_EQ(params[0].second, "42");

  m = r.match(verb::get, "/api/v1/books/a%20b/reviews/7", params);
  ASSERT_EQ(m.kind, Kind::kFound);
  ASSERT_EQ(params.size(), 2u);
  EXPECT_EQ(params[0].second, "a b");
  EXPECT_EQ(params[1].first, "review");
  EXPECT_EQ(params[1].second, "7");

  EXPECT_EQ(r.match(verb::get, "/", params).kind, Kind::kFound);
}

TEST(HttpRouter, UnknownPathsAreNotFound) {
  http::Router r;
  r.get("/api/v1/books/{id}", ok());
  http::PathParams params;
  EXPECT_EQ(r.match(verb::get, "/api/v1/books", params).kind, Kind::kNotFound);
  EXPECT_EQ(r.match(verb::get, "/api/v1/books/", params).kind, Kind::kNotFound);  // empty parameter
  EXPECT_EQ(r.match(verb::get, "/api/v1/books/1/extra", params).kind, Kind::kNotFound);
  EXPECT_EQ(r.match(verb::get, "/nope", params).kind, Kind::kNotFound);
  EXPECT_EQ(r.match(verb::get, "", params).kind, Kind::kNotFound);
  EXPECT_EQ(r.match(verb::get, "/a/b/c/d/e/f/g/h/i/j/k/l/m/n/o/p/q/r", params).kind, Kind::kNotFound);
}

TEST(HttpRouter, WrongMethodIsMethodNotAllowedWithAllow) {
  http::Router r;
  r.get("/api/v1/books/{id}", ok());
  r.del("/api/v1/books/{id}", ok());
  http::PathParams params;
  auto m = r.match(verb::post, "/api/v1/books/1", params);
  EXPECT_EQ(m.kind, Kind::kMethodNotAllowed);
  EXPECT_EQ(m.allow, "GET, DELETE");
  EXPECT_EQ(m.pattern, "/api/v1/books/{id}");
}

TEST(HttpRouter, ExactSegmentsWinOverParameters) {
  http::Router r;
  r.get("/api/v1/books/{id}", ok());
  r.get("/api/v1/books/search", ok());
  r.post("/api/v1/books/new", ok());
  http::PathParams params;
  auto m = r.match(verb::get, "/api/v1/books/search", params);
  ASSERT_EQ(m.kind, Kind::kFound);
  EXPECT_EQ(m.route->pattern, "/api/v1/books/search");
  EXPECT_TRUE(params.empty());
  // A literal that exists only for another method falls back to the parameter route of this method.
  m = r.match(verb::get, "/api/v1/books/new", params);
  ASSERT_EQ(m.kind, Kind::kFound);
  EXPECT_EQ(m.route->pattern, "/api/v1/books/{id}");
  EXPECT_EQ(params.at(0).second, "new");
  // Backtracking: the literal branch dead-ends, the parameter branch matches.
  r.get("/api/v1/books/{id}/cover", ok());
  m = r.match(verb::get, "/api/v1/books/search/cover", params);
  ASSERT_EQ(m.kind, Kind::kFound);
  EXPECT_EQ(m.route->pattern, "/api/v1/books/{id}/cover");
}

TEST(HttpRouter, RejectsDuplicatesAndBadPatterns) {
  http::Router r;
  r.get("/a/{id}", ok());
  EXPECT_THROW(r.get("/a/{id}", ok()), std::invalid_argument);
  EXPECT_THROW(r.get("/a/{other}/x", ok()), std::invalid_argument);
  EXPECT_THROW(r.get("a", ok()), std::invalid_argument);
  EXPECT_THROW(r.get("/a/x{id}", ok()), std::invalid_argument);
  EXPECT_NO_THROW(r.post("/a/{id}", ok()));
}

TEST(HttpRouter, ListsRoutesInRegistrationOrder) {
  http::Router r;
  r.get("/b", ok());
  r.post("/a/{x}", ok());
  ASSERT_EQ(r.routes().size(), 2u);
  EXPECT_EQ(r.routes()[0]->pattern, "/b");
  EXPECT_EQ(r.routes()[1]->method, verb::post);
  EXPECT_EQ(r.routes()[1]->index, 1u);
}

}  // namespace
