#pragma once
// The common-password list (PRODUCT.md 1: Debian john-data's /usr/share/john/password.lst), loaded once
// at start for domain::PasswordPolicy.
#include <string>
#include <unordered_set>

namespace bookstore::config {

// Lower-cased entries, one per line; "#!comment" lines and blank lines are skipped. An empty path gives
// an empty set; a path that cannot be read throws std::runtime_error naming it (a configured list that
// silently fails to load would weaken every password check).
std::unordered_set<std::string> load_common_passwords(const std::string& path);

}  // namespace bookstore::config
