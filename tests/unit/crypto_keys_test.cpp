// Key types cannot be mixed: at compile time (distinct classes, no conversions) and at run time (each
// token header and PASERK prefix belongs to exactly one key type).
#include <type_traits>

#include <gtest/gtest.h>

#include "adapters/crypto/keys.hpp"
#include "adapters/crypto/paserk.hpp"
#include "adapters/crypto/paseto_local.hpp"
#include "adapters/crypto/paseto_public.hpp"

namespace {

using namespace bookstore::crypto;

template <class K>
concept VerifiesWith = requires(const K& key, std::string_view token) {
  v4_public::verify(key, token);
};
template <class K>
concept SignsWith = requires(const K& key, std::string_view payload) {
  v4_public::sign(key, payload);
};
template <class K>
concept DecryptsWith = requires(const K& key, std::string_view token) {
  v4_local::decrypt(key, token);
};

static_assert(VerifiesWith<PublicKey> && !VerifiesWith<LocalKey> && !VerifiesWith<SecretKey>);
static_assert(SignsWith<SecretKey> && !SignsWith<LocalKey> && !SignsWith<PublicKey>);
static_assert(DecryptsWith<LocalKey> && !DecryptsWith<PublicKey> && !DecryptsWith<SecretKey>);
static_assert(!std::is_convertible_v<LocalKey, PublicKey> && !std::is_convertible_v<PublicKey, LocalKey>);
static_assert(!std::is_convertible_v<SecretKey, PublicKey> && !std::is_convertible_v<SecretKey, LocalKey>);
static_assert(!std::is_default_constructible_v<LocalKey> && !std::is_default_constructible_v<PublicKey> &&
              !std::is_default_constructible_v<SecretKey>);

TEST(CryptoKeys, LocalTokenIsRefusedByPublicVerify) {
  const LocalKey local = LocalKey::generate();
  const SecretKey secret = SecretKey::generate();
  const std::string local_token = v4_local::encrypt(local, "payload");
  EXPECT_FALSE(v4_public::verify(secret.public_key(), local_token));
  // Even when the token body is a genuine signature, a "v4.local." header is refused before anything.
  std::string signed_token = v4_public::sign(secret, "payload");
  ASSERT_TRUE(v4_public::verify(secret.public_key(), signed_token));
  const std::string relabelled = "v4.local." + signed_token.substr(std::string("v4.public.").size());
  EXPECT_FALSE(v4_public::verify(secret.public_key(), relabelled));
}

TEST(CryptoKeys, PublicTokenIsRefusedByLocalDecrypt) {
  const LocalKey local = LocalKey::generate();
  const std::string sealed = v4_local::encrypt(local, "payload");
  ASSERT_TRUE(v4_local::decrypt(local, sealed));
  const std::string relabelled = "v4.public." + sealed.substr(std::string("v4.local.").size());
  EXPECT_FALSE(v4_local::decrypt(local, relabelled));
}

TEST(CryptoKeys, OtherVersionsAndPrefixesAreRefused) {
  const LocalKey local = LocalKey::generate();
  const std::string token = v4_local::encrypt(local, "payload");
  EXPECT_FALSE(v4_local::decrypt(local, "v3" + token.substr(2)));
  EXPECT_FALSE(v4_local::decrypt(local, "V4" + token.substr(2)));
  EXPECT_FALSE(v4_local::decrypt(local, " " + token));
  EXPECT_FALSE(v4_local::decrypt(LocalKey::generate(), token));  // another key
}

TEST(CryptoKeys, FooterAndImplicitAssertionAreAuthenticated) {
  const LocalKey local = LocalKey::generate();
  const std::string token = v4_local::encrypt(local, "payload", "footer", "assertion");
  auto opened = v4_local::decrypt(local, token, "assertion");
  ASSERT_TRUE(opened);
  EXPECT_EQ(opened->payload, "payload");
  EXPECT_EQ(opened->footer, "footer");
  EXPECT_FALSE(v4_local::decrypt(local, token, "other"));
  EXPECT_FALSE(v4_local::decrypt(local, token));
  const std::string body = token.substr(0, token.rfind('.'));
  EXPECT_TRUE(v4_local::decrypt(local, body + ".Zm9vdGVy", "assertion"));   // the same footer, "footer"
  EXPECT_FALSE(v4_local::decrypt(local, body + ".Zm9vdGVz", "assertion"));  // "footes"
  EXPECT_FALSE(v4_local::decrypt(local, body, "assertion"));                // footer removed
  EXPECT_FALSE(v4_local::decrypt(local, token + ".", "assertion"));

  const SecretKey secret = SecretKey::generate();
  const std::string signed_token = v4_public::sign(secret, "payload", "footer", "assertion");
  EXPECT_TRUE(v4_public::verify(secret.public_key(), signed_token, "assertion"));
  EXPECT_FALSE(v4_public::verify(secret.public_key(), signed_token, ""));
  EXPECT_FALSE(v4_public::verify(SecretKey::generate().public_key(), signed_token, "assertion"));
}

TEST(CryptoKeys, EveryTamperedByteIsRefused) {
  const LocalKey local = LocalKey::generate();
  const SecretKey secret = SecretKey::generate();
  const std::string sealed = v4_local::encrypt(local, "a payload of some length", "f");
  const std::string signed_token = v4_public::sign(secret, "a payload of some length", "f");
  auto flip_each = [](const std::string& token, auto accepts) {
    for (std::size_t i = 0; i < token.size(); ++i) {
      std::string t = token;
      t[i] = t[i] == 'A' ? 'B' : 'A';
      EXPECT_FALSE(accepts(t)) << "position " << i;
    }
  };
  flip_each(sealed, [&](const std::string& t) { return v4_local::decrypt(local, t).has_value(); });
  flip_each(signed_token,
            [&](const std::string& t) { return v4_public::verify(secret.public_key(), t).has_value(); });
}

TEST(PaserkStrict, KeyOfOneTypeDoesNotParseAsAnother) {
  const SecretKey secret = SecretKey::generate();
  const std::string public_paserk = paserk::encode(secret.public_key());
  const std::string secret_paserk = paserk::encode(secret);
  const std::string local_paserk = paserk::encode(LocalKey::generate());
  EXPECT_FALSE(paserk::parse_secret(public_paserk));
  EXPECT_FALSE(paserk::parse_local(public_paserk));  // same length, other type
  EXPECT_FALSE(paserk::parse_public(local_paserk));
  EXPECT_FALSE(paserk::parse_public(secret_paserk));
  EXPECT_FALSE(paserk::parse_local(secret_paserk));
  EXPECT_FALSE(paserk::parse_secret(local_paserk));
  EXPECT_TRUE(paserk::parse_public(public_paserk));
  EXPECT_TRUE(paserk::parse_secret(secret_paserk));
  EXPECT_TRUE(paserk::parse_local(local_paserk));
}

TEST(PaserkStrict, RefusesWrongVersionLengthAndEncoding) {
  const std::string local = paserk::encode(LocalKey::generate());
  const std::string data = local.substr(paserk::kLocalPrefix.size());
  EXPECT_FALSE(paserk::parse_local("k3.local." + data));
  EXPECT_FALSE(paserk::parse_local("K4.local." + data));
  EXPECT_FALSE(paserk::parse_local("k4.local." + data.substr(1)));
  EXPECT_FALSE(paserk::parse_local("k4.local." + data + "AA"));
  EXPECT_FALSE(paserk::parse_local("k4.local." + data + "="));
  EXPECT_FALSE(paserk::parse_local(local + " "));
  EXPECT_FALSE(paserk::parse_local(""));
  EXPECT_FALSE(paserk::parse_local("k4.local."));
}

TEST(PaserkStrict, SecretKeyWhosePublicHalfIsForeignIsRefused) {
  const SecretKey a = SecretKey::generate();
  const SecretKey b = SecretKey::generate();
  std::string mixed(reinterpret_cast<const char*>(a.bytes().data()), 32);
  mixed.append(reinterpret_cast<const char*>(b.bytes().data()) + 32, 32);
  EXPECT_THROW(SecretKey::from_bytes(std::span(reinterpret_cast<const unsigned char*>(mixed.data()), 64)),
               std::invalid_argument);
}

TEST(PaserkIds, DistinguishKeysAndTypes) {
  const LocalKey local = LocalKey::generate();
  const SecretKey secret = SecretKey::generate();
  EXPECT_TRUE(paserk::id(local).starts_with("k4.lid."));
  EXPECT_TRUE(paserk::id(secret).starts_with("k4.sid."));
  EXPECT_TRUE(paserk::id(secret.public_key()).starts_with("k4.pid."));
  EXPECT_EQ(paserk::id(secret.public_key()).size(), 7u + 44u);
  EXPECT_NE(paserk::id(secret.public_key()), paserk::id(SecretKey::generate().public_key()));
  EXPECT_EQ(paserk::id(secret.public_key()),
            paserk::id(*paserk::parse_public(paserk::encode(secret.public_key()))));
}

}  // namespace
