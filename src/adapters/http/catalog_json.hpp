#pragma once
// The catalog routes' JSON: books -> response bodies, and request bodies and query strings -> the use
// cases' inputs. Only the HTTP shape is checked here (types, required fields, unknown fields, integer
// ranges of the types); the rules (ISBN check digit, lengths, codes, which genres exist) belong to the
// use cases. Shape errors are collected, one FieldError per offending field, and thrown together as 422.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "app/catalog/catalog_types.hpp"
#include "app/ports/book_store.hpp"

namespace bookstore::http {

class Request;

// {id, isbn13, title, subtitle, description, authors: [{id, name}], genres: [{id, slug, name}],
//  publisher: {id, name} | null, language, publication_year, page_count, cover_url, price_minor,
//  currency, format, stock (null: unlimited), in_stock, rating: {average, count}, sales_count, has_file,
//  created_at, updated_at}; admin adds file: {storage_key, size, sha256, uploaded_at} | null and
// deleted_at. The storage key never appears in the public form.
nlohmann::json book_json(const app::BookRecord& book, bool admin);

// POST /admin/books: isbn, title, subtitle?, description?, publisher?, language, publication_year?,
// page_count?, cover_url?, price_minor, currency? ("INR"), format, stock? (absent or null: unlimited),
// authors (array of strings), genres? (array of strings). Unknown fields are errors.
app::NewBook new_book_from(const nlohmann::json& body);
// PATCH /admin/books/{id}: the same fields, all optional; null clears the nullable ones (publisher,
// publication_year, page_count, cover_url, stock: unlimited) and is an error for the others.
app::BookPatch book_patch_from(const nlohmann::json& body);
// POST /admin/books/{id}/stock: {"delta": integer}.
std::int64_t stock_delta_from(const nlohmann::json& body);

// The cursor of GET /admin/books/deleted: "<deleted_at in microseconds since the epoch>.<id>", opaque to
// clients. parse gives nullopt for anything format would not produce.
std::string deleted_books_cursor(const app::DeletedBooksCursor& cursor);
std::optional<app::DeletedBooksCursor> parse_deleted_books_cursor(std::string_view text);
// cursor?, limit? (1..200, default 50); a malformed cursor or limit is a 422 naming it.
app::DeletedBooksQuery deleted_books_query_from(const Request& req);
// {"items": [admin book_json...], "next_cursor": cursor of the last item | null}: a cursor only when the
// page is full.
nlohmann::json deleted_books_page_json(const std::vector<app::BookRecord>& books, int limit);

// The book format of an upload's Content-Type (parameters and case ignored): application/epub+zip ->
// "epub", application/pdf -> "pdf"; nullopt for anything else (415).
std::optional<std::string> book_format_for_media_type(std::string_view content_type);

}  // namespace bookstore::http
