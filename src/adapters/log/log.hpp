#pragma once
// Structured logging: every line is one JSON object {"ts","level","event",...fields} written to
// stdout and to size-rotated files. Callers in a request pass "request_id" among the fields so
// that every line of a request carries it. Never put secrets, passwords or tokens in fields.
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>

#include <spdlog/common.h>
#include <nlohmann/json.hpp>

namespace bookstore::log {

struct Config {
  std::string dir;  // empty: stdout only
  std::string file_name = "bookstore.log";
  std::size_t max_file_bytes = 10 * 1024 * 1024;  // rotate when a file reaches this size
  std::size_t max_files = 5;                      // rotated files kept besides the live one
  spdlog::level::level_enum level = spdlog::level::info;
  bool to_stdout = true;
};

// Sets up the process-wide logger. Safe to call again (e.g. tests); the last call wins.
void init(const Config& config);
// Flushes and closes all sinks; called at exit and from the fatal-signal handler.
void shutdown() noexcept;
// Flush the files on SIGSEGV/SIGABRT/SIGBUS/SIGFPE/SIGILL so the last lines before a crash survive,
// then re-raise so the process still dies with the right signal (and core dump).
void install_crash_handlers();

void write(spdlog::level::level_enum level, std::string_view event,
           nlohmann::json fields = nlohmann::json::object());
inline void debug(std::string_view event, nlohmann::json f = nlohmann::json::object()) {
  write(spdlog::level::debug, event, std::move(f));
}
inline void info(std::string_view event, nlohmann::json f = nlohmann::json::object()) {
  write(spdlog::level::info, event, std::move(f));
}
inline void warn(std::string_view event, nlohmann::json f = nlohmann::json::object()) {
  write(spdlog::level::warn, event, std::move(f));
}
inline void error(std::string_view event, nlohmann::json f = nlohmann::json::object()) {
  write(spdlog::level::err, event, std::move(f));
}
bool enabled(spdlog::level::level_enum level);

// The hot-path form (one line per HTTP request): fields are written straight into the line without
// building a JSON object first. Strings are escaped and invalid UTF-8 is replaced, as in write().
struct Field {
  Field(std::string_view k, std::string_view v) : key(k), kind(Kind::kText), text(v) {}
  Field(std::string_view k, const char* v) : key(k), kind(Kind::kText), text(v) {}
  Field(std::string_view k, std::int64_t v) : key(k), kind(Kind::kInteger), integer(v) {}
  Field(std::string_view k, int v) : key(k), kind(Kind::kInteger), integer(v) {}
  Field(std::string_view k, unsigned v) : key(k), kind(Kind::kInteger), integer(v) {}
  Field(std::string_view k, std::size_t v)
      : key(k), kind(Kind::kInteger), integer(static_cast<std::int64_t>(v)) {}
  Field(std::string_view k, double v) : key(k), kind(Kind::kNumber), number(v) {}
  enum class Kind { kText, kInteger, kNumber };
  std::string_view key;
  Kind kind;
  std::string_view text;
  std::int64_t integer = 0;
  double number = 0;
};
void write_fields(spdlog::level::level_enum level, std::string_view event,
                  std::initializer_list<Field> fields);

// Appends `text` to `out` as the inside of a JSON string: quotes, backslashes and control characters
// escaped, invalid UTF-8 replaced by U+FFFD.
void append_json_escaped(std::string& out, std::string_view text);

spdlog::level::level_enum parse_level(std::string_view name);  // throws std::invalid_argument

}  // namespace bookstore::log
