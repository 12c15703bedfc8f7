#pragma once
// What a handler sees of one HTTP request: the parsed Beast message plus what the server worked out
// for it (route pattern, path parameters, request id, client address). Handlers take a Request& and
// return a Response; anything that goes wrong is thrown as domain::Error and becomes problem+json.
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <nlohmann/json_fwd.hpp>

namespace bookstore::http {

namespace bhttp = boost::beast::http;
using BeastRequest = bhttp::request<bhttp::string_body>;

// Path parameters in pattern order: name (owned by the router, lives as long as it) -> decoded value.
using PathParams = std::vector<std::pair<std::string_view, std::string>>;

class Request {
 public:
  Request() = default;
  explicit Request(BeastRequest message);

  BeastRequest& beast() noexcept { return message_; }
  const BeastRequest& beast() const noexcept { return message_; }
  bhttp::verb method() const noexcept { return message_.method(); }
  std::string_view target() const noexcept { return message_.target(); }
  // The target up to '?', not decoded (routing works on the raw segments).
  std::string_view path() const noexcept { return target().substr(0, path_size_); }
  // The raw query string after '?', without it ("" when absent).
  std::string_view query_string() const noexcept {
    auto t = target();
    return path_size_ < t.size() ? t.substr(path_size_ + 1) : std::string_view{};
  }
  std::string_view header(std::string_view name) const;
  std::string_view body() const noexcept { return message_.body(); }

  // The value of a path parameter of the matched pattern, percent-decoded ("" when there is none).
  std::string_view path_param(std::string_view name) const noexcept;
  const PathParams& path_params() const noexcept { return params_; }
  // Query parameters, decoded ('+' is a space), parsed on first use. The first occurrence wins.
  std::optional<std::string_view> query(std::string_view name) const;
  const std::vector<std::pair<std::string, std::string>>& query_params() const;

  // The body as JSON. Throws domain::Error: 415 unless Content-Type is application/json (or any
  // application/...+json, parameters such as charset allowed), 400 when the body is empty, malformed
  // (the detail and errors[] give the byte offset, line and column) or nested too deeply.
  nlohmann::json json() const;

  std::string_view request_id() const noexcept { return request_id_; }
  // The client address: the peer, or X-Real-IP / X-Forwarded-For when the peer is the local proxy.
  std::string_view client_ip() const noexcept { return client_ip_; }
  // The pattern of the matched route ("/api/v1/books/{id}"), "unmatched" before or without a match.
  std::string_view route() const noexcept { return route_; }

  // Set by the server.
  void set_request_id(std::string id) { request_id_ = std::move(id); }
  void set_client_ip(std::string ip) { client_ip_ = std::move(ip); }
  void set_route(std::string_view pattern) noexcept { route_ = pattern; }
  PathParams& mutable_path_params() noexcept { return params_; }

 private:
  BeastRequest message_;
  std::size_t path_size_ = 0;  // offsets, not views: the message may move
  PathParams params_;
  mutable std::optional<std::vector<std::pair<std::string, std::string>>> query_;
  std::string request_id_;
  std::string client_ip_;
  std::string_view route_ = "unmatched";
};

// Percent-decoding of one path segment or query component; plus_is_space for query strings. Invalid
// escapes are kept as they are (the request is still routable and the handler validates values).
std::string percent_decode(std::string_view in, bool plus_is_space);

// True for application/json, application/<x>+json, with optional parameters, case-insensitive.
bool is_json_media_type(std::string_view content_type) noexcept;

// Byte offset (0-based) -> 1-based line and column, as shown in a 400 for malformed JSON.
std::pair<std::size_t, std::size_t> line_and_column(std::string_view text, std::size_t offset) noexcept;

}  // namespace bookstore::http
