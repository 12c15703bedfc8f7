// The catalog search against the real PostgreSQL (scratch database, migrations applied): what the text
// search configuration, the RUM ranking, the filters, facets, keyset pages, synonyms, typo corrections,
// type-ahead and author lookup really do, through the use case as the HTTP layer calls it.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include <boost/asio/io_context.hpp>

#include "adapters/catalog/pg_book_search.hpp"
#include "adapters/catalog/pg_book_store.hpp"
#include "adapters/crypto/sodium_secrets.hpp"
#include "adapters/pg/migrations.hpp"
#include "adapters/pg/pool.hpp"
#include "app/catalog/catalog_service.hpp"
#include "domain/error.hpp"
#include "support.hpp"

namespace bookstore {
namespace {

namespace asio = boost::asio;
using app::BookSort;
using app::SearchRequest;

const std::string& catalog_database() {
  static const std::string url = [] {
    std::string u = testing::create_scratch_database("bookstore_catalog_search_test");
    asio::io_context io;
    pg::Pool pool(io.get_executor(), pg::PoolConfig{u, 1});
    testing::run(io, [&]() -> Task<void> { co_await pg::migrate(pool); });
    pool.close();
    // A small catalog with the words the tests look for. Authors and genres go through the link tables,
    // so the triggers fill in the copies that search reads.
    testing::exec_blocking(u, R"(
      INSERT INTO authors (name) VALUES ('Gabriel García Márquez'), ('J. K. Rowling'), ('Isaac Asimov'),
                                        ('Ursula K. Le Guin'), ('Agatha Christie');
      INSERT INTO books (isbn13, title, subtitle, description, language, publication_year, price_minor, format,
                         stock, rating_avg, rating_count, sales_count) VALUES
        ('9780060883287', 'One Hundred Years of Solitude', '', 'The running history of Macondo and the Buendía family.', 'es', 1967, 49900, 'epub', NULL, 4.5, 900, 500),
        ('9780747532699', 'Harry Potter and the Philosopher''s Stone', '', 'A boy wizard runs to school in a castle.', 'en', 1997, 39900, 'epub', NULL, 4.7, 5000, 9000),
        ('9780553293357', 'Foundation', '', 'Classic science fiction about psychohistory and an empire in decline.', 'en', 1951, 29900, 'pdf', 5, 4.2, 700, 800),
        ('9780441478125', 'The Left Hand of Darkness', '', 'Sci-fi on a winter planet: an envoy and a king.', 'en', 1969, 34900, 'epub', 0, 4.1, 400, 300),
        ('9780062073488', 'Murder on the Orient Express', '', 'A detective on a snowbound train. Every passenger lies.', 'en', 1934, 19900, 'pdf', NULL, 4.3, 1200, 2500),
        ('9780553803709', 'I, Robot', '', 'Short stories of robots, written as a history of the future.', 'en', 1950, 9900, 'epub', NULL, 3.9, 300, 100);
      INSERT INTO book_authors (book_id, author_id, position)
        SELECT b.id, a.id, 0 FROM books b JOIN authors a ON
          (b.isbn13 = '9780060883287' AND a.name LIKE 'Gabriel%') OR (b.isbn13 = '9780747532699' AND a.name LIKE 'J.%') OR
          (b.isbn13 IN ('9780553293357', '9780553803709') AND a.name LIKE 'Isaac%') OR
          (b.isbn13 = '9780441478125' AND a.name LIKE 'Ursula%') OR (b.isbn13 = '9780062073488' AND a.name LIKE 'Agatha%');
      INSERT INTO book_genres (book_id, genre_id)
        SELECT b.id, g.id FROM books b JOIN genres g ON
          (b.isbn13 = '9780060883287' AND g.slug IN ('fiction', 'classics')) OR
          (b.isbn13 = '9780747532699' AND g.slug IN ('fantasy', 'young-adult')) OR
          (b.isbn13 IN ('9780553293357', '9780441478125', '9780553803709') AND g.slug IN ('science-fiction', 'classics')) OR
          (b.isbn13 = '9780062073488' AND g.slug IN ('mystery', 'crime', 'classics'));
    )");
    return u;
  }();
  return url;
}

class CatalogSearchDb : public ::testing::Test {
 protected:
  void SetUp() override {
    pool_ = std::make_unique<pg::Pool>(io_.get_executor(), pg::PoolConfig{catalog_database(), 4});
    search_ = std::make_unique<catalog::PgBookSearch>(*pool_);
    books_ = std::make_unique<catalog::PgBookStore>(*pool_);
    catalog_ = std::make_unique<app::CatalogService>(*search_, *books_, secrets_);
  }
  void TearDown() override { pool_->close(); }

  app::SearchResult find(SearchRequest r) {
    app::SearchResult result;
    testing::run(io_, [&]() -> Task<void> { result = co_await catalog_->search(r); });
    return result;
  }
  std::vector<std::string> titles(SearchRequest r) {
    std::vector<std::string> out;
    for (const auto& h : find(std::move(r)).hits) out.push_back(h.title);
    return out;
  }
  std::vector<std::string> titles(std::string q) {
    SearchRequest r;
    r.q = std::move(q);
    return titles(std::move(r));
  }
  static bool has(const std::vector<std::string>& v, std::string_view title) {
    return std::find(v.begin(), v.end(), title) != v.end();
  }

  asio::io_context io_;
  std::unique_ptr<pg::Pool> pool_;
  std::unique_ptr<catalog::PgBookSearch> search_;
  std::unique_ptr<catalog::PgBookStore> books_;
  crypto::SodiumSecrets secrets_{crypto::LocalKey::generate()};
  std::unique_ptr<app::CatalogService> catalog_;
};

TEST_F(CatalogSearchDb, StemsPhrasesExclusionsAlternativesAndAccents) {
  auto running = titles("running");  // "runs" and "running" share the stem
  EXPECT_TRUE(has(running, "Harry Potter and the Philosopher's Stone"));
  EXPECT_TRUE(has(running, "One Hundred Years of Solitude"));

  EXPECT_EQ(titles("\"years of solitude\""), std::vector<std::string>{"One Hundred Years of Solitude"});
  EXPECT_TRUE(titles("\"solitude years\"").empty());  // the same words in another order are no match

  auto classics = titles("classic -robots");
  EXPECT_TRUE(has(classics, "Foundation"));
  EXPECT_FALSE(has(classics, "I, Robot"));

  auto either = titles("wizard or detective");
  EXPECT_EQ(either.size(), 2u);

  EXPECT_EQ(titles("garcia"), std::vector<std::string>{"One Hundred Years of Solitude"});  // García
  EXPECT_EQ(titles("GARCÍA marquez"), std::vector<std::string>{"One Hundred Years of Solitude"});
  EXPECT_EQ(titles("rowling"), std::vector<std::string>{"Harry Potter and the Philosopher's Stone"});
}

TEST_F(CatalogSearchDb, TitleRanksAboveDescription) {
  // "robot" is in I, Robot's title (and description), "empire" only in Foundation's description; Foundation
  // sells eight times as many copies, and the title still wins.
  auto r = titles("empire or robot");
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(r.front(), "I, Robot");
}

TEST_F(CatalogSearchDb, SynonymsWorkBothWays) {
  auto scifi = titles("sci-fi");                         // the table says sci-fi = science fiction
  EXPECT_TRUE(has(scifi, "Foundation"));                 // described as "science fiction"
  EXPECT_TRUE(has(scifi, "The Left Hand of Darkness"));  // described as "Sci-fi"
  auto science_fiction = titles("science fiction");
  EXPECT_TRUE(has(science_fiction, "The Left Hand of Darkness"));
}

TEST_F(CatalogSearchDb, TyposAreCorrectedWhenNothingIsFound) {
  SearchRequest r;
  r.q = "hary poter";
  auto result = find(r);
  ASSERT_FALSE(result.hits.empty());
  EXPECT_EQ(result.hits.front().title, "Harry Potter and the Philosopher's Stone");
  EXPECT_EQ(result.corrected_query, "harry potter");
  // Highlights mark the corrected words in the title.
  EXPECT_NE(result.hits.front().title_marked.find(std::string(1, app::kMarkStart) + "Harry"),
            std::string::npos);

  r.q = "foundation";
  EXPECT_FALSE(find(r).corrected_query);
}

TEST_F(CatalogSearchDb, FiltersAndFacetsAgree) {
  SearchRequest all;  // browse the whole small catalog
  auto result = find(all);
  EXPECT_EQ(result.total, 6);
  EXPECT_EQ(result.total_exact, true);
  ASSERT_TRUE(result.facets);
  const auto& facets = *result.facets;
  auto check = [&](const std::string& facet, const app::FacetValue& v) {
    SearchRequest r;
    if (facet == "genre") r.filters.genres = {v.value};
    if (facet == "author") r.filters.authors = {std::stoll(v.value)};
    if (facet == "language") r.filters.language = v.value;
    if (facet == "format") r.filters.format = v.value;
    if (facet == "in_stock") r.filters.in_stock = true;
    if (facet == "rating") r.filters.rating_min = std::stod(v.value);
    if (facet == "price") r.filters.price_min = v.min, r.filters.price_max = v.max;
    if (facet == "year")
      r.filters.year_min = static_cast<int>(*v.min), r.filters.year_max = static_cast<int>(*v.max);
    EXPECT_EQ(find(r).total, std::optional<std::int64_t>(v.count)) << facet << "=" << v.value;
  };
  int checked = 0;
  for (const auto& [facet, values] : facets)
    for (const auto& v : values) check(facet, v), ++checked;
  EXPECT_GT(checked, 20);
  // Spot checks: classics 5 books, in stock all but the one at 0, five rated at least 4.
  auto value = [&](const std::string& facet, const std::string& v) -> std::int64_t {
    for (const auto& fv : facets.at(facet))
      if (fv.value == v) return fv.count;
    return -1;
  };
  EXPECT_EQ(value("genre", "classics"), 5);
  EXPECT_EQ(value("in_stock", "true"), 5);
  EXPECT_EQ(value("rating", "4"), 5);
  EXPECT_EQ(value("format", "pdf"), 2);
  EXPECT_EQ(value("year", "1950-1959"), 2);
  EXPECT_EQ(value("price", "0-9999"), 1);

  // Several genres: books with all of them; an unknown genre matches nothing.
  SearchRequest both;
  both.filters.genres = {"classics", "mystery"};
  EXPECT_EQ(titles(both), std::vector<std::string>{"Murder on the Orient Express"});
  SearchRequest unknown;
  unknown.filters.genres = {"no-such-genre"};
  EXPECT_TRUE(titles(unknown).empty());
}

TEST_F(CatalogSearchDb, EverySortPagesThroughEveryBookOnce) {
  for (auto sort : {BookSort::kPriceAsc, BookSort::kPriceDesc, BookSort::kRating, BookSort::kNewest,
                    BookSort::kBestSelling, BookSort::kRelevance}) {
    SearchRequest r;
    r.sort = sort;
    r.limit = 2;
    if (sort == BookSort::kRelevance) r.q = "classic or wizard or solitude or detective or robots";
    std::vector<std::int64_t> seen;
    std::vector<std::string> keys;
    for (int page = 0; page < 10; ++page) {
      auto result = find(r);
      for (const auto& h : result.hits) seen.push_back(h.id);
      if (!result.next_cursor) break;
      r.cursor = result.next_cursor;
    }
    std::set<std::int64_t> unique(seen.begin(), seen.end());
    EXPECT_EQ(unique.size(), seen.size()) << app::to_string(sort);
    EXPECT_EQ(seen.size(), 6u) << app::to_string(sort);
  }
  // Price order really is by price.
  SearchRequest cheap;
  cheap.sort = BookSort::kPriceAsc;
  auto hits = find(cheap).hits;
  EXPECT_TRUE(std::is_sorted(hits.begin(), hits.end(),
                             [](const auto& a, const auto& b) { return a.price_minor < b.price_minor; }));
}

TEST_F(CatalogSearchDb, MetacharactersAreText) {
  for (std::string q : {"'; DROP TABLE books; --", "%", "_", "\\", "\"", "'", "*:", "&|!()", "a:* & !b",
                        "<->", "''''", "\\'", "x' OR '1'='1"}) {
    SearchRequest r;
    r.q = q;
    EXPECT_NO_THROW(find(r)) << q;
  }
  EXPECT_EQ(find(SearchRequest{}).total, 6);  // all still there
}

TEST_F(CatalogSearchDb, SuggestAndAuthors) {
  app::Suggestions s;
  testing::run(io_, [&]() -> Task<void> { s = co_await catalog_->suggest("harry pot", 5); });
  ASSERT_FALSE(s.books.empty());
  EXPECT_EQ(s.books.front().title, "Harry Potter and the Philosopher's Stone");
  EXPECT_EQ(s.books.front().authors, std::vector<std::string>{"J. K. Rowling"});

  // A prefix longer than the stem of its word: "darkne" is no prefix of the stored 'dark' (darkness), so
  // the whole words of the word list that start with it stand in.
  testing::run(io_, [&]() -> Task<void> { s = co_await catalog_->suggest("darkne", 5); });
  ASSERT_FALSE(s.books.empty());
  EXPECT_EQ(s.books.front().title, "The Left Hand of Darkness");

  std::vector<app::AuthorMatch> authors;
  testing::run(io_, [&]() -> Task<void> { authors = co_await catalog_->find_authors("garsia", 5); });
  ASSERT_FALSE(authors.empty());
  EXPECT_EQ(authors.front().author.name, "Gabriel García Márquez");
  EXPECT_EQ(authors.front().book_count, 1);

  app::AuthorDetail asimov;
  testing::run(io_, [&]() -> Task<void> {
    auto found = co_await catalog_->find_authors("asimov", 1);
    asimov = co_await catalog_->author(found.front().author.id);
  });
  EXPECT_EQ(asimov.book_count, 2);
  ASSERT_EQ(asimov.books.size(), 2u);
  EXPECT_EQ(asimov.books.front().title, "Foundation");  // best-selling first

  std::vector<app::GenreCount> genres;
  testing::run(io_, [&]() -> Task<void> { genres = co_await catalog_->genres(); });
  auto classics =
      std::find_if(genres.begin(), genres.end(), [](const auto& g) { return g.genre.slug == "classics"; });
  ASSERT_NE(classics, genres.end());
  EXPECT_EQ(classics->book_count, 5);
}

TEST_F(CatalogSearchDb, DeletedBooksAreNeverFound) {
  testing::exec_blocking(catalog_database(),
                         "UPDATE books SET deleted_at = now() WHERE isbn13 = '9780553803709'");
  EXPECT_TRUE(titles("robots").empty());
  SearchRequest all;
  EXPECT_EQ(find(all).total, 5);
  testing::exec_blocking(catalog_database(),
                         "UPDATE books SET deleted_at = NULL WHERE isbn13 = '9780553803709'");
  EXPECT_EQ(titles("robots"), std::vector<std::string>{"I, Robot"});
}

TEST_F(CatalogSearchDb, RenamedAuthorsAndGenresAreSearchedByTheirNewNames) {
  // No route renames them yet, but the triggers must keep every book's copy (and its search column)
  // current when someone does.
  testing::exec_blocking(catalog_database(),
                         "UPDATE authors SET name = 'Ursula Kroeber' WHERE name LIKE 'Ursula%'");
  testing::exec_blocking(catalog_database(), "UPDATE genres SET name = 'Whodunnits' WHERE slug = 'mystery'");
  EXPECT_EQ(titles("kroeber"), std::vector<std::string>{"The Left Hand of Darkness"});
  EXPECT_EQ(titles("whodunnits"), std::vector<std::string>{"Murder on the Orient Express"});
  testing::exec_blocking(catalog_database(),
                         "UPDATE authors SET name = 'Ursula K. Le Guin' WHERE name = 'Ursula Kroeber'");
  testing::exec_blocking(catalog_database(), "UPDATE genres SET name = 'Mystery' WHERE slug = 'mystery'");
  EXPECT_TRUE(titles("kroeber").empty());
  EXPECT_EQ(titles("guin"), std::vector<std::string>{"The Left Hand of Darkness"});
}

}  // namespace
}  // namespace bookstore
