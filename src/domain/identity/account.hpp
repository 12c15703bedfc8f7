#pragma once
// Accounts, roles and permissions (PRODUCT.md sections 1 and 2): the values and rules, no I/O.
#include <optional>
#include <string>
#include <string_view>

namespace bookstore::domain {

enum class Role { kCustomer, kSupport, kInventory, kAdmin };

// What a role may do. Checked in the use cases (not only in routes).
enum class Permission {
  kReadUsers,      // support, admin: list/search/view users, see their sessions
  kResendMail,     // support, admin
  kReadOrders,     // support, admin
  kManageUsers,    // admin: ban/unban, deactivate/reactivate, force-delete, revoke sessions
  kManageRoles,    // admin
  kReadAudit,      // admin
  kManageCatalog,  // inventory, admin
  kManageOrders,   // admin: refunds
};

bool role_allows(Role role, Permission permission) noexcept;
std::string_view to_string(Role role) noexcept;
std::optional<Role> parse_role(std::string_view text) noexcept;

// The life of an account. Banned is orthogonal (a flag set by admins), not a state.
//   active <-> deactivated          (user: deactivate / log in and reactivate; admin: either way)
//   active  -> pending_deletion     (user with password, or admin force-delete with an immediate due date)
//   pending_deletion -> active      (user logs in or cancels within the grace period)
//   pending_deletion -> deleted     (the anonymisation job, once the due date has passed)
enum class AccountState { kActive, kDeactivated, kPendingDeletion, kDeleted };

std::string_view to_string(AccountState state) noexcept;
std::optional<AccountState> parse_account_state(std::string_view text) noexcept;

}  // namespace bookstore::domain
