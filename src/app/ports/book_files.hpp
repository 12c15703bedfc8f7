#pragma once
// Where the books' files live (PRODUCT.md 3 "upload/replace the book file"): a directory outside any
// public root (BOOKSTORE_BOOK_FILES_DIR), one file per upload under a fresh storage key. Downloads (a
// later feature) hand nginx the key through X-Accel-Redirect; nothing serves the directory directly.
#include <cstdint>
#include <string>
#include <string_view>

#include "app/task.hpp"

namespace bookstore::app {

struct StoredFile {
  std::string storage_key;  // relative name inside the directory, chosen by the storage
  std::int64_t size = 0;    // bytes
  std::string sha256;       // lowercase hex of the content
};

class BookFiles {
 public:
  virtual ~BookFiles() = default;
  // Checks that content is a file of the format ("epub": a ZIP whose first entry is the uncompressed
  // "mimetype" holding application/epub+zip; "pdf": starts with "%PDF-"), then writes it under a new
  // key (complete or not at all) and returns the key, size and SHA-256. Throws domain::Error
  // kValidation (field "file") when the content is empty or not of the format. Slow work (hashing,
  // writing) never runs on the calling thread's event loop.
  virtual Task<StoredFile> store(std::string format, std::string content) = 0;
  // Removes a stored file; a key that is not there is not an error (best effort after a replacement).
  virtual Task<void> remove(std::string storage_key) = 0;
};

}  // namespace bookstore::app
