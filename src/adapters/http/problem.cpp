#include "adapters/http/problem.hpp"

#include <nlohmann/json.hpp>

namespace bookstore::http {

namespace {

Problem make(bhttp::status status, std::string slug, std::string title, std::string detail) {
  Problem p;
  p.status = status;
  p.slug = std::move(slug);
  p.title = std::move(title);
  p.detail = std::move(detail);
  return p;
}

}  // namespace

Problem problem_for(domain::ErrorCode code, std::string detail) {
  using C = domain::ErrorCode;
  using S = bhttp::status;
  switch (code) {
    case C::kValidation:
      return make(S::unprocessable_entity, "validation", "The request has invalid fields", std::move(detail));
    case C::kBadRequest:
      return make(S::bad_request, "bad-request", "Bad request", std::move(detail));
    case C::kNotFound:
      return make(S::not_found, "not-found", "Not found", std::move(detail));
    case C::kConflict:
      return make(S::conflict, "conflict", "Conflict", std::move(detail));
    case C::kUnauthenticated: {
      auto p = make(S::unauthorized, "unauthenticated", "Authentication required", std::move(detail));
      p.www_authenticate = "Bearer";
      return p;
    }
    case C::kForbidden:
      return make(S::forbidden, "forbidden", "Forbidden", std::move(detail));
    case C::kRateLimited: {
      auto p = make(S::too_many_requests, "rate-limited", "Too many requests", std::move(detail));
      p.retry_after = std::chrono::seconds(1);
      return p;
    }
    case C::kUnavailable: {
      auto p = make(S::service_unavailable, "unavailable", "Service unavailable", std::move(detail));
      p.retry_after = std::chrono::seconds(1);
      return p;
    }
    case C::kPayloadTooLarge:
      return make(S::payload_too_large, "payload-too-large", "Request body too large", std::move(detail));
    case C::kUnsupportedMediaType:
      return make(S::unsupported_media_type, "unsupported-media-type", "Unsupported media type",
                  std::move(detail));
  }
  return internal_error_problem();
}

Problem problem_for(const domain::Error& error) {
  auto p = problem_for(error.code(), error.what());
  p.errors = error.fields();
  if (error.retry_after()) p.retry_after = error.retry_after();
  return p;
}

Problem not_found_problem(std::string_view path) {
  return make(bhttp::status::not_found, "not-found", "Not found",
              "No resource at " + std::string(path.substr(0, 200)));
}

Problem method_not_allowed_problem(std::string_view method, std::string allow) {
  auto p = make(bhttp::status::method_not_allowed, "method-not-allowed", "Method not allowed",
                "Method " + std::string(method.substr(0, 32)) + " is not allowed here; allowed: " + allow);
  p.allow = std::move(allow);
  return p;
}

Problem internal_error_problem() {
  return make(bhttp::status::internal_server_error, "internal", "Internal server error",
              "Something went wrong on our side; quote the request id when reporting it");
}

Problem header_too_large_problem() {
  return make(bhttp::status::request_header_fields_too_large, "headers-too-large",
              "Request header fields too large", "The request headers exceed the size limit");
}

Problem malformed_request_problem() {
  return make(bhttp::status::bad_request, "bad-request", "Bad request",
              "The request could not be parsed as HTTP/1.1");
}

Response problem_response(const Problem& problem, std::string_view instance, std::string_view request_id) {
  nlohmann::json body{{"type", "/problems/" + problem.slug},
                      {"title", problem.title},
                      {"status", static_cast<unsigned>(problem.status)},
                      {"detail", problem.detail},
                      {"instance", instance},
                      {"request_id", request_id}};
  if (!problem.errors.empty()) {
    auto& errors = body["errors"] = nlohmann::json::array();
    for (const auto& e : problem.errors) errors.push_back({{"field", e.field}, {"message", e.message}});
  }
  auto res =
      text_response(problem.status, body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace),
                    "application/problem+json");
  res.set(bhttp::field::cache_control, "no-store");
  if (problem.retry_after) res.set(bhttp::field::retry_after, std::to_string(problem.retry_after->count()));
  if (!problem.www_authenticate.empty()) res.set(bhttp::field::www_authenticate, problem.www_authenticate);
  if (!problem.allow.empty()) res.set(bhttp::field::allow, problem.allow);
  return res;
}

}  // namespace bookstore::http
