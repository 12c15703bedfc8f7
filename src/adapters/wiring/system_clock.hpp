#pragma once
// The real time for the use cases (app::Clock); tests use fakes::FakeClock.
#include <chrono>

#include "app/ports/clock.hpp"

namespace bookstore::wiring {

class SystemClock final : public app::Clock {
 public:
  app::TimePoint now() const override { return std::chrono::system_clock::now(); }
};

}  // namespace bookstore::wiring
