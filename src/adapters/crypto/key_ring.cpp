#include "adapters/crypto/key_ring.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <optional>
#include <stdexcept>

#include <fmt/format.h>

#include "adapters/crypto/paserk.hpp"
#include "adapters/crypto/secure_bytes.hpp"

namespace bookstore::crypto {
namespace {

// Larger than any PASERK: a bigger file is not a key file, and is not read whole into memory.
constexpr std::size_t kMaxKeyFileBytes = 4096;

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

bool is_path(std::string_view value) {
  return value.starts_with('/') || value.starts_with("./") || value.starts_with("../");
}

// The PASERK text of a setting: the value itself, or the trimmed content of the file it names.
// `where` is filled with a description for error messages that never includes key material.
WipedString resolve(std::string_view value, std::string_view setting, std::string& where) {
  value = trim(value);
  if (!is_path(value)) {
    where = std::string(setting);
    return WipedString(std::string(value));
  }
  where = fmt::format("{} (file {})", setting, value);
  std::ifstream in{std::string(value), std::ios::binary};
  if (!in) throw std::invalid_argument(fmt::format("{}: cannot be read", where));
  WipedString content(std::string(kMaxKeyFileBytes + 1, '\0'));
  in.read(content.get().data(), static_cast<std::streamsize>(content.get().size()));
  if (in.bad()) throw std::invalid_argument(fmt::format("{}: cannot be read", where));
  const auto n = static_cast<std::size_t>(in.gcount());
  if (n > kMaxKeyFileBytes) throw std::invalid_argument(fmt::format("{}: too large for a key file", where));
  const std::string_view text = trim(std::string_view(content.get()).substr(0, n));
  return WipedString(std::string(text));
}

// What a wrong value looks like, named without showing it.
std::string_view kind_of(std::string_view text) {
  if (text.empty()) return "an empty value";
  if (text.starts_with(paserk::kSecretPrefix)) return "a k4.secret PASERK";
  if (text.starts_with(paserk::kPublicPrefix)) return "a k4.public PASERK";
  if (text.starts_with(paserk::kLocalPrefix)) return "a k4.local PASERK";
  if (text.starts_with('k') && text.find('.') != std::string_view::npos)
    return "a PASERK of another version or type";
  return "not a PASERK";
}

[[noreturn]] void fail(const std::string& where, std::string_view expected, std::string_view text) {
  const std::string_view kind = kind_of(text);
  if (text.starts_with(expected)) {
    throw std::invalid_argument(fmt::format("{}: malformed {} PASERK (wrong length or encoding)", where,
                                            expected.substr(0, expected.size() - 1)));
  }
  throw std::invalid_argument(
      fmt::format("{}: expected a {} PASERK or a key file path (starting with / or ./), "
                  "got {}",
                  where, expected.substr(0, expected.size() - 1), kind));
}

void write_new_key_file(const std::filesystem::path& path, std::string content) {
  WipedString held(std::move(content));
  held.get() += '\n';
  // O_EXCL: an existing file is never replaced, even when two processes race here.
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    if (errno == EEXIST) return;
    throw std::runtime_error(
        fmt::format("cannot create key file {}: {}", path.string(), std::strerror(errno)));
  }
  const std::string& data = held.get();
  std::size_t written = 0;
  while (written < data.size()) {
    const ssize_t n = ::write(fd, data.data() + written, data.size() - written);
    if (n < 0) {
      if (errno == EINTR) continue;
      const int err = errno;
      ::close(fd);
      ::unlink(path.c_str());
      throw std::runtime_error(
          fmt::format("cannot write key file {}: {}", path.string(), std::strerror(err)));
    }
    written += static_cast<std::size_t>(n);
  }
  const bool synced = ::fsync(fd) == 0;
  ::close(fd);
  if (!synced) throw std::runtime_error(fmt::format("cannot sync key file {}", path.string()));
}

}  // namespace

SecretKey load_secret_key(std::string_view value, std::string_view setting) {
  std::string where;
  WipedString text = resolve(value, setting, where);
  auto key = paserk::parse_secret(text.get());
  if (!key) fail(where, paserk::kSecretPrefix, text.get());
  return *key;
}

LocalKey load_local_key(std::string_view value, std::string_view setting) {
  std::string where;
  WipedString text = resolve(value, setting, where);
  auto key = paserk::parse_local(text.get());
  if (!key) fail(where, paserk::kLocalPrefix, text.get());
  return *key;
}

std::vector<PublicKey> load_public_keys(std::string_view comma_separated, std::string_view setting) {
  std::vector<PublicKey> keys;
  if (trim(comma_separated).empty()) return keys;
  std::size_t index = 0;
  while (true) {
    ++index;
    const auto comma = comma_separated.find(',');
    const std::string_view item = comma_separated.substr(0, comma);
    const std::string item_setting = fmt::format("{} item {}", setting, index);
    std::string where;
    WipedString text = resolve(item, item_setting, where);
    if (text.get().starts_with(paserk::kSecretPrefix)) {
      // A secret key here would still "work" (its public half verifies) but leaks it to every reader of
      // the verification settings: refuse it outright.
      throw std::invalid_argument(
          fmt::format("{}: is a k4.secret PASERK; configure only k4.public keys for verification", where));
    }
    auto key = paserk::parse_public(text.get());
    if (!key) fail(where, paserk::kPublicPrefix, text.get());
    keys.push_back(*key);
    if (comma == std::string_view::npos) break;
    comma_separated.remove_prefix(comma + 1);
  }
  return keys;
}

KeyRing load_key_ring(const KeyRingSources& sources) {
  return KeyRing{load_secret_key(sources.signing_key, "signing key"),
                 load_public_keys(sources.verification_keys, "verification keys"),
                 load_local_key(sources.local_key, "local key")};
}

KeyFiles generate_key_files(const std::filesystem::path& dir) {
  std::error_code ec;
  if (!std::filesystem::exists(dir, ec)) {
    std::filesystem::create_directories(dir, ec);
    if (ec)
      throw std::runtime_error(fmt::format("cannot create key directory {}: {}", dir.string(), ec.message()));
    std::filesystem::permissions(dir, std::filesystem::perms::owner_all, ec);
  }
  KeyFiles files{dir / "signing.k4.secret", dir / "local.k4.local"};
  if (!std::filesystem::exists(files.signing_key)) {
    write_new_key_file(files.signing_key, paserk::encode(SecretKey::generate()));
  }
  if (!std::filesystem::exists(files.local_key)) {
    write_new_key_file(files.local_key, paserk::encode(LocalKey::generate()));
  }
  return files;
}

}  // namespace bookstore::crypto
