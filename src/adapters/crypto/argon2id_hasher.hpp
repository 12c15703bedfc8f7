#pragma once
// Argon2id password hashing with libsodium (implements app::PasswordHasher) on a BoundedPool: the
// memory-hard work never runs on the event loop, and when the pool is saturated callers get
// domain::Error(kUnavailable, retry after 1 s) at once instead of waiting. Construct it after the
// io_context its callers run on (see BoundedPool: it must be destroyed first).
#include <cstddef>
#include <cstdint>
#include <string>

#include "adapters/crypto/bounded_pool.hpp"
#include "app/ports/password_hasher.hpp"

namespace bookstore::crypto {

struct Argon2idConfig {
  // OWASP's minimum for Argon2id (m=19 MiB, t=2, p=1); lower values are refused.
  static constexpr std::size_t kMinMemoryKib = 19456;
  static constexpr std::uint32_t kMinIterations = 2;

  std::size_t memory_kib = kMinMemoryKib;
  std::uint32_t iterations = kMinIterations;
  std::size_t threads = 0;          // hashing threads; 0: one per hardware thread (at least 1)
  std::size_t queue_capacity = 64;  // hashes waiting for a thread before callers get kUnavailable
};

class Argon2idHasher final : public app::PasswordHasher {
 public:
  // Throws std::invalid_argument for parameters below the minimum or beyond libsodium's limits. Hashes
  // one random password (the dummy for verify_dummy) on the calling thread.
  explicit Argon2idHasher(Argon2idConfig config = {});

  Task<std::string> hash(std::string password) override;
  Task<app::PasswordVerdict> verify(std::string stored_hash, std::string password) override;
  Task<void> verify_dummy(std::string password) override;

  PoolStats stats() const { return pool_.stats(); }
  const Argon2idConfig& config() const noexcept { return config_; }

 private:
  std::string hash_now(const std::string& password) const;
  app::PasswordVerdict verify_now(const std::string& stored_hash, const std::string& password) const;

  Argon2idConfig config_;
  unsigned long long opslimit_;
  std::size_t memlimit_;
  std::string dummy_hash_;
  BoundedPool pool_;  // last: its destructor waits for jobs that use the members above
};

}  // namespace bookstore::crypto
