#include "adapters/config/config.hpp"

#include <fstream>
#include <map>
#include <string>

#include <gtest/gtest.h>

#include "adapters/config/common_passwords.hpp"

namespace {
using bookstore::config::load;

auto env(std::map<std::string, std::string> values) {
  return [values = std::move(values)](const char* name) -> const char* {
    auto it = values.find(name);
    return it == values.end() ? nullptr : it->second.c_str();
  };
}

TEST(Config, DefaultsAreDocumentedAndValid) {
  auto c = load(env({}));
  EXPECT_EQ(c.port, 8080);
  EXPECT_EQ(c.listen_address, "127.0.0.1");
  EXPECT_EQ(c.max_body_bytes, 1048576u);
  EXPECT_GE(c.threads, 1u);
  EXPECT_FALSE(c.instance_id.empty());
}

TEST(Config, ReadsOverrides) {
  auto c = load(env({{"BOOKSTORE_PORT", "9000"}, {"BOOKSTORE_PUBLIC_BASE_URL", "https://shop.example/"}}));
  EXPECT_EQ(c.port, 9000);
  EXPECT_EQ(c.public_base_url, "https://shop.example");
}

TEST(Config, RejectsBadValuesNamingTheVariable) {
  try {
    load(env({{"BOOKSTORE_PORT", "80x"}}));
    FAIL() << "expected an error";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("BOOKSTORE_PORT"), std::string::npos);
  }
  EXPECT_THROW(load(env({{"BOOKSTORE_DB_POOL_SIZE", "0"}})), std::invalid_argument);
  EXPECT_THROW(load(env({{"BOOKSTORE_TEST_JOBS", "maybe"}})), std::invalid_argument);
}

TEST(Config, HelpListsEveryVariable) {
  auto help = bookstore::config::help_text();
  for (auto& v : bookstore::config::variables()) EXPECT_NE(help.find(v.name), std::string::npos) << v.name;
}
}  // namespace

namespace {

TEST(Config, IdentityDefaultsFollowTheProduct) {
  auto c = load(env({{"BOOKSTORE_PUBLIC_BASE_URL", "https://shop.example"}}));
  EXPECT_EQ(c.token_issuer, "https://shop.example");  // iss defaults to the public base URL
  EXPECT_EQ(c.token_audience, "bookstore-api");
  EXPECT_EQ(c.access_token_ttl, std::chrono::minutes(15));
  EXPECT_EQ(c.refresh_idle, std::chrono::hours(24 * 30));
  EXPECT_EQ(c.refresh_absolute, std::chrono::hours(24 * 90));
  EXPECT_EQ(c.argon2_memory_kib, 19456u);
  EXPECT_EQ(c.argon2_iterations, 2u);
  EXPECT_EQ(c.deletion_grace, std::chrono::hours(24 * 30));
  EXPECT_EQ(c.order_retention, std::chrono::hours(24 * 2922));
  EXPECT_GE(c.hash_threads, 1u);
}

TEST(Config, RefusesArgon2BelowTheOwaspMinimumAndOddSmtpUrls) {
  EXPECT_THROW(load(env({{"BOOKSTORE_ARGON2_MEMORY_KIB", "8192"}})), std::invalid_argument);
  EXPECT_THROW(load(env({{"BOOKSTORE_ARGON2_ITERATIONS", "1"}})), std::invalid_argument);
  EXPECT_THROW(load(env({{"BOOKSTORE_SMTP_URL", "http://mail.example"}})), std::invalid_argument);
  EXPECT_EQ(load(env({{"BOOKSTORE_SMTP_URL", "smtps://mail.example:465"}})).smtp_url,
            "smtps://mail.example:465");
}

TEST(Config, CommonPasswordListIsLowerCasedWithoutComments) {
  std::string path = ::testing::TempDir() + "/common-passwords.lst";
  {
    std::ofstream out(path);
    out << "#!comment: a header\nPassword1\r\n\nqwerty\n";
  }
  auto set = bookstore::config::load_common_passwords(path);
  EXPECT_EQ(set.size(), 2u);
  EXPECT_TRUE(set.count("password1"));
  EXPECT_TRUE(set.count("qwerty"));
  EXPECT_TRUE(bookstore::config::load_common_passwords("").empty());
  EXPECT_THROW(bookstore::config::load_common_passwords(path + ".missing"), std::runtime_error);
}

TEST(Config, TheDebianCommonPasswordListLoads) {
  auto set = bookstore::config::load_common_passwords("/usr/share/john/password.lst");
  EXPECT_GT(set.size(), 3000u);
  EXPECT_TRUE(set.count("password"));
}

TEST(Config, BookFilesAndTheUploadLimit) {
  auto defaults = load(env({}));
  EXPECT_EQ(defaults.max_upload_bytes, 104857600u);  // 100 MiB
  EXPECT_EQ(defaults.book_files_dir, "");            // serve refuses to start without one
  auto c = load(env({{"BOOKSTORE_BOOK_FILES_DIR", "/srv/books"}, {"BOOKSTORE_MAX_UPLOAD_BYTES", "5000000"}}));
  EXPECT_EQ(c.book_files_dir, "/srv/books");
  EXPECT_EQ(c.max_upload_bytes, 5000000u);
  EXPECT_THROW(load(env({{"BOOKSTORE_MAX_UPLOAD_BYTES", "100m"}})), std::invalid_argument);
  EXPECT_THROW(load(env({{"BOOKSTORE_MAX_UPLOAD_BYTES", "0"}})), std::invalid_argument);
  // The upload route never gets less than every other route.
  try {
    load(env({{"BOOKSTORE_MAX_BODY_BYTES", "2000000"}, {"BOOKSTORE_MAX_UPLOAD_BYTES", "1000000"}}));
    FAIL() << "expected an error";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("BOOKSTORE_MAX_UPLOAD_BYTES"), std::string::npos) << e.what();
  }
  auto help = bookstore::config::help_text();
  EXPECT_NE(help.find("BOOKSTORE_BOOK_FILES_DIR"), std::string::npos);
  EXPECT_NE(help.find("BOOKSTORE_MAX_UPLOAD_BYTES"), std::string::npos);
}
}  // namespace
