#include "adapters/http/query_fields.hpp"

#include <algorithm>
#include <cmath>
#include <set>

#include "domain/catalog/book_rules.hpp"
#include "domain/identity/utf8.hpp"

namespace bookstore::http {

std::optional<std::string_view> QueryFields::value(std::string_view name) const {
  auto v = req_.query(name);
  if (!v || v->empty()) return std::nullopt;
  return v;
}

void QueryFields::reject_unknown(std::initializer_list<std::string_view> known) {
  std::set<std::string> reported;
  for (const auto& [name, value] : req_.query_params()) {
    if (std::find(known.begin(), known.end(), name) != known.end()) continue;
    if (reported.insert(name).second)
      error(name.size() > 64 ? name.substr(0, 64) : name, "is not a parameter here");
  }
  std::set<std::string> seen;
  for (const auto& [name, value] : req_.query_params())
    if (!seen.insert(name).second && reported.insert(name).second) error(name, "is given more than once");
}

std::optional<std::string> QueryFields::text(std::string_view name, std::size_t max_bytes) {
  auto v = value(name);
  if (!v) return std::nullopt;
  if (v->size() > max_bytes) {
    error(name, "must be at most " + std::to_string(max_bytes) + " bytes");
    return std::nullopt;
  }
  return std::string(*v);
}

std::optional<std::string> QueryFields::utf8_text(std::string_view name, std::size_t max_chars) {
  auto v = value(name);
  if (!v) return std::nullopt;
  auto length = domain::utf8_length(*v);
  if (!length) {
    error(name, "must be valid UTF-8");
    return std::nullopt;
  }
  if (*length > max_chars) {
    error(name, "must be at most " + std::to_string(max_chars) + " characters");
    return std::nullopt;
  }
  return std::string(*v);
}

std::optional<std::int64_t> QueryFields::id(std::string_view name) {
  auto v = value(name);
  if (!v) return std::nullopt;
  auto id = parse_positive_id(*v);
  if (!id) error(name, "must be a positive integer id");
  return id;
}

int QueryFields::limit(int fallback, int max) {
  return integer<int>("limit", 1, max, "must be an integer from 1 to " + std::to_string(max))
      .value_or(fallback);
}

std::optional<double> QueryFields::decimal(std::string_view name, double min, double max,
                                           std::string_view message) {
  auto v = value(name);
  if (!v) return std::nullopt;
  double d = 0;
  auto [end, ec] = std::from_chars(v->data(), v->data() + v->size(), d);
  if (ec != std::errc() || end != v->data() + v->size() || !std::isfinite(d) || d < min || d > max) {
    error(name, std::string(message));
    return std::nullopt;
  }
  return d;
}

std::optional<bool> QueryFields::boolean(std::string_view name) {
  auto v = value(name);
  if (!v) return std::nullopt;
  if (*v == "true") return true;
  if (*v == "false") return false;
  error(name, "must be true or false");
  return std::nullopt;
}

std::optional<app::TimePoint> QueryFields::time(std::string_view name) {
  auto v = value(name);
  if (!v) return std::nullopt;
  auto t = parse_rfc3339(*v);
  if (!t) error(name, "must be an RFC 3339 date-time, e.g. 2025-03-01T12:00:00Z");
  return t;
}

std::vector<std::string> QueryFields::list(std::string_view name, std::size_t max_items) {
  std::vector<std::string> items;
  auto v = req_.query(name);
  if (!v) return items;
  std::string_view rest = *v;
  while (!rest.empty()) {
    auto comma = rest.find(',');
    auto item = domain::trim_text(rest.substr(0, comma));
    if (!item.empty() && std::find(items.begin(), items.end(), item) == items.end()) items.push_back(item);
    if (comma == std::string_view::npos) break;
    rest.remove_prefix(comma + 1);
  }
  if (items.size() > max_items) {
    error(name, "may name at most " + std::to_string(max_items) + " values");
    items.resize(max_items);
  }
  return items;
}

void QueryFields::error(std::string_view name, std::string message) {
  errors_.push_back({std::string(name), std::move(message)});
}

bool QueryFields::failed(std::string_view name) const {
  return std::any_of(errors_.begin(), errors_.end(), [&](const auto& e) { return e.field == name; });
}

void QueryFields::check() const {
  if (!errors_.empty()) throw domain::Error::validation(errors_, "The query has invalid parameters");
}

}  // namespace bookstore::http
