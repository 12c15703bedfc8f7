#pragma once
// PASERK (Platform-Agnostic Serialized Keys) for v4: keys as self-describing strings ("k4.local.",
// "k4.public.", "k4.secret." + base64url of the raw key) and key ids ("k4.lid.", "k4.pid.", "k4.sid." +
// base64url of BLAKE2b-264 over the id header and the key's PASERK). Ids are what token footers carry
// as "kid": they name a key without revealing it.
#include <optional>
#include <string>
#include <string_view>

#include "adapters/crypto/keys.hpp"

namespace bookstore::crypto::paserk {

inline constexpr std::string_view kLocalPrefix = "k4.local.";
inline constexpr std::string_view kPublicPrefix = "k4.public.";
inline constexpr std::string_view kSecretPrefix = "k4.secret.";
inline constexpr std::string_view kLocalIdPrefix = "k4.lid.";
inline constexpr std::string_view kPublicIdPrefix = "k4.pid.";
inline constexpr std::string_view kSecretIdPrefix = "k4.sid.";

std::string encode(const LocalKey& key);
std::string encode(const PublicKey& key);
std::string encode(const SecretKey& key);

// Strict: nullopt for another type or version prefix, non-canonical base64url, a wrong length, or (for
// k4.secret) a public half that does not belong to the seed.
std::optional<LocalKey> parse_local(std::string_view paserk);
std::optional<PublicKey> parse_public(std::string_view paserk);
std::optional<SecretKey> parse_secret(std::string_view paserk);

std::string id(const LocalKey& key);   // k4.lid.
std::string id(const PublicKey& key);  // k4.pid.
std::string id(const SecretKey& key);  // k4.sid.

}  // namespace bookstore::crypto::paserk
