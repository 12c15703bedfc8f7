#include "adapters/crypto/keys.hpp"

#include <sodium.h>

#include <algorithm>
#include <stdexcept>

#include "adapters/crypto/sodium_init.hpp"

namespace bookstore::crypto {

LocalKey LocalKey::generate() {
  ensure_sodium();
  LocalKey key;
  crypto_kdf_keygen(key.bytes_.data());  // 32 random bytes from the OS CSPRNG
  return key;
}

LocalKey LocalKey::from_bytes(std::span<const unsigned char> bytes) {
  if (bytes.size() != kSize) throw std::invalid_argument("a v4.local key has exactly 32 bytes");
  LocalKey key;
  std::copy(bytes.begin(), bytes.end(), key.bytes_.data());
  return key;
}

PublicKey PublicKey::from_bytes(std::span<const unsigned char> bytes) {
  if (bytes.size() != kSize) throw std::invalid_argument("a v4.public key has exactly 32 bytes");
  PublicKey key;
  std::copy(bytes.begin(), bytes.end(), key.bytes_.data());
  return key;
}

bool PublicKey::operator==(const PublicKey& other) const noexcept {
  return sodium_memcmp(bytes_.data(), other.bytes_.data(), kSize) == 0;
}

SecretKey SecretKey::generate() {
  ensure_sodium();
  SecretKey key;
  unsigned char pk[crypto_sign_PUBLICKEYBYTES];
  crypto_sign_keypair(pk, key.bytes_.data());
  return key;
}

SecretKey SecretKey::from_seed(std::span<const unsigned char> seed) {
  ensure_sodium();
  if (seed.size() != kSeedSize) throw std::invalid_argument("an Ed25519 seed has exactly 32 bytes");
  SecretKey key;
  unsigned char pk[crypto_sign_PUBLICKEYBYTES];
  crypto_sign_seed_keypair(pk, key.bytes_.data(), seed.data());
  return key;
}

SecretKey SecretKey::from_bytes(std::span<const unsigned char> bytes) {
  if (bytes.size() != kSize) throw std::invalid_argument("a v4.public secret key has exactly 64 bytes");
  SecretKey derived = from_seed(bytes.first(kSeedSize));
  if (sodium_memcmp(derived.bytes_.data() + kSeedSize, bytes.data() + kSeedSize, kSize - kSeedSize) != 0) {
    throw std::invalid_argument("the public half of the secret key does not match its seed");
  }
  return derived;
}

PublicKey SecretKey::public_key() const {
  return PublicKey::from_bytes(bytes().subspan<kSeedSize>());
}

}  // namespace bookstore::crypto
