#include "adapters/http/router.hpp"

#include <stdexcept>

namespace bookstore::http {

struct Router::Node {
  std::map<std::string, std::unique_ptr<Node>, std::less<>> literal;
  std::unique_ptr<Node> param;
  std::string param_name;            // of the param child
  std::vector<const Route*> routes;  // routes ending here, one per method
  std::string pattern;               // the pattern of the routes ending here
  std::string allow;                 // their methods, "GET, POST"
};

namespace {

// Splits "/a/b/c" into "a","b","c". The leading '/' is required; "/" has no segments.
template <class F>
void for_each_segment(std::string_view path, F&& f) {
  path.remove_prefix(1);
  if (path.empty()) return;
  while (true) {
    auto slash = path.find('/');
    f(path.substr(0, slash));
    if (slash == std::string_view::npos) return;
    path.remove_prefix(slash + 1);
  }
}

}  // namespace

Router::Router() : root_(std::make_unique<Node>()) {}
Router::~Router() = default;
Router::Router(Router&&) noexcept = default;
Router& Router::operator=(Router&&) noexcept = default;

void Router::add(bhttp::verb method, std::string_view pattern, Handler handler) {
  if (pattern.empty() || pattern.front() != '/')
    throw std::invalid_argument("route pattern must start with /");
  Node* node = root_.get();
  for_each_segment(pattern, [&](std::string_view seg) {
    if (seg.size() >= 2 && seg.front() == '{' && seg.back() == '}') {
      std::string name(seg.substr(1, seg.size() - 2));
      if (!node->param) {
        node->param = std::make_unique<Node>();
        node->param_name = name;
      } else if (node->param_name != name) {
        throw std::invalid_argument("route " + std::string(pattern) + ": parameter {" + name +
                                    "} conflicts with {" + node->param_name + "} at the same position");
      }
      node = node->param.get();
    } else {
      if (seg.find_first_of("{}") != std::string_view::npos)
        throw std::invalid_argument("route " + std::string(pattern) +
                                    ": a parameter must be a whole segment");
      auto it = node->literal.find(seg);
      if (it == node->literal.end())
        it = node->literal.emplace(std::string(seg), std::make_unique<Node>()).first;
      node = it->second.get();
    }
  });
  for (const Route* r : node->routes) {
    if (r->method == method)
      throw std::invalid_argument("route registered twice: " + std::string(bhttp::to_string(method)) + " " +
                                  std::string(pattern));
  }
  auto route =
      std::make_unique<Route>(Route{method, std::string(pattern), std::move(handler), routes_.size()});
  node->routes.push_back(route.get());
  node->pattern = route->pattern;
  if (!node->allow.empty()) node->allow += ", ";
  node->allow += bhttp::to_string(method);
  routes_.push_back(std::move(route));
}

Router::Match Router::match(bhttp::verb method, std::string_view path, PathParams& params) const {
  Match result;
  if (path.empty() || path.front() != '/') return result;
  // Most paths have few segments; a small fixed buffer avoids allocating on every request.
  std::string_view segs[16];
  std::size_t count = 0;
  bool too_long = false;
  for_each_segment(path, [&](std::string_view s) {
    if (count < std::size(segs)) {
      segs[count++] = s;
    } else {
      too_long = true;
    }
  });
  if (too_long) return result;

  std::string_view values[16];
  const Node* first_path_match = nullptr;
  const Route* found = nullptr;
  const Node* found_node = nullptr;
  // Depth-first: literal child before the parameter child, so literals win; backtrack when a
  // branch dead-ends. The first terminal node on the way is the one whose Allow a 405 reports.
  auto step = [&](auto& self, const Node* node, std::size_t i, std::size_t nvalues) -> bool {
    if (i == count) {
      if (node->routes.empty()) return false;
      if (!first_path_match) first_path_match = node;
      for (const Route* r : node->routes) {
        if (r->method == method) {
          found = r;
          found_node = node;
          params.clear();
          // Names are taken from the pattern so they line up with the values of this branch.
          std::size_t v = 0;
          for_each_segment(std::string_view(r->pattern), [&](std::string_view seg) {
            if (!seg.empty() && seg.front() == '{') {
              params.emplace_back(seg.substr(1, seg.size() - 2), percent_decode(values[v++], false));
            }
          });
          return true;
        }
      }
      return false;
    }
    if (auto it = node->literal.find(segs[i]); it != node->literal.end()) {
      if (self(self, it->second.get(), i + 1, nvalues)) return true;
    }
    if (node->param && !segs[i].empty()) {
      values[nvalues] = segs[i];
      if (self(self, node->param.get(), i + 1, nvalues + 1)) return true;
    }
    return false;
  };
  if (step(step, root_.get(), 0, 0)) {
    result.kind = Match::Kind::kFound;
    result.route = found;
    result.pattern = found_node->pattern;
    return result;
  }
  if (first_path_match) {
    result.kind = Match::Kind::kMethodNotAllowed;
    result.pattern = first_path_match->pattern;
    result.allow = first_path_match->allow;
  }
  return result;
}

}  // namespace bookstore::http
