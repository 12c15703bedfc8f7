#include "domain/identity/account_rules.hpp"

namespace bookstore::domain {

std::string_view to_string(Permission permission) noexcept {
  switch (permission) {
    case Permission::kReadUsers:
      return "read_users";
    case Permission::kResendMail:
      return "resend_mail";
    case Permission::kReadOrders:
      return "read_orders";
    case Permission::kManageUsers:
      return "manage_users";
    case Permission::kManageRoles:
      return "manage_roles";
    case Permission::kReadAudit:
      return "read_audit";
    case Permission::kManageCatalog:
      return "manage_catalog";
    case Permission::kManageOrders:
      return "manage_orders";
  }
  return "unknown";
}

bool is_allowed_transition(AccountState from, AccountState to) noexcept {
  using S = AccountState;
  switch (from) {
    case S::kActive:
      return to == S::kDeactivated || to == S::kPendingDeletion;
    case S::kDeactivated:
      return to == S::kActive;
    case S::kPendingDeletion:
      return to == S::kActive || to == S::kDeleted;
    case S::kDeleted:
      return false;
  }
  return false;
}

}  // namespace bookstore::domain
