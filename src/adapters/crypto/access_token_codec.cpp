#include "adapters/crypto/access_token_codec.hpp"

#include <array>
#include <optional>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "adapters/crypto/paserk.hpp"
#include "adapters/crypto/paseto_public.hpp"
#include "adapters/crypto/paseto_token.hpp"
#include "adapters/crypto/rfc3339.hpp"
#include "adapters/crypto/strict_json.hpp"
#include "domain/error.hpp"

namespace bookstore::crypto {
namespace {

using json = nlohmann::json;

// The claims a token must carry, no more and no less.
constexpr std::array<std::string_view, 9> kClaimNames = {"iss", "aud", "sub", "sid", "role",
                                                         "jti", "iat", "nbf", "exp"};

[[noreturn]] void reject() {
  throw domain::Error(domain::ErrorCode::kUnauthenticated, "invalid or expired token");
}

// The kid of a footer that is exactly {"kid":"<string>"}; the footer is not yet authenticated here, so
// it is only used to pick a key, and the signature then covers it.
std::optional<std::string> kid_of(std::string_view footer) {
  if (footer.empty() || footer.size() > AccessTokenCodec::kMaxFooterBytes) return std::nullopt;
  auto doc = parse_strict_json(footer, 1);
  if (!doc || !doc->is_object() || doc->size() != 1) return std::nullopt;
  auto it = doc->find("kid");
  if (it == doc->end() || !it->is_string()) return std::nullopt;
  return it->get<std::string>();
}

// A non-empty string claim.
std::optional<std::string> text_claim(const json& payload, std::string_view name) {
  const auto& value = payload.at(std::string(name));
  if (!value.is_string()) return std::nullopt;
  std::string text = value.get<std::string>();
  if (text.empty()) return std::nullopt;
  return text;
}

std::optional<app::TimePoint> time_claim(const json& payload, std::string_view name) {
  const auto& value = payload.at(std::string(name));
  if (!value.is_string()) return std::nullopt;
  return parse_rfc3339_utc(value.get_ref<const std::string&>());
}

}  // namespace

AccessTokenCodec::AccessTokenCodec(AccessTokenConfig config) : config_(std::move(config)) {
  if (config_.issuer.empty()) throw std::invalid_argument("access tokens: the issuer must not be empty");
  if (config_.audience.empty()) throw std::invalid_argument("access tokens: the audience must not be empty");
  const PublicKey signing_public = config_.signing_key.public_key();
  signing_kid_ = paserk::id(signing_public);
  footer_ = json{{"kid", signing_kid_}}.dump();
  auto add = [this](const PublicKey& key) {
    std::string kid = paserk::id(key);
    if (verification_keys_.contains(kid)) return;
    published_.push_back(PublishedKey{kid, paserk::encode(key)});
    verification_keys_.emplace(std::move(kid), key);
  };
  add(signing_public);
  for (const auto& key : config_.verification_keys) add(key);
}

std::string AccessTokenCodec::issue(const app::AccessClaims& claims) {
  if (claims.subject.empty() || claims.session_id.empty() || claims.role.empty() || claims.token_id.empty()) {
    throw std::invalid_argument("access token claims sub, sid, role and jti must not be empty");
  }
  const json payload = {
      {"iss", config_.issuer},
      {"aud", config_.audience},
      {"sub", claims.subject},
      {"sid", claims.session_id},
      {"role", claims.role},
      {"jti", claims.token_id},
      {"iat", format_rfc3339_utc(claims.issued_at)},
      {"nbf", format_rfc3339_utc(claims.not_before)},
      {"exp", format_rfc3339_utc(claims.expires_at)},
  };
  return v4_public::sign(config_.signing_key, payload.dump(), footer_);
}

app::AccessClaims AccessTokenCodec::verify(std::string_view token, app::TimePoint now) const {
  // Cheap refusals first: size and header, before any decoding or signature work.
  if (token.size() > kMaxTokenBytes || !token.starts_with(kV4PublicHeader)) reject();
  auto parts = split_token(token, kV4PublicHeader);
  if (!parts) reject();
  auto kid = kid_of(parts->footer);
  if (!kid) reject();
  auto key = verification_keys_.find(*kid);
  if (key == verification_keys_.end()) reject();

  auto verified = v4_public::verify(key->second, token);
  if (!verified || verified->payload.size() > kMaxPayloadBytes) reject();

  // From here on the payload is authentic, but still checked as if it were not: a bug or a leaked key
  // elsewhere should not turn into a parser problem here.
  auto payload = parse_strict_json(verified->payload, kMaxJsonDepth);
  if (!payload || !payload->is_object() || payload->size() != kClaimNames.size()) reject();
  for (auto name : kClaimNames) {
    if (!payload->contains(name)) reject();  // with the size check: no unknown claims either
  }

  const auto iss = text_claim(*payload, "iss");
  const auto aud = text_claim(*payload, "aud");
  if (!iss || *iss != config_.issuer || !aud || *aud != config_.audience) reject();

  app::AccessClaims claims;
  auto sub = text_claim(*payload, "sub");
  auto sid = text_claim(*payload, "sid");
  auto role = text_claim(*payload, "role");
  auto jti = text_claim(*payload, "jti");
  const auto iat = time_claim(*payload, "iat");
  const auto nbf = time_claim(*payload, "nbf");
  const auto exp = time_claim(*payload, "exp");
  if (!sub || !sid || !role || !jti || !iat || !nbf || !exp) reject();

  if (*exp <= now) reject();
  if (*nbf > now + kLeeway) reject();
  if (*iat > now + kLeeway) reject();

  claims.subject = std::move(*sub);
  claims.session_id = std::move(*sid);
  claims.role = std::move(*role);
  claims.token_id = std::move(*jti);
  claims.issued_at = *iat;
  claims.not_before = *nbf;
  claims.expires_at = *exp;
  return claims;
}

std::vector<PublishedKey> AccessTokenCodec::published_keys() const {
  return published_;
}

}  // namespace bookstore::crypto
