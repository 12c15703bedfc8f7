#include "adapters/crypto/sodium_secrets.hpp"

#include <sodium.h>

#include <array>

#include <fmt/format.h>

#include "adapters/crypto/base64url.hpp"
#include "adapters/crypto/sodium_init.hpp"

namespace bookstore::crypto {
namespace {
// crypto_kdf contexts are exactly 8 characters; a new purpose gets a new context (or subkey id).
constexpr char kDigestContext[crypto_kdf_CONTEXTBYTES + 1] = "bkdigest";
constexpr std::uint64_t kDigestSubkeyId = 1;
}  // namespace

SodiumSecrets::SodiumSecrets(const LocalKey& local_key) {
  ensure_sodium();
  crypto_kdf_derive_from_key(digest_key_.data(), digest_key_.size(), kDigestSubkeyId, kDigestContext,
                             local_key.bytes().data());
}

std::string SodiumSecrets::random_token() {
  std::array<unsigned char, 32> bytes{};
  randombytes_buf(bytes.data(), bytes.size());
  std::string token = base64url_encode(bytes);
  sodium_memzero(bytes.data(), bytes.size());
  return token;
}

std::string SodiumSecrets::six_digit_code() {
  // randombytes_uniform rejects the biased tail itself: every code is equally likely.
  return fmt::format("{:06}", randombytes_uniform(1'000'000));
}

std::string SodiumSecrets::digest(std::string_view secret) const {
  std::array<unsigned char, 32> hash{};
  crypto_generichash(hash.data(), hash.size(), as_bytes(secret).data(), secret.size(), digest_key_.data(),
                     digest_key_.size());
  std::string hex(hash.size() * 2 + 1, '\0');
  sodium_bin2hex(hex.data(), hex.size(), hash.data(), hash.size());
  hex.pop_back();  // the NUL sodium_bin2hex writes
  return hex;
}

}  // namespace bookstore::crypto
