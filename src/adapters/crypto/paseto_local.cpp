#include "adapters/crypto/paseto_local.hpp"

#include <sodium.h>

#include <algorithm>
#include <array>

#include "adapters/crypto/base64url.hpp"
#include "adapters/crypto/pae.hpp"
#include "adapters/crypto/secure_bytes.hpp"
#include "adapters/crypto/sodium_init.hpp"

namespace bookstore::crypto::v4_local {
namespace {

constexpr std::size_t kTagSize = 32;
constexpr std::string_view kEncryptionKeyInfo = "paseto-encryption-key";
constexpr std::string_view kAuthKeyInfo = "paseto-auth-key-for-aead";

// Per-message keys, split from the long-term key with the nonce (spec step 4): the same key never
// encrypts two messages under the same XChaCha20 key and nonce, and the MAC key is independent.
struct MessageKeys {
  SecureBytes<32> encryption_key;  // Ek
  SecureBytes<24> stream_nonce;    // n2
  SecureBytes<32> auth_key;        // Ak
};

MessageKeys derive(const LocalKey& key, std::span<const unsigned char, kNonceSize> nonce) {
  MessageKeys keys;
  std::string info(kEncryptionKeyInfo);
  info.append(as_chars(nonce));
  SecureBytes<56> tmp;  // BLAKE2b-448: Ek || n2
  crypto_generichash(tmp.data(), tmp.size(), as_bytes(info).data(), info.size(), key.bytes().data(),
                     key.bytes().size());
  std::copy_n(tmp.data(), 32, keys.encryption_key.data());
  std::copy_n(tmp.data() + 32, 24, keys.stream_nonce.data());
  info.assign(kAuthKeyInfo);
  info.append(as_chars(nonce));
  crypto_generichash(keys.auth_key.data(), keys.auth_key.size(), as_bytes(info).data(), info.size(),
                     key.bytes().data(), key.bytes().size());
  return keys;
}

std::array<unsigned char, kTagSize> mac(const MessageKeys& keys, std::span<const unsigned char> nonce,
                                        std::string_view ciphertext, std::string_view footer,
                                        std::string_view implicit_assertion) {
  const std::string pre_auth = pae({kV4LocalHeader, as_chars(nonce), ciphertext, footer, implicit_assertion});
  std::array<unsigned char, kTagSize> tag{};
  crypto_generichash(tag.data(), tag.size(), as_bytes(pre_auth).data(), pre_auth.size(), keys.auth_key.data(),
                     keys.auth_key.size());
  return tag;
}

}  // namespace

std::string encrypt(const LocalKey& key, std::string_view payload, std::string_view footer,
                    std::string_view implicit_assertion) {
  ensure_sodium();
  std::array<unsigned char, kNonceSize> nonce{};
  randombytes_buf(nonce.data(), nonce.size());
  return encrypt_with_nonce_for_testing(key, nonce, payload, footer, implicit_assertion);
}

std::string encrypt_with_nonce_for_testing(const LocalKey& key,
                                           std::span<const unsigned char, kNonceSize> nonce,
                                           std::string_view payload, std::string_view footer,
                                           std::string_view implicit_assertion) {
  ensure_sodium();
  const MessageKeys keys = derive(key, nonce);
  std::string ciphertext(payload.size(), '\0');
  crypto_stream_xchacha20_xor(reinterpret_cast<unsigned char*>(ciphertext.data()), as_bytes(payload).data(),
                              payload.size(), keys.stream_nonce.data(), keys.encryption_key.data());
  const auto tag = mac(keys, nonce, ciphertext, footer, implicit_assertion);
  std::string body;
  body.reserve(kNonceSize + ciphertext.size() + kTagSize);
  body.append(as_chars(nonce));
  body.append(ciphertext);
  body.append(as_chars(tag));
  return join_token(kV4LocalHeader, body, footer);
}

std::optional<VerifiedToken> decrypt(const LocalKey& key, std::string_view token,
                                     std::string_view implicit_assertion) {
  ensure_sodium();
  auto parts = split_token(token, kV4LocalHeader);
  if (!parts || parts->body.size() < kNonceSize + kTagSize) return std::nullopt;
  const std::string_view body = parts->body;
  const auto nonce = as_bytes(body).first<kNonceSize>();
  const std::string_view ciphertext = body.substr(kNonceSize, body.size() - kNonceSize - kTagSize);
  const std::string_view tag = body.substr(body.size() - kTagSize);

  const MessageKeys keys = derive(key, nonce);
  const auto expected = mac(keys, nonce, ciphertext, parts->footer, implicit_assertion);
  // Constant time: how many leading bytes matched must not be observable.
  if (sodium_memcmp(expected.data(), tag.data(), kTagSize) != 0) return std::nullopt;

  std::string payload(ciphertext.size(), '\0');
  crypto_stream_xchacha20_xor(reinterpret_cast<unsigned char*>(payload.data()), as_bytes(ciphertext).data(),
                              ciphertext.size(), keys.stream_nonce.data(), keys.encryption_key.data());
  return VerifiedToken{std::move(payload), std::move(parts->footer)};
}

}  // namespace bookstore::crypto::v4_local
