#pragma once
// PASETO v4.public: Ed25519 signatures over the PAE of header, payload, footer and implicit assertion.
// The payload is readable by anyone; the signature proves who made it.
#include <optional>
#include <string>
#include <string_view>

#include "adapters/crypto/keys.hpp"
#include "adapters/crypto/paseto_token.hpp"

namespace bookstore::crypto::v4_public {

std::string sign(const SecretKey& key, std::string_view payload, std::string_view footer = {},
                 std::string_view implicit_assertion = {});

// The payload and footer of a token signed by the secret half of `key` with the same implicit
// assertion; nullopt for anything else (a v4.local token included: the header is checked first).
std::optional<VerifiedToken> verify(const PublicKey& key, std::string_view token,
                                    std::string_view implicit_assertion = {});

}  // namespace bookstore::crypto::v4_public
