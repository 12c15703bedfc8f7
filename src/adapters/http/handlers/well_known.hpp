#pragma once
#include <functional>

#include <nlohmann/json_fwd.hpp>

#include "adapters/http/router.hpp"

namespace bookstore::http {

// The verification keys of the access tokens, for other services: {"keys": [{"kid", "paserk"}]}.
using PublishedKeys = std::function<nlohmann::json()>;

// GET /.well-known/paserk: what published_keys returns (an array of keys is wrapped as {"keys": [...]}),
// cacheable for five minutes (a new key is published before it signs anything).
void register_well_known_routes(Router& router, PublishedKeys published_keys);

}  // namespace bookstore::http
