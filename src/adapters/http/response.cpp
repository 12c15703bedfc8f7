#include "adapters/http/response.hpp"

#include <nlohmann/json.hpp>

namespace bookstore::http {

Response text_response(bhttp::status status, std::string body, std::string_view content_type) {
  Response res{status, 11};
  res.set(bhttp::field::content_type, content_type);
  res.body() = std::move(body);
  return res;
}

Response raw_json_response(bhttp::status status, std::string body) {
  return text_response(status, std::move(body), "application/json");
}

Response json_response(bhttp::status status, const nlohmann::json& body) {
  // Invalid UTF-8 from a client must not turn a response into an exception: replace it.
  return raw_json_response(status, body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

}  // namespace bookstore::http
