// The official PASETO v4 and PASERK k4 test vectors (paseto-standard/test-vectors), read at run time from
// the shared checkout. Every entry of every file is exercised, expect-fail ones included, and each test
// counts what it handled against what the file holds so that no entry is silently skipped.
#include <sodium.h>

#include <fstream>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "adapters/crypto/base64url.hpp"
#include "adapters/crypto/keys.hpp"
#include "adapters/crypto/paserk.hpp"
#include "adapters/crypto/paseto_local.hpp"
#include "adapters/crypto/paseto_public.hpp"

namespace {

using namespace bookstore::crypto;
using json = nlohmann::json;

// The official PASETO v4 / PASERK k4 vectors (ISC licence, see LICENSE there), copied unchanged from the
// project's shared/test-vectors/paseto/ so that the tests run from a clean clone.
const std::string kVectorDir = BOOKSTORE_SOURCE_DIR "/tests/data/paseto/";

json load(const std::string& file) {
  std::ifstream in(kVectorDir + file);
  if (!in) throw std::runtime_error("missing test vector file " + kVectorDir + file);
  std::stringstream text;
  text << in.rdbuf();
  return json::parse(text.str());
}

std::string unhex(const std::string& hex) {
  std::string out(hex.size() / 2, '\0');
  std::size_t len = 0;
  if (hex.size() % 2 != 0 ||
      sodium_hex2bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), hex.data(), hex.size(),
                     nullptr, &len, nullptr) != 0 ||
      len != out.size()) {
    throw std::runtime_error("bad hex in test vector");
  }
  return out;
}

std::string hex(std::span<const unsigned char> bytes) {
  std::string out(bytes.size() * 2 + 1, '\0');
  sodium_bin2hex(out.data(), out.size(), bytes.data(), bytes.size());
  out.pop_back();
  return out;
}

bool has_string(const json& t, const char* name) {
  return t.contains(name) && t[name].is_string();
}

// Runs `check` on every test of `file` under SCOPED_TRACE(name) and checks that all were handled.
template <class Check>
void for_each_vector(const std::string& file, Check check) {
  const json doc = load(file);
  ASSERT_TRUE(doc.contains("tests") && doc["tests"].is_array()) << file;
  const std::size_t in_file = doc["tests"].size();
  std::size_t handled = 0;
  for (const auto& t : doc["tests"]) {
    const std::string name = t.value("name", "(unnamed)");
    SCOPED_TRACE(file + ": " + name);
    ASSERT_TRUE(t.contains("expect-fail") && t["expect-fail"].is_boolean());
    if (check(t, t["expect-fail"].get<bool>())) ++handled;
  }
  EXPECT_GT(in_file, 0u) << file;
  EXPECT_EQ(handled, in_file) << file << ": not every vector was exercised";
}

TEST(PasetoVectors, V4AllVectors) {
  std::size_t local = 0, pub = 0, failing = 0;
  for_each_vector("v4.json", [&](const json& t, bool expect_fail) {
    const std::string token = t["token"].get<std::string>();
    const std::string footer = t["footer"].get<std::string>();
    const std::string implicit = t["implicit-assertion"].get<std::string>();
    if (has_string(t, "key")) {  // a v4.local vector: decrypt with the symmetric key
      ++local;
      const LocalKey key = LocalKey::from_bytes(as_bytes(unhex(t["key"])));
      const auto opened = v4_local::decrypt(key, token, implicit);
      if (expect_fail) {
        ++failing;
        EXPECT_FALSE(opened.has_value());
        return true;
      }
      if (!opened) {
        ADD_FAILURE() << "decrypt failed";
        return false;
      }
      EXPECT_EQ(opened->payload, t["payload"].get<std::string>());
      EXPECT_EQ(opened->footer, footer);
      const std::string nonce = unhex(t["nonce"]);
      EXPECT_EQ(nonce.size(), v4_local::kNonceSize);
      const auto nonce_bytes = as_bytes(nonce).first<v4_local::kNonceSize>();
      EXPECT_EQ(v4_local::encrypt_with_nonce_for_testing(key, nonce_bytes, t["payload"].get<std::string>(),
                                                         footer, implicit),
                token);
      // Random nonces: a fresh token each time, which still decrypts to the payload.
      const std::string fresh = v4_local::encrypt(key, t["payload"].get<std::string>(), footer, implicit);
      EXPECT_NE(fresh, token);
      const auto reopened = v4_local::decrypt(key, fresh, implicit);
      EXPECT_TRUE(reopened && reopened->payload == t["payload"].get<std::string>());
      return true;
    }
    if (has_string(t, "public-key")) {  // a v4.public vector: verify with the public key
      ++pub;
      const PublicKey pk = PublicKey::from_bytes(as_bytes(unhex(t["public-key"])));
      const auto verified = v4_public::verify(pk, token, implicit);
      if (expect_fail) {
        ++failing;
        EXPECT_FALSE(verified.has_value());
        return true;
      }
      if (!verified) {
        ADD_FAILURE() << "verify failed";
        return false;
      }
      EXPECT_EQ(verified->payload, t["payload"].get<std::string>());
      EXPECT_EQ(verified->footer, footer);
      // Ed25519 is deterministic: signing again reproduces the token.
      const SecretKey sk = SecretKey::from_bytes(as_bytes(unhex(t["secret-key"])));
      EXPECT_EQ(v4_public::sign(sk, t["payload"].get<std::string>(), footer, implicit), token);
      const SecretKey from_seed = SecretKey::from_seed(as_bytes(unhex(t["secret-key-seed"])));
      EXPECT_EQ(hex(from_seed.bytes()), t["secret-key"].get<std::string>());
      EXPECT_TRUE(sk.public_key() == pk);
      return true;
    }
    ADD_FAILURE() << "vector has neither key nor public-key";
    return false;
  });
  EXPECT_GT(local, 0u);
  EXPECT_GT(pub, 0u);
  EXPECT_GT(failing, 0u);
}

// The expect-fail entries of the PASERK files give either raw key bytes that must not make a key (and so
// cannot be serialised) or a PASERK string that must not parse; both are checked when present.
template <class Make, class Parse>
bool check_failure(const json& t, Make make, Parse parse) {
  bool checked = false;
  if (has_string(t, "key")) {
    const std::string raw = unhex(t["key"]);
    EXPECT_THROW(make(raw), std::invalid_argument);
    checked = true;
  }
  if (has_string(t, "paserk")) {
    EXPECT_FALSE(parse(t["paserk"].get<std::string>()).has_value());
    checked = true;
  }
  if (!checked) ADD_FAILURE() << "expect-fail vector with nothing to check";
  return checked;
}

TEST(PaserkVectors, K4Local) {
  auto make = [](const std::string& raw) { return LocalKey::from_bytes(as_bytes(raw)); };
  for_each_vector("k4.local.json", [&](const json& t, bool expect_fail) {
    if (expect_fail) return check_failure(t, make, paserk::parse_local);
    const LocalKey key = make(unhex(t["key"]));
    EXPECT_EQ(paserk::encode(key), t["paserk"].get<std::string>());
    const auto parsed = paserk::parse_local(t["paserk"].get<std::string>());
    EXPECT_TRUE(parsed && hex(parsed->bytes()) == t["key"].get<std::string>());
    return true;
  });
}

TEST(PaserkVectors, K4Public) {
  auto make = [](const std::string& raw) { return PublicKey::from_bytes(as_bytes(raw)); };
  for_each_vector("k4.public.json", [&](const json& t, bool expect_fail) {
    if (expect_fail) return check_failure(t, make, paserk::parse_public);
    const PublicKey key = make(unhex(t["key"]));
    EXPECT_EQ(paserk::encode(key), t["paserk"].get<std::string>());
    const auto parsed = paserk::parse_public(t["paserk"].get<std::string>());
    EXPECT_TRUE(parsed && *parsed == key);
    return true;
  });
}

TEST(PaserkVectors, K4Secret) {
  auto make = [](const std::string& raw) { return SecretKey::from_bytes(as_bytes(raw)); };
  for_each_vector("k4.secret.json", [&](const json& t, bool expect_fail) {
    if (expect_fail) return check_failure(t, make, paserk::parse_secret);
    const SecretKey key = make(unhex(t["key"]));
    EXPECT_EQ(paserk::encode(key), t["paserk"].get<std::string>());
    const auto parsed = paserk::parse_secret(t["paserk"].get<std::string>());
    EXPECT_TRUE(parsed && hex(parsed->bytes()) == t["key"].get<std::string>());
    EXPECT_EQ(hex(key.public_key().bytes()), t["public-key"].get<std::string>());
    EXPECT_EQ(hex(SecretKey::from_seed(as_bytes(unhex(t["secret-key-seed"]))).bytes()),
              t["key"].get<std::string>());
    return true;
  });
}

// Id vectors: the raw key gives the id; expect-fail entries hold keys that must not make a key at all.
template <class Make>
void check_ids(const std::string& file, Make make) {
  for_each_vector(file, [&](const json& t, bool expect_fail) {
    if (expect_fail) {
      if (!has_string(t, "key")) {
        ADD_FAILURE() << "expect-fail id vector without a key";
        return false;
      }
      EXPECT_THROW(paserk::id(make(unhex(t["key"]))), std::invalid_argument);
      return true;
    }
    EXPECT_EQ(paserk::id(make(unhex(t["key"]))), t["paserk"].get<std::string>());
    return true;
  });
}

TEST(PaserkVectors, K4Lid) {
  check_ids("k4.lid.json", [](const std::string& raw) { return LocalKey::from_bytes(as_bytes(raw)); });
}

TEST(PaserkVectors, K4Pid) {
  check_ids("k4.pid.json", [](const std::string& raw) { return PublicKey::from_bytes(as_bytes(raw)); });
}

TEST(PaserkVectors, K4Sid) {
  check_ids("k4.sid.json", [](const std::string& raw) { return SecretKey::from_bytes(as_bytes(raw)); });
  // The seed given beside each valid key derives the same key (and so the same id).
  for_each_vector("k4.sid.json", [](const json& t, bool expect_fail) {
    if (expect_fail) return true;
    const SecretKey from_seed = SecretKey::from_seed(as_bytes(unhex(t["seed"])));
    EXPECT_EQ(paserk::id(from_seed), t["paserk"].get<std::string>());
    return true;
  });
}

}  // namespace
