#pragma once
#include "adapters/http/auth.hpp"
#include "adapters/http/router.hpp"

namespace bookstore::app {
class AccountService;
}

namespace bookstore::http {

// The caller's own sessions: GET /api/v1/me/sessions, DELETE /api/v1/me/sessions/{id} (404 for a session
// that is not the caller's), DELETE /api/v1/me/sessions (all, the current one included). Bearer token
// required; Cache-Control: no-store.
void register_session_routes(Router& router, app::AccountService& accounts, TokenVerifier verify);

}  // namespace bookstore::http
