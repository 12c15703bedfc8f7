#include "adapters/catalog/file_storage.hpp"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <system_error>

#include <fmt/format.h>

#include "adapters/crypto/sodium_init.hpp"
#include "domain/error.hpp"

namespace bookstore::catalog {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kZipLocalHeader = "PK\x03\x04";
constexpr std::string_view kEpubMimetypeName = "mimetype";
constexpr std::string_view kEpubMediaType = "application/epub+zip";
constexpr std::size_t kZipLocalHeaderSize = 30;
constexpr std::string_view kPdfHeader = "%PDF-";
constexpr std::string_view kPdfEof = "%%EOF";
constexpr std::size_t kPdfEofWindow = 1024;
constexpr std::string_view kTempPrefix = ".upload-";
constexpr std::string_view kTempSuffix = ".tmp";

[[noreturn]] void refuse_file(std::string message) {
  throw domain::Error::validation({domain::FieldError{"file", std::move(message)}});
}

std::uint32_t le16(std::string_view b, std::size_t at) {
  return static_cast<std::uint32_t>(static_cast<unsigned char>(b[at])) |
         static_cast<std::uint32_t>(static_cast<unsigned char>(b[at + 1])) << 8;
}

std::uint32_t le32(std::string_view b, std::size_t at) {
  return le16(b, at) | le16(b, at + 2) << 16;
}

void check_epub(std::string_view c) {
  static const std::string kNotEpub =
      "is not an EPUB: an EPUB is a ZIP archive whose first entry is an uncompressed \"mimetype\" file "
      "holding application/epub+zip";
  if (c.size() < kZipLocalHeaderSize || !c.starts_with(kZipLocalHeader)) refuse_file(kNotEpub);
  const std::uint32_t flags = le16(c, 6);
  const std::uint32_t method = le16(c, 8);
  const std::uint32_t compressed_size = le32(c, 18);
  const std::uint32_t name_length = le16(c, 26);
  const std::uint32_t extra_length = le16(c, 28);
  const std::size_t data_at = kZipLocalHeaderSize + name_length + extra_length;
  if (c.size() < data_at + kEpubMediaType.size()) refuse_file(kNotEpub);
  if (c.substr(kZipLocalHeaderSize, name_length) != kEpubMimetypeName) refuse_file(kNotEpub);
  if (method != 0 || (flags & 1u) != 0) refuse_file(kNotEpub);  // compressed or encrypted
  // Bit 3: sizes follow the data (in a data descriptor) and are zero here; otherwise exactly the text.
  const bool sizes_later = (flags & 8u) != 0;
  if (!sizes_later && compressed_size != kEpubMediaType.size()) refuse_file(kNotEpub);
  if (c.substr(data_at, kEpubMediaType.size()) != kEpubMediaType) refuse_file(kNotEpub);
}

void check_pdf(std::string_view c) {
  if (!c.starts_with(kPdfHeader)) refuse_file("is not a PDF: it does not start with %PDF-");
  const std::size_t tail_at = c.size() > kPdfEofWindow ? c.size() - kPdfEofWindow : 0;
  if (c.substr(tail_at).find(kPdfEof) == std::string_view::npos)
    refuse_file("is not a complete PDF: there is no %%EOF marker at its end (was the upload cut short?)");
}

std::string random_hex(std::size_t bytes) {
  std::array<unsigned char, 32> raw{};
  if (bytes > raw.size()) throw std::logic_error("random_hex: too many bytes");
  randombytes_buf(raw.data(), bytes);
  std::string hex(bytes * 2 + 1, '\0');
  sodium_bin2hex(hex.data(), hex.size(), raw.data(), bytes);
  hex.pop_back();
  return hex;
}

std::system_error os_error(int err, const std::string& what) {
  return std::system_error(err, std::generic_category(), what);
}

class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  int get() const noexcept { return fd_; }
  // Closes now and reports the error (a delayed write error can surface here).
  void close(const std::string& what) {
    int fd = fd_;
    fd_ = -1;
    if (::close(fd) != 0 && errno != EINTR) throw os_error(errno, what);
  }

 private:
  int fd_;
};

void fsync_directory(const fs::path& dir) {
  Fd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (fd.get() < 0) throw os_error(errno, "open directory " + dir.string());
  if (::fsync(fd.get()) != 0) throw os_error(errno, "fsync directory " + dir.string());
  fd.close("close directory " + dir.string());
}

void write_all(int fd, std::string_view data, const fs::path& path) {
  while (!data.empty()) {
    // At most 1 GiB per call: Linux writes no more than about 2 GiB at once anyway.
    const std::size_t chunk = std::min<std::size_t>(data.size(), std::size_t{1} << 30);
    const ssize_t n = ::write(fd, data.data(), chunk);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw os_error(errno, "write " + path.string());
    }
    data.remove_prefix(static_cast<std::size_t>(n));
  }
}

// Makes `dir` (mode 0700) if it is missing; true when it was made here.
bool make_directory(const fs::path& dir) {
  if (::mkdir(dir.c_str(), 0700) == 0) return true;
  if (errno == EEXIST) {
    struct stat st {};
    if (::stat(dir.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) return false;
    throw std::runtime_error(dir.string() + " exists and is not a directory");
  }
  throw os_error(errno, "create directory " + dir.string());
}

fs::path prepare_directory(fs::path dir) {
  if (dir.empty()) throw std::runtime_error("the book files directory is not set (BOOKSTORE_BOOK_FILES_DIR)");
  std::error_code ec;
  dir = fs::absolute(dir, ec).lexically_normal();
  if (ec) throw std::runtime_error("book files directory: " + ec.message());
  if (!dir.has_filename()) dir = dir.parent_path();  // "/srv/books/" -> "/srv/books"
  const auto fail = [&dir](const std::string& why) {
    return std::runtime_error(fmt::format("book files directory {}: {}", dir.string(), why));
  };
  struct stat st {};
  if (::stat(dir.c_str(), &st) != 0) {
    if (errno != ENOENT) throw fail(std::strerror(errno));
    if (dir.has_parent_path()) {
      fs::create_directories(dir.parent_path(), ec);
      if (ec) throw fail("cannot create its parent: " + ec.message());
    }
    if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) throw fail(std::strerror(errno));
    if (::stat(dir.c_str(), &st) != 0) throw fail(std::strerror(errno));
  }
  if (!S_ISDIR(st.st_mode)) throw fail("not a directory");
  // A real write, not access(2): root passes access() even on a read-only file system.
  crypto::ensure_sodium();
  const fs::path probe = dir / fmt::format("{}probe-{}{}", kTempPrefix, random_hex(8), kTempSuffix);
  Fd fd(::open(probe.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600));
  if (fd.get() < 0) throw fail(fmt::format("not writable ({})", std::strerror(errno)));
  fd.close("close " + probe.string());
  ::unlink(probe.c_str());
  return dir;
}

bool is_lower_hex(std::string_view s) noexcept {
  for (char ch : s)
    if (!((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f'))) return false;
  return true;
}

}  // namespace

LocalBookFiles::LocalBookFiles(std::filesystem::path directory, std::size_t threads,
                               std::size_t queue_capacity)
    : directory_(prepare_directory(std::move(directory))),
      pool_(threads, queue_capacity, "book file storage is busy") {}

void LocalBookFiles::check_content(std::string_view format, std::string_view content) {
  if (format != "epub" && format != "pdf")
    throw domain::Error::validation({domain::FieldError{"format", "must be epub or pdf"}});
  if (content.empty()) refuse_file("is empty");
  if (format == "epub") {
    check_epub(content);
  } else {
    check_pdf(content);
  }
}

bool LocalBookFiles::valid_key(std::string_view key) noexcept {
  // "ab/" + 32 hex + ".epub" | ".pdf", and the subdirectory is the name's first two characters.
  std::string_view extension;
  if (key.ends_with(".epub")) {
    extension = ".epub";
  } else if (key.ends_with(".pdf")) {
    extension = ".pdf";
  } else {
    return false;
  }
  if (key.size() != 3 + 32 + extension.size() || key[2] != '/') return false;
  const std::string_view dir = key.substr(0, 2);
  const std::string_view name = key.substr(3, 32);
  return is_lower_hex(dir) && is_lower_hex(name) && name.starts_with(dir);
}

app::StoredFile LocalBookFiles::store_now(const std::string& extension, const std::string& content) const {
  app::StoredFile out;
  out.size = static_cast<std::int64_t>(content.size());

  std::array<unsigned char, crypto_hash_sha256_BYTES> digest{};
  crypto_hash_sha256(digest.data(), reinterpret_cast<const unsigned char*>(content.data()), content.size());
  std::array<char, crypto_hash_sha256_BYTES * 2 + 1> hex{};
  sodium_bin2hex(hex.data(), hex.size(), digest.data(), digest.size());
  out.sha256 = hex.data();

  const std::string name = random_hex(16);
  const std::string subdir_name = name.substr(0, 2);
  out.storage_key = subdir_name + "/" + name + "." + extension;
  const fs::path subdir = directory_ / subdir_name;
  const fs::path final_path = directory_ / out.storage_key;
  const fs::path temp_path = subdir / fmt::format("{}{}{}", kTempPrefix, name, kTempSuffix);

  // A new subdirectory is an entry of the top directory: make that entry durable too.
  if (make_directory(subdir)) fsync_directory(directory_);

  bool temp_exists = false;
  bool renamed = false;
  try {
    Fd fd(::open(temp_path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600));
    if (fd.get() < 0) throw os_error(errno, "create " + temp_path.string());
    temp_exists = true;
    write_all(fd.get(), content, temp_path);
    if (::fsync(fd.get()) != 0) throw os_error(errno, "fsync " + temp_path.string());
    fd.close("close " + temp_path.string());
    // The name is fresh (128 random bits), so nothing is replaced.
    if (::rename(temp_path.c_str(), final_path.c_str()) != 0)
      throw os_error(errno, "rename " + temp_path.string() + " to " + final_path.string());
    renamed = true;
    fsync_directory(subdir);
  } catch (...) {
    // Renamed but the directory fsync failed: the file may or may not survive a crash, and the caller
    // records nothing, so it goes as well.
    if (renamed) {
      ::unlink(final_path.c_str());
    } else if (temp_exists) {
      ::unlink(temp_path.c_str());
    }
    throw;
  }
  return out;
}

void LocalBookFiles::remove_now(const std::string& key) const {
  const fs::path path = directory_ / key;
  if (::unlink(path.c_str()) != 0 && errno != ENOENT) throw os_error(errno, "remove " + path.string());
}

Task<app::StoredFile> LocalBookFiles::store(std::string format, std::string content) {
  check_content(format, content);
  auto work = [this, extension = std::move(format), content = std::move(content)] {
    return store_now(extension, content);
  };
  co_return co_await pool_.run(work);
}

Task<void> LocalBookFiles::remove(std::string storage_key) {
  if (!valid_key(storage_key)) throw std::invalid_argument("not a book file storage key: " + storage_key);
  auto work = [this, key = std::move(storage_key)] { remove_now(key); };
  co_await pool_.run(work);
}

}  // namespace bookstore::catalog
