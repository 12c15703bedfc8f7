#pragma once
// UTF-8 helpers for the identity rules: passwords and names are counted in code points, and text that
// goes into the database (PostgreSQL refuses invalid UTF-8) is cut on a code-point boundary.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace bookstore::domain {

// Number of code points of valid UTF-8 (no overlong forms, no surrogates, at most U+10FFFF), or nullopt.
std::optional<std::size_t> utf8_length(std::string_view text) noexcept;

// At most max_bytes bytes of text, cut before a code point that would not fit; invalid sequences are
// replaced by '?' so the result is always valid UTF-8.
std::string truncate_utf8(std::string_view text, std::size_t max_bytes);

}  // namespace bookstore::domain
