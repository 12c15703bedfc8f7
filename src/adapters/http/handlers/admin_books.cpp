#include "adapters/http/handlers/admin_books.hpp"

#include <nlohmann/json.hpp>

#include "adapters/http/catalog_json.hpp"
#include "adapters/http/json_dto.hpp"
#include "app/catalog/inventory.hpp"

namespace bookstore::http {

namespace {

using json = nlohmann::json;

Response book_response(bhttp::status status, const app::BookRecord& book) {
  auto body = book_json(book, true);
  return json_response(status, body);
}

}  // namespace

void register_admin_book_routes(Router& router, app::Inventory& inventory, TokenVerifier verify) {
  auto route = [&](bhttp::verb method, std::string_view pattern, AuthenticatedHandler handler) {
    router.add(method, pattern, no_store(with_principal(verify, std::move(handler))));
  };
  app::Inventory* svc = &inventory;

  route(bhttp::verb::post, "/api/v1/admin/books",
        [svc](Request& req, app::Principal actor) -> Task<Response> {
          auto body = req.json();
          app::NewBook book = new_book_from(body);
          auto meta = request_meta(req);
          app::BookRecord created = co_await svc->create(std::move(actor), std::move(book), std::move(meta));
          Response res = book_response(bhttp::status::created, created);
          res.set(bhttp::field::location, "/api/v1/admin/books/" + std::to_string(created.id));
          co_return res;
        });

  // Registered before /{id}: a literal segment wins over a parameter anyway, this only reads better.
  route(bhttp::verb::get, "/api/v1/admin/books/deleted",
        [svc](Request& req, app::Principal actor) -> Task<Response> {
          app::DeletedBooksQuery query = deleted_books_query_from(req);
          const int limit = query.limit;
          std::vector<app::BookRecord> books = co_await svc->list_deleted(std::move(actor), std::move(query));
          auto body = deleted_books_page_json(books, limit);
          co_return json_response(bhttp::status::ok, body);
        });

  route(bhttp::verb::get, "/api/v1/admin/books/{id}",
        [svc](Request& req, app::Principal actor) -> Task<Response> {
          const std::int64_t id = path_id(req, "id");
          app::BookRecord book = co_await svc->get(std::move(actor), id);
          co_return book_response(bhttp::status::ok, book);
        });

  route(bhttp::verb::patch, "/api/v1/admin/books/{id}",
        [svc](Request& req, app::Principal actor) -> Task<Response> {
          const std::int64_t id = path_id(req, "id");
          auto body = req.json();
          app::BookPatch patch = book_patch_from(body);
          auto meta = request_meta(req);
          app::BookRecord book =
              co_await svc->update(std::move(actor), id, std::move(patch), std::move(meta));
          co_return book_response(bhttp::status::ok, book);
        });

  route(bhttp::verb::delete_, "/api/v1/admin/books/{id}",
        [svc](Request& req, app::Principal actor) -> Task<Response> {
          const std::int64_t id = path_id(req, "id");
          auto meta = request_meta(req);
          app::BookRecord book = co_await svc->remove(std::move(actor), id, std::move(meta));
          co_return book_response(bhttp::status::ok, book);
        });

  route(bhttp::verb::post, "/api/v1/admin/books/{id}/restore",
        [svc](Request& req, app::Principal actor) -> Task<Response> {
          const std::int64_t id = path_id(req, "id");
          auto meta = request_meta(req);
          app::BookRecord book = co_await svc->restore(std::move(actor), id, std::move(meta));
          co_return book_response(bhttp::status::ok, book);
        });

  route(bhttp::verb::post, "/api/v1/admin/books/{id}/stock",
        [svc](Request& req, app::Principal actor) -> Task<Response> {
          const std::int64_t id = path_id(req, "id");
          auto body = req.json();
          const std::int64_t delta = stock_delta_from(body);
          auto meta = request_meta(req);
          app::BookRecord book = co_await svc->adjust_stock(std::move(actor), id, delta, std::move(meta));
          co_return book_response(bhttp::status::ok, book);
        });

  // The raw file as the body; its media type names the format.
  route(bhttp::verb::put, "/api/v1/admin/books/{id}/file",
        [svc](Request& req, app::Principal actor) -> Task<Response> {
          const std::int64_t id = path_id(req, "id");
          auto format = book_format_for_media_type(req.header("Content-Type"));
          if (!format) {
            throw domain::Error(domain::ErrorCode::kUnsupportedMediaType,
                                "Content-Type must be application/epub+zip or application/pdf");
          }
          std::string content(req.body());
          auto meta = request_meta(req);
          app::BookRecord book = co_await svc->replace_file(std::move(actor), id, std::move(*format),
                                                            std::move(content), std::move(meta));
          co_return book_response(bhttp::status::ok, book);
        });
}

}  // namespace bookstore::http
