#pragma once
// ISBNs as the catalog stores them (PRODUCT.md 3): always the 13 digits of the ISBN-13, no hyphens, so
// that uniqueness and lookups compare one spelling. Admins may type an ISBN-13 (prefix 978 or 979) or
// an older ISBN-10 (converted to 978 + its nine digits + a new check digit), with hyphens or spaces
// between the digits as printed on books.
#include <optional>
#include <string>
#include <string_view>

namespace bookstore::domain {

// The canonical 13 digits, or nullopt when the text is not a valid ISBN-13 or ISBN-10: only digits (and
// a final X for ISBN-10), single hyphens or spaces between them, surrounding whitespace; the check digit
// must be right.
std::optional<std::string> normalize_isbn(std::string_view typed);

// The ISBN-13 check digit ('0'..'9') of 12 ASCII digits; '\0' when first12 is not exactly that.
char isbn13_check_digit(std::string_view first12) noexcept;

}  // namespace bookstore::domain
