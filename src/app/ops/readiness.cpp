#include "app/ops/readiness.hpp"

namespace bookstore::app {

Task<ReadinessReport> CheckReadiness::operator()() {
  ReadinessReport report;
  bool reachable = false;
  try {
    reachable = co_await db_.reachable();
  } catch (...) {
    reachable = false;
  }
  report.checks.push_back({"database", reachable, reachable ? "reachable" : "unreachable"});
  if (!reachable) {
    report.checks.push_back({"migrations", false, "unknown: database unreachable"});
    co_return report;
  }
  int pending = -1;
  try {
    pending = co_await db_.pending_migrations();
  } catch (...) {
    pending = -1;
  }
  if (pending == 0) {
    report.checks.push_back({"migrations", true, "current"});
  } else if (pending > 0) {
    report.checks.push_back({"migrations", false, std::to_string(pending) + " pending"});
  } else {
    report.checks.push_back({"migrations", false, "could not be read"});
  }
  report.ready = reachable && pending == 0;
  co_return report;
}

}  // namespace bookstore::app
