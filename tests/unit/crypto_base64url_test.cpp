// Strict base64url (RFC 4648 §5, no padding) and PAE, the two encodings every PASETO part goes through.
#include "adapters/crypto/base64url.hpp"

#include <gtest/gtest.h>

#include "adapters/crypto/pae.hpp"

namespace {

using namespace bookstore::crypto;
using namespace std::string_literals;

TEST(CryptoBase64url, EncodesWithoutPadding) {
  EXPECT_EQ(base64url_encode(""s), "");
  EXPECT_EQ(base64url_encode("f"s), "Zg");
  EXPECT_EQ(base64url_encode("fo"s), "Zm8");
  EXPECT_EQ(base64url_encode("foo"s), "Zm9v");
  EXPECT_EQ(base64url_encode("\xfb\xff\xbf"s), "-_-_");  // the two characters that differ from base64
}

TEST(CryptoBase64url, RoundTripsEveryLength) {
  std::string bytes;
  for (int i = 0; i < 70; ++i) {
    auto decoded = base64url_decode(base64url_encode(bytes));
    ASSERT_TRUE(decoded.has_value()) << i;
    EXPECT_EQ(*decoded, bytes);
    bytes.push_back(static_cast<char>(i * 37 + 11));
  }
}

TEST(CryptoBase64url, RefusesPadding) {
  EXPECT_FALSE(base64url_decode("Zg=="));
  EXPECT_FALSE(base64url_decode("Zm8="));
  EXPECT_FALSE(base64url_decode("Zm9v===="));
}

TEST(CryptoBase64url, RefusesCharactersOutsideTheAlphabet) {
  EXPECT_FALSE(base64url_decode("+/+/"));  // standard base64, not url-safe
  EXPECT_FALSE(base64url_decode("Zm9v "));
  EXPECT_FALSE(base64url_decode(" Zm9v"));
  EXPECT_FALSE(base64url_decode("Zm\n9v"));
  EXPECT_FALSE(base64url_decode("Zm9v."));
  EXPECT_FALSE(base64url_decode("Zm9v\0"s));
  EXPECT_FALSE(base64url_decode("Zm9\xc3\xa9"));
}

TEST(CryptoBase64url, RefusesNonCanonicalTrailingBits) {
  // "Zg" is the only encoding of "f"; "Zh".."Zv" decode to "f" too in lax decoders (low bits set).
  EXPECT_TRUE(base64url_decode("Zg"));
  EXPECT_FALSE(base64url_decode("Zh"));
  EXPECT_FALSE(base64url_decode("Zv"));
  EXPECT_TRUE(base64url_decode("Zm8"));
  EXPECT_FALSE(base64url_decode("Zm9"));
  EXPECT_FALSE(base64url_decode("Zm-"));
}

TEST(CryptoBase64url, RefusesImpossibleLengths) {
  EXPECT_FALSE(base64url_decode("Z"));
  EXPECT_FALSE(base64url_decode("Zm9vZ"));
}

TEST(CryptoPae, MatchesTheSpecificationExamples) {
  // From the PASETO specification, "Authentication Padding".
  EXPECT_EQ(pae({}), std::string("\x00\x00\x00\x00\x00\x00\x00\x00", 8));
  EXPECT_EQ(pae({""}), std::string("\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00", 16));
  EXPECT_EQ(pae({"test"}),
            std::string("\x01\x00\x00\x00\x00\x00\x00\x00\x04\x00\x00\x00\x00\x00\x00\x00test", 20));
}

TEST(CryptoPae, SeparatesPiecesUnambiguously) {
  EXPECT_NE(pae({"ab", "c"}), pae({"a", "bc"}));
  EXPECT_NE(pae({"abc"}), pae({"abc", ""}));
}

}  // namespace
