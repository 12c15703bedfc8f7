#pragma once
// Argon2id password hashing (adapters/crypto). The work runs on a bounded thread pool, never on the
// event loop; when that pool and its queue are full the calls throw domain::Error(kUnavailable) with a
// Retry-After, which the HTTP layer answers as 503.
#include <string>

#include "app/task.hpp"

namespace bookstore::app {

struct PasswordVerdict {
  PasswordVerdict() = default;
  PasswordVerdict(bool match_, bool needs_rehash_) : match(match_), needs_rehash(needs_rehash_) {}
  bool match = false;
  bool needs_rehash = false;  // stored with other parameters than the current ones: hash again and store
};

class PasswordHasher {
 public:
  virtual ~PasswordHasher() = default;
  // The encoded Argon2id string (libsodium crypto_pwhash_str format, parameters and salt inside).
  virtual Task<std::string> hash(std::string password) = 0;
  virtual Task<PasswordVerdict> verify(std::string stored_hash, std::string password) = 0;
  // The same work as verify() against a fixed hash, for accounts that do not exist or have no
  // password: answers take as long whether an email is registered or not.
  virtual Task<void> verify_dummy(std::string password) = 0;
};

}  // namespace bookstore::app
