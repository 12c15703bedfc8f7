#include "adapters/http/request.hpp"

#include <algorithm>
#include <cctype>

#include <nlohmann/json.hpp>

#include "domain/error.hpp"

namespace bookstore::http {

namespace {

// Deeper documents are refused before parsing: no request needs them and dumping or walking them
// recursively could exhaust the stack.
constexpr std::size_t kMaxJsonDepth = 64;

int hex_value(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool iequals(std::string_view a, std::string_view b) noexcept {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

std::string_view trim(std::string_view s) noexcept {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// The offset of the first byte where nesting exceeds the limit, or npos. Strings are skipped so that
// brackets inside them do not count.
std::size_t too_deep_at(std::string_view text) noexcept {
  std::size_t depth = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > kMaxJsonDepth) return i;
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return std::string_view::npos;
}

[[noreturn]] void throw_malformed(std::string_view body, std::size_t offset, std::string_view reason) {
  auto [line, column] = line_and_column(body, offset);
  std::string where = "byte " + std::to_string(offset) + " (line " + std::to_string(line) + ", column " +
                      std::to_string(column) + ")";
  std::string message = "malformed JSON at " + where;
  if (!reason.empty()) message += ": " + std::string(reason);
  throw domain::Error(domain::ErrorCode::kBadRequest, "The request body is not valid JSON: error at " + where,
                      {{"body", std::move(message)}});
}

}  // namespace

Request::Request(BeastRequest message) : message_(std::move(message)) {
  auto t = target();
  auto q = t.find('?');
  path_size_ = q == std::string_view::npos ? t.size() : q;
}

std::string_view Request::header(std::string_view name) const {
  auto it = message_.find(name);
  return it == message_.end() ? std::string_view{} : std::string_view(it->value());
}

std::string_view Request::path_param(std::string_view name) const noexcept {
  for (const auto& [n, v] : params_)
    if (n == name) return v;
  return {};
}

const std::vector<std::pair<std::string, std::string>>& Request::query_params() const {
  if (!query_) {
    query_.emplace();
    std::string_view rest = query_string();
    while (!rest.empty()) {
      auto amp = rest.find('&');
      std::string_view part = rest.substr(0, amp);
      rest = amp == std::string_view::npos ? std::string_view{} : rest.substr(amp + 1);
      if (part.empty()) continue;
      auto eq = part.find('=');
      std::string_view key = part.substr(0, eq);
      std::string_view value = eq == std::string_view::npos ? std::string_view{} : part.substr(eq + 1);
      query_->emplace_back(percent_decode(key, true), percent_decode(value, true));
    }
  }
  return *query_;
}

std::optional<std::string_view> Request::query(std::string_view name) const {
  for (const auto& [k, v] : query_params())
    if (k == name) return std::string_view(v);
  return std::nullopt;
}

nlohmann::json Request::json() const {
  auto content_type = header("Content-Type");
  if (!is_json_media_type(content_type)) {
    throw domain::Error(domain::ErrorCode::kUnsupportedMediaType,
                        content_type.empty() ? "A JSON body requires Content-Type: application/json"
                                             : "Content-Type must be application/json");
  }
  std::string_view text = body();
  if (trim(text).empty()) {
    throw domain::Error(domain::ErrorCode::kBadRequest,
                        "The request body is empty; a JSON document is required",
                        {{"body", "a JSON document is required"}});
  }
  if (auto at = too_deep_at(text); at != std::string_view::npos) {
    throw_malformed(text, at, "nested more than " + std::to_string(kMaxJsonDepth) + " levels deep");
  }
  try {
    return nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    // e.byte is 1-based and points just past the offending character; report the 0-based offset of it.
    std::size_t offset = e.byte > 0 ? e.byte - 1 : 0;
    if (offset > text.size()) offset = text.size();
    // The library message ends with a reason such as "syntax error while parsing value - invalid
    // literal; last read: 'tru,'"; keep that part, which names the problem without the prefix noise.
    std::string_view what = e.what();
    std::string_view reason;
    if (auto p = what.find(": "); p != std::string_view::npos) reason = what.substr(p + 2);
    if (reason.size() > 200) reason = reason.substr(0, 200);
    throw_malformed(text, offset, reason);
  }
}

std::string percent_decode(std::string_view in, bool plus_is_space) {
  std::string out;
  out.reserve(in.size());
  for (std::size_t i = 0; i < in.size(); ++i) {
    char c = in[i];
    if (c == '%' && i + 2 < in.size()) {
      int hi = hex_value(in[i + 1]), lo = hex_value(in[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out.push_back(static_cast<char>(hi * 16 + lo));
        i += 2;
        continue;
      }
    }
    out.push_back(plus_is_space && c == '+' ? ' ' : c);
  }
  return out;
}

bool is_json_media_type(std::string_view content_type) noexcept {
  auto semi = content_type.find(';');
  std::string_view type = trim(content_type.substr(0, semi));
  if (iequals(type, "application/json")) return true;
  constexpr std::string_view kApp = "application/";
  constexpr std::string_view kSuffix = "+json";
  return type.size() > kApp.size() + kSuffix.size() && iequals(type.substr(0, kApp.size()), kApp) &&
         iequals(type.substr(type.size() - kSuffix.size()), kSuffix);
}

std::pair<std::size_t, std::size_t> line_and_column(std::string_view text, std::size_t offset) noexcept {
  std::size_t line = 1, column = 1;
  for (std::size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
  }
  return {line, column};
}

}  // namespace bookstore::http
