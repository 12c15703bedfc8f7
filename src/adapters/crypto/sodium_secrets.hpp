#pragma once
// Random secrets and their keyed digests (implements app::Secrets) with libsodium. The digest key is a
// subkey derived from the local key with its own context, never the local key itself: a keyed BLAKE2b
// of attacker-chosen input under the v4.local key could reproduce PASETO's internal key derivation.
#include <string>
#include <string_view>

#include "adapters/crypto/keys.hpp"
#include "adapters/crypto/secure_bytes.hpp"
#include "app/ports/secrets.hpp"

namespace bookstore::crypto {

class SodiumSecrets final : public app::Secrets {
 public:
  explicit SodiumSecrets(const LocalKey& local_key);

  std::string random_token() override;                         // 43 base64url characters
  std::string six_digit_code() override;                       // "000000".."999999", uniform
  std::string digest(std::string_view secret) const override;  // 64 lowercase hex characters

 private:
  SecureBytes<32> digest_key_;
};

}  // namespace bookstore::crypto
