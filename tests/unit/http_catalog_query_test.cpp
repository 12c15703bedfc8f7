// GET /api/v1/books and friends: every parameter read, defaults, a 422 naming each bad parameter, and the
// JSON of results (highlights escaped, facets, cursors).
#include <gtest/gtest.h>

#include "adapters/http/catalog_query.hpp"
#include "adapters/http/request.hpp"
#include "domain/error.hpp"

namespace {

using namespace bookstore;

http::Request get(std::string target) {
  return http::Request(http::BeastRequest{http::bhttp::verb::get, target, 11});
}

std::vector<std::string> bad_parameters(const std::string& target) {
  std::vector<std::string> names;
  try {
    http::search_request_from(get(target));
    ADD_FAILURE() << "no validation error for " << target;
  } catch (const domain::Error& e) {
    EXPECT_EQ(e.code(), domain::ErrorCode::kValidation);
    for (const auto& field : e.fields()) names.push_back(field.field);
  }
  return names;
}

using Names = std::vector<std::string>;

TEST(HttpCatalogQuery, Defaults) {
  auto r = http::search_request_from(get("/api/v1/books"));
  EXPECT_EQ(r.q, "");
  EXPECT_FALSE(r.sort);
  EXPECT_EQ(r.limit, 20);
  EXPECT_FALSE(r.cursor);
  EXPECT_TRUE(r.facets);
  EXPECT_TRUE(r.filters.genres.empty());
  EXPECT_FALSE(r.filters.in_stock);
}

TEST(HttpCatalogQuery, EveryParameter) {
  auto r = http::search_request_from(
      get("/api/v1/books?q=+%22dark+tower%22+-horror+&genre=fantasy,+science-fiction,fantasy&author=3,17"
          "&language=en&price_min=0&price_max=49900&rating_min=3.5&year_min=1990&year_max=1999&format=epub"
          "&in_stock=true&sort=price_desc&limit=100&cursor=abc&facets=false"));
  EXPECT_EQ(r.q, "\"dark tower\" -horror");
  EXPECT_EQ(r.filters.genres, (Names{"fantasy", "science-fiction"}));  // trimmed, duplicates dropped
  EXPECT_EQ(r.filters.authors, (std::vector<std::int64_t>{3, 17}));
  EXPECT_EQ(r.filters.language, "en");
  EXPECT_EQ(r.filters.price_min, 0);
  EXPECT_EQ(r.filters.price_max, 49900);
  EXPECT_EQ(r.filters.rating_min, 3.5);
  EXPECT_EQ(r.filters.year_min, 1990);
  EXPECT_EQ(r.filters.year_max, 1999);
  EXPECT_EQ(r.filters.format, "epub");
  EXPECT_TRUE(r.filters.in_stock);
  EXPECT_EQ(r.sort, app::BookSort::kPriceDesc);
  EXPECT_EQ(r.limit, 100);
  EXPECT_EQ(r.cursor, "abc");
  EXPECT_FALSE(r.facets);
}

TEST(HttpCatalogQuery, EachBadParameterIsNamed) {
  EXPECT_EQ(bad_parameters("/api/v1/books?sort=cheapest"), Names{"sort"});
  EXPECT_EQ(bad_parameters("/api/v1/books?sort=relevance"), Names{"sort"});  // relevance needs q
  EXPECT_EQ(bad_parameters("/api/v1/books?price_min=-1"), Names{"price_min"});
  EXPECT_EQ(bad_parameters("/api/v1/books?price_max=1.5"), Names{"price_max"});
  EXPECT_EQ(bad_parameters("/api/v1/books?price_min=500&price_max=100"), Names{"price_min"});
  EXPECT_EQ(bad_parameters("/api/v1/books?rating_min=5.1"), Names{"rating_min"});
  EXPECT_EQ(bad_parameters("/api/v1/books?rating_min=nan"), Names{"rating_min"});
  EXPECT_EQ(bad_parameters("/api/v1/books?year_min=2000&year_max=1999"), Names{"year_min"});
  EXPECT_EQ(bad_parameters("/api/v1/books?year_max=abc"), Names{"year_max"});
  EXPECT_EQ(bad_parameters("/api/v1/books?limit=0"), Names{"limit"});
  EXPECT_EQ(bad_parameters("/api/v1/books?limit=101"), Names{"limit"});
  EXPECT_EQ(bad_parameters("/api/v1/books?format=mobi"), Names{"format"});
  EXPECT_EQ(bad_parameters("/api/v1/books?language=english"), Names{"language"});
  EXPECT_EQ(bad_parameters("/api/v1/books?language=xx"), Names{"language"});
  EXPECT_EQ(bad_parameters("/api/v1/books?genre=Sci%20Fi"), Names{"genre"});
  EXPECT_EQ(bad_parameters("/api/v1/books?genre=%27%3B+DROP+TABLE+books%3B--"), Names{"genre"});
  EXPECT_EQ(bad_parameters("/api/v1/books?author=0"), Names{"author"});
  EXPECT_EQ(bad_parameters("/api/v1/books?author=1,x"), Names{"author"});
  EXPECT_EQ(bad_parameters("/api/v1/books?in_stock=yes"), Names{"in_stock"});
  EXPECT_EQ(bad_parameters("/api/v1/books?facets=1"), Names{"facets"});
  EXPECT_EQ(bad_parameters("/api/v1/books?q=" + std::string(201, 'a')), Names{"q"});
  EXPECT_EQ(bad_parameters("/api/v1/books?q=%FF%FE"), Names{"q"});
  EXPECT_EQ(bad_parameters("/api/v1/books?sortt=price_asc"), Names{"sortt"});
  EXPECT_EQ(bad_parameters("/api/v1/books?limit=5&limit=6"), Names{"limit"});
  EXPECT_EQ(bad_parameters("/api/v1/books?genre=a,b,c,d,e,f,g,h,i,j,k"), Names{"genre"});
  // All problems at once.
  EXPECT_EQ(bad_parameters("/api/v1/books?price_min=-1&format=x&limit=0"),
            (Names{"price_min", "format", "limit"}));
}

TEST(HttpCatalogQuery, TwoHundredCharactersOfAnyScriptAreFine) {
  std::string q;
  for (int i = 0; i < 200; ++i) q += "%C3%A9";  // é, two bytes each
  EXPECT_EQ(http::search_request_from(get("/api/v1/books?q=" + q)).q.size(), 400u);
}

TEST(HttpCatalogQuery, TextLookup) {
  auto t = http::text_lookup_from(get("/api/v1/books/suggest?q=har&limit=3"), 10, 5);
  EXPECT_EQ(t.q, "har");
  EXPECT_EQ(t.limit, 3);
  EXPECT_EQ(http::text_lookup_from(get("/api/v1/books/suggest?q=x"), 10, 5).limit, 5);
  for (std::string bad : {"/s", "/s?q=", "/s?q=+", "/s?q=a&limit=11", "/s?q=a&x=1"}) {
    EXPECT_THROW(http::text_lookup_from(get(bad), 10, 5), domain::Error) << bad;
  }
}

TEST(HttpCatalogJson, MarksBecomeHtmlAndTextIsEscaped) {
  std::string marked = std::string("<b>\"Tom\" & ") + app::kMarkStart + "Jerry's" + app::kMarkEnd + "</b>";
  EXPECT_EQ(http::marked_html(marked), "&lt;b&gt;&quot;Tom&quot; &amp; <mark>Jerry&#39;s</mark>&lt;/b&gt;");
}

TEST(HttpCatalogJson, SearchResult) {
  app::SearchResult r;
  app::BookHit h;
  h.id = 7;
  h.title = "Dune";
  h.title_marked = std::string(1, app::kMarkStart) + "Dune" + app::kMarkEnd;
  h.snippet_marked = "desert";
  h.rating_avg = 4.256;
  h.authors = {{3, "Frank Herbert"}};
  r.hits = {h};
  r.text_search = true;
  r.sort = app::BookSort::kRelevance;
  r.total = 1;
  r.next_cursor = "c";
  r.facets = app::Facets{{"price", {app::FacetValue{"100000-", "", 1, 100000, std::nullopt}}}};
  r.corrected_query = "dune";
  auto j = http::search_result_json(r);
  EXPECT_EQ(j["items"][0]["highlight"]["title"], "<mark>Dune</mark>");
  EXPECT_EQ(j["items"][0]["rating"]["average"], 4.26);
  EXPECT_EQ(j["items"][0]["authors"][0]["name"], "Frank Herbert");
  EXPECT_EQ(j["next_cursor"], "c");
  EXPECT_EQ(j["sort"], "relevance");
  EXPECT_EQ(j["facets"]["price"][0]["min"], 100000);
  EXPECT_TRUE(j["facets"]["price"][0]["max"].is_null());
  EXPECT_EQ(j["corrected_query"], "dune");

  r.text_search = false;
  r.facets.reset();
  r.next_cursor.reset();
  j = http::search_result_json(r);
  EXPECT_TRUE(j["items"][0]["highlight"].is_null());
  EXPECT_TRUE(j["facets"].is_null());
  EXPECT_TRUE(j["next_cursor"].is_null());
}

}  // namespace
