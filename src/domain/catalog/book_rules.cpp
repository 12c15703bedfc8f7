#include "domain/catalog/book_rules.hpp"

#include <algorithm>
#include <iterator>

#include "domain/identity/utf8.hpp"

namespace bookstore::domain {
namespace {

// ISO 639-1, as listed by the registration authority (Library of Congress), "bh" included.
constexpr std::string_view kLanguages[] = {
    "aa", "ab", "ae", "af", "ak", "am", "an", "ar", "as", "av", "ay", "az", "ba", "be", "bg", "bh", "bi",
    "bm", "bn", "bo", "br", "bs", "ca", "ce", "ch", "co", "cr", "cs", "cu", "cv", "cy", "da", "de", "dv",
    "dz", "ee", "el", "en", "eo", "es", "et", "eu", "fa", "ff", "fi", "fj", "fo", "fr", "fy", "ga", "gd",
    "gl", "gn", "gu", "gv", "ha", "he", "hi", "ho", "hr", "ht", "hu", "hy", "hz", "ia", "id", "ie", "ig",
    "ii", "ik", "io", "is", "it", "iu", "ja", "jv", "ka", "kg", "ki", "kj", "kk", "kl", "km", "kn", "ko",
    "kr", "ks", "ku", "kv", "kw", "ky", "la", "lb", "lg", "li", "ln", "lo", "lt", "lu", "lv", "mg", "mh",
    "mi", "mk", "ml", "mn", "mr", "ms", "mt", "my", "na", "nb", "nd", "ne", "ng", "nl", "nn", "no", "nr",
    "nv", "ny", "oc", "oj", "om", "or", "os", "pa", "pi", "pl", "ps", "pt", "qu", "rm", "rn", "ro", "ru",
    "rw", "sa", "sc", "sd", "se", "sg", "si", "sk", "sl", "sm", "sn", "so", "sq", "sr", "ss", "st", "su",
    "sv", "sw", "ta", "te", "tg", "th", "ti", "tk", "tl", "tn", "to", "tr", "ts", "tt", "tw", "ty", "ug",
    "uk", "ur", "uz", "ve", "vi", "vo", "wa", "wo", "xh", "yi", "yo", "za", "zh", "zu"};

// ISO 4217 codes of currencies in circulation (2025): without fund codes (BOV, CHE, CHW, CLF, COU, MXV,
// USN, UYI, UYW), precious metals, bond units, XDR, XSU, XUA, XTS and XXX, nor withdrawn codes (HRK, CUC,
// SLL, ZWL). ANG stays next to its successor XCG during the changeover.
constexpr std::string_view kCurrencies[] = {
    "AED", "AFN", "ALL", "AMD", "ANG", "AOA", "ARS", "AUD", "AWG", "AZN", "BAM", "BBD", "BDT", "BGN", "BHD",
    "BIF", "BMD", "BND", "BOB", "BRL", "BSD", "BTN", "BWP", "BYN", "BZD", "CAD", "CDF", "CHF", "CLP", "CNY",
    "COP", "CRC", "CUP", "CVE", "CZK", "DJF", "DKK", "DOP", "DZD", "EGP", "ERN", "ETB", "EUR", "FJD", "FKP",
    "GBP", "GEL", "GHS", "GIP", "GMD", "GNF", "GTQ", "GYD", "HKD", "HNL", "HTG", "HUF", "IDR", "ILS", "INR",
    "IQD", "IRR", "ISK", "JMD", "JOD", "JPY", "KES", "KGS", "KHR", "KMF", "KPW", "KRW", "KWD", "KYD", "KZT",
    "LAK", "LBP", "LKR", "LRD", "LSL", "LYD", "MAD", "MDL", "MGA", "MKD", "MMK", "MNT", "MOP", "MRU", "MUR",
    "MVR", "MWK", "MXN", "MYR", "MZN", "NAD", "NGN", "NIO", "NOK", "NPR", "NZD", "OMR", "PAB", "PEN", "PGK",
    "PHP", "PKR", "PLN", "PYG", "QAR", "RON", "RSD", "RUB", "RWF", "SAR", "SBD", "SCR", "SDG", "SEK", "SGD",
    "SHP", "SLE", "SOS", "SRD", "SSP", "STN", "SVC", "SYP", "SZL", "THB", "TJS", "TMT", "TND", "TOP", "TRY",
    "TTD", "TWD", "TZS", "UAH", "UGX", "USD", "UYU", "UZS", "VED", "VES", "VND", "VUV", "WST", "XAF", "XCD",
    "XCG", "XOF", "XPF", "YER", "ZAR", "ZMW", "ZWG"};

static_assert(std::size(kLanguages) == 184);

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v';
}

// C0 controls and DEL, and the C1 controls U+0080..U+009F (the text is valid UTF-8 here, so a lead byte
// 0xC2 has its continuation byte). With multiline, tab and line breaks are allowed.
bool has_control(std::string_view text, bool multiline) {
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (multiline && (c == '\t' || c == '\n' || c == '\r')) continue;
    if (c < 0x20 || c == 0x7F) return true;
    if (c == 0xC2 && static_cast<unsigned char>(text[i + 1]) <= 0x9F) return true;
  }
  return false;
}

std::optional<std::string> check_text(std::string_view raw, std::string_view what, std::size_t min,
                                      std::size_t max, bool multiline) {
  const std::string text = trim_text(raw);
  const auto length = utf8_length(text);
  const std::string name(what);
  if (!length) return "The " + name + " is not valid UTF-8 text.";
  if (*length < min) return "Enter the " + name + ".";
  if (*length > max) return "The " + name + " is longer than " + std::to_string(max) + " characters.";
  if (has_control(text, multiline))
    return multiline ? "The " + name + " contains control characters."
                     : "The " + name + " must be one line without control characters.";
  return std::nullopt;
}

bool is_lower_alnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

bool starts_with_ignoring_case(std::string_view text, std::string_view prefix) {
  if (text.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    char c = text[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != prefix[i]) return false;
  }
  return true;
}

}  // namespace

std::string trim_text(std::string_view text) {
  while (!text.empty() && is_space(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_space(text.back())) text.remove_suffix(1);
  return std::string(text);
}

std::optional<std::string> check_title(std::string_view title) {
  return check_text(title, "title", 1, kMaxTitle, false);
}

std::optional<std::string> check_subtitle(std::string_view subtitle) {
  return check_text(subtitle, "subtitle", 0, kMaxTitle, false);
}

std::optional<std::string> check_description(std::string_view description) {
  return check_text(description, "description", 0, kMaxDescription, true);
}

std::optional<std::string> check_person_name(std::string_view name) {
  return check_text(name, "author's name", 1, kMaxPersonName, false);
}

std::optional<std::string> check_publisher(std::string_view publisher) {
  return check_text(publisher, "publisher", 1, kMaxPersonName, false);
}

std::optional<std::string> check_language(std::string_view code) {
  const bool shape = code.size() == 2 && code[0] >= 'a' && code[0] <= 'z' && code[1] >= 'a' && code[1] <= 'z';
  if (!shape || !std::binary_search(std::begin(kLanguages), std::end(kLanguages), code))
    return std::string("The language must be an ISO 639-1 code of two lower-case letters, such as \"en\".");
  return std::nullopt;
}

std::optional<std::string> check_publication_year(int year, int current_year) {
  const int latest = current_year + 2;
  if (year < kMinPublicationYear || year > latest)
    return "The publication year must be between " + std::to_string(kMinPublicationYear) + " and " +
           std::to_string(latest) + ".";
  return std::nullopt;
}

std::optional<std::string> check_page_count(std::int64_t pages) {
  if (pages < 1 || pages > kMaxPageCount)
    return "The page count must be between 1 and " + std::to_string(kMaxPageCount) + ".";
  return std::nullopt;
}

std::optional<std::string> check_price_minor(std::int64_t price_minor) {
  if (price_minor < 0 || price_minor > kMaxPriceMinor)
    return "The price must be between 0 and " + std::to_string(kMaxPriceMinor) + " minor units.";
  return std::nullopt;
}

std::optional<std::string> check_currency(std::string_view code) {
  if (code.size() != 3 || !std::binary_search(std::begin(kCurrencies), std::end(kCurrencies), code))
    return std::string("The currency must be an ISO 4217 code in upper case, such as \"INR\".");
  return std::nullopt;
}

std::optional<std::string> check_format(std::string_view format) {
  if (format != "epub" && format != "pdf") return std::string("The format must be \"epub\" or \"pdf\".");
  return std::nullopt;
}

std::optional<std::string> check_stock(std::int64_t stock) {
  if (stock < 0 || stock > kMaxStock)
    return "The stock must be between 0 and " + std::to_string(kMaxStock) + " (or absent for unlimited).";
  return std::nullopt;
}

std::optional<std::string> check_cover_url(std::string_view url) {
  const std::optional<std::string> wrong =
      "The cover image must be an http:// or https:// address of at most " + std::to_string(kMaxCoverUrl) +
      " characters, without spaces.";
  if (url.size() > kMaxCoverUrl || !utf8_length(url)) return wrong;
  std::string_view rest;
  if (starts_with_ignoring_case(url, "https://")) {
    rest = url.substr(8);
  } else if (starts_with_ignoring_case(url, "http://")) {
    rest = url.substr(7);
  } else {
    return wrong;
  }
  const std::size_t host_end = rest.find_first_of("/?#");
  const std::string_view authority = rest.substr(0, host_end);
  const std::size_t at = authority.rfind('@');
  const std::string_view host = at == std::string_view::npos ? authority : authority.substr(at + 1);
  if (host.empty() || host.front() == ':') return wrong;
  for (std::size_t i = 0; i < url.size(); ++i) {
    const auto c = static_cast<unsigned char>(url[i]);
    if (c <= 0x20 || c == 0x7F) return wrong;
    if (c == 0xC2 && static_cast<unsigned char>(url[i + 1]) <= 0xA0) return wrong;  // C1 and no-break space
    if (std::string_view("\"<>\\^`{|}").find(static_cast<char>(c)) != std::string_view::npos) return wrong;
  }
  return std::nullopt;
}

std::optional<std::string> check_genre_slug(std::string_view slug) {
  const std::optional<std::string> wrong =
      "The genre slug must be lower-case letters and digits in words joined by single hyphens, at most " +
      std::to_string(kMaxGenreSlug) + " characters.";
  if (slug.empty() || slug.size() > kMaxGenreSlug) return wrong;
  if (slug.front() == '-' || slug.back() == '-') return wrong;
  for (std::size_t i = 0; i < slug.size(); ++i) {
    if (slug[i] == '-') {
      if (slug[i + 1] == '-') return wrong;  // i + 1 < size: the last character is not '-'
      continue;
    }
    if (!is_lower_alnum(slug[i])) return wrong;
  }
  return std::nullopt;
}

std::span<const std::string_view> language_codes() noexcept {
  return kLanguages;
}
std::span<const std::string_view> currency_codes() noexcept {
  return kCurrencies;
}

}  // namespace bookstore::domain
