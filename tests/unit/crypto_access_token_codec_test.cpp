// Access tokens: what issue() writes, and every way verify() refuses a token (always the same error).
#include "adapters/crypto/access_token_codec.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "adapters/crypto/base64url.hpp"
#include "adapters/crypto/paserk.hpp"
#include "adapters/crypto/paseto_local.hpp"
#include "adapters/crypto/paseto_public.hpp"
#include "adapters/crypto/rfc3339.hpp"
#include "domain/error.hpp"

namespace {

using namespace bookstore;
using namespace bookstore::crypto;
using namespace std::chrono_literals;
using json = nlohmann::json;

constexpr const char* kIssuer = "https://shop.example";
constexpr const char* kAudience = "bookstore-api";

app::TimePoint at(std::string_view rfc3339) {
  return *parse_rfc3339_utc(rfc3339);
}

const app::TimePoint kIssued = at("2025-03-01T12:00:00Z");

app::AccessClaims sample_claims() {
  app::AccessClaims c;
  c.subject = "42";
  c.session_id = "s-7";
  c.role = "customer";
  c.token_id = "jti-1";
  c.issued_at = kIssued;
  c.not_before = kIssued;
  c.expires_at = kIssued + 15min;
  return c;
}

AccessTokenCodec make_codec(const SecretKey& signing, std::vector<PublicKey> older = {},
                            std::string issuer = kIssuer, std::string audience = kAudience) {
  return AccessTokenCodec(
      AccessTokenConfig{std::move(issuer), std::move(audience), signing, std::move(older)});
}

// A payload exactly as issue() writes it, for tests that then change one thing.
json sample_payload() {
  return json{{"iss", kIssuer},
              {"aud", kAudience},
              {"sub", "42"},
              {"sid", "s-7"},
              {"role", "customer"},
              {"jti", "jti-1"},
              {"iat", "2025-03-01T12:00:00Z"},
              {"nbf", "2025-03-01T12:00:00Z"},
              {"exp", "2025-03-01T12:15:00Z"}};
}

// Signs any payload text with a correct footer: the signature is genuine, only the content is wrong.
std::string sign_raw(const SecretKey& key, std::string_view payload) {
  const std::string footer = json{{"kid", paserk::id(key.public_key())}}.dump();
  return v4_public::sign(key, payload, footer);
}

bool refused(const AccessTokenCodec& codec, std::string_view token, app::TimePoint now = kIssued + 1min) {
  try {
    codec.verify(token, now);
    return false;
  } catch (const domain::Error& e) {
    EXPECT_EQ(e.code(), domain::ErrorCode::kUnauthenticated);
    EXPECT_STREQ(e.what(), "invalid or expired token");  // the same words for every failure
    return true;
  }
}

class ClaimsTest : public ::testing::Test {
 protected:
  SecretKey key = SecretKey::generate();
  AccessTokenCodec codec = make_codec(key);
};

TEST_F(ClaimsTest, IssueThenVerifyRoundTrips) {
  const std::string token = codec.issue(sample_claims());
  EXPECT_TRUE(token.starts_with("v4.public."));
  const app::AccessClaims c = codec.verify(token, kIssued + 1min);
  EXPECT_EQ(c.subject, "42");
  EXPECT_EQ(c.session_id, "s-7");
  EXPECT_EQ(c.role, "customer");
  EXPECT_EQ(c.token_id, "jti-1");
  EXPECT_EQ(c.issued_at, kIssued);
  EXPECT_EQ(c.not_before, kIssued);
  EXPECT_EQ(c.expires_at, kIssued + 15min);
}

TEST_F(ClaimsTest, PayloadAndFooterHaveTheDocumentedShape) {
  const std::string token = codec.issue(sample_claims());
  const auto verified = v4_public::verify(key.public_key(), token);
  ASSERT_TRUE(verified);
  EXPECT_EQ(json::parse(verified->payload), sample_payload());
  const json footer = json::parse(verified->footer);
  EXPECT_EQ(footer, (json{{"kid", paserk::id(key.public_key())}}));
  EXPECT_EQ(codec.signing_kid(), footer["kid"]);
  EXPECT_TRUE(codec.signing_kid().starts_with("k4.pid."));
}

TEST_F(ClaimsTest, TimesAreWholeSecondsRoundedDown) {
  auto claims = sample_claims();
  claims.issued_at += 999ms;
  claims.expires_at += 999ms;
  const auto verified = v4_public::verify(key.public_key(), codec.issue(claims));
  const json payload = json::parse(verified->payload);
  EXPECT_EQ(payload["iat"], "2025-03-01T12:00:00Z");
  EXPECT_EQ(payload["exp"], "2025-03-01T12:15:00Z");
}

TEST_F(ClaimsTest, IssueRefusesClaimsVerifyWouldRefuse) {
  auto claims = sample_claims();
  claims.subject.clear();
  EXPECT_THROW(codec.issue(claims), std::invalid_argument);
  claims = sample_claims();
  claims.expires_at = app::TimePoint{} + std::chrono::hours(24 * 366 * 240);  // year 2210, past 2200
  EXPECT_THROW(codec.issue(claims), std::invalid_argument);
}

TEST_F(ClaimsTest, TamperedSignatureByteIsRefused) {
  const std::string token = codec.issue(sample_claims());
  auto parts_end = token.rfind('.');
  std::string body = *base64url_decode(token.substr(10, parts_end - 10));
  body[body.size() - 5] ^= 0x01;  // inside the signature
  const std::string tampered = "v4.public." + base64url_encode(body) + token.substr(parts_end);
  EXPECT_TRUE(refused(codec, tampered));
  body = *base64url_decode(token.substr(10, parts_end - 10));
  body[12] ^= 0x01;  // inside the payload
  EXPECT_TRUE(refused(codec, "v4.public." + base64url_encode(body) + token.substr(parts_end)));
}

TEST_F(ClaimsTest, ExpiredIsRefusedWithoutLeeway) {
  const std::string token = codec.issue(sample_claims());
  EXPECT_NO_THROW(codec.verify(token, kIssued + 15min - 1s));
  EXPECT_TRUE(refused(codec, token, kIssued + 15min));  // exp <= now
  EXPECT_TRUE(refused(codec, token, kIssued + 16min));
}

TEST_F(ClaimsTest, NotYetValidIsRefusedBeyondTheLeeway) {
  auto claims = sample_claims();
  claims.not_before = kIssued + 5min;
  const std::string token = codec.issue(claims);
  EXPECT_TRUE(refused(codec, token, kIssued));
  EXPECT_TRUE(refused(codec, token, kIssued + 5min - 31s));
  EXPECT_NO_THROW(codec.verify(token, kIssued + 5min - 30s));  // within 30 s of clock skew
}

TEST_F(ClaimsTest, IssuedInTheFutureIsRefusedBeyondTheLeeway) {
  auto claims = sample_claims();
  claims.issued_at = kIssued + 2min;
  const std::string token = codec.issue(claims);
  EXPECT_TRUE(refused(codec, token, kIssued + 1min));
  EXPECT_NO_THROW(codec.verify(token, kIssued + 2min - 30s));
}

TEST_F(ClaimsTest, WrongAudienceOrIssuerIsRefused) {
  const std::string token = codec.issue(sample_claims());
  EXPECT_TRUE(refused(make_codec(key, {}, kIssuer, "another-api"), token));
  EXPECT_TRUE(refused(make_codec(key, {}, "https://evil.example", kAudience), token));
  json payload = sample_payload();
  payload["aud"] = "another-api";
  EXPECT_TRUE(refused(codec, sign_raw(key, payload.dump())));
  payload = sample_payload();
  payload["iss"] = "https://evil.example";
  EXPECT_TRUE(refused(codec, sign_raw(key, payload.dump())));
}

TEST_F(ClaimsTest, UnknownKidIsRefused) {
  const SecretKey stranger = SecretKey::generate();
  const std::string token = make_codec(stranger).issue(sample_claims());
  EXPECT_TRUE(refused(codec, token));
  // A known kid with a foreign signature: the key it names does not verify the signature.
  const std::string footer = json{{"kid", paserk::id(key.public_key())}}.dump();
  EXPECT_TRUE(refused(codec, v4_public::sign(stranger, sample_payload().dump(), footer)));
}

TEST_F(ClaimsTest, RotatedKeyVerifiesWhileConfiguredOnly) {
  const SecretKey old_key = SecretKey::generate();
  const std::string old_token = make_codec(old_key).issue(sample_claims());
  AccessTokenCodec during = make_codec(key, {old_key.public_key()});
  EXPECT_NO_THROW(during.verify(old_token, kIssued + 1min));
  EXPECT_NO_THROW(during.verify(during.issue(sample_claims()), kIssued + 1min));  // new tokens: new key
  EXPECT_EQ(paserk::id(*paserk::parse_public(during.published_keys()[0].paserk)), codec.signing_kid());
  const AccessTokenCodec after = make_codec(key);
  EXPECT_TRUE(refused(after, old_token));
}

TEST_F(ClaimsTest, PublishedKeysListSigningKeyFirstWithoutDuplicates) {
  const SecretKey old_key = SecretKey::generate();
  const AccessTokenCodec c = make_codec(key, {old_key.public_key(), key.public_key(), old_key.public_key()});
  const auto keys = c.published_keys();
  ASSERT_EQ(keys.size(), 2u);
  EXPECT_EQ(keys[0], (PublishedKey{paserk::id(key.public_key()), paserk::encode(key.public_key())}));
  EXPECT_EQ(keys[1], (PublishedKey{paserk::id(old_key.public_key()), paserk::encode(old_key.public_key())}));
}

TEST_F(ClaimsTest, DuplicateClaimKeyIsRefused) {
  // nlohmann would keep the last "sub"; another parser the first. Both readings are refused.
  std::string text = sample_payload().dump();
  text.insert(1, R"("sub":"1",)");
  EXPECT_TRUE(refused(codec, sign_raw(key, text)));
  text = sample_payload().dump();
  text.insert(text.size() - 1, R"(,"role":"admin")");
  EXPECT_TRUE(refused(codec, sign_raw(key, text)));
}

TEST_F(ClaimsTest, UnknownClaimIsRefused) {
  json payload = sample_payload();
  payload["admin"] = true;
  EXPECT_TRUE(refused(codec, sign_raw(key, payload.dump())));
}

TEST_F(ClaimsTest, MissingClaimIsRefused) {
  for (const char* name : {"iss", "aud", "sub", "sid", "role", "jti", "iat", "nbf", "exp"}) {
    SCOPED_TRACE(name);
    json payload = sample_payload();
    payload.erase(name);
    EXPECT_TRUE(refused(codec, sign_raw(key, payload.dump())));
  }
}

TEST_F(ClaimsTest, WrongClaimTypesAreRefused) {
  const std::vector<std::pair<const char*, json>> cases = {
      {"sub", 42},
      {"sub", ""},
      {"role", json::array({"admin"})},
      {"jti", nullptr},
      {"exp", 1741000000},
      {"exp", "2025-03-01T12:15:00+00:00"},  // not the one form this service writes
      {"exp", "2025-02-30T12:15:00Z"},
      {"iat", "2025-03-01 12:00:00Z"},
      {"nbf", json::object()},
  };
  for (const auto& [name, value] : cases) {
    SCOPED_TRACE(std::string(name) + " = " + value.dump());
    json payload = sample_payload();
    payload[name] = value;
    EXPECT_TRUE(refused(codec, sign_raw(key, payload.dump())));
  }
}

TEST_F(ClaimsTest, PayloadThatIsNotAnObjectIsRefused) {
  for (const char* text : {"[]", "\"x\"", "null", "", "{", "{\"sub\":\"42\"", "\xff"}) {
    SCOPED_TRACE(text);
    EXPECT_TRUE(refused(codec, sign_raw(key, text)));
  }
}

TEST_F(ClaimsTest, NestingTooDeepIsRefusedBeforeParsing) {
  json payload = sample_payload();
  payload["sub"] = json::parse(R"({"a":{"b":{"c":{"d":{}}}}})");  // depth 6 in all
  EXPECT_TRUE(refused(codec, sign_raw(key, payload.dump())));
  // Deep enough to hurt a recursive parser, and not even valid JSON: the scan stops it first.
  EXPECT_TRUE(refused(codec, sign_raw(key, std::string(3000, '['))));
}

TEST_F(ClaimsTest, OversizedTokenOrPayloadIsRefused) {
  auto claims = sample_claims();
  claims.token_id = std::string(5000, 'x');  // payload over 4 KiB, token under 8 KiB
  EXPECT_TRUE(refused(codec, codec.issue(claims)));
  claims.token_id = std::string(7000, 'x');  // token over 8 KiB
  const std::string big = codec.issue(claims);
  EXPECT_GT(big.size(), AccessTokenCodec::kMaxTokenBytes);
  EXPECT_TRUE(refused(codec, big));
}

TEST_F(ClaimsTest, FooterTamperedOrMissingIsRefused) {
  const std::string token = codec.issue(sample_claims());
  const std::string body = token.substr(0, token.rfind('.'));
  const std::string kid = paserk::id(key.public_key());
  // Same kid, different bytes (a space): the key is found but the signature covers the footer.
  EXPECT_TRUE(refused(codec, body + "." + base64url_encode("{\"kid\": \"" + kid + "\"}")));
  EXPECT_TRUE(refused(codec, body));                                          // no footer
  EXPECT_TRUE(refused(codec, body + "." + base64url_encode("not json")));     // not JSON
  EXPECT_TRUE(refused(codec, body + "." + base64url_encode("{\"kid\":1}")));  // kid not a string
  EXPECT_TRUE(
      refused(codec, body + "." + base64url_encode("{\"kid\":\"" + kid + "\",\"kid\":\"" + kid + "\"}")));
  EXPECT_TRUE(refused(codec, body + "." + base64url_encode("{\"kid\":\"" + kid + "\",\"x\":1}")));
  EXPECT_TRUE(refused(codec, body + ".!!"));  // not base64url
}

TEST_F(ClaimsTest, OtherPurposesVersionsAndGarbageAreRefused) {
  const std::string token = codec.issue(sample_claims());
  EXPECT_TRUE(refused(codec, ""));
  EXPECT_TRUE(refused(codec, "v4.public."));
  EXPECT_TRUE(refused(codec, "v3" + token.substr(2)));
  EXPECT_TRUE(refused(codec, "v4.local." + token.substr(10)));
  EXPECT_TRUE(refused(codec, v4_local::encrypt(LocalKey::generate(), sample_payload().dump(),
                                               json{{"kid", codec.signing_kid()}}.dump())));
  EXPECT_TRUE(refused(codec, token + "="));
  EXPECT_TRUE(refused(codec, "Bearer " + token));
}

TEST(ClaimsConfig, EmptyIssuerOrAudienceIsRefused) {
  const SecretKey key = SecretKey::generate();
  EXPECT_THROW(make_codec(key, {}, "", kAudience), std::invalid_argument);
  EXPECT_THROW(make_codec(key, {}, kIssuer, ""), std::invalid_argument);
}

TEST(ClaimsRfc3339, FormatsAndParsesOneForm) {
  EXPECT_EQ(format_rfc3339_utc(at("2024-02-29T23:59:59Z")), "2024-02-29T23:59:59Z");
  EXPECT_EQ(format_rfc3339_utc(app::TimePoint{}), "1970-01-01T00:00:00Z");
  EXPECT_FALSE(parse_rfc3339_utc("2023-02-29T00:00:00Z"));
  EXPECT_FALSE(parse_rfc3339_utc("2024-01-01T24:00:00Z"));
  EXPECT_FALSE(parse_rfc3339_utc("2024-01-01T00:00:60Z"));
  EXPECT_FALSE(parse_rfc3339_utc("2024-01-01T00:00:00z"));
  EXPECT_FALSE(parse_rfc3339_utc("2024-01-01T00:00:00.5Z"));
  EXPECT_FALSE(parse_rfc3339_utc("9999-01-01T00:00:00Z"));  // would overflow system_clock
  EXPECT_FALSE(parse_rfc3339_utc("+024-01-01T00:00:00Z"));
}

}  // namespace
