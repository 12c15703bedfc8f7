#pragma once
// Books in a vector. Mirrors the pg store's rules: reads see live books unless asked otherwise, an ISBN is
// unique among live books (kConflict), genres must exist (kValidation on "genres"), authors and
// publishers are found by (ASCII-)folded name or created, stock never goes below zero, and each mutation
// commits its audit events (into `audit`) or nothing. fail_next makes the next mutation fail like a
// database error, writing nothing.
#include <algorithm>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "app/ports/book_store.hpp"
#include "domain/error.hpp"
#include "fake_clock.hpp"

namespace bookstore::fakes {

class FakeBookStore : public app::BookStore {
 public:
  explicit FakeBookStore(const FakeClock& clock, std::vector<std::string>* calls = nullptr)
      : clock_(clock), calls_(calls) {
    const char* seed[][2] = {{"fiction", "Fiction"},
                             {"fantasy", "Fantasy"},
                             {"science-fiction", "Science Fiction"},
                             {"history", "History"}};
    for (const auto& g : seed)
      genres_.push_back(app::GenreRef{static_cast<std::int32_t>(genres_.size() + 1), g[0], g[1]});
  }

  std::vector<app::AuditEvent> audit;  // committed events, in order
  bool fail_next = false;
  int find_calls = 0;

  Task<std::optional<app::BookRecord>> find(std::int64_t id, bool include_deleted) override {
    ++find_calls;
    std::optional<app::BookRecord> out;
    if (const auto* b = by_id(id); b && (include_deleted || !b->deleted_at)) out = *b;
    co_return out;
  }

  Task<app::BookRecord> create(app::NewBook book, app::Effects effects) override {
    maybe_fail();
    if (live_isbn(book.isbn, 0)) throw domain::Error::conflict("a live book already has this ISBN");
    app::BookRecord b;
    b.id = static_cast<std::int64_t>(books_.size()) + 1;
    b.isbn13 = book.isbn;
    b.title = book.title;
    b.subtitle = book.subtitle;
    b.description = book.description;
    if (book.publisher) b.publisher = publisher(*book.publisher);
    b.language = book.language;
    b.publication_year = book.publication_year;
    b.page_count = book.page_count;
    b.cover_url = book.cover_url;
    b.price_minor = book.price_minor;
    b.currency = book.currency;
    b.format = book.format;
    b.stock = book.stock;
    b.genres = genres(book.genres);
    b.authors = authors(book.authors);
    b.created_at = b.updated_at = clock_.now();
    books_.push_back(b);
    for (auto& e : effects.audit) {
      if (e.target_type == "book" && e.target_id.empty()) e.target_id = std::to_string(b.id);
    }
    commit(std::move(effects));
    co_return b;
  }

  Task<app::BookRecord> update(std::int64_t id, app::BookPatch patch, app::Effects effects) override {
    maybe_fail();
    app::BookRecord b = live(id);  // a copy: nothing changes unless everything succeeds
    if (patch.isbn) {
      if (live_isbn(*patch.isbn, id)) throw domain::Error::conflict("a live book already has this ISBN");
      b.isbn13 = *patch.isbn;
    }
    if (patch.title) b.title = *patch.title;
    if (patch.subtitle) b.subtitle = *patch.subtitle;
    if (patch.description) b.description = *patch.description;
    if (patch.publisher)
      b.publisher = *patch.publisher ? std::optional(publisher(**patch.publisher)) : std::nullopt;
    if (patch.language) b.language = *patch.language;
    if (patch.publication_year) b.publication_year = *patch.publication_year;
    if (patch.page_count) b.page_count = *patch.page_count;
    if (patch.cover_url) b.cover_url = *patch.cover_url;
    if (patch.price_minor) b.price_minor = *patch.price_minor;
    if (patch.currency) b.currency = *patch.currency;
    if (patch.format) b.format = *patch.format;
    if (patch.stock) b.stock = *patch.stock;
    if (patch.genres) b.genres = genres(*patch.genres);
    if (patch.authors) b.authors = authors(*patch.authors);
    b.updated_at = clock_.now();
    must(id) = b;
    commit(std::move(effects));
    co_return b;
  }

  Task<app::StockAdjustment> adjust_stock(std::int64_t id, std::int64_t delta,
                                          app::Effects effects) override {
    maybe_fail();
    app::StockAdjustment out;
    app::BookRecord* b = by_id(id);
    if (!b || b->deleted_at) co_return out;
    if (!b->stock) {
      out.outcome = app::StockOutcome::kUnlimited;
      co_return out;
    }
    out.stock = b->stock;
    if (*b->stock + delta < 0) {
      out.outcome = app::StockOutcome::kInsufficient;
      co_return out;
    }
    if (*b->stock + delta > 1'000'000'000) {
      out.outcome = app::StockOutcome::kTooLarge;
      co_return out;
    }
    b->stock = *b->stock + delta;
    out.outcome = app::StockOutcome::kAdjusted;
    out.stock = b->stock;
    for (auto& e : effects.audit) e.details["stock"] = std::to_string(*b->stock);
    commit(std::move(effects));
    co_return out;
  }

  Task<app::BookRecord> soft_delete(std::int64_t id, app::Effects effects) override {
    maybe_fail();
    app::BookRecord& b = must(id);
    if (b.deleted_at) throw domain::Error::not_found("book not found");
    b.deleted_at = clock_.now();
    commit(std::move(effects));
    co_return b;
  }

  Task<app::BookRecord> restore(std::int64_t id, app::Effects effects) override {
    maybe_fail();
    app::BookRecord* b = by_id(id);
    if (!b || !b->deleted_at) throw domain::Error::not_found("no deleted book with this id");
    if (live_isbn(b->isbn13, id)) throw domain::Error::conflict("another live book has this book's ISBN");
    b->deleted_at.reset();
    commit(std::move(effects));
    co_return *b;
  }

  Task<std::vector<app::BookRecord>> list_deleted(app::DeletedBooksQuery query) override {
    std::vector<app::BookRecord> out;
    for (const auto& b : books_) {
      if (b.deleted_at) out.push_back(b);
    }
    std::sort(out.begin(), out.end(), [](const auto& x, const auto& y) {
      return std::pair(*x.deleted_at, x.id) > std::pair(*y.deleted_at, y.id);
    });
    if (query.after) {
      std::erase_if(out, [&](const auto& b) {
        return std::pair(*b.deleted_at, b.id) >= std::pair(query.after->deleted_at, query.after->id);
      });
    }
    if (static_cast<int>(out.size()) > query.limit) out.resize(static_cast<std::size_t>(query.limit));
    co_return out;
  }

  Task<app::FileReplacement> replace_file(std::int64_t id, app::StoredFile file,
                                          app::Effects effects) override {
    if (calls_) calls_->push_back("replace_file:" + std::to_string(id));
    maybe_fail();
    app::BookRecord& b = live(id);
    app::FileReplacement out;
    if (b.file) out.previous_key = b.file->storage_key;
    b.file = app::BookFile{file.storage_key, file.size, file.sha256, clock_.now()};
    commit(std::move(effects));
    out.book = b;
    co_return out;
  }

  // ---- for the tests ----
  app::BookRecord& must(std::int64_t id) {
    if (auto* b = by_id(id)) return *b;
    throw domain::Error::not_found("book not found");
  }
  std::vector<app::AuditEvent> events(std::string_view action) const {
    std::vector<app::AuditEvent> out;
    for (const auto& e : audit) {
      if (e.action == action) out.push_back(e);
    }
    return out;
  }
  const std::vector<app::AuthorRef>& all_authors() const { return authors_; }

 private:
  static std::string fold(std::string_view s) {
    std::string out(s);
    for (char& c : out) {
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
    return out;
  }
  void maybe_fail() {
    if (fail_next) {
      fail_next = false;
      throw std::runtime_error("database failed");
    }
  }
  void commit(app::Effects effects) {
    for (auto& e : effects.audit) audit.push_back(std::move(e));
  }
  app::BookRecord* by_id(std::int64_t id) {
    for (auto& b : books_) {
      if (b.id == id) return &b;
    }
    return nullptr;
  }
  app::BookRecord& live(std::int64_t id) {
    auto* b = by_id(id);
    if (!b || b->deleted_at) throw domain::Error::not_found("book not found");
    return *b;
  }
  bool live_isbn(const std::string& isbn, std::int64_t except) const {
    return std::any_of(books_.begin(), books_.end(),
                       [&](const auto& b) { return b.id != except && !b.deleted_at && b.isbn13 == isbn; });
  }
  app::PublisherRef publisher(const std::string& name) {
    for (const auto& p : publishers_) {
      if (fold(p.name) == fold(name)) return p;
    }
    publishers_.push_back(app::PublisherRef{static_cast<std::int64_t>(publishers_.size()) + 1, name});
    return publishers_.back();
  }
  std::vector<app::GenreRef> genres(const std::vector<std::string>& slugs) {
    std::vector<app::GenreRef> out;
    std::string unknown;
    for (const auto& s : slugs) {
      auto it = std::find_if(genres_.begin(), genres_.end(), [&](const auto& g) { return g.slug == s; });
      if (it == genres_.end()) {
        unknown += (unknown.empty() ? "" : ", ") + s;
      } else if (std::none_of(out.begin(), out.end(), [&](const auto& g) { return g.id == it->id; })) {
        out.push_back(*it);
      }
    }
    if (!unknown.empty()) {
      std::vector<domain::FieldError> fields{{"genres", "unknown genre: " + unknown}};
      throw domain::Error::validation(std::move(fields));
    }
    std::sort(out.begin(), out.end(), [](const auto& x, const auto& y) { return x.id < y.id; });
    return out;
  }
  std::vector<app::AuthorRef> authors(const std::vector<std::string>& names) {
    std::vector<app::AuthorRef> out;
    for (const auto& n : names) {
      auto it = std::find_if(authors_.begin(), authors_.end(),
                             [&](const auto& a) { return fold(a.name) == fold(n); });
      if (it == authors_.end()) {
        authors_.push_back(app::AuthorRef{static_cast<std::int64_t>(authors_.size()) + 1, n});
        it = authors_.end() - 1;
      }
      if (std::none_of(out.begin(), out.end(), [&](const auto& a) { return a.id == it->id; }))
        out.push_back(*it);
    }
    return out;
  }

  const FakeClock& clock_;
  std::vector<std::string>* calls_;
  std::vector<app::BookRecord> books_;
  std::vector<app::GenreRef> genres_;
  std::vector<app::AuthorRef> authors_;
  std::vector<app::PublisherRef> publishers_;
};

}  // namespace bookstore::fakes
