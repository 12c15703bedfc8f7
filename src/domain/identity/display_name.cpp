#include "domain/identity/display_name.hpp"

#include "domain/identity/utf8.hpp"

namespace bookstore::domain {
namespace {

constexpr std::size_t kMaxName = 100;

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v';
}

}  // namespace

std::optional<std::string> normalize_display_name(std::string_view raw) {
  while (!raw.empty() && is_space(raw.front())) raw.remove_prefix(1);
  while (!raw.empty() && is_space(raw.back())) raw.remove_suffix(1);
  const auto length = utf8_length(raw);
  if (!length || *length == 0 || *length > kMaxName) return std::nullopt;
  for (std::size_t i = 0; i < raw.size(); ++i) {
    const auto c = static_cast<unsigned char>(raw[i]);
    if (c < 0x20 || c == 0x7F) return std::nullopt;
    // C1 controls U+0080..U+009F (valid UTF-8 here, so a lead byte 0xC2 has a continuation byte).
    if (c == 0xC2 && static_cast<unsigned char>(raw[i + 1]) <= 0x9F) return std::nullopt;
  }
  return std::string(raw);
}

}  // namespace bookstore::domain
