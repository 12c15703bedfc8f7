#include "adapters/http/catalog_json.hpp"

#include <algorithm>
#include <charconv>
#include <limits>

#include "adapters/crypto/rfc3339.hpp"
#include "adapters/http/json_dto.hpp"
#include "adapters/http/query_fields.hpp"
#include "adapters/http/request.hpp"

namespace bookstore::http {
namespace {

using json = nlohmann::json;

const std::vector<std::string_view> kBookFields = {
    "isbn",       "title",     "subtitle",    "description", "publisher", "language", "publication_year",
    "page_count", "cover_url", "price_minor", "currency",    "format",    "stock",    "authors",
    "genres"};

constexpr std::size_t kMaxListItems = 100;  // far above the rules' limits; keeps the error list short

template <class T>
json or_null(const std::optional<T>& v) {
  return v ? json(*v) : json(nullptr);
}

// Reads typed fields of a request body on top of BodyFields (which records the errors).
class BookFields {
 public:
  explicit BookFields(const json& body) : body_(body), f_(body) {}

  BodyFields& base() { return f_; }
  bool present(std::string_view name) const { return f_.has(name); }
  bool is_null(std::string_view name) const { return present(name) && body_.at(name).is_null(); }

  // An integer in [min, max]; anything else is an error (the use case checks the real bounds).
  std::optional<std::int64_t> integer(std::string_view name, std::int64_t min, std::int64_t max) {
    if (!present(name) || is_null(name)) return std::nullopt;
    const json& v = body_.at(name);
    if (v.is_number_unsigned()) {
      if (v.get<std::uint64_t>() > static_cast<std::uint64_t>(max)) return out_of_range(name);
      return static_cast<std::int64_t>(v.get<std::uint64_t>());
    }
    if (v.is_number_integer()) {
      const auto n = v.get<std::int64_t>();
      if (n < min || n > max) return out_of_range(name);
      return n;
    }
    f_.add_error(std::string(name), "must be an integer");
    return std::nullopt;
  }
  std::optional<int> int32(std::string_view name) {
    auto n = integer(name, std::numeric_limits<int>::min(), std::numeric_limits<int>::max());
    if (!n) return std::nullopt;
    return static_cast<int>(*n);
  }
  std::optional<std::int64_t> int64(std::string_view name) {
    return integer(name, std::numeric_limits<std::int64_t>::min(), std::numeric_limits<std::int64_t>::max());
  }
  std::int64_t required_int64(std::string_view name) {
    if (!present(name) || is_null(name)) {
      f_.add_error(std::string(name), "is required");
      return 0;
    }
    return int64(name).value_or(0);
  }

  // An array of strings (each may be anything the use case then checks).
  std::optional<std::vector<std::string>> strings(std::string_view name) {
    if (!present(name) || is_null(name)) return std::nullopt;
    const json& v = body_.at(name);
    if (!v.is_array()) {
      f_.add_error(std::string(name), "must be an array of strings");
      return std::nullopt;
    }
    if (v.size() > kMaxListItems) {
      f_.add_error(std::string(name), "must have at most " + std::to_string(kMaxListItems) + " items");
      return std::nullopt;
    }
    std::vector<std::string> out;
    bool ok = true;
    for (std::size_t i = 0; i < v.size(); ++i) {
      if (!v[i].is_string()) {
        f_.add_error(std::string(name) + "/" + std::to_string(i), "must be a string");
        ok = false;
        continue;
      }
      out.push_back(v[i].get<std::string>());
    }
    if (!ok) return std::nullopt;
    return out;
  }

  // PATCH: a field that may not be null.
  void refuse_null(std::string_view name) {
    if (is_null(name)) f_.add_error(std::string(name), "must not be null");
  }

 private:
  std::nullopt_t out_of_range(std::string_view name) {
    f_.add_error(std::string(name), "is out of range");
    return std::nullopt;
  }

  const json& body_;
  BodyFields f_;
};

// "12345" as a positive decimal without sign or leading zeros (0 allowed for the time).
std::optional<std::int64_t> decimal(std::string_view text, bool allow_zero) {
  if (text.empty() || text.size() > 19 || (text.size() > 1 && text.front() == '0')) return std::nullopt;
  std::int64_t v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size() || v < 0 || (v == 0 && !allow_zero)) {
    return std::nullopt;
  }
  return v;
}

std::string lower_ascii(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

}  // namespace

json book_json(const app::BookRecord& book, bool admin) {
  json authors = json::array();
  for (const auto& a : book.authors) {
    json item = json::object();
    item["id"] = a.id;
    item["name"] = a.name;
    authors.push_back(std::move(item));
  }
  json genres = json::array();
  for (const auto& g : book.genres) {
    json item = json::object();
    item["id"] = g.id;
    item["slug"] = g.slug;
    item["name"] = g.name;
    genres.push_back(std::move(item));
  }
  json j = json::object();
  j["id"] = book.id;
  j["isbn13"] = book.isbn13;
  j["title"] = book.title;
  j["subtitle"] = book.subtitle;
  j["description"] = book.description;
  j["authors"] = std::move(authors);
  j["genres"] = std::move(genres);
  if (book.publisher) {
    json p = json::object();
    p["id"] = book.publisher->id;
    p["name"] = book.publisher->name;
    j["publisher"] = std::move(p);
  } else {
    j["publisher"] = nullptr;
  }
  j["language"] = book.language;
  j["publication_year"] = or_null(book.publication_year);
  j["page_count"] = or_null(book.page_count);
  j["cover_url"] = or_null(book.cover_url);
  j["price_minor"] = book.price_minor;
  j["currency"] = book.currency;
  j["format"] = book.format;
  j["stock"] = or_null(book.stock);
  j["in_stock"] = !book.stock || *book.stock > 0;
  json rating = json::object();
  rating["average"] = book.rating_avg;
  rating["count"] = book.rating_count;
  j["rating"] = std::move(rating);
  j["sales_count"] = book.sales_count;
  j["has_file"] = book.file.has_value();
  j["created_at"] = crypto::format_rfc3339_utc(book.created_at);
  j["updated_at"] = crypto::format_rfc3339_utc(book.updated_at);
  if (admin) {
    if (book.file) {
      json file = json::object();
      file["size"] = book.file->size;
      file["sha256"] = book.file->sha256;
      file["uploaded_at"] = crypto::format_rfc3339_utc(book.file->uploaded_at);
      j["file"] = std::move(file);
    } else {
      j["file"] = nullptr;
    }
    j["deleted_at"] = time_or_null(book.deleted_at);
  }
  return j;
}

app::NewBook new_book_from(const json& body) {
  BookFields f(body);
  BodyFields& base = f.base();
  app::NewBook book;
  if (base.is_object()) {
    base.reject_unknown(kBookFields);
    book.isbn = base.required_string("isbn");
    book.title = base.required_string("title");
    book.subtitle = base.optional_string("subtitle").value_or("");
    book.description = base.optional_string("description").value_or("");
    book.publisher = base.optional_string("publisher");
    book.language = base.required_string("language");
    book.publication_year = f.int32("publication_year");
    book.page_count = f.int32("page_count");
    book.cover_url = base.optional_string("cover_url");
    book.price_minor = f.required_int64("price_minor");
    book.currency = base.optional_string("currency").value_or("INR");
    book.format = base.required_string("format");
    book.stock = f.int64("stock");
    if (auto authors = f.strings("authors")) {
      book.authors = std::move(*authors);
    } else if (!f.present("authors") || f.is_null("authors")) {
      base.add_error("authors", "is required");
    }
    book.genres = f.strings("genres").value_or(std::vector<std::string>{});
  }
  base.check();
  return book;
}

app::BookPatch book_patch_from(const json& body) {
  BookFields f(body);
  BodyFields& base = f.base();
  app::BookPatch patch;
  if (base.is_object()) {
    base.reject_unknown(kBookFields);
    for (std::string_view name : {"isbn", "title", "subtitle", "description", "language", "price_minor",
                                  "currency", "format", "authors", "genres"}) {
      f.refuse_null(name);
    }
    patch.isbn = base.optional_string("isbn");
    patch.title = base.optional_string("title");
    patch.subtitle = base.optional_string("subtitle");
    patch.description = base.optional_string("description");
    if (f.present("publisher")) patch.publisher = base.optional_string("publisher");
    patch.language = base.optional_string("language");
    if (f.present("publication_year")) patch.publication_year = f.int32("publication_year");
    if (f.present("page_count")) patch.page_count = f.int32("page_count");
    if (f.present("cover_url")) patch.cover_url = base.optional_string("cover_url");
    patch.price_minor = f.int64("price_minor");
    patch.currency = base.optional_string("currency");
    patch.format = base.optional_string("format");
    if (f.present("stock")) patch.stock = f.int64("stock");
    patch.authors = f.strings("authors");
    patch.genres = f.strings("genres");
  }
  base.check();
  return patch;
}

std::int64_t stock_delta_from(const json& body) {
  BookFields f(body);
  BodyFields& base = f.base();
  std::int64_t delta = 0;
  if (base.is_object()) {
    base.reject_unknown({"delta"});
    delta = f.required_int64("delta");
  }
  base.check();
  return delta;
}

std::string deleted_books_cursor(const app::DeletedBooksCursor& cursor) {
  const auto micros =
      std::chrono::duration_cast<std::chrono::microseconds>(cursor.deleted_at.time_since_epoch());
  return std::to_string(micros.count()) + "." + std::to_string(cursor.id);
}

std::optional<app::DeletedBooksCursor> parse_deleted_books_cursor(std::string_view text) {
  const auto dot = text.find('.');
  if (dot == std::string_view::npos) return std::nullopt;
  auto micros = decimal(text.substr(0, dot), true);
  auto id = decimal(text.substr(dot + 1), false);
  if (!micros || !id) return std::nullopt;
  app::DeletedBooksCursor cursor;
  cursor.deleted_at = app::TimePoint(
      std::chrono::duration_cast<app::TimePoint::duration>(std::chrono::microseconds(*micros)));
  cursor.id = *id;
  return cursor;
}

app::DeletedBooksQuery deleted_books_query_from(const Request& req) {
  QueryFields q(req);
  app::DeletedBooksQuery query;
  if (auto cursor = q.text("cursor", 100)) {
    query.after = parse_deleted_books_cursor(*cursor);
    if (!query.after) q.error("cursor", "must be the next_cursor of a previous page");
  }
  query.limit = q.limit();
  q.check();
  return query;
}

json deleted_books_page_json(const std::vector<app::BookRecord>& books, int limit) {
  json items = json::array();
  for (const auto& b : books) items.push_back(book_json(b, true));
  json j = json::object();
  j["items"] = std::move(items);
  const bool full = !books.empty() && static_cast<int>(books.size()) >= limit && books.back().deleted_at;
  j["next_cursor"] =
      full ? json(deleted_books_cursor(app::DeletedBooksCursor{*books.back().deleted_at, books.back().id}))
           : json(nullptr);
  return j;
}

std::optional<std::string> book_format_for_media_type(std::string_view content_type) {
  auto type = content_type.substr(0, content_type.find(';'));
  while (!type.empty() && (type.back() == ' ' || type.back() == '\t')) type.remove_suffix(1);
  while (!type.empty() && (type.front() == ' ' || type.front() == '\t')) type.remove_prefix(1);
  const std::string lowered = lower_ascii(type);
  if (lowered == "application/epub+zip") return std::string("epub");
  if (lowered == "application/pdf") return std::string("pdf");
  return std::nullopt;
}

}  // namespace bookstore::http
