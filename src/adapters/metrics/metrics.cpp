#include "adapters/metrics/metrics.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>

#include <fmt/format.h>

namespace bookstore::metrics {

Histogram::Histogram(const std::vector<double>& bounds)
    : bounds_(bounds), buckets_(new std::atomic<std::uint64_t>[bounds.size() + 1]) {
  for (std::size_t i = 0; i <= bounds_.size(); ++i) buckets_[i].store(0, std::memory_order_relaxed);
}

void Histogram::observe(double value) noexcept {
  auto it = std::lower_bound(bounds_.begin(), bounds_.end(), value);
  buckets_[static_cast<std::size_t>(it - bounds_.begin())].fetch_add(1, std::memory_order_relaxed);
  count_.fetch_add(1, std::memory_order_relaxed);
  if (value > 0)
    sum_nanos_.fetch_add(static_cast<std::uint64_t>(std::llround(value * 1e9)), std::memory_order_relaxed);
}

double Histogram::sum() const noexcept {
  return static_cast<double>(sum_nanos_.load(std::memory_order_relaxed)) / 1e9;
}

std::uint64_t Histogram::cumulative(std::size_t i) const noexcept {
  std::uint64_t total = 0;
  for (std::size_t j = 0; j <= i && j <= bounds_.size(); ++j)
    total += buckets_[j].load(std::memory_order_relaxed);
  return total;
}

template <>
Counter& Family<Counter>::with(const Labels& values) {
  std::lock_guard lock(mutex_);
  auto& slot = series_[values];
  if (!slot) slot = std::make_unique<Counter>();
  return *slot;
}

template <>
Histogram& Family<Histogram>::with(const Labels& values) {
  std::lock_guard lock(mutex_);
  auto& slot = series_[values];
  if (!slot) slot = std::make_unique<Histogram>(bounds_);
  return *slot;
}

Family<Counter>& Registry::counter(const std::string& name, const std::string& help,
                                   std::vector<std::string> label_names) {
  std::lock_guard lock(mutex_);
  auto& slot = counters_[name];
  if (!slot) slot = std::make_unique<Family<Counter>>(name, help, std::move(label_names));
  return *slot;
}

Family<Histogram>& Registry::histogram(const std::string& name, const std::string& help,
                                       std::vector<std::string> label_names, std::vector<double> bounds) {
  std::lock_guard lock(mutex_);
  auto& slot = histograms_[name];
  if (!slot)
    slot = std::make_unique<Family<Histogram>>(name, help, std::move(label_names), std::move(bounds));
  return *slot;
}

void Registry::gauge(const std::string& name, const std::string& help, std::vector<std::string> label_names,
                     std::function<GaugeSamples()> fn) {
  std::lock_guard lock(mutex_);
  gauges_.push_back(Gauge{name, help, std::move(label_names), std::move(fn)});
}

const std::vector<double>& Registry::latency_buckets() {
  static const std::vector<double> b{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                     0.1,    0.25,  0.5,    1,     2.5,  5,     10};
  return b;
}

namespace {

std::string escape(const std::string& v) {
  std::string out;
  out.reserve(v.size());
  for (char c : v) {
    if (c == '\\')
      out += "\\\\";
    else if (c == '"')
      out += "\\\"";
    else if (c == '\n')
      out += "\\n";
    else
      out += c;
  }
  return out;
}

std::string label_text(const std::vector<std::string>& names, const Labels& values,
                       const std::string& extra = {}) {
  std::string out;
  for (std::size_t i = 0; i < names.size() && i < values.size(); ++i) {
    if (!out.empty()) out += ',';
    out += names[i] + "=\"" + escape(values[i]) + "\"";
  }
  if (!extra.empty()) {
    if (!out.empty()) out += ',';
    out += extra;
  }
  return out.empty() ? std::string() : "{" + out + "}";
}

std::string number(double v) {
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  return fmt::format("{}", v);
}

}  // namespace

std::string Registry::render() const {
  std::lock_guard lock(mutex_);
  std::string out;
  for (auto& [name, family] : counters_) {
    out += fmt::format("# HELP {} {}\n# TYPE {} counter\n", name, family->help(), name);
    family->each([&](const Labels& labels, const Counter& c) {
      out += fmt::format("{}{} {}\n", name, label_text(family->label_names(), labels), c.value());
    });
  }
  for (auto& [name, family] : histograms_) {
    out += fmt::format("# HELP {} {}\n# TYPE {} histogram\n", name, family->help(), name);
    family->each([&](const Labels& labels, const Histogram& h) {
      for (std::size_t i = 0; i <= h.bounds().size(); ++i) {
        std::string le = i < h.bounds().size() ? number(h.bounds()[i]) : "+Inf";
        out += fmt::format("{}_bucket{} {}\n", name,
                           label_text(family->label_names(), labels, "le=\"" + le + "\""), h.cumulative(i));
      }
      out += fmt::format("{}_sum{} {}\n", name, label_text(family->label_names(), labels), number(h.sum()));
      out += fmt::format("{}_count{} {}\n", name, label_text(family->label_names(), labels), h.count());
    });
  }
  for (auto& g : gauges_) {
    out += fmt::format("# HELP {} {}\n# TYPE {} gauge\n", g.name, g.help, g.name);
    for (auto& [labels, value] : g.fn())
      out += fmt::format("{}{} {}\n", g.name, label_text(g.label_names, labels), number(value));
  }
  return out;
}

}  // namespace bookstore::metrics
