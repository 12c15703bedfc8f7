#pragma once
// Session ids are uuids in their text form (8-4-4-4-12 hex digits). They arrive from URLs, tokens and
// notifications: anything else is "no such session", checked before it reaches SQL or a lookup.
#include <string_view>

namespace bookstore::domain {

bool is_session_id(std::string_view text) noexcept;

}  // namespace bookstore::domain
