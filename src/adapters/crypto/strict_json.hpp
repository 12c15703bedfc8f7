#pragma once
// JSON from untrusted tokens, parsed defensively. nlohmann::json silently keeps the last of two equal
// keys, so {"sub":"1","sub":"2"} would mean different things to different parsers; and a deeply nested
// document costs stack and time before any rule can refuse it. Both are refused here, the depth with a
// cheap scan before the real parse.
#include <optional>
#include <string_view>

#include <nlohmann/json.hpp>

namespace bookstore::crypto {

// The nesting depth of objects and arrays in `text` (brackets inside strings do not count). Only a
// pre-parse bound: the text may still be malformed.
int json_nesting_depth(std::string_view text);

// The parsed document, or nullopt when it nests deeper than `max_depth`, is not valid JSON (including
// invalid UTF-8), or repeats a key in any object.
std::optional<nlohmann::json> parse_strict_json(std::string_view text, int max_depth);

}  // namespace bookstore::crypto
