#include "domain/catalog/isbn.hpp"

namespace bookstore::domain {
namespace {

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v';
}

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

// The digits (and X) of the text, or nullopt when anything else is in it or a separator is not
// between two of them.
std::optional<std::string> strip_separators(std::string_view text) {
  std::string out;
  bool after_separator = false;
  for (char c : text) {
    if (c == '-' || c == ' ') {
      if (out.empty() || after_separator) return std::nullopt;
      after_separator = true;
      continue;
    }
    if (!is_digit(c) && c != 'X' && c != 'x') return std::nullopt;
    if (out.size() == 13) return std::nullopt;  // too long already; no need to read on
    out.push_back(c == 'x' ? 'X' : c);
    after_separator = false;
  }
  if (after_separator) return std::nullopt;
  return out;
}

bool all_digits(std::string_view s) {
  for (char c : s)
    if (!is_digit(c)) return false;
  return true;
}

bool valid_isbn10(std::string_view d) {
  if (!all_digits(d.substr(0, 9))) return false;
  const char last = d[9];
  if (!is_digit(last) && last != 'X') return false;
  int sum = 0;
  for (int i = 0; i < 9; ++i) sum += (10 - i) * (d[static_cast<std::size_t>(i)] - '0');
  sum += last == 'X' ? 10 : last - '0';
  return sum % 11 == 0;
}

}  // namespace

char isbn13_check_digit(std::string_view first12) noexcept {
  if (first12.size() != 12 || !all_digits(first12)) return '\0';
  int sum = 0;
  for (std::size_t i = 0; i < 12; ++i) sum += (i % 2 == 0 ? 1 : 3) * (first12[i] - '0');
  return static_cast<char>('0' + (10 - sum % 10) % 10);
}

std::optional<std::string> normalize_isbn(std::string_view typed) {
  while (!typed.empty() && is_space(typed.front())) typed.remove_prefix(1);
  while (!typed.empty() && is_space(typed.back())) typed.remove_suffix(1);
  auto digits = strip_separators(typed);
  if (!digits) return std::nullopt;
  if (digits->size() == 13) {
    if (!all_digits(*digits)) return std::nullopt;
    if (digits->compare(0, 3, "978") != 0 && digits->compare(0, 3, "979") != 0) return std::nullopt;
    if (isbn13_check_digit(std::string_view(*digits).substr(0, 12)) != (*digits)[12]) return std::nullopt;
    return digits;
  }
  if (digits->size() == 10) {
    if (!valid_isbn10(*digits)) return std::nullopt;
    std::string out = "978" + digits->substr(0, 9);
    out.push_back(isbn13_check_digit(out));
    return out;
  }
  return std::nullopt;
}

}  // namespace bookstore::domain
