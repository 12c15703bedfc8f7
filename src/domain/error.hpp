#pragma once
// The one typed error that the domain and the use cases raise. The HTTP adapter maps each code to
// an RFC 9457 problem+json answer; anything that is not an Error becomes a 500 without details.
#include <chrono>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace bookstore::domain {

enum class ErrorCode {
  kValidation,            // 422: the request is well-formed but its values are wrong (see fields)
  kBadRequest,            // 400: the request cannot be parsed (malformed JSON, bad query string)
  kNotFound,              // 404
  kConflict,              // 409: unique key taken, state does not allow the change
  kUnauthenticated,       // 401
  kForbidden,             // 403
  kRateLimited,           // 429 with Retry-After
  kUnavailable,           // 503 with Retry-After: database down, pool exhausted, hasher saturated
  kPayloadTooLarge,       // 413
  kUnsupportedMediaType,  // 415
};

struct FieldError {
  std::string field;    // JSON pointer-ish name of the offending field, e.g. "email" or "items/0/qty"
  std::string message;  // what is wrong, for a person
  bool operator==(const FieldError&) const = default;
};

class Error : public std::runtime_error {
 public:
  Error(ErrorCode code, std::string message, std::vector<FieldError> fields = {},
        std::optional<std::chrono::seconds> retry_after = std::nullopt)
      : std::runtime_error(std::move(message)),
        code_(code),
        fields_(std::move(fields)),
        retry_after_(retry_after) {}

  ErrorCode code() const noexcept { return code_; }
  const std::vector<FieldError>& fields() const noexcept { return fields_; }
  std::optional<std::chrono::seconds> retry_after() const noexcept { return retry_after_; }

  static Error validation(std::vector<FieldError> fields,
                          std::string message = "The request has invalid fields") {
    return Error(ErrorCode::kValidation, std::move(message), std::move(fields));
  }
  static Error not_found(std::string message = "Not found") {
    return Error(ErrorCode::kNotFound, std::move(message));
  }
  static Error conflict(std::string message) { return Error(ErrorCode::kConflict, std::move(message)); }
  static Error unavailable(std::string message, std::chrono::seconds retry_after = std::chrono::seconds(1)) {
    return Error(ErrorCode::kUnavailable, std::move(message), {}, retry_after);
  }

 private:
  ErrorCode code_;
  std::vector<FieldError> fields_;
  std::optional<std::chrono::seconds> retry_after_;
};

}  // namespace bookstore::domain
