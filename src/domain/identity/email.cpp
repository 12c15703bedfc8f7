#include "domain/identity/email.hpp"

#include <algorithm>

#include "domain/identity/utf8.hpp"

namespace bookstore::domain {
namespace {

constexpr std::size_t kMaxAddress = 254;  // RFC 5321 forward path
constexpr std::size_t kMaxLocal = 64;
constexpr std::size_t kMaxLabel = 63;

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v';
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

bool is_alnum(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

// RFC 5322 atext, plus non-ASCII (SMTPUTF8). Quoted local parts are refused: they are rare and make
// addresses unsafe to put in mail headers.
bool is_local_char(unsigned char c) {
  if (c >= 0x80) return true;
  if (is_alnum(c)) return true;
  static constexpr std::string_view kSpecials = "!#$%&'*+-/=?^_`{|}~";
  return kSpecials.find(static_cast<char>(c)) != std::string_view::npos;
}

bool valid_local(std::string_view local) {
  if (local.empty() || local.size() > kMaxLocal) return false;
  if (local.front() == '.' || local.back() == '.') return false;
  for (std::size_t i = 0; i < local.size(); ++i) {
    const auto c = static_cast<unsigned char>(local[i]);
    if (c == '.') {
      if (local[i + 1] == '.') return false;  // i + 1 < size: the last character is not '.'
      continue;
    }
    if (!is_local_char(c)) return false;
  }
  return true;
}

// Letters, digits and hyphens per label (non-ASCII allowed for internationalised names), at least two
// labels, none empty, none starting or ending with a hyphen.
bool valid_domain(std::string_view domain) {
  if (domain.empty()) return false;
  std::size_t labels = 0;
  std::size_t start = 0;
  while (true) {
    const std::size_t dot = domain.find('.', start);
    const std::string_view label =
        domain.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
    if (label.empty() || label.size() > kMaxLabel) return false;
    if (label.front() == '-' || label.back() == '-') return false;
    for (char ch : label) {
      const auto c = static_cast<unsigned char>(ch);
      if (!(c >= 0x80 || is_alnum(c) || c == '-')) return false;
    }
    ++labels;
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  return labels >= 2;
}

}  // namespace

std::optional<std::string> normalize_email(std::string_view raw) {
  const std::string_view address = trim(raw);
  if (address.empty() || address.size() > kMaxAddress) return std::nullopt;
  if (!utf8_length(address)) return std::nullopt;
  const std::size_t at = address.find('@');
  if (at == std::string_view::npos || address.find('@', at + 1) != std::string_view::npos)
    return std::nullopt;
  const std::string_view local = address.substr(0, at);
  std::string domain(address.substr(at + 1));
  std::transform(domain.begin(), domain.end(), domain.begin(),
                 [](char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; });
  if (!valid_local(local) || !valid_domain(domain)) return std::nullopt;
  std::string out(local);
  out += '@';
  out += domain;
  return out;
}

std::string mask_email(std::string_view email) {
  const std::size_t at = email.rfind('@');
  if (at == std::string_view::npos) return "***";
  std::string out;
  const std::string_view local = email.substr(0, at);
  if (!local.empty()) {
    // The first code point, whole (a multi-byte letter is not cut in half).
    std::size_t n = 1;
    while (n < local.size() && (static_cast<unsigned char>(local[n]) & 0xC0) == 0x80) ++n;
    out = truncate_utf8(local.substr(0, n), n);
  }
  out += "***";
  out += email.substr(at);
  return out;
}

bool same_email(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

}  // namespace bookstore::domain
