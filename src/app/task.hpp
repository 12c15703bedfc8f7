#pragma once
// The one piece of the coroutine machinery the core sees: use cases are coroutines returning Task<T>.
// Keeping the alias here lets the adapters pick the executor while app/ stays free of Beast and I/O.
#include <boost/asio/awaitable.hpp>

namespace bookstore {
template <class T = void>
using Task = boost::asio::awaitable<T>;
}  // namespace bookstore
