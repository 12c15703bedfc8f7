#pragma once
// The books' files on the local file system (implements app::BookFiles): one directory
// (BOOKSTORE_BOOK_FILES_DIR), outside any public root, holding each upload under a fresh random key
// "<2 hex>/<32 hex>.<epub|pdf>"; the two-character subdirectories (the first two characters of the
// name) keep every directory small. A file appears complete or not at all: it is written to a temporary
// file in the same subdirectory, fsync'ed, renamed into place, and the directory fsync'ed.
//
// The content check (EPUB OCF / PDF markers: a few bytes at the ends) runs on the caller's thread;
// hashing (SHA-256) and every file system call run on a small BoundedPool of their own, so the event
// loop never waits on the disk. When that pool is saturated, store() and remove() throw
// domain::Error(kUnavailable) at once (503 + Retry-After).
//
// Construct it after the io_context its callers run on (see BoundedPool: it must be destroyed first).
#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>

#include "adapters/crypto/bounded_pool.hpp"
#include "app/ports/book_files.hpp"

namespace bookstore::catalog {

class LocalBookFiles final : public app::BookFiles {
 public:
  // Creates `directory` (mode 0700, parents as needed) when it is missing; throws std::runtime_error
  // naming the path when it is empty, not a directory, or not writable (a probe file is created and
  // removed, so read-only file systems are caught as well). A relative path is made absolute against
  // the working directory now. `threads` / `queue_capacity`: the file pool's workers (0: one per core) and
  // the jobs that may wait for one.
  explicit LocalBookFiles(std::filesystem::path directory, std::size_t threads = 2,
                          std::size_t queue_capacity = 16);

  // format: "epub" or "pdf" (anything else: kValidation on field "format"). The EPUB check is the OCF
  // rule: a ZIP local file header at byte 0 whose first entry is "mimetype", stored (method 0), not
  // encrypted, holding exactly "application/epub+zip". The PDF check: "%PDF-" at byte 0 and "%%EOF"
  // within the last 1024 bytes (a truncated upload fails it). Failures: kValidation on field "file".
  Task<app::StoredFile> store(std::string format, std::string content) override;
  // Throws std::invalid_argument for a key that is not of the shape store() makes (so nothing outside
  // the directory can ever be named); a missing file is not an error.
  Task<void> remove(std::string storage_key) override;

  const std::filesystem::path& directory() const noexcept { return directory_; }
  // True for keys of the shape store() returns: "ab/ab<30 hex>.epub" or ".pdf", lowercase hex.
  static bool valid_key(std::string_view key) noexcept;
  // The content checks alone (no I/O); throws what store() throws for a bad format or content.
  static void check_content(std::string_view format, std::string_view content);
  crypto::PoolStats stats() const { return pool_.stats(); }

 private:
  app::StoredFile store_now(const std::string& extension, const std::string& content) const;
  void remove_now(const std::string& key) const;

  std::filesystem::path directory_;
  crypto::BoundedPool pool_;  // last: its destructor waits for jobs that use the members above
};

}  // namespace bookstore::catalog
