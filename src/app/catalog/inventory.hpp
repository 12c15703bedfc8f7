#pragma once
// Admin inventory (PRODUCT.md 3): create and edit books, change price and stock, upload or replace the
// book file, soft delete, restore, list deleted books. Every method checks the caller's permission first
// (kManageCatalog: the inventory and admin roles; kForbidden otherwise), then validates every field
// (all offending fields in one kValidation), and every change is audited (target_type "book") in the
// same transaction as the change.
//
// Audit actions: book.created {isbn13}, book.updated {fields: comma-separated names},
// book.price_changed {old, new, currency}, book.stock_changed {delta, stock} (POST .../stock) or
// {previous, stock} (PATCH; "unlimited" for none), book.deleted, book.restored,
// book.file_replaced {sha256, size}.
#include <cstdint>
#include <string>
#include <vector>

#include "app/catalog/catalog_types.hpp"
#include "app/identity/identity_types.hpp"
#include "app/ports/book_files.hpp"
#include "app/ports/book_store.hpp"
#include "app/ports/clock.hpp"
#include "app/task.hpp"

namespace bookstore::app {

class Inventory {
 public:
  // Each must outlive the use case.
  Inventory(BookStore& books, BookFiles& files, const Clock& clock);

  Task<BookRecord> create(Principal actor, NewBook book, RequestMeta meta);
  // Live or deleted (deleted_at set); kNotFound when there is no such book.
  Task<BookRecord> get(Principal actor, std::int64_t id);
  // kNotFound for an unknown or deleted book. A patch that changes nothing returns the book unaudited.
  Task<BookRecord> update(Principal actor, std::int64_t id, BookPatch patch, RequestMeta meta);
  // Adds delta (negative: takes) to a limited stock. kNotFound (unknown or deleted), kConflict when the
  // stock is unlimited or too small (the detail says how many are left), kValidation ("delta") for 0 or
  // a delta beyond the rules' range. The answer carries the stock this adjustment left (also under
  // concurrent adjustments).
  Task<BookRecord> adjust_stock(Principal actor, std::int64_t id, std::int64_t delta, RequestMeta meta);
  Task<BookRecord> remove(Principal actor, std::int64_t id, RequestMeta meta);
  Task<BookRecord> restore(Principal actor, std::int64_t id, RequestMeta meta);
  Task<std::vector<BookRecord>> list_deleted(Principal actor, DeletedBooksQuery query);
  // Stores `content` as the book's file. `format` is what the upload's media type says ("epub" or "pdf");
  // it must be the book's format (kValidation "file" otherwise, and for content that is not of the
  // format). The new file is stored first, then recorded; when recording fails the new file is removed,
  // when it succeeds the previous file is (best effort).
  Task<BookRecord> replace_file(Principal actor, std::int64_t id, std::string format, std::string content,
                                RequestMeta meta);

 private:
  BookStore& books_;
  BookFiles& files_;
  const Clock& clock_;
};

}  // namespace bookstore::app
