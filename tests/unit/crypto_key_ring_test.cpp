// Loading keys from configuration strings and files, and the dev stack's key files.
#include "adapters/crypto/key_ring.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "adapters/crypto/paserk.hpp"

namespace {

using namespace bookstore::crypto;
namespace fs = std::filesystem;

class CryptoKeyRing : public ::testing::Test {
 protected:
  void SetUp() override {
    dir = fs::temp_directory_path() / ("bookstore-crypto-test-" + std::to_string(::getpid()) + "-" +
                                       ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir);
    fs::create_directories(dir);
  }
  void TearDown() override { fs::remove_all(dir); }

  fs::path write(const std::string& name, const std::string& content) {
    fs::path p = dir / name;
    std::ofstream(p) << content;
    return p;
  }

  // The message of the std::invalid_argument `f` throws, or "" (and a failure) if it throws nothing.
  template <class F>
  std::string error_of(F f) {
    try {
      f();
    } catch (const std::invalid_argument& e) {
      return e.what();
    }
    ADD_FAILURE() << "no std::invalid_argument";
    return "";
  }

  fs::path dir;
  SecretKey signing = SecretKey::generate();
  SecretKey old_signing = SecretKey::generate();
  LocalKey local = LocalKey::generate();
};

TEST_F(CryptoKeyRing, LoadsPaserkStrings) {
  const KeyRing ring = load_key_ring(
      {paserk::encode(signing), paserk::encode(old_signing.public_key()), paserk::encode(local)});
  EXPECT_EQ(paserk::id(ring.signing_key), paserk::id(signing));
  ASSERT_EQ(ring.verification_keys.size(), 1u);
  EXPECT_TRUE(ring.verification_keys[0] == old_signing.public_key());
  EXPECT_EQ(paserk::id(ring.local_key), paserk::id(local));
}

TEST_F(CryptoKeyRing, LoadsFilesAndTrimsWhitespace) {
  const fs::path s = write("signing", "  " + paserk::encode(signing) + "\n\n");
  const fs::path l = write("local", paserk::encode(local) + "\r\n");
  const fs::path p = write("old", paserk::encode(old_signing.public_key()) + "\n");
  const SecretKey other = SecretKey::generate();
  const KeyRing ring =
      load_key_ring({s.string(), " " + p.string() + " , " + paserk::encode(other.public_key()), l.string()});
  EXPECT_EQ(paserk::id(ring.signing_key), paserk::id(signing));
  EXPECT_EQ(paserk::id(ring.local_key), paserk::id(local));
  ASSERT_EQ(ring.verification_keys.size(), 2u);
  EXPECT_TRUE(ring.verification_keys[0] == old_signing.public_key());
  EXPECT_TRUE(ring.verification_keys[1] == other.public_key());
}

TEST_F(CryptoKeyRing, RelativePathsStartWithDot) {
  const fs::path s = write("signing", paserk::encode(signing));
  const fs::path cwd = fs::current_path();
  fs::current_path(dir);
  EXPECT_EQ(paserk::id(load_secret_key("./signing", "signing key")), paserk::id(signing));
  fs::current_path(cwd);
}

TEST_F(CryptoKeyRing, EmptyVerificationListMeansNone) {
  EXPECT_TRUE(load_public_keys("", "verification keys").empty());
  EXPECT_TRUE(load_public_keys("  ", "verification keys").empty());
}

TEST_F(CryptoKeyRing, ErrorsNeverContainKeyMaterial) {
  const std::string secret = paserk::encode(signing);
  const std::string secret_data = secret.substr(paserk::kSecretPrefix.size());
  const std::string local_text = paserk::encode(local);
  const std::string local_data = local_text.substr(paserk::kLocalPrefix.size());
  const std::vector<std::string> messages = {
      // a secret key given where a public key belongs
      error_of([&] { load_public_keys(secret, "BOOKSTORE_TOKEN_VERIFICATION_KEYS"); }),
      // a local key given where the signing key belongs, and the reverse
      error_of([&] { load_secret_key(local_text, "BOOKSTORE_TOKEN_SIGNING_KEY"); }),
      error_of([&] { load_local_key(secret, "BOOKSTORE_LOCAL_KEY"); }),
      // truncated, and of another version
      error_of([&] { load_secret_key(secret.substr(0, secret.size() - 2), "BOOKSTORE_TOKEN_SIGNING_KEY"); }),
      error_of([&] { load_secret_key("k3" + secret.substr(2), "BOOKSTORE_TOKEN_SIGNING_KEY"); }),
      error_of([&] { load_local_key(local_data, "BOOKSTORE_LOCAL_KEY"); }),
      // in a file
      error_of([&] { load_local_key(write("wrong", secret).string(), "BOOKSTORE_LOCAL_KEY"); }),
  };
  for (const auto& m : messages) {
    SCOPED_TRACE(m);
    EXPECT_FALSE(m.empty());
    EXPECT_EQ(m.find(secret_data.substr(0, 12)), std::string::npos);
    EXPECT_EQ(m.find(local_data.substr(0, 12)), std::string::npos);
    EXPECT_NE(m.find("BOOKSTORE_"), std::string::npos);  // names the setting
  }
  EXPECT_NE(messages[0].find("k4.secret"), std::string::npos);
}

TEST_F(CryptoKeyRing, RefusesMissingFilesEmptyValuesAndEmptyItems) {
  EXPECT_NE(
      error_of([&] { load_secret_key((dir / "missing").string(), "signing key"); }).find("cannot be read"),
      std::string::npos);
  error_of([&] { load_secret_key("", "signing key"); });
  error_of([&] { load_local_key(write("empty", "\n").string(), "local key"); });
  const std::string pub = paserk::encode(old_signing.public_key());
  error_of([&] { load_public_keys(pub + ",," + pub, "verification keys"); });
  error_of([&] { load_public_keys(pub + ",", "verification keys"); });
  error_of([&] { load_secret_key(write("big", std::string(10000, 'k')).string(), "signing key"); });
}

TEST_F(CryptoKeyRing, GenerateKeyFilesWritesOnceWithMode0600) {
  const fs::path keys = dir / "keys";
  const KeyFiles files = generate_key_files(keys);
  EXPECT_EQ(files.signing_key, keys / "signing.k4.secret");
  EXPECT_EQ(files.local_key, keys / "local.k4.local");
  for (const auto& p : {files.signing_key, files.local_key}) {
    struct stat st {};
    ASSERT_EQ(::stat(p.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u) << p;
  }
  const SecretKey first_signing = load_secret_key(files.signing_key.string(), "signing key");
  const LocalKey first_local = load_local_key(files.local_key.string(), "local key");
  // A second call keeps both files as they are.
  generate_key_files(keys);
  EXPECT_EQ(paserk::id(load_secret_key(files.signing_key.string(), "s")), paserk::id(first_signing));
  EXPECT_EQ(paserk::id(load_local_key(files.local_key.string(), "l")), paserk::id(first_local));
  // Only a missing file is created.
  fs::remove(files.local_key);
  generate_key_files(keys);
  EXPECT_EQ(paserk::id(load_secret_key(files.signing_key.string(), "s")), paserk::id(first_signing));
  EXPECT_NE(paserk::id(load_local_key(files.local_key.string(), "l")), paserk::id(first_local));
}

}  // namespace
