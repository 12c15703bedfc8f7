#include "adapters/http/handlers/books.hpp"

#include <nlohmann/json.hpp>

#include "adapters/http/catalog_json.hpp"
#include "adapters/http/catalog_query.hpp"
#include "adapters/http/json_dto.hpp"
#include "adapters/http/response.hpp"
#include "app/catalog/catalog_service.hpp"

namespace bookstore::http {

void register_book_routes(Router& router, app::CatalogService& catalog) {
  app::CatalogService* svc = &catalog;

  router.add(bhttp::verb::get, "/api/v1/books", [svc](Request& req) -> Task<Response> {
    app::SearchRequest request = search_request_from(req);
    app::SearchResult result = co_await svc->search(std::move(request));
    auto body = search_result_json(result);
    co_return json_response(bhttp::status::ok, body);
  });

  router.add(bhttp::verb::get, "/api/v1/books/suggest", [svc](Request& req) -> Task<Response> {
    TextLookup lookup = text_lookup_from(req, app::kMaxSuggestLimit, 5);
    app::Suggestions found = co_await svc->suggest(std::move(lookup.q), lookup.limit);
    auto body = suggestions_json(found);
    co_return json_response(bhttp::status::ok, body);
  });

  router.add(bhttp::verb::get, "/api/v1/books/{id}", [svc](Request& req) -> Task<Response> {
    const std::int64_t id = path_id(req, "id");
    app::BookRecord book = co_await svc->book(id);
    auto body = book_json(book, false);
    co_return json_response(bhttp::status::ok, body);
  });

  router.add(bhttp::verb::get, "/api/v1/genres", [svc](Request&) -> Task<Response> {
    std::vector<app::GenreCount> genres = co_await svc->genres();
    auto body = genres_json(genres);
    co_return json_response(bhttp::status::ok, body);
  });

  router.add(bhttp::verb::get, "/api/v1/authors", [svc](Request& req) -> Task<Response> {
    TextLookup lookup = text_lookup_from(req, 50, 20);
    std::vector<app::AuthorMatch> found = co_await svc->find_authors(std::move(lookup.q), lookup.limit);
    auto body = author_matches_json(found);
    co_return json_response(bhttp::status::ok, body);
  });

  router.add(bhttp::verb::get, "/api/v1/authors/{id}", [svc](Request& req) -> Task<Response> {
    const std::int64_t id = path_id(req, "id");
    app::AuthorDetail author = co_await svc->author(id);
    auto body = author_detail_json(author);
    co_return json_response(bhttp::status::ok, body);
  });
}

}  // namespace bookstore::http
