#pragma once
// Admin user management (PRODUCT.md 2). Every method checks the actor's permission first
// (kForbidden); unknown or deleted users are kNotFound. Every change is audited with the actor.
// Admins cannot change their own role or state or ban themselves (no accidental lock-out).
#include <cstdint>
#include <string>
#include <vector>

#include "app/identity/identity_deps.hpp"
#include "app/identity/identity_types.hpp"

namespace bookstore::app {

class AdminUsers {
 public:
  AdminUsers(IdentityDeps deps, IdentityConfig config);

  Task<std::vector<UserRecord>> list(Principal actor, UserQuery query);            // kReadUsers
  Task<UserDetail> view(Principal actor, std::int64_t user_id, RequestMeta meta);  // kReadUsers
  // role: kManageRoles; state/name: kManageUsers. Role or state changes end the user's sessions.
  Task<UserRecord> update(Principal actor, std::int64_t user_id, AdminUserPatch patch, RequestMeta meta);
  // ban and unban return the account as it is afterwards.
  Task<UserRecord> ban(Principal actor, std::int64_t user_id, std::string reason,
                       RequestMeta meta);                                           // kManageUsers
  Task<UserRecord> unban(Principal actor, std::int64_t user_id, RequestMeta meta);  // kManageUsers
  // Puts the account in pending_deletion due now; the anonymisation job takes it on its next run.
  Task<void> force_delete(Principal actor, std::int64_t user_id, RequestMeta meta);    // kManageUsers
  Task<std::vector<SessionRecord>> sessions(Principal actor, std::int64_t user_id);    // kReadUsers
  Task<int> revoke_sessions(Principal actor, std::int64_t user_id, RequestMeta meta);  // kManageUsers
  Task<std::vector<AuditRecord>> audit(Principal actor, AuditQuery query);             // kReadAudit
  // Resends the verification mail of an unverified user (support).                   kResendMail
  Task<void> resend_verification(Principal actor, std::int64_t user_id, RequestMeta meta);

  // `bookstore admin create`: a verified admin; kConflict when the email is taken, kValidation for a
  // bad email or password (same policy as registration).
  Task<std::int64_t> create_admin(std::string email, std::string password, std::string name);

 private:
  IdentityDeps deps_;
  IdentityConfig config_;
};

}  // namespace bookstore::app
