#pragma once
#include "adapters/http/router.hpp"

namespace bookstore::http {

// /_test/fail, /_test/sleep, /_test/echo: only with BOOKSTORE_TEST_ROUTES, for the tests of the
// server's error handling and graceful shutdown.
void register_test_routes(Router& router);

}  // namespace bookstore::http
