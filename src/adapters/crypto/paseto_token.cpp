#include "adapters/crypto/paseto_token.hpp"

#include "adapters/crypto/base64url.hpp"

namespace bookstore::crypto {

std::optional<TokenParts> split_token(std::string_view token, std::string_view header) {
  // The header is checked before anything else is looked at: a token of another version or purpose is
  // refused without decoding it, so a key can never be used with an algorithm it is not meant for.
  if (!token.starts_with(header)) return std::nullopt;
  std::string_view rest = token.substr(header.size());
  std::string_view body = rest;
  std::string_view footer;
  bool has_footer = false;
  if (auto dot = rest.find('.'); dot != std::string_view::npos) {
    body = rest.substr(0, dot);
    footer = rest.substr(dot + 1);
    has_footer = true;
    if (footer.empty() || footer.find('.') != std::string_view::npos) return std::nullopt;
  }
  auto body_bytes = base64url_decode(body);
  if (!body_bytes) return std::nullopt;
  TokenParts parts{std::move(*body_bytes), {}};
  if (has_footer) {
    auto footer_bytes = base64url_decode(footer);
    if (!footer_bytes || footer_bytes->empty()) return std::nullopt;
    parts.footer = std::move(*footer_bytes);
  }
  return parts;
}

std::string join_token(std::string_view header, std::string_view body, std::string_view footer) {
  std::string token(header);
  token += base64url_encode(body);
  if (!footer.empty()) {
    token += '.';
    token += base64url_encode(footer);
  }
  return token;
}

}  // namespace bookstore::crypto
