#pragma once
// Random secrets and how they are stored (adapters/crypto, libsodium). Secrets sent to users (refresh
// tokens, link tokens, 6-digit codes) are stored only as digests; digest() is keyed with a server key so
// that a stolen table does not allow trying all 10^6 codes offline.
#include <string>
#include <string_view>

namespace bookstore::app {

class Secrets {
 public:
  virtual ~Secrets() = default;
  // 256 random bits, base64url without padding (43 characters).
  virtual std::string random_token() = 0;
  // Six decimal digits, uniformly drawn ("004217").
  virtual std::string six_digit_code() = 0;
  // Keyed digest of a secret, lowercase hex (64 characters): what the database stores and looks up.
  virtual std::string digest(std::string_view secret) const = 0;
};

}  // namespace bookstore::app
