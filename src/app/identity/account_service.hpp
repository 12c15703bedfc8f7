#pragma once
// What a signed-in user does with their own account (PRODUCT.md 1): profile, password, email, sessions,
// deactivation, deletion, export. Every call acts on principal.user_id only: there is no way to name
// another user here, and another user's session id answers kNotFound.
#include <string>
#include <vector>

#include "app/identity/identity_deps.hpp"
#include "app/identity/identity_types.hpp"

namespace bookstore::app {

class AccountService {
 public:
  AccountService(IdentityDeps deps, IdentityConfig config);

  Task<UserRecord> me(Principal principal);
  // protected_fields non-empty: kForbidden naming them. Name: 1..100 characters after trimming.
  Task<UserRecord> update_profile(Principal principal, ProfilePatch patch, RequestMeta meta);
  // Wrong current password: kValidation on current_password (counts towards lockout).
  Task<void> change_password(Principal principal, std::string current_password, std::string new_password,
                             bool end_other_sessions, RequestMeta meta);
  // Sends a code + link to new_email; the address changes when it is verified (verify_email_* of
  // AuthService with the change-email token) and the old address is told.
  Task<void> request_email_change(Principal principal, std::string password, std::string new_email,
                                  RequestMeta meta);

  Task<std::vector<SessionRecord>> sessions(Principal principal);
  Task<void> revoke_session(Principal principal, std::string session_id, RequestMeta meta);
  Task<int> revoke_all_sessions(Principal principal, RequestMeta meta);  // includes the current one

  Task<void> deactivate(Principal principal, std::string password, RequestMeta meta);
  Task<void> reactivate(Principal principal, std::string password, RequestMeta meta);
  // Returns when the account will be anonymised (now + the deletion grace period).
  Task<TimePoint> request_deletion(Principal principal, std::string password, RequestMeta meta);
  Task<void> cancel_deletion(Principal principal, std::string password, RequestMeta meta);

  Task<AccountExport> export_data(Principal principal);

 private:
  IdentityDeps deps_;
  IdentityConfig config_;
};

}  // namespace bookstore::app
