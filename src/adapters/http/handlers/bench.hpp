#pragma once
#include <cstdint>
#include <functional>
#include <optional>

#include "adapters/http/auth.hpp"
#include "adapters/http/router.hpp"

namespace bookstore::pg {
class Pool;
}

namespace bookstore::http {

// The balance of one pgbench account, or nullopt when there is no such account.
using AccountBalanceLookup = std::function<Task<std::optional<std::int64_t>>(std::int64_t aid)>;

// GET /bench/account/{aid}: one primary-key SELECT, to compare with pgbench -S (BOOKSTORE_BENCH_ROUTES).
void register_bench_routes(Router& router, AccountBalanceLookup lookup);
// GET /bench/anonymous and GET /bench/authenticated: the same tiny answer without and with a verified
// access token, so make bench can show what authentication costs per request.
void register_bench_auth_routes(Router& router, TokenVerifier verify);
// The lookup against pgbench_accounts through the pool (lives in bench_pg.cpp, the only file here
// that calls into the pg adapter).
AccountBalanceLookup pgbench_account_lookup(pg::Pool& pool);

}  // namespace bookstore::http
