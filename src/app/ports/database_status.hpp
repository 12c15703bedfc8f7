#pragma once
#include <string>

#include "app/task.hpp"

namespace bookstore::app {

// What readiness needs to know about the database, answered by the pg adapter.
class DatabaseStatus {
 public:
  virtual ~DatabaseStatus() = default;
  // True when a trivial query succeeds within the pool's acquire timeout.
  virtual Task<bool> reachable() = 0;
  // Number of embedded migrations not yet applied (0 when the schema is current). Throws when the
  // database cannot be reached.
  virtual Task<int> pending_migrations() = 0;
};

}  // namespace bookstore::app
