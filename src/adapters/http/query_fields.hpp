#pragma once
// The query parameters of one request and what is wrong with them: each reader records an error naming
// the parameter and returns nothing (or the fallback); check() throws them together as one 422. Absent
// and empty parameters are "not given". Used by every list and search route.
//   QueryFields q(req);
//   auto banned = q.boolean("banned");
//   auto limit = q.limit();
//   q.check();
#include <charconv>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/http/json_dto.hpp"
#include "adapters/http/request.hpp"
#include "app/ports/clock.hpp"
#include "domain/error.hpp"

namespace bookstore::http {

class QueryFields {
 public:
  explicit QueryFields(const Request& req) : req_(req) {}

  // Parameters outside `known` are errors ("is not a parameter here"), and so is a parameter given twice
  // (the first would silently win).
  void reject_unknown(std::initializer_list<std::string_view> known);

  // At most max_bytes bytes.
  std::optional<std::string> text(std::string_view name, std::size_t max_bytes);
  // Valid UTF-8 of at most max_chars code points.
  std::optional<std::string> utf8_text(std::string_view name, std::size_t max_chars);
  // A positive id (parse_positive_id).
  std::optional<std::int64_t> id(std::string_view name);
  // "limit": 1..max, fallback when absent or wrong.
  int limit(int fallback = kDefaultPageSize, int max = kMaxPageSize);
  // A whole number in [min, max]; `message` says what is expected.
  template <class T>
  std::optional<T> integer(std::string_view name, T min, T max, std::string_view message) {
    auto v = value(name);
    if (!v) return std::nullopt;
    T n{};
    auto [end, ec] = std::from_chars(v->data(), v->data() + v->size(), n);
    if (ec != std::errc() || end != v->data() + v->size() || n < min || n > max) {
      error(name, std::string(message));
      return std::nullopt;
    }
    return n;
  }
  // A finite decimal in [min, max].
  std::optional<double> decimal(std::string_view name, double min, double max, std::string_view message);
  // true or false.
  std::optional<bool> boolean(std::string_view name);
  // An RFC 3339 date-time (parse_rfc3339).
  std::optional<app::TimePoint> time(std::string_view name);
  // Comma-separated values, trimmed, empty ones and repeats dropped, at most max_items.
  std::vector<std::string> list(std::string_view name, std::size_t max_items);

  void error(std::string_view name, std::string message);
  bool failed(std::string_view name) const;  // an error names this parameter
  void check() const;                        // throws the 422 when anything was wrong

 private:
  std::optional<std::string_view> value(std::string_view name) const;  // nullopt: absent or empty

  const Request& req_;
  std::vector<domain::FieldError> errors_;
};

}  // namespace bookstore::http
