#pragma once
// RFC 9457 problem details. Every error answer of the service is one of these:
//   Content-Type: application/problem+json, Cache-Control: no-store
//   {"type":"/problems/<slug>","title","status","detail","instance":<path>,"request_id","errors":[...]}
// A domain::Error keeps its message as the detail (use cases write it for the client); any other
// exception becomes a 500 that says nothing but the request id.
#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/http/response.hpp"
#include "domain/error.hpp"

namespace bookstore::http {

struct Problem {
  bhttp::status status = bhttp::status::internal_server_error;
  std::string slug;   // "/problems/<slug>"
  std::string title;  // fixed per kind of problem
  std::string detail;
  std::vector<domain::FieldError> errors;
  std::optional<std::chrono::seconds> retry_after;
  std::string www_authenticate;  // set for 401
  std::string allow;             // set for 405
};

Problem problem_for(const domain::Error& error);
Problem problem_for(domain::ErrorCode code, std::string detail);
Problem not_found_problem(std::string_view path);
Problem method_not_allowed_problem(std::string_view method, std::string allow);
Problem internal_error_problem();
Problem header_too_large_problem();
Problem malformed_request_problem();

// The complete response (body, type, Cache-Control, Retry-After, WWW-Authenticate, Allow).
Response problem_response(const Problem& problem, std::string_view instance, std::string_view request_id);

}  // namespace bookstore::http
