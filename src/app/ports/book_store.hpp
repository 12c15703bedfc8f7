#pragma once
// Books as the catalog use cases see them (the pg adapter implements it over books, authors, genres,
// publishers and their link tables, migrations/0004_catalog.sql). Reads see live books only unless a
// method says otherwise. Every mutation writes its Effects (audit rows) in its own transaction, and
// returns the book as that transaction left it.
//
// Inputs are validated and normalised by the use case before they get here (ISBN as 13 digits, texts
// trimmed, genre slugs and author names without duplicates); the store enforces what only the database
// can: an ISBN unique among live books (kConflict), genres that exist (kValidation on "genres"), authors
// and the publisher found by folded name (catalog_fold: "García" is "garcia") or created.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "app/catalog/catalog_types.hpp"
#include "app/ports/audit_log.hpp"
#include "app/ports/book_files.hpp"
#include "app/ports/clock.hpp"
#include "app/task.hpp"

namespace bookstore::app {

// Keyset position in the list of deleted books (newest deletion first): rows strictly after it.
struct DeletedBooksCursor {
  TimePoint deleted_at{};
  std::int64_t id = 0;
  bool operator==(const DeletedBooksCursor&) const = default;
};

struct DeletedBooksQuery {
  std::optional<DeletedBooksCursor> after;
  int limit = 50;  // 1..200
};

// What adjust_stock did. Only kAdjusted changed anything (and wrote the effects).
enum class StockOutcome {
  kAdjusted,      // stock is the new value
  kNotFound,      // no live book with this id
  kUnlimited,     // the book has unlimited stock (NULL): there is nothing to add to or take from
  kInsufficient,  // stock + delta would be negative; stock is what is left
  kTooLarge,      // stock + delta would exceed domain::kMaxStock; stock is the current value
};

struct StockAdjustment {
  StockOutcome outcome = StockOutcome::kNotFound;
  std::optional<std::int64_t> stock;
};

// replace_file: the book afterwards and the storage key of the file it had before (to remove once the
// change has committed).
struct FileReplacement {
  BookRecord book;
  std::optional<std::string> previous_key;
};

class BookStore {
 public:
  virtual ~BookStore() = default;

  // One book with its publisher, authors (in their order) and genres; deleted books only when
  // include_deleted.
  virtual Task<std::optional<BookRecord>> find(std::int64_t id, bool include_deleted) = 0;

  // Inserts the book (book.isbn is the 13-digit form). kConflict when a live book has the ISBN;
  // kValidation ("genres") when a slug names no live genre. Audit events with target_type "book" and an
  // empty target_id get the new id.
  virtual Task<BookRecord> create(NewBook book, Effects effects) = 0;

  // Applies the fields that are set (normalised like create; authors and genres replace the lists).
  // kNotFound for an unknown or deleted book, kConflict and kValidation as create.
  virtual Task<BookRecord> update(std::int64_t id, BookPatch patch, Effects effects) = 0;

  // stock = stock + delta in one conditional statement, only for a live book with limited stock and
  // only when the result is 0 or more: concurrent callers never take the stock below zero. On
  // kAdjusted the new stock is added to every audit event of `effects` as the detail "stock", and the
  // effects are written; otherwise nothing is.
  virtual Task<StockAdjustment> adjust_stock(std::int64_t id, std::int64_t delta, Effects effects) = 0;

  // Sets deleted_at. kNotFound for an unknown or already deleted book.
  virtual Task<BookRecord> soft_delete(std::int64_t id, Effects effects) = 0;
  // Clears deleted_at. kNotFound for an unknown or live book; kConflict when a live book has its ISBN.
  virtual Task<BookRecord> restore(std::int64_t id, Effects effects) = 0;
  // Deleted books, most recently deleted first (ties: higher id first), after query.after.
  virtual Task<std::vector<BookRecord>> list_deleted(DeletedBooksQuery query) = 0;

  // Records the book's new file (uploaded now). kNotFound for an unknown or deleted book.
  virtual Task<FileReplacement> replace_file(std::int64_t id, StoredFile file, Effects effects) = 0;
};

}  // namespace bookstore::app
