#pragma once
// Email addresses as the shop stores them: trimmed, domain lower-cased (the local part is kept as typed,
// since a few mail servers treat it case-sensitively), at most 254 bytes, one '@', a dotted domain, no
// spaces or control characters. Lookups and uniqueness ignore case of the whole address (the store
// compares lower(email)), so John@x.org and john@x.org are one account.
#include <optional>
#include <string>
#include <string_view>

namespace bookstore::domain {

std::optional<std::string> normalize_email(std::string_view raw);

// Whether two normalised addresses name one account: equal ignoring ASCII case, as the store compares them.
bool same_email(std::string_view a, std::string_view b) noexcept;

// "j***@example.com": for logs and notices that must not reveal the whole address.
std::string mask_email(std::string_view email);

}  // namespace bookstore::domain
