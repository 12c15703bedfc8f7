#include "adapters/log/log.hpp"

#include <chrono>
#include <csignal>
#include <filesystem>
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
  auto micros = std::chrono::duration_cast<std::chrono::microseconds>(now.time_since_epoch()).count() % 1000000;
  return fmt::format("{:%Y-%m-%dT%H:%M:%S}.{:06}Z", fmt::gmtime(std::chrono::system_clock::to_time_t(now)), micros);
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
        (std::filesystem::path(config.dir) / config.file_name).string(), config.max_file_bytes, config.max_files));
  }
  auto l = std::make_shared<spdlog::logger>("bookstore", sinks.begin(), sinks.end());
  l->set_pattern("%v");
  l->set_level(config.level);
  l->flush_on(spdlog::level::warn);
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

bool enabled(spdlog::level::level_enum level) { return logger()->should_log(level); }

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
