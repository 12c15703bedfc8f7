#include "adapters/config/config.hpp"

#include <map>
#include <string>

#include <gtest/gtest.h>

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
