// Random tokens, 6-digit codes, keyed digests (SodiumSecrets) and sealed job payloads (PayloadSealer).
#include "adapters/crypto/sodium_secrets.hpp"

#include <array>
#include <map>
#include <set>

#include <gtest/gtest.h>

#include "adapters/crypto/base64url.hpp"
#include "adapters/crypto/paseto_local.hpp"
#include "adapters/crypto/payload_sealer.hpp"

namespace {

using namespace bookstore::crypto;

TEST(CryptoSecrets, RandomTokenIs256BitsOfBase64url) {
  SodiumSecrets secrets(LocalKey::generate());
  std::set<std::string> seen;
  for (int i = 0; i < 100; ++i) {
    const std::string token = secrets.random_token();
    EXPECT_EQ(token.size(), 43u);
    const auto bytes = base64url_decode(token);
    ASSERT_TRUE(bytes);
    EXPECT_EQ(bytes->size(), 32u);
    seen.insert(token);
  }
  EXPECT_EQ(seen.size(), 100u);
}

TEST(CryptoSecrets, SixDigitCodesAreZeroPaddedAndSpread) {
  SodiumSecrets secrets(LocalKey::generate());
  std::map<char, int> first_digit;
  bool saw_leading_zero = false;
  for (int i = 0; i < 2000; ++i) {
    const std::string code = secrets.six_digit_code();
    ASSERT_EQ(code.size(), 6u) << code;
    for (char c : code) ASSERT_TRUE(c >= '0' && c <= '9') << code;
    ++first_digit[code[0]];
    saw_leading_zero = saw_leading_zero || code[0] == '0';
  }
  EXPECT_TRUE(saw_leading_zero);  // p(miss) = 0.9^2000
  EXPECT_EQ(first_digit.size(), 10u);
  for (const auto& [digit, count] : first_digit) EXPECT_GT(count, 100) << digit;  // expected 200 each
}

TEST(CryptoSecrets, DigestIsStableHexAndKeyDependent) {
  const LocalKey key = LocalKey::generate();
  const SodiumSecrets a(key);
  const SodiumSecrets a_again(key);
  const SodiumSecrets b(LocalKey::generate());
  const std::string d = a.digest("123456");
  EXPECT_EQ(d.size(), 64u);
  EXPECT_EQ(d.find_first_not_of("0123456789abcdef"), std::string::npos);
  EXPECT_EQ(d, a.digest("123456"));
  EXPECT_EQ(d, a_again.digest("123456"));  // the same local key after a restart
  EXPECT_NE(d, b.digest("123456"));
  EXPECT_NE(d, a.digest("123457"));
  EXPECT_NE(a.digest(""), a.digest(std::string("\0", 1)));
}

TEST(CryptoSecrets, DigestIsFixedForAFixedKey) {
  // Pinned (computed independently with Python's hashlib: crypto_kdf is BLAKE2b keyed with the local
  // key, salt LE64(1), personalisation "bkdigest"), so that a change of derivation, which would orphan
  // every stored digest, cannot go unnoticed.
  std::array<unsigned char, 32> zero{};
  const SodiumSecrets secrets(LocalKey::from_bytes(zero));
  EXPECT_EQ(secrets.digest("123456"), "01304d27fe6b225c941bd59fc6a5dadcc89a70a0185b824f299f46d825626a89");
}

TEST(CryptoSealer, SealThenOpenRoundTrips) {
  const PayloadSealer sealer(LocalKey::generate());
  const std::string text = R"({"to":"a@example.com","link_token":"abc"})";
  const std::string sealed = sealer.seal(text);
  EXPECT_TRUE(sealed.starts_with("v4.local."));
  EXPECT_EQ(sealed.find("abc"), std::string::npos);
  EXPECT_NE(sealer.seal(text), sealed);  // fresh nonce each time
  EXPECT_EQ(sealer.open(sealed), text);
  EXPECT_EQ(sealer.open(sealer.seal("")), "");
}

TEST(CryptoSealer, TamperedOrForeignTokensDoNotOpen) {
  const LocalKey key = LocalKey::generate();
  const PayloadSealer sealer(key);
  const std::string sealed = sealer.seal("payload");
  for (std::size_t i = std::string("v4.local.").size(); i < sealed.size(); ++i) {
    std::string t = sealed;
    t[i] = t[i] == 'A' ? 'B' : 'A';
    EXPECT_FALSE(sealer.open(t)) << i;
  }
  EXPECT_FALSE(PayloadSealer(LocalKey::generate()).open(sealed));  // another key
  // Same key, but made without the job-payload implicit assertion, or with a footer.
  EXPECT_FALSE(sealer.open(v4_local::encrypt(key, "payload")));
  EXPECT_FALSE(sealer.open(v4_local::encrypt(key, "payload", "f", PayloadSealer::kImplicitAssertion)));
  EXPECT_TRUE(sealer.open(v4_local::encrypt(key, "payload", "", PayloadSealer::kImplicitAssertion)));
  EXPECT_FALSE(sealer.open(""));
  EXPECT_FALSE(sealer.open("v4.local."));
}

}  // namespace
