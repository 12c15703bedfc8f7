#pragma once
// Access tokens as PASETO v4.public (implements app::AccessTokens). Payload: {"iss","aud","sub","sid",
// "role","jti","iat","nbf","exp"} with RFC 3339 UTC times; footer: {"kid":"k4.pid..."} naming the
// signing key, so that verifiers pick the right key among the current and older ones (key rotation:
// keep the old public key configured until the last token it signed has expired, then remove it).
//
// verify() fails closed: every rejection is the same domain::Error(kUnauthenticated, "invalid or
// expired token"), so that a client learns nothing about which check failed.
#include <chrono>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/crypto/keys.hpp"
#include "app/ports/access_tokens.hpp"

namespace bookstore::crypto {

struct AccessTokenConfig {
  std::string issuer;    // iss written and required; e.g. the public base URL
  std::string audience;  // aud written and required
  SecretKey signing_key;
  // Older public keys whose tokens are still accepted. The signing key's own public key is always
  // accepted and need not be listed (duplicates are ignored).
  std::vector<PublicKey> verification_keys;
};

// One entry of GET /.well-known/paserk.
struct PublishedKey {
  std::string kid;     // k4.pid.
  std::string paserk;  // k4.public.
  bool operator==(const PublishedKey&) const = default;
};

class AccessTokenCodec final : public app::AccessTokens {
 public:
  static constexpr std::size_t kMaxTokenBytes = 8 * 1024;
  static constexpr std::size_t kMaxPayloadBytes = 4 * 1024;
  static constexpr std::size_t kMaxFooterBytes = 512;
  static constexpr int kMaxJsonDepth = 4;
  // Clock skew forgiven on nbf and iat between instances; none on exp, which is the hard end of a token.
  static constexpr std::chrono::seconds kLeeway{30};

  // Throws std::invalid_argument when issuer or audience is empty.
  explicit AccessTokenCodec(AccessTokenConfig config);

  // Throws std::invalid_argument for claims verify() would refuse (empty sub/sid/role/jti, times outside
  // 1970..2200). Times are written in whole seconds, rounded down.
  std::string issue(const app::AccessClaims& claims) override;
  app::AccessClaims verify(std::string_view token, app::TimePoint now) const override;

  // The signing key first, then the older keys: what verifiers elsewhere need to check our tokens.
  std::vector<PublishedKey> published_keys() const;
  const std::string& signing_kid() const noexcept { return signing_kid_; }

 private:
  AccessTokenConfig config_;
  std::string signing_kid_;
  std::string footer_;                                               // {"kid":"<signing_kid_>"}
  std::map<std::string, PublicKey, std::less<>> verification_keys_;  // by k4.pid
  std::vector<PublishedKey> published_;
};

}  // namespace bookstore::crypto
