#include "adapters/crypto/base64url.hpp"

#include <sodium.h>

#include "adapters/crypto/secure_bytes.hpp"
#include "adapters/crypto/sodium_init.hpp"

namespace bookstore::crypto {
namespace {

constexpr int kVariant = sodium_base64_VARIANT_URLSAFE_NO_PADDING;

bool in_alphabet(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
}

}  // namespace

std::string base64url_encode(std::span<const unsigned char> bytes) {
  ensure_sodium();
  std::string out(sodium_base64_ENCODED_LEN(bytes.size(), kVariant), '\0');
  sodium_bin2base64(out.data(), out.size(), bytes.data(), bytes.size(), kVariant);
  out.resize(out.size() - 1);  // the encoded length counts the terminating NUL
  return out;
}

std::string base64url_encode(std::string_view bytes) {
  return base64url_encode(as_bytes(bytes));
}

std::optional<std::string> base64url_decode(std::string_view text) {
  ensure_sodium();
  // One leftover character carries 6 bits, less than a byte: no encoder produces that length.
  if (text.size() % 4 == 1) return std::nullopt;
  // libsodium stops at the first character it does not know and would accept '=' in some variants;
  // checking the alphabet first keeps the rule in one visible place.
  for (char c : text) {
    if (!in_alphabet(c)) return std::nullopt;
  }
  std::string out(text.size() / 4 * 3 + 2, '\0');
  std::size_t length = 0;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), text.data(), text.size(),
                        nullptr, &length, nullptr, kVariant) != 0) {
    wipe(out);
    return std::nullopt;
  }
  out.resize(length);
  // Canonical form: the unused low bits of the last character must be zero, i.e. encoding the bytes
  // again gives back the very same text. Re-encoding states that rule without bit arithmetic.
  std::string again = base64url_encode(out);
  const bool canonical = again == text;
  wipe(again);
  if (!canonical) {
    wipe(out);
    return std::nullopt;
  }
  return out;
}

}  // namespace bookstore::crypto
