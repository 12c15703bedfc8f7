#include "adapters/http/handlers/bench.hpp"
#include "adapters/pg/pool.hpp"

namespace bookstore::http {

AccountBalanceLookup pgbench_account_lookup(pg::Pool& pool) {
  return [&pool](std::int64_t aid) -> Task<std::optional<std::int64_t>> {
    auto result = co_await pool.query("SELECT abalance FROM pgbench_accounts WHERE aid = $1", aid);
    if (result.rows() == 0) co_return std::nullopt;
    co_return result.int64(0, 0);
  };
}

}  // namespace bookstore::http
