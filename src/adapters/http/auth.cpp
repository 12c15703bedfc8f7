#include "adapters/http/auth.hpp"

#include <algorithm>
#include <cctype>

#include "domain/error.hpp"

namespace bookstore::http {

namespace {

bool iequals(std::string_view a, std::string_view b) noexcept {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

bool is_space(char c) noexcept {
  return c == ' ' || c == '\t';
}

std::string_view trim(std::string_view s) noexcept {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

// b64token = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="
bool is_b64token(std::string_view t) noexcept {
  std::size_t end = t.size();
  while (end > 0 && t[end - 1] == '=') --end;
  if (end == 0) return false;
  for (std::size_t i = 0; i < end; ++i) {
    unsigned char c = static_cast<unsigned char>(t[i]);
    if (!(std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~' || c == '+' || c == '/'))
      return false;
  }
  return true;
}

Problem unauthenticated(std::string detail, bool token_presented) {
  auto p = problem_for(domain::ErrorCode::kUnauthenticated, std::move(detail));
  p.www_authenticate = token_presented ? R"(Bearer error="invalid_token")" : "Bearer";
  return p;
}

}  // namespace

BearerCredentials parse_bearer(std::string_view authorization) noexcept {
  using Kind = BearerCredentials::Kind;
  auto value = trim(authorization);
  if (value.empty()) return {Kind::kMissing, {}};
  auto space = value.find_first_of(" \t");
  auto scheme = value.substr(0, space);
  if (!iequals(scheme, "Bearer")) return {Kind::kOtherScheme, {}};
  if (space == std::string_view::npos) return {Kind::kEmpty, {}};
  auto token = trim(value.substr(space));
  if (token.empty()) return {Kind::kEmpty, {}};
  if (token.size() > kMaxBearerTokenBytes || !is_b64token(token)) return {Kind::kMalformed, {}};
  return {Kind::kToken, token};
}

std::variant<app::Principal, Problem> authenticate_request(const Request& req, const TokenVerifier& verify) {
  using Kind = BearerCredentials::Kind;
  auto credentials = parse_bearer(req.header("Authorization"));
  switch (credentials.kind) {
    case Kind::kMissing:
      return unauthenticated("This resource requires an access token: Authorization: Bearer <token>", false);
    case Kind::kOtherScheme:
      return unauthenticated("Only Bearer access tokens are accepted: Authorization: Bearer <token>", false);
    case Kind::kEmpty:
      return unauthenticated("The Authorization header names the Bearer scheme but holds no token", false);
    case Kind::kMalformed:
      return unauthenticated("The access token is malformed", true);
    case Kind::kToken:
      break;
  }
  try {
    return verify(credentials.token);
  } catch (const domain::Error& e) {
    if (e.code() != domain::ErrorCode::kUnauthenticated) throw;
    // Never say which check failed (signature, expiry, revocation...).
    return unauthenticated("The access token is invalid, expired or revoked", true);
  }
}

Handler with_principal(TokenVerifier verify, AuthenticatedHandler handler) {
  return [verify = std::move(verify), handler = std::move(handler)](Request& req) -> Task<Response> {
    auto outcome = authenticate_request(req, verify);
    if (auto* problem = std::get_if<Problem>(&outcome)) {
      co_return problem_response(*problem, req.path(), req.request_id());
    }
    app::Principal principal = std::get<app::Principal>(std::move(outcome));
    co_return co_await handler(req, std::move(principal));
  };
}

std::string truncate_utf8(std::string_view text, std::size_t max_bytes) {
  if (text.size() <= max_bytes) return std::string(text);
  std::size_t end = max_bytes;
  // Step back over continuation bytes (10xxxxxx) so that no character is cut in half.
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  return std::string(text.substr(0, end));
}

app::RequestMeta request_meta(const Request& req) {
  app::RequestMeta meta;
  meta.ip = std::string(req.client_ip());
  meta.user_agent = truncate_utf8(req.header("User-Agent"), kMaxUserAgentBytes);
  meta.request_id = std::string(req.request_id());
  return meta;
}

Handler no_store(Handler handler) {
  return [handler = std::move(handler)](Request& req) -> Task<Response> {
    Response res = co_await handler(req);
    if (res[bhttp::field::cache_control].empty()) res.set(bhttp::field::cache_control, "no-store");
    co_return res;
  };
}

}  // namespace bookstore::http
