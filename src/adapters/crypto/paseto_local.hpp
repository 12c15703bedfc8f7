#pragma once
// PASETO v4.local: authenticated encryption with a LocalKey (XChaCha20, keys and nonce derived with
// keyed BLAKE2b, BLAKE2b-256 MAC over the PAE of header, nonce, ciphertext, footer, implicit assertion).
// The footer is authenticated but not encrypted; the implicit assertion is authenticated and not sent.
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "adapters/crypto/keys.hpp"
#include "adapters/crypto/paseto_token.hpp"

namespace bookstore::crypto::v4_local {

inline constexpr std::size_t kNonceSize = 32;

// A fresh random nonce per call.
std::string encrypt(const LocalKey& key, std::string_view payload, std::string_view footer = {},
                    std::string_view implicit_assertion = {});

// The payload and footer of an intact token made with `key` and the same implicit assertion; nullopt for
// anything else (other header, malformed, wrong key, tampered, other implicit assertion). The caller
// compares the footer with the one it expects.
std::optional<VerifiedToken> decrypt(const LocalKey& key, std::string_view token,
                                     std::string_view implicit_assertion = {});

// Only for reproducing the specification's test vectors: reusing a nonce breaks confidentiality.
std::string encrypt_with_nonce_for_testing(const LocalKey& key,
                                           std::span<const unsigned char, kNonceSize> nonce,
                                           std::string_view payload, std::string_view footer,
                                           std::string_view implicit_assertion);

}  // namespace bookstore::crypto::v4_local
