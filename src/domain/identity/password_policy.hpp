#pragma once
// Password rules (PRODUCT.md 1): 8..128 characters (Unicode code points of valid UTF-8; no truncation),
// not in the common-password list (compared case-insensitively), not equal to the email.
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>

namespace bookstore::domain {

class PasswordPolicy {
 public:
  PasswordPolicy() = default;
  // common: lower-cased entries of the common-password list (loaded by an adapter at start).
  explicit PasswordPolicy(std::unordered_set<std::string> common) : common_(std::move(common)) {}

  // What is wrong with the password, for a person, or nullopt when it is acceptable.
  std::optional<std::string> problem(std::string_view password, std::string_view email) const;
  std::size_t common_count() const noexcept { return common_.size(); }

 private:
  std::unordered_set<std::string> common_;
};

}  // namespace bookstore::domain
