#pragma once
// Anonymous identity flows (PRODUCT.md 1): register, verify email, login, refresh, logout, password
// reset; and authenticate(), which turns a bearer token into a Principal on every request.
// Errors are domain::Error: kValidation (fields), kUnauthenticated, kForbidden, kRateLimited (lockout,
// Retry-After), kUnavailable (hasher saturated).
#include <string>
#include <string_view>

#include "app/identity/identity_deps.hpp"
#include "app/identity/identity_types.hpp"

namespace bookstore::app {

class AuthService {
 public:
  AuthService(IdentityDeps deps, IdentityConfig config);

  // 202 whether or not the email is taken (a taken address gets an "account exists" mail instead).
  Task<void> register_account(std::string email, std::string password, std::string name, RequestMeta meta);
  // Wrong/expired/used code or unknown email: the same kValidation error; the 6th wrong try of a code
  // burns it (a new one must be requested).
  Task<void> verify_email_code(std::string email, std::string code, RequestMeta meta);
  Task<void> verify_email_token(std::string token, RequestMeta meta);
  // Always succeeds; sends a new code only to a live unverified account, at most once per resend_interval.
  Task<void> resend_verification(std::string email, RequestMeta meta);

  // Wrong email or password: kUnauthenticated "invalid email or password" (same for both). Locked:
  // kRateLimited with Retry-After. Banned: kForbidden. Pending deletion: the deletion is cancelled.
  // Deactivated: succeeds with account_state kDeactivated (the client offers /me/reactivate).
  Task<TokenPair> login(std::string email, std::string password, RequestMeta meta);
  // Rotates; reuse of a replaced token after the grace window revokes the session. Any failure:
  // kUnauthenticated.
  Task<TokenPair> refresh(std::string refresh_token, RequestMeta meta);
  Task<void> logout(Principal principal, RequestMeta meta);

  Task<void> forgot_password(std::string email, RequestMeta meta);  // always succeeds
  Task<void> reset_password(std::string token, std::string new_password, RequestMeta meta);

  // Verifies the token and checks the revocation set; kUnauthenticated otherwise. No I/O.
  Principal authenticate(std::string_view bearer_token) const;

 private:
  IdentityDeps deps_;
  IdentityConfig config_;
};

}  // namespace bookstore::app
