#pragma once
// Routes by method and path pattern. Patterns are literal segments and {name} parameters:
// "/api/v1/books/{id}". A literal segment wins over a parameter at the same position; a path that
// matches no pattern is a 404, a path that matches with another method a 405 (with Allow).
// Built once before the server starts, then only read (no locks while serving).
#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "adapters/http/request.hpp"
#include "adapters/http/response.hpp"
#include "app/task.hpp"

namespace bookstore::http {

using Handler = std::function<Task<Response>(Request&)>;

struct Route {
  bhttp::verb method;
  std::string pattern;
  Handler handler;
  std::size_t index;  // position in Router::routes(), for per-route state such as metrics
};

class Router {
 public:
  Router();
  ~Router();
  Router(Router&&) noexcept;
  Router& operator=(Router&&) noexcept;

  // Throws std::invalid_argument for a malformed pattern or a (method, pattern) registered twice.
  void add(bhttp::verb method, std::string_view pattern, Handler handler);
  void get(std::string_view pattern, Handler h) { add(bhttp::verb::get, pattern, std::move(h)); }
  void post(std::string_view pattern, Handler h) { add(bhttp::verb::post, pattern, std::move(h)); }
  void put(std::string_view pattern, Handler h) { add(bhttp::verb::put, pattern, std::move(h)); }
  void patch(std::string_view pattern, Handler h) { add(bhttp::verb::patch, pattern, std::move(h)); }
  void del(std::string_view pattern, Handler h) { add(bhttp::verb::delete_, pattern, std::move(h)); }

  struct Match {
    enum class Kind { kFound, kNotFound, kMethodNotAllowed };
    Kind kind = Kind::kNotFound;
    const Route* route = nullptr;  // kFound
    std::string_view pattern;      // kFound and kMethodNotAllowed: the pattern the path matched
    std::string_view allow;        // kMethodNotAllowed: "GET, POST"
  };
  // path: the raw path without the query string. params receives the decoded parameters on kFound.
  Match match(bhttp::verb method, std::string_view path, PathParams& params) const;

  // Every route in registration order, e.g. for the OpenAPI test and per-route metrics.
  const std::vector<std::unique_ptr<Route>>& routes() const noexcept { return routes_; }

 private:
  struct Node;
  std::unique_ptr<Node> root_;
  std::vector<std::unique_ptr<Route>> routes_;
};

}  // namespace bookstore::http
