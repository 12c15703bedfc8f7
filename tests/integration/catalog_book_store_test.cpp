// The catalog's PostgreSQL book store (adapters/catalog/pg_book_store) in a scratch database of its own:
// what find() reads in one statement, authors and publishers found by folded name, ISBN uniqueness among
// live books, unknown genres, soft delete and restore, the deleted list's keyset paging, stock that never
// goes below zero under concurrent decrements, file replacement, and audit rows written in the same
// transaction as the change (a failing audit write leaves nothing behind).
#include <algorithm>
#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/this_coro.hpp>

#include "adapters/catalog/pg_book_store.hpp"
#include "domain/error.hpp"
#include "jobs_fixture.hpp"

namespace bookstore::catalog_testing {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;
using testing::sleep_for;

app::NewBook new_book(std::string isbn, std::string title = "A Book") {
  app::NewBook b;
  b.isbn = std::move(isbn);
  b.title = std::move(title);
  b.language = "en";
  b.price_minor = 19900;
  b.format = "epub";
  b.authors = {"Ursula K. Le Guin"};
  b.genres = {"fiction"};
  return b;
}

app::Effects audit(std::string action, std::string target_id = "",
                   std::map<std::string, std::string> details = {}) {
  app::Effects e;
  e.audit.emplace_back(std::move(action), 42, "book", std::move(target_id), std::move(details));
  e.audit.back().ip = "192.0.2.5";
  e.audit.back().request_id = "req-cat";
  return e;
}

class CatalogBookStore : public ::testing::Test {
 protected:
  void SetUp() override {
    url_ = jobs_testing::scratch_database("bookstore_catalog_store_test");
    pool_ = std::make_unique<pg::Pool>(io_.get_executor(), pg::PoolConfig{url_, 16});
    testing::run(io_, [&]() -> Task<void> {
      co_await pool_->query(
          "TRUNCATE books, book_authors, book_genres, authors, publishers, audit_log RESTART IDENTITY "
          "CASCADE");
      co_await pool_->query("DROP TRIGGER IF EXISTS audit_fails ON audit_log");
    });
    store_ = std::make_unique<catalog::PgBookStore>(*pool_);
  }
  void TearDown() override {
    if (pool_) pool_->close();
  }

  Task<std::int64_t> count(std::string sql) {
    auto r = co_await pool_->query(sql);
    co_return r.int64(0, 0);
  }
  Task<std::string> text(std::string sql) {
    auto r = co_await pool_->query(sql);
    co_return r.rows() == 0 || r.is_null(0, 0) ? std::string("<null>") : std::string(r.text(0, 0));
  }
  Task<app::BookRecord> create(app::NewBook book) {
    auto effects = audit("book.created");
    co_return co_await store_->create(std::move(book), std::move(effects));
  }
  // The store's mutations with one audit event about the book (none for an empty action), named before
  // the co_await (see README "Pitfalls": no aggregate temporaries inside co_await with g++ 12).
  app::Effects effects_for(const std::string& action, std::int64_t id) {
    if (action.empty()) return {};
    return audit(action, std::to_string(id));
  }
  Task<app::BookRecord> update(std::int64_t id, app::BookPatch patch, std::string action = "book.updated") {
    auto effects = effects_for(action, id);
    co_return co_await store_->update(id, std::move(patch), std::move(effects));
  }
  Task<app::BookRecord> soft_delete(std::int64_t id, std::string action = "book.deleted") {
    auto effects = effects_for(action, id);
    co_return co_await store_->soft_delete(id, std::move(effects));
  }
  Task<app::BookRecord> restore(std::int64_t id, std::string action = "book.restored") {
    auto effects = effects_for(action, id);
    co_return co_await store_->restore(id, std::move(effects));
  }
  Task<app::FileReplacement> replace_file(std::int64_t id, app::StoredFile file,
                                          std::string action = "book.file_replaced") {
    auto effects = effects_for(action, id);
    co_return co_await store_->replace_file(id, std::move(file), std::move(effects));
  }
  Task<app::StockAdjustment> adjust(std::int64_t id, std::int64_t delta,
                                    std::string action = "book.stock_changed") {
    auto effects = effects_for(action, id);
    co_return co_await store_->adjust_stock(id, delta, std::move(effects));
  }
  template <class F>
  Task<domain::ErrorCode> code_of(F call) {
    std::optional<domain::ErrorCode> code;
    try {
      co_await call();
    } catch (const domain::Error& e) {
      code = e.code();
    }
    EXPECT_TRUE(code) << "no domain::Error";
    co_return code.value_or(domain::ErrorCode::kBadRequest);
  }

  asio::io_context io_;
  std::string url_;
  std::unique_ptr<pg::Pool> pool_;
  std::unique_ptr<catalog::PgBookStore> store_;
};

TEST_F(CatalogBookStore, CreateAndFindReadTheWholeBook) {
  testing::run(io_, [&]() -> Task<void> {
    app::NewBook b = new_book("9780306406157", "The Left Hand of Darkness");
    b.subtitle = "A Novel";
    b.description = "Winter.";
    b.publisher = "Ace Books";
    b.publication_year = 1969;
    b.page_count = 304;
    b.cover_url = "https://covers.example.com/lhod.jpg";
    b.currency = "USD";
    b.stock = 3;
    b.authors = {"Ursula K. Le Guin", "Harold Bloom"};
    b.genres = {"science-fiction", "fiction"};
    const app::BookRecord created = co_await create(b);
    EXPECT_GT(created.id, 0);

    auto found = co_await store_->find(created.id, false);
    EXPECT_TRUE(found);
    if (!found) co_return;
    EXPECT_EQ(found->isbn13, "9780306406157");
    EXPECT_EQ(found->title, "The Left Hand of Darkness");
    EXPECT_EQ(found->subtitle, "A Novel");
    EXPECT_EQ(found->description, "Winter.");
    EXPECT_TRUE(found->publisher && found->publisher->name == "Ace Books");
    EXPECT_EQ(found->publication_year, 1969);
    EXPECT_EQ(found->page_count, 304);
    EXPECT_EQ(found->cover_url, "https://covers.example.com/lhod.jpg");
    EXPECT_EQ(found->price_minor, 19900);
    EXPECT_EQ(found->currency, "USD");
    EXPECT_EQ(found->format, "epub");
    EXPECT_EQ(found->stock, 3);
    EXPECT_EQ(found->rating_count, 0);
    EXPECT_FALSE(found->file);
    EXPECT_FALSE(found->deleted_at);
    EXPECT_LE(found->created_at, std::chrono::system_clock::now());
    EXPECT_EQ(found->created_at, created.created_at);
    std::vector<std::string> authors;
    for (const auto& a : found->authors) authors.push_back(a.name);
    EXPECT_EQ(authors, (std::vector<std::string>{"Ursula K. Le Guin", "Harold Bloom"}));  // cover order
    std::vector<std::string> genres;
    for (const auto& g : found->genres) genres.push_back(g.slug);
    EXPECT_EQ(genres, (std::vector<std::string>{"fiction", "science-fiction"}));  // by id
    EXPECT_EQ(found->genres[0].name, "Fiction");

    // The triggers filled the copies that search reads.
    EXPECT_EQ(co_await text("SELECT authors_text || '|' || genres_text FROM books"),
              "Ursula K. Le Guin Harold Bloom|Fiction Science Fiction");
    EXPECT_EQ(
        co_await count("SELECT count(*) FROM books WHERE search @@ to_tsquery('bookstore_english', 'bloom')"),
        1);

    // Audited with the new id in the same transaction.
    EXPECT_EQ(
        co_await text("SELECT action || '|' || target_type || '|' || target_id || '|' || actor_id || '|' || "
                      "host(ip) || '|' || request_id FROM audit_log"),
        "book.created|book|" + std::to_string(created.id) + "|42|192.0.2.5|req-cat");
    EXPECT_FALSE(co_await store_->find(created.id + 1, true));
  });
}

TEST_F(CatalogBookStore, AuthorsAndPublishersAreFoundByFoldedName) {
  testing::run(io_, [&]() -> Task<void> {
    app::NewBook first = new_book("9780060883287", "One Hundred Years of Solitude");
    first.authors = {"Gabriel García Márquez"};
    first.publisher = "Penguin";
    app::NewBook second = new_book("9780140449136", "Chronicle of a Death Foretold");
    second.authors = {"gabriel garcia marquez", "Edith Grossman", "GABRIEL GARCÍA MÁRQUEZ"};
    second.publisher = "PENGUIN";
    const auto a = co_await create(first);
    const auto b = co_await create(second);
    EXPECT_EQ(co_await count("SELECT count(*) FROM authors"), 2);
    EXPECT_EQ(co_await count("SELECT count(*) FROM publishers"), 1);
    EXPECT_EQ(a.authors.at(0).id, b.authors.at(0).id);
    EXPECT_EQ(b.authors.at(0).name, "Gabriel García Márquez");  // the name as first written
    EXPECT_EQ(b.authors.size(), 2u);                            // the repeat counts once
    EXPECT_EQ(b.authors.at(1).name, "Edith Grossman");
    EXPECT_EQ(a.publisher->id, b.publisher->id);
  });
}

TEST_F(CatalogBookStore, IsbnsAreUniqueAmongLiveBooksAndNothingIsWrittenOnConflict) {
  testing::run(io_, [&]() -> Task<void> {
    const auto book = co_await create(new_book("9780306406157"));
    auto dup = new_book("9780306406157", "Twin");
    dup.authors = {"Someone New"};
    dup.publisher = "New Press";
    EXPECT_EQ(co_await code_of([&]() -> Task<void> { co_await create(dup); }), domain::ErrorCode::kConflict);
    EXPECT_EQ(co_await count("SELECT count(*) FROM books"), 1);
    EXPECT_EQ(co_await count("SELECT count(*) FROM authors"), 1);
    EXPECT_EQ(co_await count("SELECT count(*) FROM publishers"), 0);
    EXPECT_EQ(co_await count("SELECT count(*) FROM audit_log"), 1);

    // PATCH to another live book's ISBN: conflict, the book unchanged.
    const auto other = co_await create(new_book("9780140449136", "Other"));
    app::BookPatch patch;
    patch.isbn = "9780306406157";
    patch.title = "Renamed";
    EXPECT_EQ(co_await code_of([&]() -> Task<void> { co_await update(other.id, patch); }),
              domain::ErrorCode::kConflict);
    EXPECT_EQ((co_await store_->find(other.id, false))->title, "Other");

    // Deleted, its ISBN is free; then the deleted one cannot be restored while the twin lives.
    co_await soft_delete(book.id);
    const auto twin = co_await create(new_book("9780306406157", "Twin"));
    EXPECT_EQ(co_await code_of([&]() -> Task<void> { co_await restore(book.id); }),
              domain::ErrorCode::kConflict);
    co_await soft_delete(twin.id);
    const auto restored = co_await restore(book.id);
    EXPECT_FALSE(restored.deleted_at);
    EXPECT_EQ(co_await count("SELECT count(*) FROM audit_log WHERE action = 'book.restored'"), 1);
  });
}

TEST_F(CatalogBookStore, UnknownGenresAreAValidationErrorNamingThem) {
  testing::run(io_, [&]() -> Task<void> {
    auto b = new_book("9780306406157");
    b.genres = {"fiction", "no-such-genre", "nor-this"};
    std::vector<domain::FieldError> fields;
    try {
      co_await create(b);
    } catch (const domain::Error& e) {
      fields = e.fields();
    }
    EXPECT_EQ(fields.size(), 1u);
    if (!fields.empty()) {
      EXPECT_EQ(fields[0].field, "genres");
      EXPECT_EQ(fields[0].message, "unknown genre: no-such-genre, nor-this");
    }
    EXPECT_EQ(co_await count("SELECT count(*) FROM books"), 0);
    EXPECT_EQ(co_await count("SELECT count(*) FROM audit_log"), 0);
  });
}

TEST_F(CatalogBookStore, UpdateChangesOnlyWhatIsSetAndReplacesTheLists) {
  testing::run(io_, [&]() -> Task<void> {
    auto b = new_book("9780306406157", "Sunrise");
    b.publisher = "Ace";
    b.publication_year = 2001;
    b.cover_url = "https://covers.example.com/a.jpg";
    const auto book = co_await create(b);

    app::BookPatch patch;
    patch.title = "Sunset";
    patch.publication_year = std::optional<int>();
    patch.publisher = std::optional<std::string>("Tor");
    patch.price_minor = 12345;
    patch.stock = std::optional<std::int64_t>(4);
    patch.authors = std::vector<std::string>{"New Author", "Ursula K. Le Guin"};
    patch.genres = std::vector<std::string>{"mystery", "crime"};
    const auto updated = co_await update(book.id, patch);
    EXPECT_EQ(updated.title, "Sunset");
    EXPECT_FALSE(updated.publication_year);
    EXPECT_EQ(updated.publisher->name, "Tor");
    EXPECT_EQ(updated.price_minor, 12345);
    EXPECT_EQ(updated.stock, 4);
    EXPECT_EQ(updated.cover_url, "https://covers.example.com/a.jpg");  // not in the patch
    EXPECT_EQ(updated.isbn13, "9780306406157");
    EXPECT_EQ(updated.authors.size(), 2u);
    EXPECT_EQ(updated.authors.at(0).name, "New Author");
    EXPECT_EQ(updated.genres.size(), 2u);
    EXPECT_GE(updated.updated_at, book.updated_at);
    EXPECT_EQ(co_await text("SELECT authors_text || '|' || genres_text FROM books"),
              "New Author Ursula K. Le Guin|Mystery Crime");

    app::BookPatch unlimited;
    unlimited.stock = std::optional<std::int64_t>();
    unlimited.publisher = std::optional<std::string>();
    const auto cleared = co_await update(book.id, unlimited, "");
    EXPECT_FALSE(cleared.stock);
    EXPECT_FALSE(cleared.publisher);

    EXPECT_EQ(co_await code_of([&]() -> Task<void> { co_await update(999, patch); }),
              domain::ErrorCode::kNotFound);
    co_await soft_delete(book.id, "");
    EXPECT_EQ(co_await code_of([&]() -> Task<void> { co_await update(book.id, patch); }),
              domain::ErrorCode::kNotFound);
    EXPECT_EQ(co_await count("SELECT count(*) FROM audit_log WHERE action = 'book.updated'"), 1);
  });
}

TEST_F(CatalogBookStore, DeleteAndRestore) {
  testing::run(io_, [&]() -> Task<void> {
    const auto book = co_await create(new_book("9780306406157"));
    const auto deleted = co_await soft_delete(book.id);
    EXPECT_TRUE(deleted.deleted_at);
    EXPECT_FALSE(co_await store_->find(book.id, false));
    EXPECT_TRUE(co_await store_->find(book.id, true));
    EXPECT_EQ(co_await code_of([&]() -> Task<void> { co_await soft_delete(book.id); }),
              domain::ErrorCode::kNotFound);
    EXPECT_EQ(co_await code_of([&]() -> Task<void> { co_await restore(999); }), domain::ErrorCode::kNotFound);
    const auto restored = co_await restore(book.id);
    EXPECT_FALSE(restored.deleted_at);
    EXPECT_EQ(restored.authors.size(), 1u);
    EXPECT_EQ(co_await code_of([&]() -> Task<void> { co_await restore(book.id); }),
              domain::ErrorCode::kNotFound);
    EXPECT_EQ(co_await count("SELECT count(*) FROM audit_log"), 3);
  });
}

TEST_F(CatalogBookStore, DeletedBooksArePagedNewestFirstByKeyset) {
  testing::run(io_, [&]() -> Task<void> {
    const char* isbns[] = {"9780306406157", "9780140449136", "9780060883287", "9780747532699",
                           "9780553293357"};
    std::vector<std::int64_t> ids;
    for (const char* isbn : isbns) {
      const auto b = co_await create(new_book(isbn));
      co_await soft_delete(b.id, "");
      ids.push_back(b.id);
    }
    co_await create(new_book("9780441478125"));  // live: never listed
    // Two deletions at the same instant (ties are broken by id, higher first), the rest apart.
    co_await pool_->query(
        "UPDATE books SET deleted_at = timestamptz '2025-01-01 00:00:00+00' + "
        "CASE WHEN id IN (2, 3) THEN interval '2 hours' ELSE id * interval '1 hour' END "
        "WHERE deleted_at IS NOT NULL");
    // deleted_at by id: 1 -> 01:00, 2 -> 02:00, 3 -> 02:00, 4 -> 04:00, 5 -> 05:00
    std::vector<std::int64_t> seen;
    app::DeletedBooksQuery query;
    query.limit = 2;
    for (int page = 0; page < 5; ++page) {
      const auto books = co_await store_->list_deleted(query);
      for (const auto& b : books) seen.push_back(b.id);
      if (static_cast<int>(books.size()) < query.limit) break;
      query.after = app::DeletedBooksCursor{*books.back().deleted_at, books.back().id};
    }
    EXPECT_EQ(seen, (std::vector<std::int64_t>{5, 4, 3, 2, 1}));
  });
}

TEST_F(CatalogBookStore, ConcurrentDecrementsNeverOversell) {
  std::vector<std::int64_t> left;
  std::int64_t book_id = 0;
  testing::run(
      io_,
      [&]() -> Task<void> {
        auto b = new_book("9780306406157");
        b.stock = 10;
        book_id = (co_await create(b)).id;
        std::mutex mutex;
        std::atomic<int> done{0}, failures{0}, insufficient{0};
        auto attempt = [&]() -> Task<void> {
          auto effects = audit("book.stock_changed", std::to_string(book_id), {{"delta", "-1"}});
          auto result = co_await store_->adjust_stock(book_id, -1, effects);
          if (result.outcome == app::StockOutcome::kAdjusted) {
            std::lock_guard lock(mutex);
            left.push_back(result.stock.value_or(-1));
          } else if (result.outcome == app::StockOutcome::kInsufficient) {
            EXPECT_EQ(result.stock, 0);
            ++insufficient;
          }
        };
        auto ex = co_await asio::this_coro::executor;
        for (int i = 0; i < 40; ++i) {
          asio::co_spawn(ex, attempt(), [&](std::exception_ptr e) {
            if (e) ++failures;
            ++done;
          });
        }
        while (done.load() < 40) co_await sleep_for(5ms);
        EXPECT_EQ(failures.load(), 0);
        EXPECT_EQ(insufficient.load(), 30);
        EXPECT_EQ((co_await store_->find(book_id, false))->stock, 0);
        EXPECT_EQ(co_await count("SELECT count(*) FROM audit_log WHERE action = 'book.stock_changed'"), 10);
        EXPECT_EQ(co_await count("SELECT count(DISTINCT details->>'stock') FROM audit_log WHERE action = "
                                 "'book.stock_changed'"),
                  10);
        // The statements ran on several connections at once.
        EXPECT_GT(pool_->stats().open, 2u);
      },
      4);
  std::sort(left.begin(), left.end());
  EXPECT_EQ(left, (std::vector<std::int64_t>{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}));
}

TEST_F(CatalogBookStore, StockOutcomesWhenNothingChanges) {
  testing::run(io_, [&]() -> Task<void> {
    const auto unlimited = co_await create(new_book("9780306406157"));
    auto limited_book = new_book("9780140449136");
    limited_book.stock = 2;
    const auto limited = co_await create(limited_book);
    auto outcome = [&](std::int64_t id, std::int64_t delta) -> Task<app::StockAdjustment> {
      co_return co_await adjust(id, delta);
    };
    EXPECT_EQ((co_await outcome(unlimited.id, -1)).outcome, app::StockOutcome::kUnlimited);
    EXPECT_EQ((co_await outcome(999, -1)).outcome, app::StockOutcome::kNotFound);
    const auto short_of = co_await outcome(limited.id, -3);
    EXPECT_EQ(short_of.outcome, app::StockOutcome::kInsufficient);
    EXPECT_EQ(short_of.stock, 2);
    const auto too_many = co_await outcome(limited.id, 1'000'000'000);
    EXPECT_EQ(too_many.outcome, app::StockOutcome::kTooLarge);
    const auto added = co_await outcome(limited.id, 5);
    EXPECT_EQ(added.outcome, app::StockOutcome::kAdjusted);
    EXPECT_EQ(added.stock, 7);
    EXPECT_EQ(co_await count("SELECT count(*) FROM audit_log WHERE action = 'book.stock_changed'"), 1);
    EXPECT_EQ(co_await text("SELECT details->>'stock' FROM audit_log WHERE action = 'book.stock_changed'"),
              "7");
    co_await soft_delete(limited.id, "");
    EXPECT_EQ((co_await outcome(limited.id, 1)).outcome, app::StockOutcome::kNotFound);

    // The connection form takes part in the caller's transaction (checkout): rolled back, nothing stays.
    const auto other = co_await create(new_book("9780060883287"));
    app::BookPatch three;
    three.stock = std::optional<std::int64_t>(3);
    co_await update(other.id, three, "");
    bool rolled_back = false;
    auto checkout = [&](pg::Connection& tx) -> Task<void> {
      auto r = co_await catalog::adjust_stock(tx, other.id, -3);
      EXPECT_EQ(r.outcome, app::StockOutcome::kAdjusted);
      EXPECT_EQ(r.stock, 0);
      auto inside = co_await catalog::find_book(tx, other.id, false);
      EXPECT_EQ(inside ? inside->stock : std::nullopt, 0);
      throw std::runtime_error("payment failed");
    };
    try {
      co_await pool_->transaction(checkout);
    } catch (const std::runtime_error&) {
      rolled_back = true;
    }
    EXPECT_TRUE(rolled_back);
    EXPECT_EQ((co_await store_->find(other.id, false))->stock, 3);
  });
}

TEST_F(CatalogBookStore, ReplacingTheFileReturnsThePreviousKey) {
  testing::run(io_, [&]() -> Task<void> {
    const auto book = co_await create(new_book("9780306406157"));
    app::StoredFile one{"aa/one.epub", 100, std::string(64, 'a')};
    app::StoredFile two{"bb/two.epub", 200, std::string(64, 'b')};
    const auto first = co_await replace_file(book.id, one);
    EXPECT_FALSE(first.previous_key);
    EXPECT_TRUE(first.book.file && first.book.file->storage_key == "aa/one.epub" &&
                first.book.file->size == 100);
    EXPECT_GT(first.book.file->uploaded_at.time_since_epoch().count(), 0);
    const auto second = co_await replace_file(book.id, two);
    EXPECT_EQ(second.previous_key, "aa/one.epub");
    EXPECT_EQ(second.book.file->sha256, std::string(64, 'b'));
    co_await soft_delete(book.id, "");
    EXPECT_EQ(co_await code_of([&]() -> Task<void> { co_await replace_file(book.id, one); }),
              domain::ErrorCode::kNotFound);
    EXPECT_EQ(co_await count("SELECT count(*) FROM audit_log WHERE action = 'book.file_replaced'"), 2);
  });
}

TEST_F(CatalogBookStore, WhenTheAuditWriteFailsNothingIsWritten) {
  testing::run(io_, [&]() -> Task<void> {
    auto b = new_book("9780306406157", "Kept");
    b.stock = 5;
    b.publisher = "Kept Press";
    const auto book = co_await create(b);
    // From now on an audit row with this action fails its insert, after the change itself.
    co_await pool_->query(R"(
      CREATE OR REPLACE FUNCTION audit_fails() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.action = 'test.fail' THEN RAISE EXCEPTION 'audit write failed'; END IF;
        RETURN NEW;
      END $$)");
    co_await pool_->query(
        "CREATE TRIGGER audit_fails BEFORE INSERT ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_fails()");
    auto fails = [](auto call) -> Task<bool> {
      try {
        co_await call();
      } catch (const pg::QueryError&) {
        co_return true;
      }
      co_return false;
    };
    const auto effects = audit("test.fail", std::to_string(book.id));
    auto other = new_book("9780140449136", "Never");
    other.authors = {"Nobody Atall"};
    other.publisher = "Never Press";
    EXPECT_TRUE(co_await fails([&]() -> Task<void> { co_await store_->create(other, effects); }));
    app::BookPatch patch;
    patch.title = "Changed";
    patch.authors = std::vector<std::string>{"Someone Else"};
    EXPECT_TRUE(co_await fails([&]() -> Task<void> { co_await store_->update(book.id, patch, effects); }));
    EXPECT_TRUE(co_await fails([&]() -> Task<void> { co_await store_->adjust_stock(book.id, -2, effects); }));
    EXPECT_TRUE(co_await fails([&]() -> Task<void> { co_await store_->soft_delete(book.id, effects); }));
    app::StoredFile file{"cc/f.epub", 10, std::string(64, 'c')};
    EXPECT_TRUE(
        co_await fails([&]() -> Task<void> { co_await store_->replace_file(book.id, file, effects); }));

    co_await pool_->query("DROP TRIGGER audit_fails ON audit_log");
    EXPECT_EQ(co_await count("SELECT count(*) FROM books"), 1);
    EXPECT_EQ(co_await count("SELECT count(*) FROM authors"), 1);
    EXPECT_EQ(co_await count("SELECT count(*) FROM publishers"), 1);
    EXPECT_EQ(co_await count("SELECT count(*) FROM audit_log"), 1);
    const auto after = co_await store_->find(book.id, false);
    EXPECT_TRUE(after);
    if (!after) co_return;
    EXPECT_EQ(after->title, "Kept");
    EXPECT_EQ(after->stock, 5);
    EXPECT_FALSE(after->file);
    EXPECT_EQ(after->authors.at(0).name, "Ursula K. Le Guin");
  });
}

}  // namespace
}  // namespace bookstore::catalog_testing
