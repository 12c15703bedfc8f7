#include "adapters/http/handlers/test_routes.hpp"

#include <charconv>
#include <stdexcept>

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <nlohmann/json.hpp>

#include "domain/error.hpp"

namespace bookstore::http {

void register_test_routes(Router& router, DatabaseClock database_clock, AnonymiseNow anonymise_now) {
  // An unexpected exception: the answer must be a bare 500 with the request id, never this text.
  router.get("/_test/fail", [](Request&) -> Task<Response> {
    throw std::runtime_error("secret detail");
    co_return Response{};
  });

  // A slow request, for graceful-shutdown tests.
  router.get("/_test/sleep", [](Request& req) -> Task<Response> {
    long ms = 0;
    auto text = req.query("ms").value_or("0");
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), ms);
    if (ec != std::errc() || end != text.data() + text.size() || ms < 0 || ms > 30000) {
      throw domain::Error::validation({{"ms", "must be an integer from 0 to 30000"}});
    }
    boost::asio::steady_timer timer(co_await boost::asio::this_coro::executor, std::chrono::milliseconds(ms));
    boost::system::error_code wait_ec;
    co_await timer.async_wait(boost::asio::redirect_error(boost::asio::use_awaitable, wait_ec));
    co_return json_response(bhttp::status::ok, {{"slept_ms", ms}});
  });

  // One query through the pool: 503 problem+json while the database is down, 200 again once it is back,
  // without restarting the service.
  router.get("/_test/db", [clock = std::move(database_clock)](Request&) -> Task<Response> {
    if (!clock) throw domain::Error::unavailable("database unavailable");
    auto now = co_await clock();
    co_return json_response(bhttp::status::ok, {{"database_time", now}});
  });

  if (anonymise_now) {
    router.post("/_test/identity/anonymise-now", [anonymise_now](Request& req) -> Task<Response> {
      auto body = req.json();
      if (!body.is_object() || !body.contains("email") || !body["email"].is_string())
        throw domain::Error::validation({{"email", "must be a string"}});
      std::string email = body["email"].get<std::string>();
      int n = co_await anonymise_now(std::move(email));
      co_return json_response(bhttp::status::ok, {{"anonymised", n}});
    });
  }

  // Parses the JSON body and returns it: exercises 400 / 415 / 413.
  router.post("/_test/echo",
              [](Request& req) -> Task<Response> { co_return json_response(bhttp::status::ok, req.json()); });
}

}  // namespace bookstore::http
