#include "domain/identity/account.hpp"

namespace bookstore::domain {

bool role_allows(Role role, Permission permission) noexcept {
  switch (role) {
    case Role::kAdmin:
      return true;
    case Role::kSupport:
      return permission == Permission::kReadUsers || permission == Permission::kResendMail ||
             permission == Permission::kReadOrders;
    case Role::kInventory:
      return permission == Permission::kManageCatalog;
    case Role::kCustomer:
      return false;
  }
  return false;
}

std::string_view to_string(Role role) noexcept {
  switch (role) {
    case Role::kCustomer:
      return "customer";
    case Role::kSupport:
      return "support";
    case Role::kInventory:
      return "inventory";
    case Role::kAdmin:
      return "admin";
  }
  return "customer";
}

std::optional<Role> parse_role(std::string_view text) noexcept {
  for (Role r : {Role::kCustomer, Role::kSupport, Role::kInventory, Role::kAdmin}) {
    if (text == to_string(r)) return r;
  }
  return std::nullopt;
}

std::string_view to_string(AccountState state) noexcept {
  switch (state) {
    case AccountState::kActive:
      return "active";
    case AccountState::kDeactivated:
      return "deactivated";
    case AccountState::kPendingDeletion:
      return "pending_deletion";
    case AccountState::kDeleted:
      return "deleted";
  }
  return "active";
}

std::optional<AccountState> parse_account_state(std::string_view text) noexcept {
  for (AccountState s : {AccountState::kActive, AccountState::kDeactivated, AccountState::kPendingDeletion,
                         AccountState::kDeleted}) {
    if (text == to_string(s)) return s;
  }
  return std::nullopt;
}

}  // namespace bookstore::domain
