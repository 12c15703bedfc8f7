#pragma once
#include "adapters/http/router.hpp"

namespace bookstore::app {
class CatalogService;
}

namespace bookstore::http {

// The public catalog: GET /api/v1/books (search, filters, facets, keyset pages), /books/suggest
// (type-ahead), /books/{id}, /genres, /authors (by name) and /authors/{id}. No token needed.
void register_book_routes(Router& router, app::CatalogService& catalog);

}  // namespace bookstore::http
