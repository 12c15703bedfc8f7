#pragma once
#include "adapters/http/auth.hpp"
#include "adapters/http/router.hpp"

namespace bookstore::app {
class Inventory;
}

namespace bookstore::http {

// The admin inventory under /api/v1/admin/books: create, view (deleted ones too), change, adjust the
// stock, upload or replace the file, soft delete, restore and list deleted books. The HTTP layer only
// authenticates and checks shapes; the use case checks the caller's permission (403) and the values.
// Cache-Control: no-store on every answer.
void register_admin_book_routes(Router& router, app::Inventory& inventory, TokenVerifier verify);

}  // namespace bookstore::http
