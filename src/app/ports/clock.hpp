#pragma once
#include <chrono>

namespace bookstore::app {

using TimePoint = std::chrono::system_clock::time_point;

// The time the use cases see; a settable fake in unit tests.
class Clock {
 public:
  virtual ~Clock() = default;
  virtual TimePoint now() const = 0;
};

}  // namespace bookstore::app
