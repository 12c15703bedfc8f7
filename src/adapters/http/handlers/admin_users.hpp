#pragma once
#include "adapters/http/auth.hpp"
#include "adapters/http/router.hpp"

namespace bookstore::app {
class AdminUsers;
}

namespace bookstore::http {

// User management under /api/v1/admin/users: list/search, view, change (role, state, name), ban/unban,
// force-delete, a user's sessions (list, revoke all) and resending the verification mail. The HTTP layer
// only authenticates and checks shapes; the use cases check the caller's permissions (403).
// Cache-Control: no-store on every answer.
void register_admin_user_routes(Router& router, app::AdminUsers& admin, TokenVerifier verify);

}  // namespace bookstore::http
