#include "adapters/http/handlers/test_routes.hpp"
#include "adapters/pg/pool.hpp"

namespace bookstore::http {

DatabaseClock pool_database_clock(pg::Pool& pool) {
  return [&pool]() -> Task<std::string> {
    auto result = co_await pool.query("SELECT now()::text");
    co_return std::string(result.text(0, 0));
  };
}

}  // namespace bookstore::http
