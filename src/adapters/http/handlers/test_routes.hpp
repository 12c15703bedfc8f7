#pragma once
#include <functional>
#include <string>

#include "adapters/http/router.hpp"
#include "app/task.hpp"

namespace bookstore::http {

// Asks the database for its clock: one round trip through the pool (see test_routes_pg.cpp).
using DatabaseClock = std::function<Task<std::string>()>;

// /_test/fail, /_test/sleep, /_test/echo, /_test/db: only with BOOKSTORE_TEST_ROUTES, for the tests of
// the server's error handling, graceful shutdown and database outages.
void register_test_routes(Router& router, DatabaseClock database_clock);

}  // namespace bookstore::http

namespace bookstore::pg {
class Pool;
}

namespace bookstore::http {

DatabaseClock pool_database_clock(pg::Pool& pool);

}  // namespace bookstore::http
