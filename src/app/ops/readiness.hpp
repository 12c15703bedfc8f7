#pragma once
#include <string>
#include <vector>

#include "app/ports/database_status.hpp"
#include "app/task.hpp"

namespace bookstore::app {

struct ReadinessReport {
  bool ready = false;
  struct Check {
    std::string name;  // "database", "migrations"
    bool ok = false;
    std::string detail;  // safe to show: no connection strings, no SQL
  };
  std::vector<Check> checks;
};

// /readyz: ready when the database answers and every embedded migration is applied. A load balancer
// takes an instance out of rotation while this fails, without restarting it.
class CheckReadiness {
 public:
  explicit CheckReadiness(DatabaseStatus& db) : db_(db) {}
  Task<ReadinessReport> operator()();

 private:
  DatabaseStatus& db_;
};

}  // namespace bookstore::app
