#pragma once
// Field rules for a book as an admin enters it (PRODUCT.md 3). Each check returns the message for a
// person when the value is wrong, or nullopt when it is fine. Text is counted in code points of valid
// UTF-8 after trimming (the caller stores trim_text() of it) and must hold no control characters, since
// it ends up in HTML, mail and search snippets. Codes come from embedded lists so that a typo such as
// "en-us" or "RS" is caught at the door rather than shown in the storefront.
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace bookstore::domain {

inline constexpr std::size_t kMaxTitle = 300;           // code points, also for the subtitle
inline constexpr std::size_t kMaxDescription = 10'000;  // code points
inline constexpr std::size_t kMaxPersonName = 200;      // code points, also for the publisher
inline constexpr int kMinPublicationYear = 1400;
inline constexpr std::int64_t kMaxPageCount = 100'000;
inline constexpr std::int64_t kMaxPriceMinor = 1'000'000'000;
inline constexpr std::int64_t kMaxStock = 1'000'000'000;
inline constexpr std::size_t kMaxCoverUrl = 2000;  // bytes
inline constexpr std::size_t kMaxGenreSlug = 60;   // bytes

// Without leading and trailing ASCII whitespace.
std::string trim_text(std::string_view text);

std::optional<std::string> check_title(std::string_view title);              // 1..300, one line
std::optional<std::string> check_subtitle(std::string_view subtitle);        // 0..300, one line
std::optional<std::string> check_description(std::string_view description);  // 0..10000, newlines and tabs
std::optional<std::string> check_person_name(std::string_view name);         // an author: 1..200
std::optional<std::string> check_publisher(std::string_view publisher);      // 1..200

// ISO 639-1: two lower-case letters naming a language of the standard ("en", "hi", "fr").
std::optional<std::string> check_language(std::string_view code);
// 1400..current_year + 2 (books are listed before they appear).
std::optional<std::string> check_publication_year(int year, int current_year);
std::optional<std::string> check_page_count(std::int64_t pages);         // 1..100000
std::optional<std::string> check_price_minor(std::int64_t price_minor);  // 0..1e9 minor units (0: free)
// ISO 4217 alphabetic code of a currency in circulation ("INR", "USD"): upper case.
std::optional<std::string> check_currency(std::string_view code);
std::optional<std::string> check_format(std::string_view format);  // "epub" or "pdf"
// 0..1e9 licences; a book without stock (unlimited) is not checked.
std::optional<std::string> check_stock(std::int64_t stock);
// An absolute http:// or https:// URL with a host, at most 2000 bytes, valid UTF-8, no whitespace,
// control characters or characters that URLs never hold unescaped (" < > \ ^ ` { | }).
std::optional<std::string> check_cover_url(std::string_view url);
// ^[a-z0-9]+(-[a-z0-9]+)*$, at most 60 bytes.
std::optional<std::string> check_genre_slug(std::string_view slug);

// The embedded code lists, sorted: the 184 ISO 639-1 codes and the ISO 4217 codes of circulating
// currencies (no funds, precious metals or testing codes).
std::span<const std::string_view> language_codes() noexcept;
std::span<const std::string_view> currency_codes() noexcept;

}  // namespace bookstore::domain
