#pragma once
#include <functional>
#include <string>

#include "adapters/http/router.hpp"
#include "app/task.hpp"

namespace bookstore::http {

// Asks the database for its clock: one round trip through the pool (see test_routes_pg.cpp).
using DatabaseClock = std::function<Task<std::string>()>;

// Makes the pending deletion of the account with this email due now and runs the anonymisation job's
// work at once; returns how many accounts were anonymised. Lets the workflow tests see the end of an
// account's life without waiting 30 days for the hourly job.
using AnonymiseNow = std::function<Task<int>(std::string email)>;

// /_test/fail, /_test/sleep, /_test/echo, /_test/db, /_test/identity/anonymise-now: only with
// BOOKSTORE_TEST_ROUTES, for the tests of the server's error handling, graceful shutdown, database
// outages and the account lifecycle.
void register_test_routes(Router& router, DatabaseClock database_clock, AnonymiseNow anonymise_now = {});

}  // namespace bookstore::http

namespace bookstore::pg {
class Pool;
}

namespace bookstore::http {

DatabaseClock pool_database_clock(pg::Pool& pool);

}  // namespace bookstore::http
