// Inventory over the in-memory fakes: who may call it, validation of every field, the audit events of
// each change, stock adjustments and the order of file storage, recording and clean-up.
#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "app/catalog/inventory.hpp"
#include "domain/error.hpp"
#include "fakes/fake_book_files.hpp"
#include "fakes/fake_book_store.hpp"
#include "fakes/fake_clock.hpp"
#include "fakes/fake_run.hpp"

namespace {

using namespace bookstore;
using domain::ErrorCode;
using domain::Role;
using fakes::run;

domain::Error error_of(const std::function<void()>& call) {
  try {
    call();
  } catch (const domain::Error& e) {
    return e;
  }
  ADD_FAILURE() << "expected a domain::Error";
  return domain::Error(ErrorCode::kBadRequest, "no error was thrown");
}

std::vector<std::string> fields_of(const domain::Error& e) {
  std::vector<std::string> out;
  for (const auto& f : e.fields()) out.push_back(f.field);
  return out;
}

bool has_field(const domain::Error& e, std::string_view field) {
  for (const auto& f : e.fields()) {
    if (f.field == field) return true;
  }
  return false;
}

app::Principal as(Role role, std::int64_t id = 7) {
  app::Principal p;
  p.user_id = id;
  p.session_id = "session";
  p.role = role;
  return p;
}

app::NewBook a_book(std::string isbn = "978-0-306-40615-7") {
  app::NewBook b;
  b.isbn = std::move(isbn);
  b.title = "  The Left Hand of Darkness  ";
  b.language = "en";
  b.price_minor = 49900;
  b.format = "epub";
  b.authors = {"Ursula K. Le Guin"};
  b.genres = {"science-fiction", "fiction"};
  return b;
}

class CatalogInventory : public ::testing::Test {
 protected:
  app::RequestMeta meta(std::string request_id = "req-1") const {
    return app::RequestMeta{"203.0.113.9", "Console/1.0", std::move(request_id)};
  }
  app::BookRecord create(app::NewBook book = a_book()) {
    return run(inventory.create(stock_keeper, book, meta()));
  }

  fakes::FakeClock clock;
  std::vector<std::string> calls;
  fakes::FakeBookStore books{clock, &calls};
  fakes::FakeBookFiles files{&calls};
  app::Inventory inventory{books, files, clock};
  app::Principal stock_keeper = as(Role::kInventory, 11);
  app::Principal admin = as(Role::kAdmin, 12);
};

TEST_F(CatalogInventory, CustomersAndSupportMayCallNothing) {
  const std::int64_t id = create().id;
  for (const app::Principal& actor : {as(Role::kCustomer), as(Role::kSupport)}) {
    app::BookPatch patch;
    patch.title = "Changed";
    std::vector<std::pair<std::string, std::function<void()>>> every_call = {
        {"create", [&] { run(inventory.create(actor, a_book("9780140449136"), meta())); }},
        {"get", [&] { run(inventory.get(actor, id)); }},
        {"update", [&] { run(inventory.update(actor, id, patch, meta())); }},
        {"adjust_stock", [&] { run(inventory.adjust_stock(actor, id, 1, meta())); }},
        {"remove", [&] { run(inventory.remove(actor, id, meta())); }},
        {"restore", [&] { run(inventory.restore(actor, id, meta())); }},
        {"list_deleted", [&] { run(inventory.list_deleted(actor, app::DeletedBooksQuery{})); }},
        {"replace_file", [&] { run(inventory.replace_file(actor, id, "epub", "PK\x03\x04...", meta())); }},
    };
    for (const auto& [name, call] : every_call) {
      const domain::Error e = error_of(call);
      EXPECT_EQ(e.code(), ErrorCode::kForbidden) << name;
      EXPECT_STREQ(e.what(), "missing permission: manage_catalog") << name;
    }
  }
  EXPECT_EQ(books.audit.size(), 1u);  // only the creation of the set-up
  EXPECT_TRUE(files.calls.empty());
  EXPECT_EQ(books.must(id).title, "The Left Hand of Darkness");
}

TEST_F(CatalogInventory, InventoryAndAdminManageTheCatalog) {
  const app::BookRecord first = run(inventory.create(stock_keeper, a_book(), meta()));
  const app::BookRecord second = run(inventory.create(admin, a_book("9780140449136"), meta()));
  EXPECT_NE(first.id, second.id);
  EXPECT_EQ(run(inventory.get(admin, first.id)).id, first.id);
  EXPECT_EQ(run(inventory.remove(stock_keeper, second.id, meta())).id, second.id);
  EXPECT_EQ(run(inventory.list_deleted(admin, app::DeletedBooksQuery{})).size(), 1u);
}

TEST_F(CatalogInventory, CreateNormalisesAndAuditsWithTheNewId) {
  app::NewBook book = a_book("0-306-40615-2");  // ISBN-10 of 978-0-306-40615-7
  book.subtitle = " A Novel ";
  book.publisher = "  Ace Books ";
  book.authors = {" Ursula K. Le Guin ", "Ursula K. Le Guin"};
  book.genres = {"fiction", "fiction"};
  const app::BookRecord created = run(inventory.create(stock_keeper, book, meta("req-create")));
  EXPECT_EQ(created.isbn13, "9780306406157");
  EXPECT_EQ(created.title, "The Left Hand of Darkness");
  EXPECT_EQ(created.subtitle, "A Novel");
  ASSERT_TRUE(created.publisher);
  EXPECT_EQ(created.publisher->name, "Ace Books");
  ASSERT_EQ(created.authors.size(), 1u);
  EXPECT_EQ(created.authors[0].name, "Ursula K. Le Guin");
  ASSERT_EQ(created.genres.size(), 1u);
  EXPECT_EQ(created.currency, "INR");
  EXPECT_FALSE(created.stock);

  const auto events = books.events("book.created");
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].actor_id, 11);
  EXPECT_EQ(events[0].target_type, "book");
  EXPECT_EQ(events[0].target_id, std::to_string(created.id));
  EXPECT_EQ(events[0].ip, "203.0.113.9");
  EXPECT_EQ(events[0].request_id, "req-create");
  EXPECT_EQ(events[0].details.at("isbn13"), "9780306406157");
}

TEST_F(CatalogInventory, CreateReportsEveryInvalidFieldAtOnceAndWritesNothing) {
  app::NewBook book;
  book.isbn = "978-0-306-40615-8";  // wrong check digit
  book.title = "   ";
  book.subtitle = "line\nbreak";
  book.publisher = "";
  book.language = "EN";
  book.publication_year = 1300;
  book.page_count = 0;
  book.cover_url = "ftp://example.com/cover.jpg";
  book.price_minor = -1;
  book.currency = "usd";
  book.format = "mobi";
  book.stock = -1;
  book.authors = {"Good Name", ""};
  book.genres = {"Not A Slug"};
  const domain::Error e = error_of([&] { run(inventory.create(admin, book, meta())); });
  EXPECT_EQ(e.code(), ErrorCode::kValidation);
  for (const char* field :
       {"isbn", "title", "subtitle", "publisher", "language", "publication_year", "page_count", "cover_url",
        "price_minor", "currency", "format", "stock", "authors/1", "genres/0"}) {
    EXPECT_TRUE(has_field(e, field)) << field;
  }
  EXPECT_EQ(e.fields().size(), 14u) << ::testing::PrintToString(fields_of(e));
  EXPECT_TRUE(books.audit.empty());
}

TEST_F(CatalogInventory, AuthorAndGenreCountsAreLimited) {
  app::NewBook none = a_book();
  none.authors.clear();
  EXPECT_EQ(fields_of(error_of([&] { run(inventory.create(admin, none, meta())); })),
            std::vector<std::string>{"authors"});
  app::NewBook many = a_book();
  many.authors.assign(21, "Someone");
  many.genres.assign(11, "fiction");
  EXPECT_EQ(fields_of(error_of([&] { run(inventory.create(admin, many, meta())); })),
            (std::vector<std::string>{"authors", "genres"}));
}

TEST_F(CatalogInventory, PublicationYearMayBeUpToTwoYearsAhead) {
  app::NewBook book = a_book();
  book.publication_year = 2027;  // the fake clock is in 2025
  EXPECT_EQ(create(book).publication_year, 2027);
  app::NewBook later = a_book("9780140449136");
  later.publication_year = 2028;
  EXPECT_EQ(fields_of(error_of([&] { run(inventory.create(admin, later, meta())); })),
            std::vector<std::string>{"publication_year"});
}

TEST_F(CatalogInventory, UnknownGenresAndTakenIsbnsAreRefused) {
  app::NewBook book = a_book();
  book.genres = {"fiction", "no-such-genre"};
  const domain::Error unknown = error_of([&] { run(inventory.create(admin, book, meta())); });
  EXPECT_EQ(unknown.code(), ErrorCode::kValidation);
  EXPECT_EQ(fields_of(unknown), std::vector<std::string>{"genres"});

  create();
  const domain::Error taken = error_of([&] { run(inventory.create(admin, a_book("0306406152"), meta())); });
  EXPECT_EQ(taken.code(), ErrorCode::kConflict);
  EXPECT_EQ(books.events("book.created").size(), 1u);
}

TEST_F(CatalogInventory, UpdateAuditsPriceChangesAndOtherFieldsSeparately) {
  const std::int64_t id = create().id;
  app::BookPatch patch;
  patch.price_minor = 59900;
  patch.title = "The Left Hand of Darkness ";  // the same once trimmed: not a change
  patch.subtitle = "50th Anniversary Edition";
  patch.genres = std::vector<std::string>{"fiction", "science-fiction"};  // same set
  patch.authors = std::vector<std::string>{"Ursula K. Le Guin", "Harold Bloom"};
  patch.cover_url = std::optional<std::string>("https://covers.example.com/lhod.jpg");
  const app::BookRecord updated = run(inventory.update(stock_keeper, id, patch, meta("req-up")));
  EXPECT_EQ(updated.price_minor, 59900);
  EXPECT_EQ(updated.subtitle, "50th Anniversary Edition");
  EXPECT_EQ(updated.authors.size(), 2u);

  const auto price = books.events("book.price_changed");
  ASSERT_EQ(price.size(), 1u);
  EXPECT_EQ(price[0].details.at("old"), "49900");
  EXPECT_EQ(price[0].details.at("new"), "59900");
  EXPECT_EQ(price[0].details.at("currency"), "INR");
  EXPECT_EQ(price[0].target_id, std::to_string(id));
  EXPECT_EQ(price[0].request_id, "req-up");
  const auto changed = books.events("book.updated");
  ASSERT_EQ(changed.size(), 1u);
  EXPECT_EQ(changed[0].details.at("fields"), "subtitle,cover_url,authors");

  // The same patch again changes nothing: no write, no audit.
  const std::size_t audited = books.audit.size();
  run(inventory.update(stock_keeper, id, patch, meta()));
  EXPECT_EQ(books.audit.size(), audited);
}

TEST_F(CatalogInventory, UpdateValidatesClearsAndSetsStock) {
  const std::int64_t id = create().id;
  app::BookPatch bad;
  bad.isbn = "12345";
  bad.language = "english";
  bad.stock = std::optional<std::int64_t>(-5);
  EXPECT_EQ(fields_of(error_of([&] { run(inventory.update(admin, id, bad, meta())); })),
            (std::vector<std::string>{"isbn", "language", "stock"}));

  app::BookPatch limited;
  limited.stock = std::optional<std::int64_t>(10);
  limited.publisher = std::optional<std::string>("Ace");
  EXPECT_EQ(run(inventory.update(admin, id, limited, meta())).stock, 10);
  const auto set = books.events("book.stock_changed");
  ASSERT_EQ(set.size(), 1u);
  EXPECT_EQ(set[0].details.at("previous"), "unlimited");
  EXPECT_EQ(set[0].details.at("stock"), "10");

  app::BookPatch clear;
  clear.stock = std::optional<std::int64_t>();
  clear.publisher = std::optional<std::string>();
  const app::BookRecord cleared = run(inventory.update(admin, id, clear, meta()));
  EXPECT_FALSE(cleared.stock);
  EXPECT_FALSE(cleared.publisher);
  EXPECT_EQ(books.events("book.stock_changed").back().details.at("stock"), "unlimited");
  EXPECT_EQ(books.events("book.updated").back().details.at("fields"), "publisher");
}

TEST_F(CatalogInventory, UpdateOfUnknownOrDeletedBooksIsNotFound) {
  const std::int64_t id = create().id;
  app::BookPatch patch;
  patch.title = "New";
  EXPECT_EQ(error_of([&] { run(inventory.update(admin, 999, patch, meta())); }).code(), ErrorCode::kNotFound);
  run(inventory.remove(admin, id, meta()));
  EXPECT_EQ(error_of([&] { run(inventory.update(admin, id, patch, meta())); }).code(), ErrorCode::kNotFound);
}

TEST_F(CatalogInventory, TheFormatOfABookWithAFileCannotChange) {
  const std::int64_t id = create().id;
  run(inventory.replace_file(admin, id, "epub", "PK\x03\x04 epub", meta()));
  app::BookPatch patch;
  patch.format = "pdf";
  EXPECT_EQ(error_of([&] { run(inventory.update(admin, id, patch, meta())); }).code(), ErrorCode::kConflict);
  EXPECT_EQ(books.must(id).format, "epub");
}

TEST_F(CatalogInventory, StockAdjustmentsAreCheckedAndAudited) {
  const std::int64_t id = create().id;
  EXPECT_EQ(fields_of(error_of([&] { run(inventory.adjust_stock(admin, id, 0, meta())); })),
            std::vector<std::string>{"delta"});
  EXPECT_EQ(fields_of(error_of([&] { run(inventory.adjust_stock(admin, id, 2'000'000'000, meta())); })),
            std::vector<std::string>{"delta"});
  const domain::Error unlimited = error_of([&] { run(inventory.adjust_stock(admin, id, -1, meta())); });
  EXPECT_EQ(unlimited.code(), ErrorCode::kConflict);
  EXPECT_NE(std::string(unlimited.what()).find("unlimited"), std::string::npos);
  EXPECT_EQ(error_of([&] { run(inventory.adjust_stock(admin, 999, 1, meta())); }).code(),
            ErrorCode::kNotFound);

  books.must(id).stock = 2;
  EXPECT_EQ(run(inventory.adjust_stock(stock_keeper, id, 5, meta("req-stock"))).stock, 7);
  const domain::Error short_of = error_of([&] { run(inventory.adjust_stock(admin, id, -8, meta())); });
  EXPECT_EQ(short_of.code(), ErrorCode::kConflict);
  EXPECT_STREQ(short_of.what(), "not enough stock: 7 left");
  EXPECT_EQ(run(inventory.adjust_stock(admin, id, -7, meta())).stock, 0);

  const auto events = books.events("book.stock_changed");
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].details.at("delta"), "5");
  EXPECT_EQ(events[0].details.at("stock"), "7");
  EXPECT_EQ(events[0].request_id, "req-stock");
  EXPECT_EQ(events[1].details.at("delta"), "-7");
  EXPECT_EQ(events[1].details.at("stock"), "0");
}

TEST_F(CatalogInventory, DeleteRestoreAndTheDeletedList) {
  const std::int64_t id = create().id;
  const app::BookRecord deleted = run(inventory.remove(admin, id, meta()));
  EXPECT_TRUE(deleted.deleted_at);
  EXPECT_EQ(error_of([&] { run(inventory.remove(admin, id, meta())); }).code(), ErrorCode::kNotFound);
  EXPECT_TRUE(run(inventory.get(admin, id)).deleted_at);  // admins still see it
  EXPECT_EQ(error_of([&] { run(inventory.get(admin, 999)); }).code(), ErrorCode::kNotFound);

  // Its ISBN is free for a live book; then the deleted one cannot come back.
  const std::int64_t other = create().id;
  EXPECT_EQ(error_of([&] { run(inventory.restore(admin, id, meta())); }).code(), ErrorCode::kConflict);
  run(inventory.remove(admin, other, meta()));
  EXPECT_FALSE(run(inventory.restore(admin, id, meta())).deleted_at);
  EXPECT_EQ(error_of([&] { run(inventory.restore(admin, id, meta())); }).code(), ErrorCode::kNotFound);

  EXPECT_EQ(books.events("book.deleted").size(), 2u);
  EXPECT_EQ(books.events("book.restored").size(), 1u);
  EXPECT_EQ(books.events("book.restored")[0].target_id, std::to_string(id));

  app::DeletedBooksQuery query;
  query.limit = 0;
  EXPECT_EQ(fields_of(error_of([&] { run(inventory.list_deleted(admin, query)); })),
            std::vector<std::string>{"limit"});
  query.limit = 10;
  const auto page = run(inventory.list_deleted(admin, query));
  ASSERT_EQ(page.size(), 1u);
  EXPECT_EQ(page[0].id, other);
}

TEST_F(CatalogInventory, AFileIsStoredThenRecordedThenThePreviousOneRemoved) {
  const std::int64_t id = create().id;
  const app::BookRecord first =
      run(inventory.replace_file(admin, id, "epub", "PK\x03\x04 one", meta("req-f")));
  ASSERT_TRUE(first.file);
  EXPECT_EQ(first.file->storage_key, "key-1.epub");
  const app::BookRecord second = run(inventory.replace_file(admin, id, "epub", "PK\x03\x04 two", meta()));
  EXPECT_EQ(second.file->storage_key, "key-2.epub");

  const std::string recorded = "replace_file:" + std::to_string(id);
  EXPECT_EQ(calls, (std::vector<std::string>{"store:key-1.epub", recorded, "store:key-2.epub", recorded,
                                             "remove:key-1.epub"}));
  EXPECT_EQ(files.calls,
            (std::vector<std::string>{"store:key-1.epub", "store:key-2.epub", "remove:key-1.epub"}));
  EXPECT_EQ(files.files.size(), 1u);
  const auto events = books.events("book.file_replaced");
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].details.at("size"), std::to_string(std::string("PK\x03\x04 one").size()));
  EXPECT_EQ(events[0].details.at("sha256").size(), 64u);
  EXPECT_EQ(events[0].request_id, "req-f");
}

TEST_F(CatalogInventory, AFileOfTheWrongFormatIsRefusedBeforeAnythingIsStored) {
  const std::int64_t id = create().id;
  const domain::Error wrong =
      error_of([&] { run(inventory.replace_file(admin, id, "pdf", "%PDF-1.7", meta())); });
  EXPECT_EQ(fields_of(wrong), std::vector<std::string>{"file"});
  const domain::Error not_epub =
      error_of([&] { run(inventory.replace_file(admin, id, "epub", "hello", meta())); });
  EXPECT_EQ(fields_of(not_epub), std::vector<std::string>{"file"});
  EXPECT_EQ(error_of([&] { run(inventory.replace_file(admin, 999, "epub", "PK\x03\x04", meta())); }).code(),
            ErrorCode::kNotFound);
  EXPECT_TRUE(files.files.empty());
  EXPECT_TRUE(calls.empty());
  EXPECT_TRUE(books.events("book.file_replaced").empty());
}

TEST_F(CatalogInventory, WhenRecordingFailsTheNewFileIsRemovedAndTheOldOneKept) {
  const std::int64_t id = create().id;
  run(inventory.replace_file(admin, id, "epub", "PK\x03\x04 one", meta()));
  books.fail_next = true;
  EXPECT_THROW(run(inventory.replace_file(admin, id, "epub", "PK\x03\x04 two", meta())), std::runtime_error);
  EXPECT_EQ(files.calls,
            (std::vector<std::string>{"store:key-1.epub", "store:key-2.epub", "remove:key-2.epub"}));
  EXPECT_EQ(books.must(id).file->storage_key, "key-1.epub");
  EXPECT_EQ(books.events("book.file_replaced").size(), 1u);
}

TEST_F(CatalogInventory, AFailedRemovalOfTheOldFileDoesNotUndoTheReplacement) {
  const std::int64_t id = create().id;
  run(inventory.replace_file(admin, id, "epub", "PK\x03\x04 one", meta()));
  files.fail_remove = true;
  const app::BookRecord book = run(inventory.replace_file(admin, id, "epub", "PK\x03\x04 two", meta()));
  EXPECT_EQ(book.file->storage_key, "key-2.epub");
  EXPECT_EQ(files.calls.back(), "remove:key-1.epub");
}

}  // namespace
