#pragma once
// Job kinds the test suite drives through the real binary (registered when BOOKSTORE_TEST_JOBS=1):
//   test.noop   completes at once
//   test.flaky  throws until attempt >= payload.succeed_on (default 3), then completes
//   test.fail   always throws
//   test.sleep  waits payload.ms milliseconds (default 100), then completes
#include "adapters/jobs/worker.hpp"

namespace bookstore::jobs {

void register_test_jobs(Worker& worker);

}  // namespace bookstore::jobs
