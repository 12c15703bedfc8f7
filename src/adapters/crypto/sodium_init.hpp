#pragma once
// libsodium must be initialised once before its random generator and its CPU-specific code paths are
// used; every entry point of this adapter that needs it calls this instead of trusting main() to.
namespace bookstore::crypto {

// Initialises libsodium on the first call (thread-safe); throws std::runtime_error if it cannot.
void ensure_sodium();

}  // namespace bookstore::crypto
