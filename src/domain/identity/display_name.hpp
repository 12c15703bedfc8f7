#pragma once
// Display names: trimmed, 1..100 characters (code points of valid UTF-8), no control characters (C0 or
// C1: names end up in mail headers and HTML).
#include <optional>
#include <string>
#include <string_view>

namespace bookstore::domain {

// The trimmed name, or nullopt when it breaks the rules above.
std::optional<std::string> normalize_display_name(std::string_view raw);

}  // namespace bookstore::domain
