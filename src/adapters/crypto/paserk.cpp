#include "adapters/crypto/paserk.hpp"

#include <sodium.h>

#include <array>
#include <stdexcept>

#include "adapters/crypto/base64url.hpp"
#include "adapters/crypto/secure_bytes.hpp"
#include "adapters/crypto/sodium_init.hpp"

namespace bookstore::crypto::paserk {
namespace {

constexpr std::size_t kIdHashSize = 33;  // BLAKE2b-264: 44 base64url characters, no padding bits

template <class Key>
std::string encode_with(std::string_view prefix, const Key& key) {
  std::string out(prefix);
  std::string data = base64url_encode(key.bytes());
  out += data;
  wipe(data);
  return out;
}

// The key bytes after `prefix`, or nullopt; the caller turns them into a key of the right length.
std::optional<std::string> payload_of(std::string_view paserk, std::string_view prefix, std::size_t size) {
  if (!paserk.starts_with(prefix)) return std::nullopt;
  auto bytes = base64url_decode(paserk.substr(prefix.size()));
  if (!bytes) return std::nullopt;
  if (bytes->size() != size) {
    wipe(*bytes);
    return std::nullopt;
  }
  return bytes;
}

std::string id_of(std::string_view id_prefix, const std::string& paserk) {
  ensure_sodium();
  std::string message(id_prefix);
  message += paserk;
  std::array<unsigned char, kIdHashSize> digest{};
  crypto_generichash(digest.data(), digest.size(), as_bytes(message).data(), message.size(), nullptr, 0);
  wipe(message);  // holds a k4.secret/k4.local PASERK for sid/lid
  std::string out(id_prefix);
  out += base64url_encode(digest);
  return out;
}

}  // namespace

std::string encode(const LocalKey& key) {
  return encode_with(kLocalPrefix, key);
}
std::string encode(const PublicKey& key) {
  return encode_with(kPublicPrefix, key);
}
std::string encode(const SecretKey& key) {
  return encode_with(kSecretPrefix, key);
}

std::optional<LocalKey> parse_local(std::string_view paserk) {
  auto bytes = payload_of(paserk, kLocalPrefix, LocalKey::kSize);
  if (!bytes) return std::nullopt;
  WipedString held(std::move(*bytes));
  return LocalKey::from_bytes(as_bytes(held.get()));
}

std::optional<PublicKey> parse_public(std::string_view paserk) {
  auto bytes = payload_of(paserk, kPublicPrefix, PublicKey::kSize);
  if (!bytes) return std::nullopt;
  return PublicKey::from_bytes(as_bytes(*bytes));
}

std::optional<SecretKey> parse_secret(std::string_view paserk) {
  auto bytes = payload_of(paserk, kSecretPrefix, SecretKey::kSize);
  if (!bytes) return std::nullopt;
  WipedString held(std::move(*bytes));
  try {
    return SecretKey::from_bytes(as_bytes(held.get()));
  } catch (const std::invalid_argument&) {
    return std::nullopt;  // public half does not match the seed
  }
}

std::string id(const LocalKey& key) {
  std::string serialized = encode(key);
  std::string out = id_of(kLocalIdPrefix, serialized);
  wipe(serialized);
  return out;
}

std::string id(const PublicKey& key) {
  return id_of(kPublicIdPrefix, encode(key));
}

std::string id(const SecretKey& key) {
  std::string serialized = encode(key);
  std::string out = id_of(kSecretIdPrefix, serialized);
  wipe(serialized);
  return out;
}

}  // namespace bookstore::crypto::paserk
