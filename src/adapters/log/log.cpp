#include "adapters/log/log.hpp"

#include <chrono>
#include <cmath>
#include <csignal>
#include <filesystem>
#include <iterator>
#include <memory>
#include <stdexcept>
#include <vector>

#include <fmt/chrono.h>
#include <fmt/format.h>
#include <spdlog/logger.h>
#include <spdlog/sinks/rotating_file_sink.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

namespace bookstore::log {
namespace {

std::shared_ptr<spdlog::logger>& logger() {
  static std::shared_ptr<spdlog::logger> instance = [] {
    auto l = std::make_shared<spdlog::logger>("bookstore", std::make_shared<spdlog::sinks::stdout_sink_mt>());
    l->set_pattern("%v");
    return l;
  }();
  return instance;
}

std::string timestamp() {
  auto now = std::chrono::system_clock::now();
  auto micros =
      std::chrono::duration_cast<std::chrono::microseconds>(now.time_since_epoch()).count() % 1000000;
  return fmt::format("{:%Y-%m-%dT%H:%M:%S}.{:06}Z", fmt::gmtime(std::chrono::system_clock::to_time_t(now)),
                     micros);
}

void on_fatal_signal(int sig) {
  // Not async-signal-safe in theory; in practice flushing buffered file sinks here is what keeps the
  // last lines before a crash, and the process is dying anyway.
  if (auto& l = logger()) l->flush();
  std::signal(sig, SIG_DFL);
  std::raise(sig);
}

}  // namespace

void init(const Config& config) {
  std::vector<spdlog::sink_ptr> sinks;
  if (config.to_stdout) sinks.push_back(std::make_shared<spdlog::sinks::stdout_sink_mt>());
  if (!config.dir.empty()) {
    std::filesystem::create_directories(config.dir);
    sinks.push_back(std::make_shared<spdlog::sinks::rotating_file_sink_mt>(
        (std::filesystem::path(config.dir) / config.file_name).string(), config.max_file_bytes,
        config.max_files));
  }
  auto l = std::make_shared<spdlog::logger>("bookstore", sinks.begin(), sinks.end());
  l->set_pattern("%v");
  l->set_level(config.level);
  l->flush_on(spdlog::level::warn);
  // flush_every only reaches loggers in spdlog's registry: register ours (replacing an earlier one).
  spdlog::drop("bookstore");
  spdlog::register_logger(l);
  logger() = std::move(l);
  // Info lines are flushed at least every second; warnings and errors at once (flush_on above).
  spdlog::flush_every(std::chrono::seconds(1));
}

void shutdown() noexcept {
  try {
    if (auto& l = logger()) l->flush();
  } catch (...) {
  }
}

void install_crash_handlers() {
  for (int sig : {SIGSEGV, SIGABRT, SIGBUS, SIGFPE, SIGILL}) std::signal(sig, on_fatal_signal);
}

bool enabled(spdlog::level::level_enum level) {
  return logger()->should_log(level);
}

void write(spdlog::level::level_enum level, std::string_view event, nlohmann::json fields) {
  auto& l = logger();
  if (!l->should_log(level)) return;
  nlohmann::ordered_json line = nlohmann::ordered_json::object();
  line["ts"] = timestamp();
  // spdlog's string view is fmt's, which nlohmann would serialise as an array of bytes.
  auto name = spdlog::level::to_string_view(level);
  line["level"] = std::string_view(name.data(), name.size());
  line["event"] = event;
  if (fields.is_object()) {
    for (auto& [k, v] : fields.items()) line[k] = std::move(v);
  }
  // Replace invalid UTF-8 rather than throwing: log lines may quote what a client sent.
  l->log(level, "{}", line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

void append_json_escaped(std::string& out, std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  const auto* end = p + text.size();
  while (p < end) {
    unsigned char c = *p;
    if (c < 0x80) {
      switch (c) {
        case '"':
          out += "\\\"";
          break;
        case '\\':
          out += "\\\\";
          break;
        case '\n':
          out += "\\n";
          break;
        case '\r':
          out += "\\r";
          break;
        case '\t':
          out += "\\t";
          break;
        default:
          if (c < 0x20 || c == 0x7f) {
            out += "\\u00";
            out += kHex[c >> 4];
            out += kHex[c & 0xf];
          } else {
            out += static_cast<char>(c);
          }
      }
      ++p;
      continue;
    }
    // Multi-byte UTF-8: copy a well-formed sequence (no overlongs, no surrogates), else U+FFFD.
    int len = (c & 0xe0) == 0xc0 ? 2 : (c & 0xf0) == 0xe0 ? 3 : (c & 0xf8) == 0xf0 ? 4 : 0;
    bool ok = len > 0 && end - p >= len && c >= 0xc2 && c <= 0xf4;
    for (int i = 1; ok && i < len; ++i) ok = (p[i] & 0xc0) == 0x80;
    if (ok && len == 3) ok = !(c == 0xe0 && p[1] < 0xa0) && !(c == 0xed && p[1] >= 0xa0);
    if (ok && len == 4) ok = !(c == 0xf0 && p[1] < 0x90) && !(c == 0xf4 && p[1] >= 0x90);
    if (ok) {
      out.append(reinterpret_cast<const char*>(p), static_cast<std::size_t>(len));
      p += len;
    } else {
      out += "\xef\xbf\xbd";
      ++p;
    }
  }
}

void write_fields(spdlog::level::level_enum level, std::string_view event,
                  std::initializer_list<Field> fields) {
  auto& l = logger();
  if (!l->should_log(level)) return;
  std::string line;
  line.reserve(256);
  auto name = spdlog::level::to_string_view(level);
  line += "{\"ts\":\"";
  line += timestamp();
  line += "\",\"level\":\"";
  line.append(name.data(), name.size());
  line += "\",\"event\":\"";
  append_json_escaped(line, event);
  line += '"';
  for (const auto& f : fields) {
    line += ",\"";
    append_json_escaped(line, f.key);
    line += "\":";
    switch (f.kind) {
      case Field::Kind::kText:
        line += '"';
        append_json_escaped(line, f.text);
        line += '"';
        break;
      case Field::Kind::kInteger:
        fmt::format_to(std::back_inserter(line), "{}", f.integer);
        break;
      case Field::Kind::kNumber:
        if (std::isfinite(f.number)) {
          fmt::format_to(std::back_inserter(line), "{:.3f}", f.number);
        } else {
          line += "null";
        }
        break;
    }
  }
  line += '}';
  l->log(level, spdlog::string_view_t(line.data(), line.size()));
}

spdlog::level::level_enum parse_level(std::string_view name) {
  for (auto lvl : {spdlog::level::trace, spdlog::level::debug, spdlog::level::info, spdlog::level::warn,
                   spdlog::level::err, spdlog::level::critical, spdlog::level::off}) {
    if (spdlog::level::to_string_view(lvl) == name) return lvl;
  }
  if (name == "warn" || name == "warning") return spdlog::level::warn;
  if (name == "error") return spdlog::level::err;
  throw std::invalid_argument("unknown log level: " + std::string(name));
}

}  // namespace bookstore::log
