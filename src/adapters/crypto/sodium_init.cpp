#include "adapters/crypto/sodium_init.hpp"

#include <sodium.h>

#include <stdexcept>

namespace bookstore::crypto {

void ensure_sodium() {
  // A function-local static runs sodium_init() exactly once, even with several threads racing here.
  static const bool ready = sodium_init() >= 0;
  if (!ready) throw std::runtime_error("libsodium could not be initialised");
}

}  // namespace bookstore::crypto
