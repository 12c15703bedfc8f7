#pragma once
// Base64url without padding (RFC 4648 §5), the encoding of every PASETO and PASERK part. Decoding is
// strict: padding, characters outside the alphabet and non-canonical trailing bits are refused, so that
// each byte string has exactly one accepted text form (a token cannot be altered without changing its
// bytes).
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace bookstore::crypto {

std::string base64url_encode(std::span<const unsigned char> bytes);
std::string base64url_encode(std::string_view bytes);

// The decoded bytes, or nullopt for anything that is not the canonical unpadded base64url of some bytes.
std::optional<std::string> base64url_decode(std::string_view text);

// Views over the same bytes, for passing strings to libsodium and key bytes to string-based helpers.
inline std::span<const unsigned char> as_bytes(std::string_view s) noexcept {
  return {reinterpret_cast<const unsigned char*>(s.data()), s.size()};
}
inline std::string_view as_chars(std::span<const unsigned char> b) noexcept {
  return {reinterpret_cast<const char*>(b.data()), b.size()};
}

}  // namespace bookstore::crypto
