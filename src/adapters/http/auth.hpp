#pragma once
// Who is calling and from where, for the identity routes: the access token of
// `Authorization: Bearer <token>` becomes an app::Principal (AuthService::authenticate, no I/O), the
// request's address, User-Agent and id become an app::RequestMeta. Missing or unusable credentials
// answer 401 problem+json with `WWW-Authenticate: Bearer` (RFC 6750 3), plus error="invalid_token"
// when a token was presented.
#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <variant>

#include "adapters/http/problem.hpp"
#include "adapters/http/router.hpp"
#include "app/identity/identity_types.hpp"

namespace bookstore::http {

// What the Authorization header holds.
struct BearerCredentials {
  enum class Kind {
    kMissing,      // no header, or an empty one
    kOtherScheme,  // Basic, Digest, ...: not ours
    kEmpty,        // "Bearer" with no token
    kMalformed,    // "Bearer" with something that is not one token68 (spaces, bad characters, too long)
    kToken,        // "Bearer <token>": token is set
  };
  Kind kind = Kind::kMissing;
  std::string_view token;  // a view into the header value
};

// Longer tokens are refused without verifying them (ours are a few hundred bytes).
inline constexpr std::size_t kMaxBearerTokenBytes = 4096;

// RFC 6750 2.1: credentials = "Bearer" 1*SP b64token; the scheme is case-insensitive.
BearerCredentials parse_bearer(std::string_view authorization) noexcept;

// Turns a token into the caller (AuthService::authenticate, bound in routes.cpp); throws
// domain::Error(kUnauthenticated) when it is not acceptable.
using TokenVerifier = std::function<app::Principal(std::string_view token)>;

// The caller of a request, or the 401 problem to answer with (WWW-Authenticate set).
std::variant<app::Principal, Problem> authenticate_request(const Request& req, const TokenVerifier& verify);

// A handler that needs a signed-in caller; the Principal is passed by value.
using AuthenticatedHandler = std::function<Task<Response>(Request&, app::Principal)>;
// Authenticates first; answers 401 without calling `handler` when that fails.
Handler with_principal(TokenVerifier verify, AuthenticatedHandler handler);

// User-Agent values longer than this are cut (at a UTF-8 character boundary) before they are stored.
inline constexpr std::size_t kMaxUserAgentBytes = 256;
std::string truncate_utf8(std::string_view text, std::size_t max_bytes);
// ip = client_ip(), user_agent = User-Agent (truncated), request_id = request_id().
app::RequestMeta request_meta(const Request& req);

// Identity answers are private to their caller: sets `Cache-Control: no-store` on every response of
// `handler` that does not say otherwise. (Problems, including those of thrown domain::Errors, carry
// no-store already: problem_response sets it.)
Handler no_store(Handler handler);

}  // namespace bookstore::http
