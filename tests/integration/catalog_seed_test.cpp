// The catalog generator and the demo catalog (src/adapters/catalog/catalog_seed.hpp) on scratch databases:
// through the real binary (`bookstore seed`) for the command, its output and its argument errors, and
// in-process for the bulk mode (one transaction, search index rebuilt) on a small catalog.
#include <gtest/gtest.h>
#include <unistd.h>

#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>

#include "adapters/catalog/catalog_seed.hpp"
#include "adapters/pg/migrations.hpp"
#include "adapters/pg/pool.hpp"
#include "domain/error.hpp"
#include "support.hpp"

namespace bookstore {
namespace {

namespace asio = boost::asio;
using testing::create_scratch_database;
using testing::drop_database;
using testing::exec_blocking;

// The binary with only `env` and warnings-only logs (testing::run_binary), standard input empty.
testing::Outcome run_binary(std::vector<std::string> env, const std::vector<std::string>& args) {
  env.insert(env.begin(), "BOOKSTORE_LOG_LEVEL=warn");
  return testing::run_binary(env, args);
}

// Everything a generated book is made of, in id order, as one digest.
constexpr const char* kBooksDigest = R"sql(
SELECT md5(string_agg(concat_ws('|', b.id, b.isbn13, b.title, b.subtitle, b.description, p.name, b.language,
                                b.publication_year, b.page_count, b.price_minor, b.currency, b.format, b.stock,
                                b.rating_avg, b.rating_count, b.sales_count, b.author_ids, b.authors_text,
                                b.genre_ids, b.genres_text), E'\n' ORDER BY b.id))
  FROM books b LEFT JOIN publishers p ON p.id = b.publisher_id)sql";
constexpr const char* kLinksDigest = R"sql(
SELECT md5((SELECT string_agg(concat_ws('|', a.id, a.name, a.bio), E'\n' ORDER BY a.id) FROM authors a) ||
           (SELECT string_agg(concat_ws('|', book_id, author_id, position), E'\n' ORDER BY book_id, position)
              FROM book_authors) ||
           (SELECT string_agg(concat_ws('|', book_id, genre_id), E'\n' ORDER BY book_id, genre_id)
              FROM book_genres)))sql";

// Books whose copies of the joined rows catalog_refresh_books() would change (it runs and is rolled back).
std::string copies_refresh_would_change(const std::string& url) {
  return exec_blocking(url, R"sql(
BEGIN;
CREATE TEMP TABLE copies_before ON COMMIT DROP AS
  SELECT id, author_ids, authors_text, genre_ids, genres_text FROM books;
SELECT catalog_refresh_books(ARRAY(SELECT id FROM books));
SELECT count(*) FROM books b JOIN copies_before x USING (id)
 WHERE (b.author_ids, b.authors_text, b.genre_ids, b.genres_text)
       IS DISTINCT FROM (x.author_ids, x.authors_text, x.genre_ids, x.genres_text);
)sql");
}

// ISBNs that are malformed or have a wrong check digit (computed here, independently of the code).
constexpr const char* kBadIsbns = R"sql(
SELECT count(*) FROM books
 WHERE isbn13 !~ '^97[89][0-9]{10}$'
    OR (10 - (SELECT sum(substr(isbn13, i, 1)::int * CASE WHEN i % 2 = 1 THEN 1 ELSE 3 END)
                FROM generate_series(1, 12) AS i) % 10) % 10 <> substr(isbn13, 13, 1)::int)sql";

// Words of titles, subtitles and author names that are missing from catalog_words.
constexpr const char* kMissingWords = R"sql(
SELECT count(*) FROM (SELECT DISTINCT w FROM books, catalog_words_of(title || ' ' || subtitle || ' ' || authors_text) AS w) x
 WHERE NOT EXISTS (SELECT 1 FROM catalog_words c WHERE c.word = x.w))sql";

// The link triggers are on and the search index is there, as the migration made them.
constexpr const char* kSchemaIntact = R"sql(
SELECT (SELECT count(*) FROM pg_trigger
         WHERE tgname IN ('book_authors_inserted', 'book_genres_inserted') AND tgenabled = 'O') || ',' ||
       (SELECT count(*) FROM pg_indexes WHERE tablename = 'books' AND indexname = 'books_search'
           AND indexdef LIKE '%USING rum (search%) WHERE (deleted_at IS NULL)'))sql";

class CatalogSeed : public ::testing::Test {
 protected:
  std::string scratch(const std::string& what) {
    std::string name = "bookstore_seed_" + what + "_" + std::to_string(getpid());
    databases_.push_back(name);
    return create_scratch_database(name);
  }
  void TearDown() override {
    for (auto& db : databases_) drop_database(db);
  }
  std::vector<std::string> databases_;
};

TEST_F(CatalogSeed, GeneratesAConsistentRealisticCatalogTheSameWayForTheSameSeed) {
  const std::string a = scratch("a");
  const std::string b = scratch("b");
  for (auto& url : {a, b}) {
    auto out = run_binary({"BOOKSTORE_DATABASE_URL=" + url}, {"seed", "--books", "3000", "--seed", "42"});
    ASSERT_EQ(out.exit_code, 0) << out.output;
    EXPECT_NE(out.output.find("seeded 3000 books (150 authors, 300 publishers, seed 42)"), std::string::npos)
        << out.output;
    EXPECT_NE(out.output.find("books/s"), std::string::npos) << out.output;
  }

  EXPECT_EQ(exec_blocking(a,
                          "SELECT count(*) || ',' || count(DISTINCT isbn13) || ',' || count(publisher_id) "
                          "FROM books WHERE deleted_at IS NULL"),
            "3000,3000,3000");
  EXPECT_EQ(
      exec_blocking(a, "SELECT (SELECT count(*) FROM authors) || ',' || (SELECT count(*) FROM publishers)"),
      "150,300");
  EXPECT_EQ(exec_blocking(a, kBadIsbns), "0");
  // The copies are what the triggers would have written; links and copies agree.
  EXPECT_EQ(copies_refresh_would_change(a), "0");
  EXPECT_EQ(exec_blocking(a,
                          "SELECT count(*) FROM books WHERE cardinality(author_ids) NOT BETWEEN 1 AND 3 "
                          "OR cardinality(genre_ids) NOT BETWEEN 1 AND 3"),
            "0");
  EXPECT_EQ(exec_blocking(a, "SELECT count(*) FROM books WHERE search = ''::tsvector OR description = ''"),
            "0");
  EXPECT_EQ(exec_blocking(a, "SELECT count(*) > 1000 FROM catalog_words"), "t");
  EXPECT_EQ(exec_blocking(a, kMissingWords), "0");
  EXPECT_EQ(exec_blocking(a, kSchemaIntact), "2,1");
  // The search column works with the catalog's configuration (stemmed, accents folded).
  EXPECT_EQ(exec_blocking(a,
                          "SELECT count(*) > 0 FROM books WHERE search @@ to_tsquery('bookstore_english', "
                          "'novels') AND search @@ to_tsquery('bookstore_english', 'novel')"),
            "t");

  // Realistic shapes: mostly English epubs with unlimited licences, prices like 249.00 / 299.00 rupees,
  // ratings between 1 and 5 (mostly 3.2-4.6), recent years, a long tail of sales.
  EXPECT_EQ(exec_blocking(a, R"sql(
SELECT (count(*) FILTER (WHERE language = 'en') BETWEEN 2200 AND 2850) || ',' ||
       (count(*) FILTER (WHERE format = 'epub') BETWEEN 1950 AND 2250) || ',' ||
       (count(*) FILTER (WHERE stock IS NULL) BETWEEN 2550 AND 2850) || ',' ||
       bool_and(stock IS NULL OR stock BETWEEN 0 AND 50) || ',' ||
       bool_and(price_minor BETWEEN 9900 AND 299900 AND price_minor % 5000 = 4900) || ',' ||
       bool_and(currency = 'INR') || ',' ||
       bool_and(page_count BETWEEN 80 AND 1200) || ',' ||
       bool_and(publication_year BETWEEN 1850 AND 2026) || ',' ||
       (percentile_cont(0.5) WITHIN GROUP (ORDER BY publication_year) > 1995) || ',' ||
       bool_and(CASE WHEN rating_count = 0 THEN rating_avg = 0 ELSE rating_avg BETWEEN 1 AND 5 END) || ',' ||
       (percentile_cont(0.5) WITHIN GROUP (ORDER BY rating_avg) FILTER (WHERE rating_count > 0)
          BETWEEN 3.6 AND 4.3) || ',' ||
       (max(sales_count) > 50 * percentile_cont(0.5) WITHIN GROUP (ORDER BY sales_count)) || ',' ||
       (corr(rating_count, sales_count) > 0.5)
  FROM books)sql"),
            "true,true,true,true,true,true,true,true,true,true,true,true,true");
  // Genres are weighted: fiction is common, poetry rare; every book has 1 to 3 of the 36.
  EXPECT_EQ(exec_blocking(a, R"sql(
SELECT (count(*) FILTER (WHERE g.slug = 'fiction') > 4 * count(*) FILTER (WHERE g.slug = 'poetry')) || ',' ||
       (count(DISTINCT g.slug) > 30)
  FROM book_genres bg JOIN genres g ON g.id = bg.genre_id)sql"),
            "true,true");
  // Authors come from many cultures, accents included; a few are far more prolific than most.
  EXPECT_EQ(
      exec_blocking(a, "SELECT count(*) FILTER (WHERE lower(name) <> catalog_fold(name)) > 5 FROM authors"),
      "t");
  EXPECT_EQ(exec_blocking(a,
                          "SELECT max(n) > 5 * percentile_cont(0.5) WITHIN GROUP (ORDER BY n) FROM "
                          "(SELECT count(*) AS n FROM book_authors GROUP BY author_id) x"),
            "t");

  // Deterministic: the same seed gives the same rows in another database.
  EXPECT_EQ(exec_blocking(a, kBooksDigest), exec_blocking(b, kBooksDigest));
  EXPECT_EQ(exec_blocking(a, kLinksDigest), exec_blocking(b, kLinksDigest));

  // Seeding again into a catalog that has books: new ids and ISBNs, the same names reuse their authors.
  auto more = run_binary({"BOOKSTORE_DATABASE_URL=" + b}, {"seed", "--books", "500", "--seed", "42"});
  ASSERT_EQ(more.exit_code, 0) << more.output;
  EXPECT_EQ(exec_blocking(b, "SELECT count(*) || ',' || count(DISTINCT isbn13) FROM books"), "3500,3500");
  EXPECT_EQ(exec_blocking(b, "SELECT count(*) FROM authors"), "150");
  EXPECT_EQ(copies_refresh_would_change(b), "0");
  EXPECT_EQ(exec_blocking(b, kBadIsbns), "0");
}

TEST_F(CatalogSeed, AnotherSeedGivesAnotherCatalog) {
  const std::string a = scratch("seed1");
  const std::string b = scratch("seed2");
  ASSERT_EQ(run_binary({"BOOKSTORE_DATABASE_URL=" + a}, {"seed", "--books", "200", "--seed", "1"}).exit_code,
            0);
  ASSERT_EQ(run_binary({"BOOKSTORE_DATABASE_URL=" + b}, {"seed", "--books", "200", "--seed", "2"}).exit_code,
            0);
  EXPECT_NE(exec_blocking(a, kBooksDigest), exec_blocking(b, kBooksDigest));
  // --seed defaults to 1.
  const std::string c = scratch("seed1b");
  ASSERT_EQ(run_binary({"BOOKSTORE_DATABASE_URL=" + c}, {"seed", "--books", "200"}).exit_code, 0);
  EXPECT_EQ(exec_blocking(a, kBooksDigest), exec_blocking(c, kBooksDigest));
}

TEST_F(CatalogSeed, BulkModeRebuildsTheSearchIndexInsideItsTransaction) {
  const std::string url = scratch("bulk");
  asio::io_context io;
  pg::Pool pool(io.get_executor(),
                {url, 2, std::chrono::milliseconds(5000), std::chrono::milliseconds(3000), 0});
  testing::run(io, [&]() -> Task<void> { co_await pg::migrate(pool); });
  std::string index_before =
      exec_blocking(url, "SELECT indexdef FROM pg_indexes WHERE indexname = 'books_search'");

  std::vector<std::string> phases;
  catalog::SeedOptions options;
  options.books = 2500;
  options.seed = 9;
  options.bulk = true;
  options.batch_size = 1000;
  auto report = testing::run(io, [&]() -> Task<catalog::SeedReport> {
    auto progress = [&](const catalog::SeedProgress& p) {
      phases.push_back(p.phase + ":" + std::to_string(p.done));
    };
    co_return co_await catalog::seed_catalog(pool, options, progress);
  });
  EXPECT_TRUE(report.bulk);
  EXPECT_EQ(report.books, 2500);
  EXPECT_EQ(report.authors, 125);
  EXPECT_EQ(phases, (std::vector<std::string>{"authors:125", "books:1000", "books:2000", "books:2500",
                                              "index:0", "analyze:0"}));
  EXPECT_EQ(exec_blocking(url, "SELECT indexdef FROM pg_indexes WHERE indexname = 'books_search'"),
            index_before);
  EXPECT_EQ(exec_blocking(url, kSchemaIntact), "2,1");
  EXPECT_EQ(copies_refresh_would_change(url), "0");
  EXPECT_EQ(exec_blocking(url, kBadIsbns), "0");
  EXPECT_EQ(exec_blocking(url, kMissingWords), "0");
  // The rebuilt index answers a ranked search.
  EXPECT_EQ(exec_blocking(url,
                          "SET enable_seqscan = off; SELECT count(*) > 0 FROM (SELECT id FROM books "
                          "WHERE deleted_at IS NULL AND search @@ to_tsquery('bookstore_english', 'love') "
                          "ORDER BY search <=> to_tsquery('bookstore_english', 'love') LIMIT 5) x"),
            "t");

  // An out-of-range count is a validation error, before anything is written.
  options.books = 0;
  EXPECT_THROW(testing::run(io,
                            [&]() -> Task<catalog::SeedReport> {
                              co_return co_await catalog::seed_catalog(pool, options);
                            }),
               domain::Error);
  pool.close();
}

TEST_F(CatalogSeed, DemoLoadsOnceIntoAnEmptyCatalog) {
  const std::string url = scratch("demo");
  auto first = run_binary({"BOOKSTORE_DATABASE_URL=" + url}, {"seed", "--demo"});
  ASSERT_EQ(first.exit_code, 0) << first.output;
  EXPECT_NE(first.output.find("demo catalog: loaded"), std::string::npos) << first.output;
  std::string count = exec_blocking(url, "SELECT count(*) FROM books");
  EXPECT_GE(std::stoi(count), 140);

  auto second = run_binary({"BOOKSTORE_DATABASE_URL=" + url}, {"seed", "--demo"});
  ASSERT_EQ(second.exit_code, 0) << second.output;
  EXPECT_NE(second.output.find("not loaded, the catalog already has " + count + " books"), std::string::npos)
      << second.output;
  EXPECT_EQ(exec_blocking(url, "SELECT count(*) FROM books"), count);

  EXPECT_EQ(copies_refresh_would_change(url), "0");
  EXPECT_EQ(exec_blocking(url, kBadIsbns), "0");
  EXPECT_EQ(exec_blocking(url, "SELECT count(*) - count(DISTINCT isbn13) FROM books"), "0");
  EXPECT_EQ(exec_blocking(url, kMissingWords), "0");
  EXPECT_EQ(exec_blocking(url, kSchemaIntact), "2,1");
  EXPECT_EQ(exec_blocking(url,
                          "SELECT authors_text || ' / ' || genres_text FROM books "
                          "WHERE title = 'Pride and Prejudice'"),
            "Jane Austen / Fiction Classics Romance");
  // Co-authors in cover order, accented names, and an author shared by two books is one author.
  EXPECT_EQ(exec_blocking(url, "SELECT authors_text FROM books WHERE title = 'The C Programming Language'"),
            "Brian W. Kernighan Dennis M. Ritchie");
  EXPECT_EQ(exec_blocking(url,
                          "SELECT count(*) FROM authors WHERE name IN "
                          "('Gabriel García Márquez', 'Gabriela Mistral', 'Rabindranath Tagore', "
                          "'Munshi Premchand', 'Miguel de Cervantes')"),
            "5");
  EXPECT_EQ(exec_blocking(url,
                          "SELECT count(*) FROM book_authors ba JOIN authors a ON a.id = ba.author_id "
                          "WHERE a.name = 'Brian W. Kernighan'"),
            "2");
  EXPECT_EQ(exec_blocking(url,
                          "SELECT count(*) FROM books WHERE search @@ "
                          "to_tsquery('bookstore_english', 'garcia & marquez')"),
            "3");

  // A generated catalog on top of the demo never takes a demo ISBN (979-8 against 978-0).
  auto more = run_binary({"BOOKSTORE_DATABASE_URL=" + url}, {"seed", "--books", "100"});
  ASSERT_EQ(more.exit_code, 0) << more.output;
  EXPECT_EQ(exec_blocking(url, "SELECT count(*) - " + count + " FROM books"), "100");
}

TEST(CatalogSeedCli, RefusesMissingAndInvalidArgumentsWithStatus2) {
  // Arguments are checked before any connection: nothing listens on port 1.
  const std::vector<std::string> env = {
      "BOOKSTORE_DATABASE_URL=postgresql://bookstore@127.0.0.1:1/bookstore"};
  const std::vector<std::vector<std::string>> bad = {
      {"seed"},
      {"seed", "--books"},
      {"seed", "--books", "0"},
      {"seed", "--books", "-5"},
      {"seed", "--books", "5000001"},
      {"seed", "--books", "ten"},
      {"seed", "--books", "10x"},
      {"seed", "--books", "10", "--seed"},
      {"seed", "--books", "10", "--seed", "-1"},
      {"seed", "--books", "10", "--books", "20"},
      {"seed", "--seed", "3"},
      {"seed", "--demo", "--books", "10"},
      {"seed", "--demo", "--seed", "3"},
      {"seed", "--books", "10", "--frobnicate"},
  };
  for (auto& args : bad) {
    auto out = run_binary(env, args);
    std::string shown;
    for (auto& a : args) shown += a + " ";
    EXPECT_EQ(out.exit_code, 2) << shown << "\n" << out.output;
    EXPECT_NE(out.output.find("usage: bookstore seed --books N"), std::string::npos) << shown << "\n"
                                                                                     << out.output;
  }
  // Valid arguments reach the database: a clear failure (1) when there is none.
  auto unreachable = run_binary({env[0], "BOOKSTORE_DB_CONNECT_TIMEOUT_MS=500"}, {"seed", "--books", "10"});
  EXPECT_EQ(unreachable.exit_code, 1) << unreachable.output;
  EXPECT_NE(unreachable.output.find("bookstore seed:"), std::string::npos) << unreachable.output;
  // The help lists the command.
  EXPECT_NE(run_binary({}, {"--help"}).output.find("seed --books N [--seed S]"), std::string::npos);
}

}  // namespace
}  // namespace bookstore
