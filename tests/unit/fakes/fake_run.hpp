#pragma once
// Runs a use-case coroutine to completion on a private io_context and returns its result (or rethrows).
// The fakes never suspend, so one run() is enough.
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

#include "app/task.hpp"

namespace bookstore::fakes {

template <class T>
T run(Task<T> task) {
  boost::asio::io_context ioc;
  auto future = boost::asio::co_spawn(ioc, std::move(task), boost::asio::use_future);
  ioc.run();
  return future.get();
}

}  // namespace bookstore::fakes
