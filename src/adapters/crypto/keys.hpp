#pragma once
// The three kinds of PASETO v4 key as distinct types, so that a key can only reach the operation it is
// meant for: the compiler refuses a LocalKey where a PublicKey is expected, and there is no conversion
// between them. None has a default ("all zero") state: a key object always holds a real key.
#include <cstddef>
#include <span>

#include "adapters/crypto/secure_bytes.hpp"

namespace bookstore::crypto {

// Symmetric key for v4.local (XChaCha20 + BLAKE2b-MAC), and the root of this service's keyed digests.
class LocalKey {
 public:
  static constexpr std::size_t kSize = 32;
  static LocalKey generate();
  // Throws std::invalid_argument unless exactly kSize bytes (the message never holds key bytes).
  static LocalKey from_bytes(std::span<const unsigned char> bytes);
  std::span<const unsigned char, kSize> bytes() const noexcept { return bytes_.span(); }

 private:
  LocalKey() = default;
  SecureBytes<kSize> bytes_;
};

// Ed25519 public key for verifying v4.public tokens. Not secret; any 32 bytes are accepted here (the
// signature check itself refuses weak keys).
class PublicKey {
 public:
  static constexpr std::size_t kSize = 32;
  static PublicKey from_bytes(std::span<const unsigned char> bytes);  // std::invalid_argument on length
  std::span<const unsigned char, kSize> bytes() const noexcept { return bytes_.span(); }
  bool operator==(const PublicKey& other) const noexcept;

 private:
  PublicKey() = default;
  SecureBytes<kSize> bytes_;
};

// Ed25519 secret key in libsodium's layout: 32-byte seed || 32-byte public key.
class SecretKey {
 public:
  static constexpr std::size_t kSize = 64;
  static constexpr std::size_t kSeedSize = 32;
  static SecretKey generate();
  static SecretKey from_seed(std::span<const unsigned char> seed);  // std::invalid_argument on length
  // Also refuses a public half that does not belong to the seed: signing with such a pair produces
  // signatures that do not verify and, worse, can leak the key to whoever chose the public half.
  static SecretKey from_bytes(std::span<const unsigned char> bytes);
  std::span<const unsigned char, kSize> bytes() const noexcept { return bytes_.span(); }
  PublicKey public_key() const;

 private:
  SecretKey() = default;
  SecureBytes<kSize> bytes_;
};

}  // namespace bookstore::crypto
