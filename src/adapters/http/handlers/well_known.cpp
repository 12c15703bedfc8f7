#include "adapters/http/handlers/well_known.hpp"

#include <nlohmann/json.hpp>

namespace bookstore::http {

void register_well_known_routes(Router& router, PublishedKeys published_keys) {
  router.get("/.well-known/paserk", [keys = std::move(published_keys)](Request&) -> Task<Response> {
    nlohmann::json document = keys();
    if (document.is_array()) {
      nlohmann::json wrapped = nlohmann::json::object();
      wrapped["keys"] = std::move(document);
      document = std::move(wrapped);
    }
    auto res = json_response(bhttp::status::ok, document);
    res.set(bhttp::field::cache_control, "public, max-age=300");
    co_return res;
  });
}

}  // namespace bookstore::http
