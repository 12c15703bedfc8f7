#pragma once
// Rules about accounts beyond the values of account.hpp: permission names (for error messages and
// logs) and which state changes the life cycle of an account allows.
#include <string_view>

#include "domain/identity/account.hpp"

namespace bookstore::domain {

// "read_users", "manage_roles", ...
std::string_view to_string(Permission permission) noexcept;

// The transitions of the diagram in account.hpp:
//   active <-> deactivated, active -> pending_deletion, pending_deletion -> active,
//   pending_deletion -> deleted. Staying in the same state is not a transition (false).
bool is_allowed_transition(AccountState from, AccountState to) noexcept;

}  // namespace bookstore::domain
