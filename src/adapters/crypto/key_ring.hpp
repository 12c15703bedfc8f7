#pragma once
// The service's keys, built from configuration strings: each is either a PASERK itself or the path of a
// file holding one (a value starting with '/', './' or '../'), so that deployments can keep keys out of
// the environment (Docker/Kubernetes secrets mounted as files). Configuration errors throw
// std::invalid_argument with a message that names the setting and the problem, never the key.
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/crypto/keys.hpp"

namespace bookstore::crypto {

struct KeyRingSources {
  std::string signing_key;        // k4.secret PASERK or file: signs access tokens
  std::string verification_keys;  // comma-separated k4.public PASERKs or files; may be empty
  std::string local_key;          // k4.local PASERK or file: keyed digests and sealed job payloads
};

struct KeyRing {
  SecretKey signing_key;
  std::vector<PublicKey> verification_keys;
  LocalKey local_key;
};

KeyRing load_key_ring(const KeyRingSources& sources);

// Each of these reads one setting; `setting` names it in error messages (e.g. the environment variable).
SecretKey load_secret_key(std::string_view value, std::string_view setting);
std::vector<PublicKey> load_public_keys(std::string_view comma_separated, std::string_view setting);
LocalKey load_local_key(std::string_view value, std::string_view setting);

struct KeyFiles {
  std::filesystem::path signing_key;  // <dir>/signing.k4.secret
  std::filesystem::path local_key;    // <dir>/local.k4.local
};

// For the dev stack: creates `dir` (mode 0700) if needed and writes a fresh key to each of the two files
// that does not exist yet, with mode 0600. Never overwrites an existing file, so restarts keep their
// keys (and the tokens and digests made with them). Throws std::runtime_error on I/O errors.
KeyFiles generate_key_files(const std::filesystem::path& dir);

}  // namespace bookstore::crypto
