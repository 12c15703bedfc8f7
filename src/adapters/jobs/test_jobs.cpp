#include "adapters/jobs/test_jobs.hpp"

#include <stdexcept>
#include <string>

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace bookstore::jobs {

void register_test_jobs(Worker& worker) {
  worker.handle("test.noop", [](const JobContext&) -> Task<void> { co_return; });
  worker.handle("test.flaky", [](const JobContext& job) -> Task<void> {
    int succeed_on = job.payload.is_object() ? job.payload.value("succeed_on", 3) : 3;
    if (job.attempt < succeed_on)
      throw std::runtime_error("test.flaky: attempt " + std::to_string(job.attempt) + " fails on purpose");
    co_return;
  });
  worker.handle("test.fail", [](const JobContext& job) -> Task<void> {
    throw std::runtime_error("test.fail: attempt " + std::to_string(job.attempt) + " fails on purpose");
    co_return;
  });
  worker.handle("test.sleep", [](const JobContext& job) -> Task<void> {
    int ms = job.payload.is_object() ? job.payload.value("ms", 100) : 100;
    boost::asio::steady_timer timer(co_await boost::asio::this_coro::executor);
    timer.expires_after(std::chrono::milliseconds(ms));
    boost::system::error_code ec;
    co_await timer.async_wait(boost::asio::redirect_error(boost::asio::use_awaitable, ec));
  });
}

}  // namespace bookstore::jobs
