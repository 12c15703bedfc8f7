// The catalog rules of the domain: ISBN normalisation, the search box language and its translation to
// to_tsquery() text (phrases, exclusions, `or`, synonyms, typo corrections, type-ahead prefixes and the
// quoting that keeps typed operator characters harmless), and the field checks for admin-entered books.
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "domain/catalog/book_rules.hpp"
#include "domain/catalog/isbn.hpp"
#include "domain/catalog/search_query.hpp"

namespace {

using namespace bookstore::domain;

// ---- isbn ----

TEST(CatalogIsbn, AcceptsIsbn13WithOrWithoutSeparators) {
  EXPECT_EQ(normalize_isbn("978-0-306-40615-7"), "9780306406157");
  EXPECT_EQ(normalize_isbn("9780306406157"), "9780306406157");
  EXPECT_EQ(normalize_isbn("978 0 306 40615 7"), "9780306406157");
  EXPECT_EQ(normalize_isbn("  978-0-306-40615-7 \t\n"), "9780306406157");
  EXPECT_EQ(normalize_isbn("978-1-4028-9462-6"), "9781402894626");
  EXPECT_EQ(normalize_isbn("979-10-90636-07-1"), "9791090636071");  // a 979 prefix
  EXPECT_EQ(normalize_isbn("978-3-16-148410-0"), "9783161484100");
}

TEST(CatalogIsbn, ConvertsIsbn10) {
  EXPECT_EQ(normalize_isbn("0-306-40615-2"), "9780306406157");
  EXPECT_EQ(normalize_isbn("0306406152"), "9780306406157");
  EXPECT_EQ(normalize_isbn("080442957X"), "9780804429573");
  EXPECT_EQ(normalize_isbn("0-8044-2957-x"), "9780804429573");
  EXPECT_EQ(normalize_isbn("0 8044 2957 X"), "9780804429573");
  EXPECT_EQ(normalize_isbn("1-4028-9462-7"), "9781402894626");
  EXPECT_EQ(normalize_isbn("0-7475-3269-9"), "9780747532699");  // Harry Potter, first edition
}

TEST(CatalogIsbn, RefusesBadCheckDigits) {
  EXPECT_FALSE(normalize_isbn("978-0-306-40615-8"));
  EXPECT_FALSE(normalize_isbn("9780306406150"));
  EXPECT_FALSE(normalize_isbn("0-306-40615-3"));
  EXPECT_FALSE(normalize_isbn("0804429570"));
  EXPECT_FALSE(normalize_isbn("0306406151"));
}

TEST(CatalogIsbn, RefusesWrongLengthsPrefixesAndCharacters) {
  for (const char* bad : {"",
                          "   ",
                          "978030640615",    // 12 digits
                          "97803064061570",  // 14 digits
                          "030640615",       // 9 digits
                          "03064061522",     // 11 digits
                          "9770306406154",   // 977: ISSN, not a book
                          "9780306406157X",  // X on an ISBN-13
                          "978030640615X",   // X as an ISBN-13 check digit
                          "X306406152",      // X not last
                          "03064X6152",      // X in the middle
                          "ISBN 9780306406157",
                          "978-0-306-40615-7a",
                          "a978-0-306-40615-7",
                          "978_0_306_40615_7",
                          "978.0.306.40615.7",
                          "-978-0-306-40615-7",  // separators only between digits
                          "978-0-306-40615-7-",
                          "978--0-306-40615-7",
                          "978 - 0306406157",
                          "978\t0306406157",                // a tab is not a separator
                          "９７８０３０６４０６１５７"}) {  // full-width digits
    EXPECT_FALSE(normalize_isbn(bad).has_value()) << bad;
  }
}

TEST(CatalogIsbn, ComputesTheIsbn13CheckDigit) {
  EXPECT_EQ(isbn13_check_digit("978030640615"), '7');
  EXPECT_EQ(isbn13_check_digit("978080442957"), '3');
  EXPECT_EQ(isbn13_check_digit("979109063607"), '1');
  EXPECT_EQ(isbn13_check_digit("978316148410"), '0');
  EXPECT_EQ(isbn13_check_digit("97803064061"), '\0');
  EXPECT_EQ(isbn13_check_digit("97803064061x"), '\0');
  // Every 12-digit body completed by its check digit normalises to itself.
  std::mt19937 rng(7);
  for (int i = 0; i < 1000; ++i) {
    std::string body = i % 2 ? "978" : "979";
    while (body.size() < 12) body.push_back(static_cast<char>('0' + rng() % 10));
    const std::string isbn = body + isbn13_check_digit(body);
    EXPECT_EQ(normalize_isbn(isbn), isbn);
    std::string wrong = isbn;
    wrong[12] = static_cast<char>('0' + (wrong[12] - '0' + 1) % 10);
    EXPECT_FALSE(normalize_isbn(wrong));
  }
}

// ---- search query: parsing ----

// The parsed query written back in the search box language: the structure in one string.
std::string reparsed(std::string_view text) {
  return corrected_text(parse_search_query(text), {});
}

std::string tsquery(std::string_view text, const SynonymMap& synonyms = {},
                    const Corrections& corrections = {}, bool prefix_last = false) {
  return to_tsquery_text(parse_search_query(text), synonyms, corrections, prefix_last);
}

TEST(CatalogSearchQuery, SplitsWordsAndLowerCasesAsciiOnly) {
  const SearchQuery q = parse_search_query("  Harry\tPOTTER\n\x01 Élan ÇA ");
  ASSERT_EQ(q.clauses.size(), 4u);
  EXPECT_EQ(q.clauses[0].alternatives[0].words, std::vector<std::string>{"harry"});
  EXPECT_EQ(q.clauses[1].alternatives[0].words, std::vector<std::string>{"potter"});
  EXPECT_EQ(q.clauses[2].alternatives[0].words, std::vector<std::string>{"Élan"});  // not folded here
  EXPECT_EQ(q.clauses[3].alternatives[0].words, std::vector<std::string>{"Ça"});
  for (const auto& clause : q.clauses) {
    EXPECT_FALSE(clause.negated);
    EXPECT_FALSE(clause.alternatives[0].phrase);
  }
  EXPECT_EQ(tsquery("Harry POTTER"), "'harry' & 'potter'");
}

TEST(CatalogSearchQuery, Phrases) {
  const SearchQuery q = parse_search_query("\"New  York\" times \"one\"");
  ASSERT_EQ(q.clauses.size(), 3u);
  EXPECT_TRUE(q.clauses[0].alternatives[0].phrase);
  EXPECT_EQ(q.clauses[0].alternatives[0].words, (std::vector<std::string>{"new", "york"}));
  EXPECT_FALSE(q.clauses[1].alternatives[0].phrase);
  EXPECT_TRUE(q.clauses[2].alternatives[0].phrase);  // a one-word phrase stays a phrase
  EXPECT_EQ(tsquery("\"New  York\" times"), "'new york' & 'times'");
  EXPECT_EQ(reparsed("\"the lord of the rings"), "\"the lord of the rings\"");  // unterminated
  EXPECT_EQ(reparsed("tolkien \"\" \"  \" \"...\" hobbit"), "tolkien hobbit");  // empty phrases dropped
  EXPECT_EQ(reparsed("\"a ... b\""), "\"a b\"");                    // punctuation inside a phrase dropped
  EXPECT_EQ(reparsed("foo\"bar baz\"qux"), "foo \"bar baz\" qux");  // a quote ends a word
  EXPECT_EQ(reparsed("\"or\" \"-x y\""), "\"or\" \"-x y\"");        // no syntax inside quotes
  EXPECT_EQ(reparsed("\""), "");
  EXPECT_EQ(reparsed("\"\"\"\"\""), "");
}

TEST(CatalogSearchQuery, Negation) {
  const SearchQuery q = parse_search_query("dracula -horror -\"new york\"");
  ASSERT_EQ(q.clauses.size(), 3u);
  EXPECT_FALSE(q.clauses[0].negated);
  EXPECT_TRUE(q.clauses[1].negated);
  EXPECT_EQ(q.clauses[1].alternatives[0].words, std::vector<std::string>{"horror"});
  EXPECT_TRUE(q.clauses[2].negated);
  EXPECT_TRUE(q.clauses[2].alternatives[0].phrase);
  EXPECT_EQ(tsquery("dracula -horror -\"new york\""), "'dracula' & !'horror' & !'new york'");
  EXPECT_EQ(reparsed("sci-fi x-men -x-files"), "sci-fi x-men -x-files");  // inner '-' is text
  EXPECT_EQ(tsquery("sci-fi"), "'sci-fi'");
  EXPECT_EQ(reparsed("a - b -- c"), "a b c");  // lone dashes dropped
  EXPECT_EQ(reparsed("- -"), "");
  EXPECT_EQ(reparsed("--horror"), "-horror");
  EXPECT_EQ(reparsed("-... -\"\" -\"!!\""), "");  // nothing left to exclude
}

TEST(CatalogSearchQuery, OrMakesAlternatives) {
  const SearchQuery q = parse_search_query("cats OR dogs");
  ASSERT_EQ(q.clauses.size(), 1u);
  ASSERT_EQ(q.clauses[0].alternatives.size(), 2u);
  EXPECT_EQ(tsquery("cats or dogs"), "( 'cats' | 'dogs' )");
  EXPECT_EQ(tsquery("pets cats Or dogs oR \"guinea pigs\" care"),
            "'pets' & ( 'cats' | 'dogs' | 'guinea pigs' ) & 'care'");
  EXPECT_EQ(reparsed("a or b or c"), "a or b or c");
  EXPECT_EQ(reparsed("or a"), "a");
  EXPECT_EQ(reparsed("a or"), "a");
  EXPECT_EQ(reparsed("a or or b"), "a or b");
  EXPECT_EQ(reparsed("or or"), "");
  EXPECT_EQ(reparsed("OR"), "");
  EXPECT_EQ(reparsed("a or -b"), "a -b");  // a negation is its own clause
  EXPECT_EQ(reparsed("-a or b"), "-a b");
  EXPECT_EQ(reparsed("a or ... b"), "a or b");  // dropped words do not count
  EXPECT_EQ(reparsed("-or"), "-or");            // an excluded `or` is a word
  EXPECT_EQ(reparsed("orwell or ore"), "orwell or ore");
}

TEST(CatalogSearchQuery, DropsPunctuationOnlyWords) {
  EXPECT_EQ(reparsed("harry ... & | ! potter ?! '' \\ --- :*"), "harry potter");
  EXPECT_EQ(reparsed("c++ c# .net 1984 é"), "c++ c# .net 1984 é");
  EXPECT_EQ(reparsed("\xff\xfe \x80"), "\xff\xfe \x80");  // stray bytes are kept as typed
  EXPECT_TRUE(parse_search_query("!!! ... ---").clauses.empty());
}

TEST(CatalogSearchQuery, KeepsOperatorCharactersAsEscapedText) {
  EXPECT_EQ(tsquery("o'brien"), "'o''brien'");
  EXPECT_EQ(tsquery("back\\slash"), "'back\\\\slash'");
  EXPECT_EQ(tsquery("a&b|c!(d):*<e>"), "'a&b|c!(d):*<e>'");
  EXPECT_EQ(tsquery("'quoted'"), "'''quoted'''");
  EXPECT_EQ(tsquery("\"it's a \\ test\""), "'it''s a test'");  // a lone backslash is a dropped word
  EXPECT_EQ(tsquery("\"it's a x\\y test\""), "'it''s a x\\\\y test'");
  EXPECT_EQ(tsquery("pot:*"), "'pot:*'");
  EXPECT_EQ(tsquery("-don't"), "!'don''t'");
}

TEST(CatalogSearchQuery, Limits) {
  std::string text;
  for (int i = 0; i < 20; ++i) text += "w" + std::to_string(i) + " ";
  const SearchQuery q = parse_search_query(text);
  ASSERT_EQ(q.clauses.size(), kMaxSearchClauses);
  EXPECT_EQ(q.clauses.back().alternatives[0].words[0], "w15");
  // After the 16th clause the rest is dropped, `or` alternatives too.
  EXPECT_EQ(parse_search_query(text + " or x").clauses.back().alternatives.size(), 1u);

  const SearchQuery phrase = parse_search_query("\"1 2 3 4 5 6 7 8 9 10\" after");
  ASSERT_EQ(phrase.clauses.size(), 2u);
  EXPECT_EQ(phrase.clauses[0].alternatives[0].words.size(), kMaxPhraseWords);
  EXPECT_EQ(phrase.clauses[0].alternatives[0].words.back(), "8");

  std::string chain = "a0";
  for (int i = 1; i < 30; ++i) chain += " or a" + std::to_string(i);
  const SearchQuery alternatives = parse_search_query(chain + " b");
  ASSERT_EQ(alternatives.clauses.size(), 2u);
  EXPECT_EQ(alternatives.clauses[0].alternatives.size(), kMaxSearchAlternatives);
  EXPECT_EQ(alternatives.clauses[1].alternatives[0].words[0], "b");
}

TEST(CatalogSearchQuery, VeryLongInput) {
  const std::string word(100'000, 'a');
  const SearchQuery one = parse_search_query(word);
  ASSERT_EQ(one.clauses.size(), 1u);
  EXPECT_EQ(to_tsquery_text(one, {}, {}, true), "'" + word + "':*");
  std::string many;
  for (int i = 0; i < 50'000; ++i) many += i % 3 ? "x or " : "\"p q r s t u v w x y z\" -";
  const SearchQuery q = parse_search_query(many);
  EXPECT_LE(q.clauses.size(), kMaxSearchClauses);
  EXPECT_FALSE(to_tsquery_text(q, {}, {}, true).empty());
}

TEST(CatalogSearchQuery, EmptyAndExclusionOnlyQueries) {
  for (const char* text : {"", "   ", "\"", "- -", "or or", "\t\r\n", "...", "-"}) {
    const SearchQuery q = parse_search_query(text);
    EXPECT_TRUE(q.clauses.empty()) << text;
    EXPECT_FALSE(has_positive_terms(q)) << text;
    EXPECT_EQ(to_tsquery_text(q, {}, {}, true), "") << text;
    EXPECT_TRUE(synonym_candidates(q).empty());
    EXPECT_TRUE(typo_candidates(q).empty());
  }
  const SearchQuery only_negation = parse_search_query("-horror -gore");
  EXPECT_FALSE(has_positive_terms(only_negation));
  EXPECT_EQ(to_tsquery_text(only_negation, {}, {}, true), "!'horror' & !'gore'");
  EXPECT_TRUE(has_positive_terms(parse_search_query("-horror ghost")));
}

// ---- search query: synonyms, corrections, prefixes ----

TEST(CatalogSearchQuery, SynonymsOfWordsAndPhrases) {
  const SynonymMap synonyms = {{"cat", {"kitten", "house  cat", "cat", "kitten", ""}},
                               {"new york", {"nyc", "big apple"}},
                               {"horror", {"gore"}}};
  EXPECT_EQ(tsquery("cat", synonyms), "( 'cat' | 'kitten' | 'house cat' )");  // duplicates and blanks out
  EXPECT_EQ(tsquery("\"New York\" cat", synonyms),
            "( 'new york' | 'nyc' | 'big apple' ) & ( 'cat' | 'kitten' | 'house cat' )");
  // Unquoted, the phrase key matches as a bigram.
  EXPECT_EQ(tsquery("new york", synonyms), "( 'new' & 'york' | 'nyc' | 'big apple' )");
  EXPECT_EQ(tsquery("york new", synonyms), "'york' & 'new'");
  EXPECT_EQ(tsquery("cat or dog", synonyms), "( 'cat' | 'kitten' | 'house cat' | 'dog' )");
  EXPECT_EQ(tsquery("ghost -horror", synonyms), "'ghost' & !( 'horror' | 'gore' )");
  EXPECT_EQ(tsquery("o'neil", {{"o'neil", {"o\\neil"}}}), "( 'o''neil' | 'o\\\\neil' )");
}

TEST(CatalogSearchQuery, SynonymsOfBigrams) {
  const SynonymMap synonyms = {{"science fiction", {"sci-fi", "sf"}}, {"fiction books", {"novels"}}};
  EXPECT_EQ(tsquery("science fiction", synonyms), "( 'science' & 'fiction' | 'sci-fi' | 'sf' )");
  // Left to right, not overlapping: "fiction books" is not used once "science fiction" took fiction.
  EXPECT_EQ(tsquery("best science fiction books", synonyms),
            "'best' & ( 'science' & 'fiction' | 'sci-fi' | 'sf' ) & 'books'");
  EXPECT_EQ(tsquery("fiction books", synonyms), "( 'fiction' & 'books' | 'novels' )");
  // Only adjacent positive one-word clauses.
  EXPECT_EQ(tsquery("science -x fiction", synonyms), "'science' & !'x' & 'fiction'");
  EXPECT_EQ(tsquery("\"science\" fiction", synonyms), "'science' & 'fiction'");
  EXPECT_EQ(tsquery("science fiction or fantasy", synonyms), "'science' & ( 'fiction' | 'fantasy' )");
  EXPECT_EQ(tsquery("science fiction", {{"science fiction", {"science fiction", " "}}}),
            "'science' & 'fiction'");  // nothing else in the group
  EXPECT_EQ(to_tsquery_text(parse_search_query("science fiction"), synonyms, {}, true),
            "( 'science' & 'fiction':* | 'sci-fi' | 'sf' )");
}

TEST(CatalogSearchQuery, Corrections) {
  const Corrections corrections = {{"hary", {"harry"}}, {"poter", {"potter", "porter"}}, {"grey", {}}};
  EXPECT_EQ(tsquery("hary poter", {}, corrections),
            "( 'hary' | 'harry' ) & ( 'poter' | 'potter' | 'porter' )");
  // Not inside phrases, not in exclusions.
  EXPECT_EQ(tsquery("\"hary\" -poter grey", {}, corrections), "'hary' & !'poter' & 'grey'");
  // Synonyms and corrections in one group.
  EXPECT_EQ(tsquery("colour", {{"colour", {"color"}}}, {{"colour", {"color", "collar"}}}),
            "( 'colour' | 'color' | 'collar' )");
  EXPECT_EQ(corrected_text(parse_search_query("hary poter"), corrections), "harry potter");
  EXPECT_EQ(corrected_text(parse_search_query("Hary or \"hary poter\" -poter grey"), corrections),
            "harry or \"hary poter\" -poter grey");
}

TEST(CatalogSearchQuery, PrefixLast) {
  const auto with_prefix = [](std::string_view text, const Corrections& corrections = {}) {
    return to_tsquery_text(parse_search_query(text), {}, corrections, true);
  };
  EXPECT_EQ(with_prefix("harry pot"), "'harry' & 'pot':*");
  EXPECT_EQ(with_prefix("pot -x"), "'pot':* & !'x'");  // the last positive clause
  EXPECT_EQ(with_prefix("harry \"pot\""), "'harry' & 'pot'");
  EXPECT_EQ(with_prefix("\"harry pot"), "'harry pot'");
  EXPECT_EQ(with_prefix("cats or dogs"), "( 'cats' | 'dogs' )");
  EXPECT_EQ(with_prefix("-pot"), "!'pot'");
  EXPECT_EQ(with_prefix("hary pot", {{"pot", {"pit"}}}), "'hary' & ( 'pot':* | 'pit' )");
  EXPECT_EQ(tsquery("harry pot"), "'harry' & 'pot'");  // off
}

TEST(CatalogSearchQuery, Candidates) {
  const SearchQuery q =
      parse_search_query("Science fiction \"New York\" -horror fiction cats or dogs 1984 abc");
  EXPECT_EQ(synonym_candidates(q),
            (std::vector<std::string>{"science", "fiction", "science fiction", "new york", "cats", "dogs",
                                      "1984", "abc", "1984 abc"}));
  EXPECT_EQ(typo_candidates(q), (std::vector<std::string>{"science", "fiction", "cats", "dogs"}));
  EXPECT_EQ(typo_candidates(parse_search_query("x86-64 abcd 12345 éé é")),
            (std::vector<std::string>{"x86-64", "abcd", "éé"}));
}

// ---- search query: fuzz ----

// Whether text is exactly the grammar to_tsquery_text() promises: literals closed ('' and \x escapes
// inside), optional :* after a literal, ' & ' and ' | ' between operands, '!' before one, ( ... ) groups.
class TsqueryChecker {
 public:
  explicit TsqueryChecker(std::string_view text) : s_(text) {}
  bool valid() {
    if (s_.empty()) return true;
    return parse_or() && pos_ == s_.size();
  }

 private:
  bool eat(std::string_view token) {
    if (s_.substr(pos_, token.size()) != token) return false;
    pos_ += token.size();
    return true;
  }
  bool parse_or() {
    if (!parse_and()) return false;
    while (eat(" | "))
      if (!parse_and()) return false;
    return true;
  }
  bool parse_and() {
    if (!parse_unary()) return false;
    while (eat(" & "))
      if (!parse_unary()) return false;
    return true;
  }
  bool parse_unary() {
    if (eat("!")) return parse_unary();
    if (eat("( ")) return parse_or() && eat(" )");
    return parse_literal();
  }
  bool parse_literal() {
    if (!eat("'")) return false;
    std::size_t length = 0;
    while (pos_ < s_.size()) {
      const char c = s_[pos_++];
      if (c == '\\') {
        if (pos_ >= s_.size() || (s_[pos_] != '\\' && s_[pos_] != '\'')) return false;
        ++pos_, ++length;
      } else if (c == '\'') {
        if (pos_ < s_.size() && s_[pos_] == '\'') {
          ++pos_, ++length;
          continue;
        }
        eat(":*");
        return length > 0;
      } else {
        ++length;
      }
    }
    return false;  // unterminated
  }

  std::string_view s_;
  std::size_t pos_ = 0;
};

TEST(CatalogSearchQuery, CheckerRefusesBrokenText) {
  for (const char* bad : {"'a", "'a''", "'a\\'", "'a' &", "( 'a'", "'a' 'b'", "''", "!", "'a'b'"})
    EXPECT_FALSE(TsqueryChecker(bad).valid()) << bad;
  EXPECT_TRUE(TsqueryChecker("'a''b' & !( 'c\\\\' | 'd':* )").valid());
}

TEST(CatalogSearchQuery, FuzzedInputGivesWellFormedTsquery) {
  static constexpr std::string_view kPieces[] = {
      " ",    "  ",     "\t",  "\"", "-",  "'",   "\\", "or",  "OR",  " or ", "&",       "|",      "!",
      "(",    ")",      ":",   "*",  "<",  ">",   "a",  "b",   "x",   "7",    "é",       "\xff",   "\xc3",
      "\x01", "sci-fi", "cat", "ab", "''", "\\'", ":*", "-\"", "\"-", "\x7f", "science", "fiction"};
  const SynonymMap synonyms = {{"cat", {"it's", "back\\slash", "  "}},
                               {"science fiction", {"sci'fi"}},
                               {"a b", {"\\"}},
                               {"sci-fi", {"'", "''"}}};
  const Corrections corrections = {{"science", {"sci'ence"}}, {"ab", {"a\\b", "'"}}};
  std::mt19937 rng(12345);
  for (int round = 0; round < 5000; ++round) {
    std::string text;
    const int length = static_cast<int>(rng() % 40);
    for (int i = 0; i < length; ++i) {
      if (rng() % 4 == 0) {
        text.push_back(static_cast<char>(rng() % 256));
      } else {
        text += kPieces[rng() % std::size(kPieces)];
      }
    }
    const SearchQuery q = parse_search_query(text);
    EXPECT_LE(q.clauses.size(), kMaxSearchClauses);
    for (const auto& clause : q.clauses) {
      ASSERT_FALSE(clause.alternatives.empty());
      if (clause.negated) {
        EXPECT_EQ(clause.alternatives.size(), 1u);
      }
      for (const auto& term : clause.alternatives) {
        ASSERT_FALSE(term.words.empty());
        EXPECT_LE(term.words.size(), kMaxPhraseWords);
        for (const auto& word : term.words) EXPECT_FALSE(word.empty());
      }
    }
    for (bool prefix : {false, true}) {
      const std::string out = to_tsquery_text(q, synonyms, corrections, prefix);
      EXPECT_TRUE(TsqueryChecker(out).valid()) << "input: " << text << "\noutput: " << out;
      EXPECT_EQ(out.empty(), q.clauses.empty());
    }
    // Written back and parsed again, the query is the same.
    const std::string written = corrected_text(q, {});
    EXPECT_EQ(corrected_text(parse_search_query(written), {}), written) << text;
    EXPECT_EQ(to_tsquery_text(parse_search_query(written), {}, {}, false), to_tsquery_text(q, {}, {}, false));
    (void)synonym_candidates(q);
    (void)typo_candidates(q);
  }
}

// ---- book rules ----

TEST(CatalogBookRules, TrimText) {
  EXPECT_EQ(trim_text("  a b \t\r\n"), "a b");
  EXPECT_EQ(trim_text("\v\f"), "");
  EXPECT_EQ(trim_text("\xc2\xa0x"), "\xc2\xa0x");  // ASCII whitespace only
}

// A string of n code points of two bytes each.
std::string code_points(std::size_t n) {
  std::string out;
  for (std::size_t i = 0; i < n; ++i) out += "é";
  return out;
}

TEST(CatalogBookRules, Title) {
  EXPECT_FALSE(check_title("The Hobbit"));
  EXPECT_FALSE(check_title("  Les Misérables  "));
  EXPECT_FALSE(check_title(code_points(300)));
  EXPECT_FALSE(check_title("  " + code_points(300) + "\n"));  // counted after trimming
  EXPECT_TRUE(check_title(code_points(301)));
  EXPECT_TRUE(check_title(""));
  EXPECT_TRUE(check_title(" \t\n"));
  EXPECT_TRUE(check_title("a\nb"));
  EXPECT_TRUE(check_title("a\tb"));
  EXPECT_TRUE(check_title("a\x7f"));
  EXPECT_TRUE(check_title("a\xc2\x85"));  // C1 NEL
  EXPECT_TRUE(check_title("a\xc3"));
  EXPECT_TRUE(check_title("\xed\xa0\x80"));  // a surrogate
  EXPECT_EQ(check_title(""), "Enter the title.");
  EXPECT_EQ(check_title(code_points(301)), "The title is longer than 300 characters.");
}

TEST(CatalogBookRules, SubtitleAndDescription) {
  EXPECT_FALSE(check_subtitle(""));
  EXPECT_FALSE(check_subtitle("  "));
  EXPECT_FALSE(check_subtitle(code_points(300)));
  EXPECT_TRUE(check_subtitle(code_points(301)));
  EXPECT_TRUE(check_subtitle("a\nb"));

  EXPECT_FALSE(check_description(""));
  EXPECT_FALSE(check_description("First line.\r\n\tSecond line.\n"));
  EXPECT_FALSE(check_description(code_points(10'000)));
  EXPECT_TRUE(check_description(code_points(10'001)));
  EXPECT_TRUE(check_description("a\x01"));
  EXPECT_TRUE(check_description("a\x7f"));
  EXPECT_TRUE(check_description("\xc2\x9f"));
  EXPECT_TRUE(check_description("\xff"));
}

TEST(CatalogBookRules, PersonNameAndPublisher) {
  EXPECT_FALSE(check_person_name("J. R. R. Tolkien"));
  EXPECT_FALSE(check_person_name("Gabriel García Márquez"));
  EXPECT_FALSE(check_person_name(code_points(200)));
  EXPECT_TRUE(check_person_name(code_points(201)));
  EXPECT_TRUE(check_person_name("   "));
  EXPECT_TRUE(check_person_name("a\nb"));
  EXPECT_FALSE(check_publisher("Penguin Random House"));
  EXPECT_FALSE(check_publisher(code_points(200)));
  EXPECT_TRUE(check_publisher(code_points(201)));
  EXPECT_TRUE(check_publisher(""));
  EXPECT_TRUE(check_publisher("x\x1b[31m"));
}

TEST(CatalogBookRules, Language) {
  for (const char* good : {"en", "hi", "fr", "de", "ta", "zh", "zu", "aa", "bh"})
    EXPECT_FALSE(check_language(good));
  for (const char* bad : {"", "e", "EN", "En", "eng", "en-us", "en_US", "xx", "qq", "zz", " en", "e1", "é"})
    EXPECT_TRUE(check_language(bad)) << bad;
  const auto codes = language_codes();
  EXPECT_EQ(codes.size(), 184u);
  EXPECT_TRUE(std::is_sorted(codes.begin(), codes.end()));
  for (auto code : codes) EXPECT_FALSE(check_language(code)) << code;
}

TEST(CatalogBookRules, PublicationYearAndPageCount) {
  EXPECT_FALSE(check_publication_year(1400, 2025));
  EXPECT_FALSE(check_publication_year(1937, 2025));
  EXPECT_FALSE(check_publication_year(2027, 2025));
  EXPECT_TRUE(check_publication_year(2028, 2025));
  EXPECT_TRUE(check_publication_year(1399, 2025));
  EXPECT_TRUE(check_publication_year(-5, 2025));
  EXPECT_EQ(check_publication_year(2028, 2025), "The publication year must be between 1400 and 2027.");

  EXPECT_FALSE(check_page_count(1));
  EXPECT_FALSE(check_page_count(100'000));
  EXPECT_TRUE(check_page_count(0));
  EXPECT_TRUE(check_page_count(-1));
  EXPECT_TRUE(check_page_count(100'001));
  EXPECT_TRUE(check_page_count(INT64_MAX));
}

TEST(CatalogBookRules, PriceStockCurrencyFormat) {
  EXPECT_FALSE(check_price_minor(0));
  EXPECT_FALSE(check_price_minor(49'900));
  EXPECT_FALSE(check_price_minor(1'000'000'000));
  EXPECT_TRUE(check_price_minor(1'000'000'001));
  EXPECT_TRUE(check_price_minor(-1));
  EXPECT_TRUE(check_price_minor(INT64_MIN));

  EXPECT_FALSE(check_stock(0));
  EXPECT_FALSE(check_stock(1'000'000'000));
  EXPECT_TRUE(check_stock(1'000'000'001));
  EXPECT_TRUE(check_stock(-1));

  for (const char* good : {"INR", "USD", "EUR", "GBP", "JPY", "AUD", "CAD", "SGD", "AED", "CHF", "XOF"})
    EXPECT_FALSE(check_currency(good)) << good;
  for (const char* bad : {"", "inr", "Inr", "INRR", "IN", "XXX", "XTS", "XAU", "HRK", "ABC", "₹", " INR"})
    EXPECT_TRUE(check_currency(bad)) << bad;
  const auto codes = currency_codes();
  EXPECT_TRUE(std::is_sorted(codes.begin(), codes.end()));
  EXPECT_GT(codes.size(), 150u);

  EXPECT_FALSE(check_format("epub"));
  EXPECT_FALSE(check_format("pdf"));
  for (const char* bad : {"", "EPUB", "Pdf", "mobi", "epub ", "txt"}) EXPECT_TRUE(check_format(bad)) << bad;
}

TEST(CatalogBookRules, CoverUrl) {
  for (const char* good : {"https://covers.example.com/9780306406157.jpg", "http://example.com",
                           "https://example.com:8443/a/b?size=L&v=2#top", "HTTPS://Example.com/x.png",
                           "https://user@example.com/x", "https://example.com/b%C3%BCcher/é.jpg"})
    EXPECT_FALSE(check_cover_url(good)) << good;
  for (const char* bad : {"", "example.com/x.jpg", "ftp://example.com/x.jpg", "javascript:alert(1)",
                          "data:image/png;base64,AAAA", "https://", "http:///path", "https://:80/x",
                          "https://example.com/a b.jpg", "https://example.com/a\tb", " https://example.com",
                          "https://example.com/\x7f", "https://example.com/\"onerror=\"x",
                          "https://example.com/<script>", "https://example.com/a\\b", "https://ex\xc3.com",
                          "https://example.com/\xc2\xa0", "//example.com/x.jpg"})
    EXPECT_TRUE(check_cover_url(bad)) << bad;
  const std::string base = "https://example.com/";
  EXPECT_FALSE(check_cover_url(base + std::string(2000 - base.size(), 'a')));
  EXPECT_TRUE(check_cover_url(base + std::string(2001 - base.size(), 'a')));
}

TEST(CatalogBookRules, GenreSlug) {
  for (const char* good : {"fantasy", "science-fiction", "a", "19th-century", "x-1-y", "0"})
    EXPECT_FALSE(check_genre_slug(good)) << good;
  for (const char* bad : {"", "-fantasy", "fantasy-", "science--fiction", "Science", "sci fi", "sci_fi",
                          "fantasy\n", "é", "a.b"})
    EXPECT_TRUE(check_genre_slug(bad)) << bad;
  EXPECT_FALSE(check_genre_slug(std::string(60, 'a')));
  EXPECT_TRUE(check_genre_slug(std::string(61, 'a')));
}

}  // namespace
