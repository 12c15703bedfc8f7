#pragma once
#include "adapters/http/auth.hpp"
#include "adapters/http/router.hpp"

namespace bookstore::app {
class AccountService;
}

namespace bookstore::http {

// The signed-in user's own account under /api/v1/me: profile (GET/PATCH), password, email change,
// deactivate/reactivate, delete/cancel and the data export. Sessions are in sessions.hpp. Every route
// needs a Bearer token and every answer carries Cache-Control: no-store.
void register_me_routes(Router& router, app::AccountService& accounts, TokenVerifier verify);

}  // namespace bookstore::http
