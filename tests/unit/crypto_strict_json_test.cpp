// The defensive JSON parse used for token payloads and footers: duplicate keys and deep nesting are
// refused by this layer itself (not merely by the claim checks that follow it).
#include "adapters/crypto/strict_json.hpp"

#include <gtest/gtest.h>

namespace {

using bookstore::crypto::json_nesting_depth;
using bookstore::crypto::parse_strict_json;

TEST(CryptoStrictJson, RefusesDuplicateKeysAtAnyLevel) {
  EXPECT_TRUE(parse_strict_json(R"({"a":1,"b":2})", 4));
  EXPECT_FALSE(parse_strict_json(R"({"a":1,"a":1})", 4));
  EXPECT_FALSE(parse_strict_json(R"({"a":{"x":1,"x":2}})", 4));
  EXPECT_FALSE(parse_strict_json(R"([{"x":1},{"y":1,"y":2}])", 4));
  EXPECT_FALSE(parse_strict_json(R"({"a":1,"\u0061":2})", 4));  // the same key, escaped
  // The same key in sibling objects is not a duplicate.
  EXPECT_TRUE(parse_strict_json(R"({"a":{"x":1},"b":{"x":2}})", 4));
}

TEST(CryptoStrictJson, MeasuresDepthOutsideStrings) {
  EXPECT_EQ(json_nesting_depth(R"("x")"), 0);
  EXPECT_EQ(json_nesting_depth(R"({"a":[1,{"b":2}]})"), 3);
  EXPECT_EQ(json_nesting_depth(R"({"a":"[[[[{{{{"})"), 1);
  EXPECT_EQ(json_nesting_depth(R"({"a":"\"[[[["})"), 1);
  EXPECT_EQ(json_nesting_depth(R"({"a":"\\",  "b":[[]]})"), 3);  // an escaped backslash ends the escape
}

TEST(CryptoStrictJson, RefusesTooDeepBeforeParsing) {
  EXPECT_TRUE(parse_strict_json(R"({"a":{"b":{"c":{}}}})", 4));
  EXPECT_FALSE(parse_strict_json(R"({"a":{"b":{"c":{"d":{}}}}})", 4));
  EXPECT_FALSE(parse_strict_json(std::string(100000, '['), 4));
}

TEST(CryptoStrictJson, RefusesMalformedInput) {
  EXPECT_FALSE(parse_strict_json("", 4));
  EXPECT_FALSE(parse_strict_json("{", 4));
  EXPECT_FALSE(parse_strict_json(R"({"a":1} x)", 4));
  EXPECT_FALSE(parse_strict_json("{\"a\":\"\xff\"}", 4));  // invalid UTF-8
  EXPECT_FALSE(parse_strict_json(R"({"a":1,})", 4));
}

}  // namespace
