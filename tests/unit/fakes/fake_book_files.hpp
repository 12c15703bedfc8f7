#pragma once
// Book files in a map. store() checks the content like the real storage does (a ZIP for epub, "%PDF-"
// for pdf; kValidation on "file" otherwise) and hands out fresh keys; tests read what is stored, what
// was removed and in which order things happened.
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include "app/ports/book_files.hpp"
#include "domain/error.hpp"

namespace bookstore::fakes {

class FakeBookFiles : public app::BookFiles {
 public:
  // `log`, when given, also receives the calls (shared with FakeBookStore to see the order of both).
  explicit FakeBookFiles(std::vector<std::string>* log = nullptr) : log_(log) {}

  // "store:<key>" and "remove:<key>" in call order.
  std::vector<std::string> calls;
  std::map<std::string, std::string> files;  // key -> content
  bool fail_remove = false;

  Task<app::StoredFile> store(std::string format, std::string content) override {
    const bool ok = (format == "epub" && content.rfind("PK\x03\x04", 0) == 0) ||
                    (format == "pdf" && content.rfind("%PDF-", 0) == 0);
    if (!ok) {
      std::vector<domain::FieldError> fields{{"file", "is not a " + format + " file"}};
      throw domain::Error::validation(std::move(fields));
    }
    app::StoredFile stored;
    stored.storage_key = "key-" + std::to_string(++next_) + "." + format;
    stored.size = static_cast<std::int64_t>(content.size());
    stored.sha256 = std::string(64, static_cast<char>('a' + next_ % 6));
    files[stored.storage_key] = std::move(content);
    note("store:" + stored.storage_key);
    co_return stored;
  }

  Task<void> remove(std::string storage_key) override {
    note("remove:" + storage_key);
    if (fail_remove) throw std::runtime_error("disk on fire");
    files.erase(storage_key);
    co_return;
  }

 private:
  void note(std::string call) {
    if (log_) log_->push_back(call);
    calls.push_back(std::move(call));
  }

  std::vector<std::string>* log_;
  int next_ = 0;
};

}  // namespace bookstore::fakes
