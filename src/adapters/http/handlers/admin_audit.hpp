#pragma once
#include "adapters/http/auth.hpp"
#include "adapters/http/router.hpp"

namespace bookstore::app {
class AdminUsers;
}

namespace bookstore::http {

// GET /api/v1/admin/audit: the audit log, newest first, filtered by actor, target, action and time,
// paged with a keyset cursor. The use case checks the permission (kReadAudit). Cache-Control: no-store.
void register_admin_audit_routes(Router& router, app::AdminUsers& admin, TokenVerifier verify);

}  // namespace bookstore::http
