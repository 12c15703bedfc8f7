#include "adapters/log/log.hpp"

#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace {
namespace fs = std::filesystem;
using namespace bookstore;

std::string read_all(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST(Log, WritesOneJsonObjectPerLineToTheFile) {
  auto dir = fs::temp_directory_path() / ("bookstore-log-test-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  log::Config c;
  c.dir = dir.string();
  c.to_stdout = false;
  log::init(c);
  log::info("something_happened", {{"request_id", "abc"}, {"n", 3}});
  log::debug("not_written");  // below the default level
  log::shutdown();
  std::string text = read_all(dir / "bookstore.log");
  std::istringstream lines(text);
  std::string line;
  ASSERT_TRUE(std::getline(lines, line));
  auto j = nlohmann::json::parse(line);
  EXPECT_EQ(j["level"], "info");
  EXPECT_EQ(j["event"], "something_happened");
  EXPECT_EQ(j["request_id"], "abc");
  EXPECT_EQ(j["n"], 3);
  EXPECT_TRUE(j["ts"].get<std::string>().ends_with("Z"));
  EXPECT_FALSE(std::getline(lines, line)) << "debug line must not be written at info level";
  log::init(log::Config{});  // back to stdout for the other tests
  fs::remove_all(dir);
}

TEST(Log, RotatesBySizeKeepingTheConfiguredNumberOfFiles) {
  auto dir = fs::temp_directory_path() / ("bookstore-log-rotate-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  log::Config c;
  c.dir = dir.string();
  c.to_stdout = false;
  c.max_file_bytes = 4096;
  c.max_files = 2;
  log::init(c);
  for (int i = 0; i < 500; ++i) log::info("filler", {{"i", i}, {"pad", std::string(64, 'x')}});
  log::shutdown();
  std::size_t files = 0;
  for (auto& e : fs::directory_iterator(dir)) {
    ++files;
    EXPECT_LE(fs::file_size(e.path()), 4096u + 256u) << e.path();
  }
  EXPECT_EQ(files, 3u);  // the live file and two rotated ones
  log::init(log::Config{});
  fs::remove_all(dir);
}

TEST(Log, InvalidUtf8IsReplacedNotThrown) {
  EXPECT_NO_THROW(log::info("client_sent", {{"value", std::string("\xff\xfe")}}));
}

TEST(Log, ParsesLevels) {
  EXPECT_EQ(log::parse_level("warn"), spdlog::level::warn);
  EXPECT_EQ(log::parse_level("error"), spdlog::level::err);
  EXPECT_THROW(log::parse_level("loud"), std::invalid_argument);
}
}  // namespace

namespace {
TEST(Log, EscapesLikeJson) {
  std::string out;
  bookstore::log::append_json_escaped(
      out, std::string_view("a\"b\\c\n\x01 \xc3\xa9 \xff \xed\xa0\x80 \xe2\x82\xac"));
  // Round-trips through a JSON parser: quotes, backslash, control chars escaped; é and € kept; bad
  // bytes (a lone 0xff, an encoded surrogate) replaced.
  auto parsed = nlohmann::json::parse("\"" + out + "\"").get<std::string>();
  EXPECT_EQ(parsed, "a\"b\\c\n\x01 \xc3\xa9 \xef\xbf\xbd \xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd \xe2\x82\xac");
}

TEST(Log, WriteFieldsProducesTheSameShapeAsWrite) {
  namespace fs = std::filesystem;
  auto dir = fs::temp_directory_path() / ("bookstore-log-fields-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  bookstore::log::Config c;
  c.dir = dir.string();
  c.to_stdout = false;
  bookstore::log::init(c);
  bookstore::log::write_fields(
      spdlog::level::info, "http_request",
      {{"path", "/x\"y"}, {"status", 200}, {"duration_ms", 1.5}, {"bytes", std::size_t{7}}});
  bookstore::log::shutdown();
  std::ifstream in(dir / "bookstore.log");
  std::string line;
  ASSERT_TRUE(std::getline(in, line));
  auto j = nlohmann::json::parse(line);
  EXPECT_EQ(j["event"], "http_request");
  EXPECT_EQ(j["level"], "info");
  EXPECT_EQ(j["path"], "/x\"y");
  EXPECT_EQ(j["status"], 200);
  EXPECT_DOUBLE_EQ(j["duration_ms"].get<double>(), 1.5);
  EXPECT_EQ(j["bytes"], 7);
  bookstore::log::init(bookstore::log::Config{});
  fs::remove_all(dir);
}
}  // namespace

namespace {
TEST(Log, InfoLinesReachTheFileWithinAboutASecondWithoutShutdown) {
  namespace fs = std::filesystem;
  auto dir = fs::temp_directory_path() / ("bookstore-log-flush-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  bookstore::log::Config c;
  c.dir = dir.string();
  c.to_stdout = false;
  bookstore::log::init(c);
  bookstore::log::info("periodic_flush_probe");
  // Not a timing assertion on speed: the line must arrive at all without an explicit flush; poll up
  // to 10 s for the periodic flusher.
  bool found = false;
  for (int i = 0; i < 100 && !found; ++i) {
    std::ifstream in(dir / "bookstore.log");
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    found = text.find("periodic_flush_probe") != std::string::npos;
    if (!found) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_TRUE(found);
  bookstore::log::init(bookstore::log::Config{});
  fs::remove_all(dir);
}
}  // namespace

namespace {
// Info lines are buffered (only warnings flush at once); without the fatal-signal handler the line
// below would still be in the stdio buffer when the process dies.
TEST(LogDeathTest, FatalSignalFlushesTheLastLinesToTheFile) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  namespace fs = std::filesystem;
  // Not keyed by pid: the "threadsafe" style runs the statement in a re-executed child process.
  auto dir = fs::temp_directory_path() / "bookstore-log-crash-test";
  fs::remove_all(dir);
  EXPECT_EXIT(
      {
        bookstore::log::Config c;
        c.dir = dir.string();
        c.to_stdout = false;
        bookstore::log::init(c);
        bookstore::log::install_crash_handlers();
        bookstore::log::info("last_words_before_the_crash");
        std::abort();
      },
      ::testing::KilledBySignal(SIGABRT), "");
  std::ifstream in(dir / "bookstore.log");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_NE(text.find("last_words_before_the_crash"), std::string::npos);
  fs::remove_all(dir);
}
}  // namespace
