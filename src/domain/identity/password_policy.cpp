#include "domain/identity/password_policy.hpp"

#include "domain/identity/utf8.hpp"

namespace bookstore::domain {
namespace {

constexpr std::size_t kMinLength = 8;
constexpr std::size_t kMaxLength = 128;

std::string ascii_lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

}  // namespace

std::optional<std::string> PasswordPolicy::problem(std::string_view password, std::string_view email) const {
  const auto length = utf8_length(password);
  if (!length) return "must be valid UTF-8 text";
  if (*length < kMinLength) return "must be at least 8 characters long";
  if (*length > kMaxLength) return "must be at most 128 characters long";
  const std::string lowered = ascii_lower(password);
  if (common_.count(lowered) != 0) return "is too common; choose a password that is harder to guess";
  if (!email.empty() && lowered == ascii_lower(email)) return "must not be your email address";
  return std::nullopt;
}

}  // namespace bookstore::domain
