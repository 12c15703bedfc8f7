#pragma once
// Responses are plain Beast messages with a string body; the server adds the version, keep-alive,
// Content-Length, X-Request-Id and security headers, so handlers only set status, type and body.
#include <string>
#include <string_view>

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <nlohmann/json_fwd.hpp>

namespace bookstore::http {

namespace bhttp = boost::beast::http;
using Response = bhttp::response<bhttp::string_body>;

Response json_response(bhttp::status status, const nlohmann::json& body);
// A body that is already serialised JSON (e.g. the embedded OpenAPI document).
Response raw_json_response(bhttp::status status, std::string body);
Response text_response(bhttp::status status, std::string body, std::string_view content_type);

}  // namespace bookstore::http
