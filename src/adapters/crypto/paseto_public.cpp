#include "adapters/crypto/paseto_public.hpp"

#include <sodium.h>

#include <array>

#include "adapters/crypto/base64url.hpp"
#include "adapters/crypto/pae.hpp"
#include "adapters/crypto/sodium_init.hpp"

namespace bookstore::crypto::v4_public {
namespace {
constexpr std::size_t kSignatureSize = crypto_sign_BYTES;
}  // namespace

std::string sign(const SecretKey& key, std::string_view payload, std::string_view footer,
                 std::string_view implicit_assertion) {
  ensure_sodium();
  const std::string message = pae({kV4PublicHeader, payload, footer, implicit_assertion});
  std::array<unsigned char, kSignatureSize> signature{};
  crypto_sign_detached(signature.data(), nullptr, as_bytes(message).data(), message.size(),
                       key.bytes().data());
  std::string body(payload);
  body.append(as_chars(signature));
  return join_token(kV4PublicHeader, body, footer);
}

std::optional<VerifiedToken> verify(const PublicKey& key, std::string_view token,
                                    std::string_view implicit_assertion) {
  ensure_sodium();
  auto parts = split_token(token, kV4PublicHeader);
  if (!parts || parts->body.size() < kSignatureSize) return std::nullopt;
  const std::string_view body = parts->body;
  const std::string_view payload = body.substr(0, body.size() - kSignatureSize);
  const std::string_view signature = body.substr(body.size() - kSignatureSize);
  const std::string message = pae({kV4PublicHeader, payload, parts->footer, implicit_assertion});
  if (crypto_sign_verify_detached(as_bytes(signature).data(), as_bytes(message).data(), message.size(),
                                  key.bytes().data()) != 0) {
    return std::nullopt;
  }
  return VerifiedToken{std::string(payload), std::move(parts->footer)};
}

}  // namespace bookstore::crypto::v4_public
