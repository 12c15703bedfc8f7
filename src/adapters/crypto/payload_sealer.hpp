#pragma once
// Job payloads that carry secrets (e.g. a one-time link token to mail) are sealed before they are
// stored in the jobs table: v4.local with the service's local key and an implicit assertion that binds
// the token to this use, so a sealed payload cannot be passed off as any other v4.local token of ours.
#include <optional>
#include <string>
#include <string_view>

#include "adapters/crypto/keys.hpp"

namespace bookstore::crypto {

class PayloadSealer {
 public:
  static constexpr std::string_view kImplicitAssertion = "bookstore-job-payload";

  explicit PayloadSealer(LocalKey key) : key_(std::move(key)) {}

  // A v4.local token (no footer) holding `plaintext`.
  std::string seal(std::string_view plaintext) const;
  // The plaintext of a token seal() made with the same key; nullopt if anything differs.
  std::optional<std::string> open(std::string_view token) const;

 private:
  LocalKey key_;
};

}  // namespace bookstore::crypto
