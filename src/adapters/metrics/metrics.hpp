#pragma once
// A small Prometheus registry: counter and histogram families with labels, and gauges read through a
// callback at scrape time (pool usage, queue depth). Hot paths keep the Counter&/Histogram& they got
// from with(): lookups take a lock, updates are lock-free atomics.
#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace bookstore::metrics {

using Labels = std::vector<std::string>;  // values, in the order of the family's label names

class Counter {
 public:
  void inc(std::uint64_t n = 1) noexcept { value_.fetch_add(n, std::memory_order_relaxed); }
  std::uint64_t value() const noexcept { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<std::uint64_t> value_{0};
};

class Histogram {
 public:
  explicit Histogram(const std::vector<double>& bounds);
  void observe(double value) noexcept;
  std::uint64_t count() const noexcept { return count_.load(std::memory_order_relaxed); }
  double sum() const noexcept;
  // Cumulative count for bucket i (i == bounds.size() is +Inf).
  std::uint64_t cumulative(std::size_t i) const noexcept;
  const std::vector<double>& bounds() const noexcept { return bounds_; }

 private:
  std::vector<double> bounds_;
  std::unique_ptr<std::atomic<std::uint64_t>[]> buckets_;
  std::atomic<std::uint64_t> count_{0};
  std::atomic<std::uint64_t> sum_nanos_{0};  // sum kept in units of 1e-9 to stay an integer atomic
};

template <class Metric>
class Family {
 public:
  Family(std::string name, std::string help, std::vector<std::string> label_names,
         std::vector<double> bounds = {})
      : name_(std::move(name)),
        help_(std::move(help)),
        label_names_(std::move(label_names)),
        bounds_(std::move(bounds)) {}
  Metric& with(const Labels& values);
  const std::string& name() const { return name_; }
  const std::string& help() const { return help_; }
  const std::vector<std::string>& label_names() const { return label_names_; }
  template <class F>
  void each(F&& f) const {
    std::lock_guard lock(mutex_);
    for (auto& [labels, metric] : series_) f(labels, *metric);
  }

 private:
  std::string name_, help_;
  std::vector<std::string> label_names_;
  std::vector<double> bounds_;
  mutable std::mutex mutex_;
  std::map<Labels, std::unique_ptr<Metric>> series_;
};

class Registry {
 public:
  Family<Counter>& counter(const std::string& name, const std::string& help,
                           std::vector<std::string> label_names = {});
  Family<Histogram>& histogram(const std::string& name, const std::string& help,
                               std::vector<std::string> label_names, std::vector<double> bounds);
  // A gauge whose samples are produced when scraped: fn returns (label values, value) pairs.
  using GaugeSamples = std::vector<std::pair<Labels, double>>;
  void gauge(const std::string& name, const std::string& help, std::vector<std::string> label_names,
             std::function<GaugeSamples()> fn);

  std::string render() const;  // Prometheus text exposition format 0.0.4

  static const std::vector<double>& latency_buckets();  // seconds, 0.5 ms .. 10 s

 private:
  struct Gauge {
    std::string name, help;
    std::vector<std::string> label_names;
    std::function<GaugeSamples()> fn;
  };
  mutable std::mutex mutex_;
  std::map<std::string, std::unique_ptr<Family<Counter>>> counters_;
  std::map<std::string, std::unique_ptr<Family<Histogram>>> histograms_;
  std::vector<Gauge> gauges_;
};

}  // namespace bookstore::metrics
