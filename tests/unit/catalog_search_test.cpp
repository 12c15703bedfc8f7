// The public catalog use case over a fake BookSearch: default sorts, the query handed to the store
// (synonyms, typo corrections and when they are tried), signed cursors bound to their search, facets on
// the first page only.
#include <gtest/gtest.h>

#include <functional>

#include "app/catalog/catalog_service.hpp"
#include "domain/error.hpp"
#include "fakes/fake_book_search.hpp"
#include "fakes/fake_book_store.hpp"
#include "fakes/fake_clock.hpp"
#include "fakes/fake_run.hpp"

namespace bookstore {
namespace {

using app::BookSort;
using app::SearchPage;
using app::SearchPlan;
using app::SearchRequest;
using domain::ErrorCode;
using fakes::run;

// A digest that changes with every byte of its input (FNV-1a, 4 rounds with different seeds), in the
// shape of the real one: 64 hex characters.
class HashingSecrets : public app::Secrets {
 public:
  std::string random_token() override { return "token"; }
  std::string six_digit_code() override { return "000000"; }
  std::string digest(std::string_view secret) const override {
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out;
    for (std::uint64_t seed = 1; seed <= 4; ++seed) {
      std::uint64_t h = 1469598103934665603ULL ^ (seed * 0x9E3779B97F4A7C15ULL);
      for (unsigned char c : secret) h = (h ^ c) * 1099511628211ULL;
      for (int i = 0; i < 16; ++i) out += kHex[(h >> (i * 4)) & 0xF];
    }
    return out;
  }
};

app::BookHit hit(std::int64_t id, std::string key) {
  app::BookHit h;
  h.id = id;
  h.title = "Book " + std::to_string(id);
  h.sort_key = std::move(key);
  return h;
}

// A page of `n` hits with more to come, total 50 and one facet.
SearchPage full_page(int n) {
  SearchPage page;
  for (int i = 0; i < n; ++i) page.hits.push_back(hit(100 - i, std::to_string(500 + i)));
  page.more = true;
  page.total = 50;
  page.facets = app::Facets{{"language", {app::FacetValue{"en", "", 50, std::nullopt, std::nullopt}}}};
  return page;
}

class CatalogSearchTest : public ::testing::Test {
 protected:
  fakes::FakeBookSearch search;
  fakes::FakeClock clock;
  fakes::FakeBookStore books{clock};
  HashingSecrets secrets;
  app::CatalogService catalog{search, books, secrets};

  app::SearchResult find(SearchRequest r) { return run(catalog.search(std::move(r))); }
  ErrorCode error_of(SearchRequest r) {
    try {
      find(std::move(r));
    } catch (const domain::Error& e) {
      return e.code();
    }
    ADD_FAILURE() << "no error";
    return ErrorCode::kValidation;
  }
};

TEST_F(CatalogSearchTest, DefaultSortIsRelevanceWithTextAndNewestWithout) {
  SearchRequest text;
  text.q = "dragons";
  EXPECT_EQ(find(text).sort, BookSort::kRelevance);
  ASSERT_TRUE(search.plans.back().tsquery);
  EXPECT_EQ(*search.plans.back().tsquery, "'dragons'");

  SearchRequest browse;
  EXPECT_EQ(find(browse).sort, BookSort::kNewest);
  EXPECT_FALSE(search.plans.back().tsquery);
  EXPECT_FALSE(find(browse).text_search);
}

TEST_F(CatalogSearchTest, RelevanceWithoutTextIsRefused) {
  SearchRequest r;
  r.sort = BookSort::kRelevance;
  EXPECT_EQ(error_of(r), ErrorCode::kValidation);
  EXPECT_TRUE(search.plans.empty());
}

TEST_F(CatalogSearchTest, SynonymsAreFoldedIntoTheQuery) {
  search.synonym_table["sci-fi"] = {"science fiction"};
  search.answer = [](const SearchPlan&) { return full_page(3); };
  SearchRequest r;
  r.q = "sci-fi";
  find(r);
  EXPECT_EQ(*search.plans.back().tsquery, "( 'sci-fi' | 'science fiction' )");
}

TEST_F(CatalogSearchTest, FirstPageCountsFacetsAndPassesFiltersAndLimit) {
  search.answer = [](const SearchPlan&) { return full_page(2); };
  SearchRequest r;
  r.filters.language = "en";
  r.filters.genres = {"fantasy"};
  r.limit = 2;
  auto result = find(r);
  const auto& plan = search.plans.back();
  EXPECT_TRUE(plan.facets);
  EXPECT_EQ(plan.limit, 2);
  EXPECT_EQ(plan.filters.language, "en");
  EXPECT_EQ(plan.filters.genres, std::vector<std::string>{"fantasy"});
  ASSERT_TRUE(result.facets);
  EXPECT_EQ(result.total, 50);
  EXPECT_TRUE(result.next_cursor);

  r.facets = false;
  EXPECT_FALSE(find(r).facets);
}

TEST_F(CatalogSearchTest, NoCursorWithoutMore) {
  search.answer = [](const SearchPlan&) {
    auto page = full_page(2);
    page.more = false;
    return page;
  };
  EXPECT_FALSE(find(SearchRequest{}).next_cursor);
}

TEST_F(CatalogSearchTest, CursorCarriesTheLastRowToTheNextPage) {
  search.answer = [](const SearchPlan&) { return full_page(3); };
  SearchRequest r;
  r.q = "dragons";
  r.sort = BookSort::kPriceAsc;
  r.limit = 3;
  auto first = find(r);
  ASSERT_TRUE(first.next_cursor);

  r.cursor = first.next_cursor;
  auto second = find(r);
  const auto& plan = search.plans.back();
  ASSERT_TRUE(plan.after);
  EXPECT_EQ(plan.after->id, 98);
  EXPECT_EQ(plan.after->key, "502");
  EXPECT_FALSE(plan.facets);
  EXPECT_FALSE(second.facets);
  EXPECT_FALSE(second.total);  // counted on the first page only
}

TEST_F(CatalogSearchTest, TamperedCursorsAreRefused) {
  search.answer = [](const SearchPlan&) { return full_page(3); };
  SearchRequest r;
  r.q = "dragons";
  auto cursor = *find(r).next_cursor;
  const std::size_t calls = search.plans.size();

  auto with_cursor = [&](std::string c) {
    SearchRequest next = r;
    next.cursor = std::move(c);
    return next;
  };
  // Each part changed: sort, key, id, flags, signature; and shapes that are no cursor at all.
  std::string changed_key = cursor;
  changed_key.replace(changed_key.find('~') + 1, 1, "9");
  std::string changed_id = cursor;
  auto id_at = changed_id.find('~', changed_id.find('~') + 1) + 1;
  changed_id.replace(id_at, 1, "7");
  std::string changed_flag = cursor;
  changed_flag.replace(changed_flag.rfind('~') - 1, 1, "c");
  std::string changed_mac = cursor;
  changed_mac.back() = changed_mac.back() == '0' ? '1' : '0';
  for (const auto& bad : {changed_key, changed_id, changed_flag, changed_mac, std::string("x"),
                          std::string("~~~~"), std::string("relevance~1~1~p~") + std::string(32, '0'),
                          "price_asc" + cursor.substr(cursor.find('~')), std::string(300, 'a')}) {
    EXPECT_EQ(error_of(with_cursor(bad)), ErrorCode::kBadRequest) << bad;
  }
  EXPECT_EQ(search.plans.size(), calls);  // nothing was searched with a bad cursor
}

TEST_F(CatalogSearchTest, CursorBelongsToItsSearch) {
  search.answer = [](const SearchPlan&) { return full_page(3); };
  SearchRequest r;
  r.q = "dragons";
  r.filters.price_max = 50000;
  auto cursor = find(r).next_cursor;

  SearchRequest other_q = r;
  other_q.q = "wizards";
  other_q.cursor = cursor;
  EXPECT_EQ(error_of(other_q), ErrorCode::kBadRequest);

  SearchRequest other_filter = r;
  other_filter.filters.price_max = 60000;
  other_filter.cursor = cursor;
  EXPECT_EQ(error_of(other_filter), ErrorCode::kBadRequest);

  SearchRequest other_sort = r;
  other_sort.sort = BookSort::kRating;
  other_sort.cursor = cursor;
  EXPECT_EQ(error_of(other_sort), ErrorCode::kBadRequest);

  SearchRequest other_limit = r;
  other_limit.limit = 7;
  other_limit.cursor = cursor;
  EXPECT_EQ(error_of(other_limit), ErrorCode::kBadRequest);

  SearchRequest same = r;
  same.cursor = cursor;
  EXPECT_NO_THROW(find(same));
}

TEST_F(CatalogSearchTest, MisspeltWordsAreCorrectedWhenTooLittleIsFound) {
  search.correction_table["hary"] = {"harry", "hare"};
  search.correction_table["poter"] = {"potter"};
  search.answer = [](const SearchPlan& plan) {
    if (plan.tsquery->find("'harry'") == std::string::npos) return SearchPage{};  // nothing for the typos
    return full_page(2);
  };
  SearchRequest r;
  r.q = "hary poter";
  r.limit = 2;
  auto result = find(r);
  ASSERT_EQ(search.plans.size(), 2u);
  EXPECT_EQ(*search.plans[0].tsquery, "'hary' & 'poter'");
  EXPECT_EQ(*search.plans[1].tsquery, "( 'hary' | 'harry' | 'hare' ) & ( 'poter' | 'potter' )");
  EXPECT_EQ(result.corrected_query, "harry potter");
  EXPECT_EQ(result.hits.size(), 2u);

  // The next page searches with the corrections at once (its cursor says so).
  r.cursor = result.next_cursor;
  auto second = find(r);
  EXPECT_EQ(*search.plans.back().tsquery, "( 'hary' | 'harry' | 'hare' ) & ( 'poter' | 'potter' )");
  EXPECT_EQ(search.plans.size(), 3u);
  EXPECT_EQ(second.corrected_query, "harry potter");
}

TEST_F(CatalogSearchTest, NoCorrectionWhenEnoughIsFound) {
  search.correction_table["dragon"] = {"dragoon"};
  search.answer = [](const SearchPlan&) { return full_page(3); };  // total 50
  SearchRequest r;
  r.q = "dragon";
  auto result = find(r);
  EXPECT_EQ(search.plans.size(), 1u);
  EXPECT_TRUE(search.correction_lookups.empty());
  EXPECT_FALSE(result.corrected_query);
}

TEST_F(CatalogSearchTest, CorrectionThatFindsNoMoreIsNotUsed) {
  search.correction_table["zzyzx"] = {"zyzzyva"};
  SearchRequest r;
  r.q = "zzyzx";
  auto result = find(r);  // both searches find nothing
  EXPECT_EQ(search.plans.size(), 2u);
  EXPECT_FALSE(result.corrected_query);
}

TEST_F(CatalogSearchTest, SuggestMakesTheLastWordAPrefix) {
  run(catalog.suggest("harry pot", 5));
  ASSERT_EQ(search.last_suggest.size(), 3u);
  EXPECT_EQ(search.last_suggest[0], "'harry' & 'pot':*");
  EXPECT_EQ(search.last_suggest[1], "pot");
  EXPECT_EQ(search.last_suggest[2], "5");

  // Whole words that start with the prefix count too: the stemmed text has 'run' for 'running'.
  search.completion_table["runni"] = {"running", "runnings"};
  run(catalog.suggest("runni", 5));
  EXPECT_EQ(search.last_suggest[0], "( 'runni':* | 'running' | 'runnings' )");

  search.last_suggest.clear();
  EXPECT_TRUE(run(catalog.suggest("-only", 5)).books.empty());
  EXPECT_TRUE(search.last_suggest.empty());  // nothing positive to suggest from
}

TEST_F(CatalogSearchTest, UnknownBookAndAuthorAreNotFound) {
  try {
    run(catalog.book(424242));
    FAIL() << "no error";
  } catch (const domain::Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kNotFound);
  }
  try {
    run(catalog.author(7));
    FAIL() << "no error";
  } catch (const domain::Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kNotFound);
  }
}

TEST(CatalogSortNames, RoundTrip) {
  for (auto sort : {BookSort::kRelevance, BookSort::kPriceAsc, BookSort::kPriceDesc, BookSort::kRating,
                    BookSort::kNewest, BookSort::kBestSelling})
    EXPECT_EQ(app::parse_book_sort(app::to_string(sort)), sort);
  EXPECT_FALSE(app::parse_book_sort("price"));
  EXPECT_FALSE(app::parse_book_sort(""));
}

}  // namespace
}  // namespace bookstore
