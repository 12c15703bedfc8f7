#include "adapters/crypto/strict_json.hpp"

#include <set>
#include <string>
#include <vector>

namespace bookstore::crypto {

int json_nesting_depth(std::string_view text) {
  int depth = 0;
  int deepest = 0;
  bool in_string = false;
  bool escaped = false;
  for (char c : text) {
    if (in_string) {
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    switch (c) {
      case '"':
        in_string = true;
        break;
      case '{':
      case '[':
        deepest = std::max(deepest, ++depth);
        break;
      case '}':
      case ']':
        --depth;  // unbalanced text is the parser's to refuse
        break;
      default:
        break;
    }
  }
  return deepest;
}

std::optional<nlohmann::json> parse_strict_json(std::string_view text, int max_depth) {
  if (json_nesting_depth(text) > max_depth) return std::nullopt;
  using json = nlohmann::json;
  // One set of seen keys per open object; the parser callback sees every key before its value.
  std::vector<std::set<std::string>> open_objects;
  bool duplicate = false;
  json::parser_callback_t on_event = [&](int /*depth*/, json::parse_event_t event, json& parsed) {
    switch (event) {
      case json::parse_event_t::object_start:
        open_objects.emplace_back();
        break;
      case json::parse_event_t::object_end:
        if (!open_objects.empty()) open_objects.pop_back();
        break;
      case json::parse_event_t::key:
        if (open_objects.empty() || !open_objects.back().insert(parsed.get<std::string>()).second) {
          duplicate = true;
        }
        break;
      default:
        break;
    }
    return true;
  };
  json result = json::parse(text.begin(), text.end(), on_event, /*allow_exceptions=*/false);
  if (duplicate || result.is_discarded()) return std::nullopt;
  return result;
}

}  // namespace bookstore::crypto
