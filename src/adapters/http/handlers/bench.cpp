#include "adapters/http/handlers/bench.hpp"

#include <charconv>
#include <string>

#include "domain/error.hpp"

namespace bookstore::http {

void register_bench_routes(Router& router, AccountBalanceLookup lookup) {
  router.get("/bench/account/{aid}", [lookup = std::move(lookup)](Request& req) -> Task<Response> {
    auto text = req.path_param("aid");
    std::int64_t aid = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), aid);
    if (ec != std::errc() || end != text.data() + text.size() || aid <= 0) {
      throw domain::Error::validation({{"aid", "must be a positive integer"}});
    }
    auto balance = co_await lookup(aid);
    if (!balance) throw domain::Error::not_found("No account " + std::to_string(aid));
    // Formatted by hand: this route measures the service's overhead, keep it to the minimum.
    std::string body = "{\"aid\":" + std::to_string(aid) + ",\"abalance\":" + std::to_string(*balance) + "}";
    co_return raw_json_response(bhttp::status::ok, std::move(body));
  });
}

void register_bench_auth_routes(Router& router, TokenVerifier verify) {
  router.get("/bench/anonymous", [](Request&) -> Task<Response> {
    co_return raw_json_response(bhttp::status::ok, "{\"ok\":true}");
  });
  router.get("/bench/authenticated",
             with_principal(std::move(verify), [](Request&, app::Principal) -> Task<Response> {
               co_return raw_json_response(bhttp::status::ok, "{\"ok\":true}");
             }));
}

}  // namespace bookstore::http
