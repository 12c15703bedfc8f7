#include "adapters/crypto/payload_sealer.hpp"

#include "adapters/crypto/paseto_local.hpp"

namespace bookstore::crypto {

std::string PayloadSealer::seal(std::string_view plaintext) const {
  return v4_local::encrypt(key_, plaintext, {}, kImplicitAssertion);
}

std::optional<std::string> PayloadSealer::open(std::string_view token) const {
  auto opened = v4_local::decrypt(key_, token, kImplicitAssertion);
  if (!opened || !opened->footer.empty()) return std::nullopt;  // seal() never writes a footer
  return std::move(opened->payload);
}

}  // namespace bookstore::crypto
