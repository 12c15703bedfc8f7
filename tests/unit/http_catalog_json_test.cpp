// The catalog's JSON (book_json, the admin bodies, the deleted-list cursor and query) and the admin book
// routes over the in-memory fakes: status codes, Location, 401/403, 415 and the shape errors.
#include <functional>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "adapters/http/catalog_json.hpp"
#include "adapters/http/handlers/admin_books.hpp"
#include "adapters/http/problem.hpp"
#include "adapters/http/request.hpp"
#include "app/catalog/inventory.hpp"
#include "fakes/fake_book_files.hpp"
#include "fakes/fake_book_store.hpp"
#include "fakes/fake_clock.hpp"
#include "fakes/fake_run.hpp"

namespace {

using namespace bookstore;
using json = nlohmann::json;
using http::bhttp::field;
using http::bhttp::status;
using http::bhttp::verb;

std::vector<std::string> bad_fields(const std::function<void()>& f) {
  std::vector<std::string> names;
  try {
    f();
    ADD_FAILURE() << "no validation error";
  } catch (const domain::Error& e) {
    EXPECT_EQ(e.code(), domain::ErrorCode::kValidation);
    for (const auto& field : e.fields()) names.push_back(field.field);
  }
  return names;
}

app::BookRecord sample_book() {
  app::BookRecord b;
  b.id = 42;
  b.isbn13 = "9780306406157";
  b.title = "Title";
  b.authors = {app::AuthorRef{3, "Ann Author"}};
  b.genres = {app::GenreRef{1, "fiction", "Fiction"}};
  b.language = "en";
  b.price_minor = 19900;
  b.format = "pdf";
  b.stock = 0;
  b.rating_avg = 4.5;
  b.rating_count = 2;
  b.created_at = std::chrono::sys_days{std::chrono::year{2025} / 3 / 1};
  b.updated_at = b.created_at + std::chrono::hours(1);
  return b;
}

TEST(HttpCatalogJson, PublicAndAdminBookJson) {
  app::BookRecord b = sample_book();
  json pub = http::book_json(b, false);
  EXPECT_EQ(pub["id"], 42);
  EXPECT_EQ(pub["isbn13"], "9780306406157");
  EXPECT_EQ(pub["authors"], json::parse(R"([{"id":3,"name":"Ann Author"}])"));
  EXPECT_EQ(pub["genres"], json::parse(R"([{"id":1,"slug":"fiction","name":"Fiction"}])"));
  EXPECT_TRUE(pub["publisher"].is_null());
  EXPECT_TRUE(pub["publication_year"].is_null());
  EXPECT_TRUE(pub["page_count"].is_null());
  EXPECT_TRUE(pub["cover_url"].is_null());
  EXPECT_EQ(pub["stock"], 0);
  EXPECT_EQ(pub["in_stock"], false);
  EXPECT_EQ(pub["rating"], json::parse(R"({"average":4.5,"count":2})"));
  EXPECT_EQ(pub["has_file"], false);
  EXPECT_EQ(pub["created_at"], "2025-03-01T00:00:00Z");
  EXPECT_EQ(pub["updated_at"], "2025-03-01T01:00:00Z");
  EXPECT_FALSE(pub.contains("file"));
  EXPECT_FALSE(pub.contains("deleted_at"));

  b.stock.reset();
  b.publisher = app::PublisherRef{9, "Ace"};
  b.file = app::BookFile{"ab/cd.pdf", 1234, std::string(64, 'f'), b.created_at};
  b.deleted_at = b.updated_at;
  pub = http::book_json(b, false);
  EXPECT_TRUE(pub["stock"].is_null());
  EXPECT_EQ(pub["in_stock"], true);
  EXPECT_EQ(pub["has_file"], true);
  EXPECT_EQ(pub["publisher"], json::parse(R"({"id":9,"name":"Ace"})"));
  EXPECT_EQ(pub.dump().find("ab/cd.pdf"), std::string::npos);  // never the storage key in public

  json admin = http::book_json(b, true);
  EXPECT_EQ(admin.dump().find("ab/cd.pdf"), std::string::npos);  // where it lies stays on the server
  EXPECT_EQ(admin["file"]["size"], 1234);
  EXPECT_EQ(admin["file"]["uploaded_at"], "2025-03-01T00:00:00Z");
  EXPECT_EQ(admin["deleted_at"], "2025-03-01T01:00:00Z");
}

TEST(HttpCatalogJson, NewBookFromABody) {
  auto book = http::new_book_from(json::parse(R"({
    "isbn": "0-306-40615-2", "title": "T", "language": "en", "price_minor": 100, "format": "epub",
    "authors": ["A", "B"], "stock": 5, "publication_year": 1999, "publisher": "P", "cover_url": null})"));
  EXPECT_EQ(book.isbn, "0-306-40615-2");  // normalised by the use case, not here
  EXPECT_EQ(book.currency, "INR");
  EXPECT_EQ(book.stock, 5);
  EXPECT_EQ(book.publication_year, 1999);
  EXPECT_EQ(book.publisher, "P");
  EXPECT_FALSE(book.cover_url);
  EXPECT_EQ(book.authors, (std::vector<std::string>{"A", "B"}));
  EXPECT_TRUE(book.genres.empty());
  EXPECT_EQ(book.subtitle, "");
}

TEST(HttpCatalogJson, NewBookShapeErrorsAreCollected) {
  EXPECT_EQ(bad_fields([] { http::new_book_from(json::array()); }), std::vector<std::string>{"body"});
  EXPECT_EQ(bad_fields([] { http::new_book_from(json::object()); }),
            (std::vector<std::string>{"isbn", "title", "language", "price_minor", "format", "authors"}));
  EXPECT_EQ(bad_fields([] {
              http::new_book_from(json::parse(R"({
      "isbn": 978, "title": "T", "language": "en", "price_minor": 1.5, "format": "pdf", "authors": ["A", 2],
      "genres": "fiction", "page_count": 99999999999, "stock": "many", "rating": 5})"));
            }),
            (std::vector<std::string>{"rating", "isbn", "page_count", "price_minor", "stock", "authors/1",
                                      "genres"}));
}

TEST(HttpCatalogJson, PatchDistinguishesAbsentNullAndValues) {
  auto patch = http::book_patch_from(json::parse(R"({"stock": null, "publisher": null, "price_minor": 5})"));
  ASSERT_TRUE(patch.stock);
  EXPECT_FALSE(*patch.stock);
  ASSERT_TRUE(patch.publisher);
  EXPECT_FALSE(*patch.publisher);
  EXPECT_EQ(patch.price_minor, 5);
  EXPECT_FALSE(patch.title);
  EXPECT_FALSE(patch.cover_url);
  EXPECT_TRUE(http::book_patch_from(json::object()).empty());

  patch = http::book_patch_from(json::parse(R"({"stock": 3, "genres": [], "page_count": 12})"));
  EXPECT_EQ(patch.stock, std::optional<std::int64_t>(3));
  EXPECT_EQ(patch.genres, std::vector<std::string>{});
  EXPECT_EQ(patch.page_count, std::optional<int>(12));

  EXPECT_EQ(
      bad_fields([] { http::book_patch_from(json::parse(R"({"title": null, "authors": null, "id": 4})")); }),
      (std::vector<std::string>{"id", "title", "authors"}));
}

TEST(HttpCatalogJson, StockDelta) {
  EXPECT_EQ(http::stock_delta_from(json::parse(R"({"delta": -3})")), -3);
  EXPECT_EQ(bad_fields([] { http::stock_delta_from(json::object()); }), std::vector<std::string>{"delta"});
  EXPECT_EQ(bad_fields([] { http::stock_delta_from(json::parse(R"({"delta": "1", "x": 1})")); }),
            (std::vector<std::string>{"x", "delta"}));
}

TEST(HttpCatalogJson, DeletedCursorRoundTripsAndRejectsAnythingElse) {
  app::DeletedBooksCursor c{app::TimePoint(std::chrono::microseconds(1'740'787'200'123'456)), 77};
  const std::string text = http::deleted_books_cursor(c);
  EXPECT_EQ(text, "1740787200123456.77");
  EXPECT_EQ(http::parse_deleted_books_cursor(text), c);
  for (const char* bad :
       {"", "1.", ".1", "1", "a.b", "01.2", "1.02", "1.0", "-1.2", "1.2.3", "99999999999999999999.1"}) {
    EXPECT_FALSE(http::parse_deleted_books_cursor(bad)) << bad;
  }
}

http::Request get(std::string target) {
  return http::Request(http::BeastRequest{verb::get, target, 11});
}

TEST(HttpCatalogJson, DeletedQueryAndPage) {
  auto q = http::deleted_books_query_from(get("/api/v1/admin/books/deleted"));
  EXPECT_FALSE(q.after);
  EXPECT_EQ(q.limit, 50);
  q = http::deleted_books_query_from(get("/api/v1/admin/books/deleted?cursor=5.6&limit=2"));
  ASSERT_TRUE(q.after);
  EXPECT_EQ(q.after->id, 6);
  EXPECT_EQ(q.limit, 2);
  auto req = get("/api/v1/admin/books/deleted?cursor=abc&limit=0");
  EXPECT_EQ(bad_fields([&] { http::deleted_books_query_from(req); }),
            (std::vector<std::string>{"cursor", "limit"}));

  app::BookRecord b = sample_book();
  b.deleted_at = app::TimePoint(std::chrono::microseconds(5));
  json full = http::deleted_books_page_json({b, b}, 2);
  EXPECT_EQ(full["items"].size(), 2u);
  EXPECT_EQ(full["next_cursor"], "5.42");
  EXPECT_TRUE(http::deleted_books_page_json({b}, 2)["next_cursor"].is_null());
}

TEST(HttpCatalogJson, UploadMediaTypes) {
  EXPECT_EQ(http::book_format_for_media_type("application/epub+zip"), "epub");
  EXPECT_EQ(http::book_format_for_media_type("Application/PDF; charset=binary"), "pdf");
  EXPECT_FALSE(http::book_format_for_media_type("application/zip"));
  EXPECT_FALSE(http::book_format_for_media_type(""));
}

// ---- the routes ----

class HttpAdminBooks : public ::testing::Test {
 protected:
  void SetUp() override {
    http::TokenVerifier verify = [](std::string_view token) {
      app::Principal p;
      p.user_id = 5;
      p.session_id = "s";
      if (token == "admin") {
        p.role = domain::Role::kAdmin;
      } else if (token == "inventory") {
        p.role = domain::Role::kInventory;
      } else if (token == "customer") {
        p.role = domain::Role::kCustomer;
      } else if (token == "support") {
        p.role = domain::Role::kSupport;
      } else {
        throw domain::Error(domain::ErrorCode::kUnauthenticated, "bad token");
      }
      return p;
    };
    http::register_admin_book_routes(router, inventory, verify);
  }

  http::Response send(verb method, std::string target, std::string body = {}, std::string token = "inventory",
                      std::string content_type = "application/json") {
    http::BeastRequest message{method, target, 11};
    if (!body.empty()) {
      message.set(field::content_type, content_type);
      message.body() = body;
    }
    if (!token.empty()) message.set(field::authorization, "Bearer " + token);
    http::Request req(std::move(message));
    req.set_client_ip("192.0.2.1");
    req.set_request_id("req-books");
    auto m = router.match(method, req.path(), req.mutable_path_params());
    if (m.kind != http::Router::Match::Kind::kFound)
      return http::problem_response(http::not_found_problem(req.path()), req.path(), req.request_id());
    req.set_route(m.pattern);
    try {
      return fakes::run(m.route->handler(req));
    } catch (const domain::Error& e) {
      return http::problem_response(http::problem_for(e), req.path(), req.request_id());
    }
  }

  static std::string new_book(const std::string& isbn = "9780306406157") {
    json b = {{"isbn", isbn},         {"title", "Dune"},  {"language", "en"},
              {"price_minor", 39900}, {"format", "epub"}, {"authors", {"Frank Herbert"}}};
    return b.dump();
  }

  fakes::FakeClock clock;
  fakes::FakeBookStore books{clock};
  fakes::FakeBookFiles files;
  app::Inventory inventory{books, files, clock};
  http::Router router;
};

TEST_F(HttpAdminBooks, CreateAnswers201WithLocationAndTheAdminJson) {
  auto res = send(verb::post, "/api/v1/admin/books", new_book());
  ASSERT_EQ(res.result(), status::created) << res.body();
  EXPECT_EQ(res[field::location], "/api/v1/admin/books/1");
  EXPECT_EQ(res[field::cache_control], "no-store");
  json body = json::parse(res.body());
  EXPECT_EQ(body["title"], "Dune");
  EXPECT_TRUE(body.contains("deleted_at"));
  EXPECT_TRUE(body["file"].is_null());
  EXPECT_EQ(books.events("book.created").at(0).ip, "192.0.2.1");
  EXPECT_EQ(books.events("book.created").at(0).request_id, "req-books");

  EXPECT_EQ(send(verb::post, "/api/v1/admin/books", new_book()).result(), status::conflict);
  EXPECT_EQ(send(verb::get, "/api/v1/admin/books/1").result(), status::ok);
  EXPECT_EQ(send(verb::get, "/api/v1/admin/books/2").result(), status::not_found);
  EXPECT_EQ(send(verb::get, "/api/v1/admin/books/abc").result(), status::not_found);
}

TEST_F(HttpAdminBooks, CallersNeedATokenAndTheCatalogPermission) {
  EXPECT_EQ(send(verb::post, "/api/v1/admin/books", new_book(), "").result(), status::unauthorized);
  EXPECT_EQ(send(verb::post, "/api/v1/admin/books", new_book(), "customer").result(), status::forbidden);
  EXPECT_EQ(send(verb::post, "/api/v1/admin/books", new_book(), "support").result(), status::forbidden);
  EXPECT_EQ(send(verb::get, "/api/v1/admin/books/deleted", {}, "support").result(), status::forbidden);
  EXPECT_EQ(send(verb::post, "/api/v1/admin/books", new_book(), "admin").result(), status::created);
}

TEST_F(HttpAdminBooks, ShapeErrorsAndUnknownFieldsAre422) {
  auto res = send(verb::post, "/api/v1/admin/books", R"({"title": 5, "colour": "red"})");
  EXPECT_EQ(res.result(), status::unprocessable_entity);
  EXPECT_EQ(send(verb::post, "/api/v1/admin/books", "{", "inventory").result(), status::bad_request);
}

TEST_F(HttpAdminBooks, PatchStockDeleteRestoreAndTheDeletedList) {
  ASSERT_EQ(send(verb::post, "/api/v1/admin/books", new_book()).result(), status::created);
  auto res = send(verb::patch, "/api/v1/admin/books/1", R"({"stock": 2, "price_minor": 100})");
  ASSERT_EQ(res.result(), status::ok) << res.body();
  EXPECT_EQ(json::parse(res.body())["stock"], 2);
  res = send(verb::post, "/api/v1/admin/books/1/stock", R"({"delta": -3})");
  EXPECT_EQ(res.result(), status::conflict);
  EXPECT_NE(json::parse(res.body())["detail"].get<std::string>().find("2 left"), std::string::npos);
  res = send(verb::post, "/api/v1/admin/books/1/stock", R"({"delta": -2})");
  EXPECT_EQ(json::parse(res.body())["in_stock"], false);

  res = send(verb::delete_, "/api/v1/admin/books/1");
  ASSERT_EQ(res.result(), status::ok);
  EXPECT_FALSE(json::parse(res.body())["deleted_at"].is_null());
  EXPECT_EQ(send(verb::delete_, "/api/v1/admin/books/1").result(), status::not_found);
  EXPECT_EQ(send(verb::patch, "/api/v1/admin/books/1", R"({"title": "X"})").result(), status::not_found);
  res = send(verb::get, "/api/v1/admin/books/deleted?limit=1");
  ASSERT_EQ(res.result(), status::ok);
  json page = json::parse(res.body());
  EXPECT_EQ(page["items"].size(), 1u);
  EXPECT_TRUE(page["next_cursor"].is_string());
  res = send(verb::get, "/api/v1/admin/books/deleted?cursor=" + page["next_cursor"].get<std::string>());
  EXPECT_TRUE(json::parse(res.body())["items"].empty());
  EXPECT_EQ(send(verb::get, "/api/v1/admin/books/deleted?cursor=x").result(), status::unprocessable_entity);

  EXPECT_EQ(send(verb::post, "/api/v1/admin/books/1/restore").result(), status::ok);
  EXPECT_EQ(send(verb::post, "/api/v1/admin/books/1/restore").result(), status::not_found);
}

TEST_F(HttpAdminBooks, FileUploadsByMediaType) {
  ASSERT_EQ(send(verb::post, "/api/v1/admin/books", new_book()).result(), status::created);
  EXPECT_EQ(send(verb::put, "/api/v1/admin/books/1/file", "PK\x03\x04 data", "inventory", "application/zip")
                .result(),
            status::unsupported_media_type);
  auto wrong = send(verb::put, "/api/v1/admin/books/1/file", "%PDF-1.7", "inventory", "application/pdf");
  EXPECT_EQ(wrong.result(), status::unprocessable_entity);
  auto res =
      send(verb::put, "/api/v1/admin/books/1/file", "PK\x03\x04 data", "inventory", "application/epub+zip");
  ASSERT_EQ(res.result(), status::ok) << res.body();
  json body = json::parse(res.body());
  EXPECT_EQ(body["has_file"], true);
  EXPECT_EQ(body["file"]["size"], 9);
}

}  // namespace
