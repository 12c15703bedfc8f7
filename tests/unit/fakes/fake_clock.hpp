#pragma once
// A clock the test sets and moves by hand.
#include <chrono>

#include "app/ports/clock.hpp"

namespace bookstore::fakes {

class FakeClock : public app::Clock {
 public:
  // 2025-01-15T10:00:00Z: a fixed, round instant far from the epoch.
  FakeClock() : now_(std::chrono::sys_days{std::chrono::year{2025} / 1 / 15} + std::chrono::hours(10)) {}
  app::TimePoint now() const override { return now_; }
  void set(app::TimePoint t) { now_ = t; }
  void advance(std::chrono::system_clock::duration d) { now_ += d; }

 private:
  app::TimePoint now_;
};

}  // namespace bookstore::fakes
