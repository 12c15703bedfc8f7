#include "app/catalog/inventory.hpp"

#include <algorithm>
#include <chrono>
#include <exception>
#include <map>
#include <set>

#include "domain/catalog/book_rules.hpp"
#include "domain/catalog/isbn.hpp"
#include "domain/error.hpp"
#include "domain/identity/account_rules.hpp"

namespace bookstore::app {
namespace {

using domain::Permission;
using Details = std::map<std::string, std::string>;

constexpr std::size_t kMaxAuthors = 20;
constexpr std::size_t kMaxGenres = 10;
constexpr int kMaxPageSize = 200;

void require(const Principal& actor, Permission permission) {
  if (!domain::role_allows(actor.role, permission)) {
    throw domain::Error(domain::ErrorCode::kForbidden,
                        "missing permission: " + std::string(domain::to_string(permission)));
  }
}

domain::Error field_error(std::string field, std::string message) {
  std::vector<domain::FieldError> fields{{std::move(field), std::move(message)}};
  return domain::Error::validation(std::move(fields));
}

AuditEvent book_event(std::string action, const Principal& actor, std::int64_t book_id,
                      const RequestMeta& meta, Details details = {}) {
  AuditEvent e(std::move(action), actor.user_id, "book", book_id == 0 ? "" : std::to_string(book_id),
               std::move(details));
  e.ip = meta.ip;
  e.request_id = meta.request_id;
  return e;
}

int current_year(const Clock& clock) {
  const std::chrono::year_month_day today{std::chrono::floor<std::chrono::days>(clock.now())};
  return static_cast<int>(today.year());
}

std::string stock_text(const std::optional<std::int64_t>& stock) {
  return stock ? std::to_string(*stock) : "unlimited";
}

// Validates and normalises the fields of a new book or a patch, collecting one error per field.
class Fields {
 public:
  explicit Fields(int year) : current_year_(year) {}

  std::string isbn(std::string_view typed) {
    auto isbn = domain::normalize_isbn(typed);
    if (!isbn) {
      add("isbn", "must be a valid ISBN-13 or ISBN-10 (with its check digit)");
      return {};
    }
    return *isbn;
  }

  // Trimmed text checked by `rule`.
  template <class Rule>
  std::string text(std::string_view field, std::string_view raw, Rule rule) {
    std::string value = domain::trim_text(raw);
    check(field, rule(value));
    return value;
  }

  std::optional<int> year(const std::optional<int>& year) {
    if (year) check("publication_year", domain::check_publication_year(*year, current_year_));
    return year;
  }
  std::optional<int> pages(const std::optional<int>& pages) {
    if (pages) check("page_count", domain::check_page_count(*pages));
    return pages;
  }
  std::optional<std::string> cover(const std::optional<std::string>& url) {
    if (!url) return std::nullopt;
    return text("cover_url", *url, domain::check_cover_url);
  }
  std::optional<std::string> publisher(const std::optional<std::string>& name) {
    if (!name) return std::nullopt;
    return text("publisher", *name, domain::check_publisher);
  }
  std::int64_t price(std::int64_t price_minor) {
    check("price_minor", domain::check_price_minor(price_minor));
    return price_minor;
  }
  std::optional<std::int64_t> stock(const std::optional<std::int64_t>& stock) {
    if (stock) check("stock", domain::check_stock(*stock));
    return stock;
  }

  // 1..20 names, trimmed, each a valid person name; exact repeats count once.
  std::vector<std::string> authors(const std::vector<std::string>& names) {
    std::vector<std::string> out;
    if (names.empty() || names.size() > kMaxAuthors) {
      add("authors", "must name 1 to " + std::to_string(kMaxAuthors) + " authors");
      return out;
    }
    for (std::size_t i = 0; i < names.size(); ++i) {
      std::string name = text("authors/" + std::to_string(i), names[i], domain::check_person_name);
      if (std::find(out.begin(), out.end(), name) == out.end()) out.push_back(std::move(name));
    }
    return out;
  }

  // 0..10 slugs, each well-formed; repeats count once. Whether they exist is the store's check.
  std::vector<std::string> genres(const std::vector<std::string>& slugs) {
    std::vector<std::string> out;
    if (slugs.size() > kMaxGenres) {
      add("genres", "must name at most " + std::to_string(kMaxGenres) + " genres");
      return out;
    }
    for (std::size_t i = 0; i < slugs.size(); ++i) {
      check("genres/" + std::to_string(i), domain::check_genre_slug(slugs[i]));
      if (std::find(out.begin(), out.end(), slugs[i]) == out.end()) out.push_back(slugs[i]);
    }
    return out;
  }

  void check(std::string_view field, std::optional<std::string> message) {
    if (message) add(std::string(field), std::move(*message));
  }
  void add(std::string field, std::string message) {
    errors_.push_back({std::move(field), std::move(message)});
  }
  void throw_if_any() const {
    if (!errors_.empty()) throw domain::Error::validation(errors_);
  }

 private:
  int current_year_;
  std::vector<domain::FieldError> errors_;
};

NewBook validated(NewBook in, int year) {
  Fields f(year);
  NewBook out;
  out.isbn = f.isbn(in.isbn);
  out.title = f.text("title", in.title, domain::check_title);
  out.subtitle = f.text("subtitle", in.subtitle, domain::check_subtitle);
  out.description = f.text("description", in.description, domain::check_description);
  out.publisher = f.publisher(in.publisher);
  out.language = f.text("language", in.language, domain::check_language);
  out.publication_year = f.year(in.publication_year);
  out.page_count = f.pages(in.page_count);
  out.cover_url = f.cover(in.cover_url);
  out.price_minor = f.price(in.price_minor);
  out.currency = f.text("currency", in.currency, domain::check_currency);
  out.format = f.text("format", in.format, domain::check_format);
  out.stock = f.stock(in.stock);
  out.authors = f.authors(in.authors);
  out.genres = f.genres(in.genres);
  f.throw_if_any();
  return out;
}

BookPatch validated(const BookPatch& in, int year) {
  Fields f(year);
  BookPatch out;
  if (in.isbn) out.isbn = f.isbn(*in.isbn);
  if (in.title) out.title = f.text("title", *in.title, domain::check_title);
  if (in.subtitle) out.subtitle = f.text("subtitle", *in.subtitle, domain::check_subtitle);
  if (in.description) out.description = f.text("description", *in.description, domain::check_description);
  if (in.publisher) out.publisher = f.publisher(*in.publisher);
  if (in.language) out.language = f.text("language", *in.language, domain::check_language);
  if (in.publication_year) out.publication_year = f.year(*in.publication_year);
  if (in.page_count) out.page_count = f.pages(*in.page_count);
  if (in.cover_url) out.cover_url = f.cover(*in.cover_url);
  if (in.price_minor) out.price_minor = f.price(*in.price_minor);
  if (in.currency) out.currency = f.text("currency", *in.currency, domain::check_currency);
  if (in.format) out.format = f.text("format", *in.format, domain::check_format);
  if (in.stock) out.stock = f.stock(*in.stock);
  if (in.authors) out.authors = f.authors(*in.authors);
  if (in.genres) out.genres = f.genres(*in.genres);
  f.throw_if_any();
  return out;
}

std::vector<std::string> author_names(const BookRecord& book) {
  std::vector<std::string> out;
  for (const auto& a : book.authors) out.push_back(a.name);
  return out;
}

std::set<std::string> genre_slugs(const BookRecord& book) {
  std::set<std::string> out;
  for (const auto& g : book.genres) out.insert(g.slug);
  return out;
}

// The part of `patch` that differs from `book`, and the names of those fields.
struct Changes {
  BookPatch patch;
  std::vector<std::string> fields;  // besides price_minor and stock, which have events of their own
};

Changes changes_of(const BookRecord& book, BookPatch patch) {
  Changes c;
  auto keep = [&c](auto& from, auto& to, bool differs, const char* name) {
    if (from && differs) {
      to = std::move(from);
      if (std::string_view(name) != "price_minor" && std::string_view(name) != "stock")
        c.fields.push_back(name);
    }
  };
  std::optional<std::string> publisher_name;
  if (book.publisher) publisher_name = book.publisher->name;
  keep(patch.isbn, c.patch.isbn, patch.isbn && *patch.isbn != book.isbn13, "isbn");
  keep(patch.title, c.patch.title, patch.title && *patch.title != book.title, "title");
  keep(patch.subtitle, c.patch.subtitle, patch.subtitle && *patch.subtitle != book.subtitle, "subtitle");
  keep(patch.description, c.patch.description, patch.description && *patch.description != book.description,
       "description");
  keep(patch.publisher, c.patch.publisher, patch.publisher && *patch.publisher != publisher_name,
       "publisher");
  keep(patch.language, c.patch.language, patch.language && *patch.language != book.language, "language");
  keep(patch.publication_year, c.patch.publication_year,
       patch.publication_year && *patch.publication_year != book.publication_year, "publication_year");
  keep(patch.page_count, c.patch.page_count, patch.page_count && *patch.page_count != book.page_count,
       "page_count");
  keep(patch.cover_url, c.patch.cover_url, patch.cover_url && *patch.cover_url != book.cover_url,
       "cover_url");
  keep(patch.price_minor, c.patch.price_minor, patch.price_minor && *patch.price_minor != book.price_minor,
       "price_minor");
  keep(patch.currency, c.patch.currency, patch.currency && *patch.currency != book.currency, "currency");
  keep(patch.format, c.patch.format, patch.format && *patch.format != book.format, "format");
  keep(patch.stock, c.patch.stock, patch.stock && *patch.stock != book.stock, "stock");
  keep(patch.authors, c.patch.authors, patch.authors && *patch.authors != author_names(book), "authors");
  keep(patch.genres, c.patch.genres,
       patch.genres && std::set<std::string>(patch.genres->begin(), patch.genres->end()) != genre_slugs(book),
       "genres");
  return c;
}

Task<BookRecord> load_live(BookStore& books, std::int64_t id) {
  auto book = co_await books.find(id, false);
  if (!book) throw domain::Error::not_found("book not found");
  co_return std::move(*book);
}

}  // namespace

Inventory::Inventory(BookStore& books, BookFiles& files, const Clock& clock)
    : books_(books), files_(files), clock_(clock) {}

Task<BookRecord> Inventory::create(Principal actor, NewBook book, RequestMeta meta) {
  require(actor, Permission::kManageCatalog);
  NewBook clean = validated(std::move(book), current_year(clock_));
  Effects effects;
  effects.audit.push_back(book_event("book.created", actor, 0, meta, {{"isbn13", clean.isbn}}));
  co_return co_await books_.create(std::move(clean), std::move(effects));
}

Task<BookRecord> Inventory::get(Principal actor, std::int64_t id) {
  require(actor, Permission::kManageCatalog);
  auto book = co_await books_.find(id, true);
  if (!book) throw domain::Error::not_found("book not found");
  co_return std::move(*book);
}

Task<BookRecord> Inventory::update(Principal actor, std::int64_t id, BookPatch patch, RequestMeta meta) {
  require(actor, Permission::kManageCatalog);
  BookPatch clean = validated(patch, current_year(clock_));
  BookRecord book = co_await load_live(books_, id);
  Changes changes = changes_of(book, std::move(clean));
  if (changes.patch.empty()) co_return book;
  // The stored file is of the book's format: switching formats would leave a file of the wrong type.
  if (changes.patch.format && book.file) {
    throw domain::Error::conflict("the book has a " + book.format +
                                  " file; its format cannot change while the file is there");
  }

  Effects effects;
  if (!changes.fields.empty()) {
    std::string names;
    for (const auto& name : changes.fields) names += (names.empty() ? "" : ",") + name;
    effects.audit.push_back(book_event("book.updated", actor, id, meta, {{"fields", names}}));
  }
  if (changes.patch.price_minor) {
    const std::string currency = changes.patch.currency.value_or(book.currency);
    effects.audit.push_back(book_event("book.price_changed", actor, id, meta,
                                       {{"old", std::to_string(book.price_minor)},
                                        {"new", std::to_string(*changes.patch.price_minor)},
                                        {"currency", currency}}));
  }
  if (changes.patch.stock) {
    effects.audit.push_back(
        book_event("book.stock_changed", actor, id, meta,
                   {{"previous", stock_text(book.stock)}, {"stock", stock_text(*changes.patch.stock)}}));
  }
  co_return co_await books_.update(id, std::move(changes.patch), std::move(effects));
}

Task<BookRecord> Inventory::adjust_stock(Principal actor, std::int64_t id, std::int64_t delta,
                                         RequestMeta meta) {
  require(actor, Permission::kManageCatalog);
  if (delta == 0) throw field_error("delta", "must not be 0");
  if (delta > domain::kMaxStock || delta < -domain::kMaxStock) {
    throw field_error("delta", "must be between -" + std::to_string(domain::kMaxStock) + " and " +
                                   std::to_string(domain::kMaxStock));
  }
  Effects effects;
  effects.audit.push_back(
      book_event("book.stock_changed", actor, id, meta, {{"delta", std::to_string(delta)}}));
  const StockAdjustment result = co_await books_.adjust_stock(id, delta, std::move(effects));
  switch (result.outcome) {
    case StockOutcome::kAdjusted:
      break;
    case StockOutcome::kNotFound:
      throw domain::Error::not_found("book not found");
    case StockOutcome::kUnlimited:
      throw domain::Error::conflict("stock is unlimited: set a number with PATCH first");
    case StockOutcome::kInsufficient:
      throw domain::Error::conflict("not enough stock: " + std::to_string(result.stock.value_or(0)) +
                                    " left");
    case StockOutcome::kTooLarge:
      throw field_error("delta", "would make the stock exceed " + std::to_string(domain::kMaxStock) +
                                     " (it is " + std::to_string(result.stock.value_or(0)) + ")");
  }
  // The stock this adjustment left, not what a later read sees after concurrent ones.
  auto book = co_await books_.find(id, true);
  if (!book) throw domain::Error::not_found("book not found");
  book->stock = result.stock;
  co_return std::move(*book);
}

Task<BookRecord> Inventory::remove(Principal actor, std::int64_t id, RequestMeta meta) {
  require(actor, Permission::kManageCatalog);
  Effects effects;
  effects.audit.push_back(book_event("book.deleted", actor, id, meta));
  co_return co_await books_.soft_delete(id, std::move(effects));
}

Task<BookRecord> Inventory::restore(Principal actor, std::int64_t id, RequestMeta meta) {
  require(actor, Permission::kManageCatalog);
  Effects effects;
  effects.audit.push_back(book_event("book.restored", actor, id, meta));
  co_return co_await books_.restore(id, std::move(effects));
}

Task<std::vector<BookRecord>> Inventory::list_deleted(Principal actor, DeletedBooksQuery query) {
  require(actor, Permission::kManageCatalog);
  if (query.limit < 1 || query.limit > kMaxPageSize) {
    throw field_error("limit", "must be between 1 and " + std::to_string(kMaxPageSize));
  }
  co_return co_await books_.list_deleted(std::move(query));
}

Task<BookRecord> Inventory::replace_file(Principal actor, std::int64_t id, std::string format,
                                         std::string content, RequestMeta meta) {
  require(actor, Permission::kManageCatalog);
  if (auto problem = domain::check_format(format)) throw field_error("file", "the file's type " + *problem);
  BookRecord book = co_await load_live(books_, id);
  if (format != book.format) {
    throw field_error("file", "the book's format is " + book.format + ", the upload is " + format);
  }
  StoredFile stored = co_await files_.store(book.format, std::move(content));
  Effects effects;
  effects.audit.push_back(book_event("book.file_replaced", actor, id, meta,
                                     {{"sha256", stored.sha256}, {"size", std::to_string(stored.size)}}));
  std::exception_ptr failure;
  FileReplacement replacement;
  try {
    replacement = co_await books_.replace_file(id, stored, std::move(effects));
  } catch (...) {
    failure = std::current_exception();  // no co_await in a handler: clean up below
  }
  if (failure) {
    // Nothing refers to the new file: remove it, and report the original failure whatever happens.
    try {
      co_await files_.remove(stored.storage_key);
    } catch (...) {
    }
    std::rethrow_exception(failure);
  }
  if (replacement.previous_key && *replacement.previous_key != stored.storage_key) {
    // Committed: the change stands even when the old file cannot be removed (it is only unreferenced).
    try {
      co_await files_.remove(*replacement.previous_key);
    } catch (...) {
    }
  }
  co_return std::move(replacement.book);
}

}  // namespace bookstore::app
