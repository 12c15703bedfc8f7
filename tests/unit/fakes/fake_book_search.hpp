#pragma once
// app::BookSearch in memory for the catalog use case's tests: search() answers with `answer(plan)` and
// records every plan; synonyms and corrections come from tables the test fills.
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "app/ports/book_search.hpp"

namespace bookstore::fakes {

class FakeBookSearch : public app::BookSearch {
 public:
  std::vector<app::SearchPlan> plans;
  std::function<app::SearchPage(const app::SearchPlan&)> answer = [](const app::SearchPlan&) {
    return app::SearchPage{};
  };
  std::map<std::string, std::vector<std::string>> synonym_table;
  std::map<std::string, std::vector<std::string>> correction_table;
  std::vector<std::vector<std::string>> correction_lookups;

  Task<app::SearchPage> search(app::SearchPlan plan) override {
    plans.push_back(plan);
    co_return answer(plan);
  }
  Task<std::map<std::string, std::vector<std::string>>> synonyms(std::vector<std::string> terms) override {
    std::map<std::string, std::vector<std::string>> out;
    for (const auto& t : terms)
      if (auto it = synonym_table.find(t); it != synonym_table.end()) out[t] = it->second;
    co_return out;
  }
  Task<std::map<std::string, std::vector<std::string>>> corrections(std::vector<std::string> words) override {
    correction_lookups.push_back(words);
    std::map<std::string, std::vector<std::string>> out;
    for (const auto& w : words)
      if (auto it = correction_table.find(w); it != correction_table.end()) out[w] = it->second;
    co_return out;
  }
  std::map<std::string, std::vector<std::string>> completion_table;
  Task<std::vector<std::string>> completions(std::string prefix, int) override {
    auto it = completion_table.find(prefix);
    co_return it == completion_table.end() ? std::vector<std::string>{} : it->second;
  }
  Task<app::Suggestions> suggest(std::string tsquery, std::string prefix, int limit) override {
    last_suggest = {tsquery, prefix, std::to_string(limit)};
    co_return app::Suggestions{};
  }
  Task<std::vector<app::GenreCount>> genres() override { co_return std::vector<app::GenreCount>{}; }
  Task<std::optional<app::AuthorDetail>> author(std::int64_t) override { co_return std::nullopt; }
  Task<std::vector<app::AuthorMatch>> find_authors(std::string, int) override {
    co_return std::vector<app::AuthorMatch>{};
  }
  std::vector<std::string> last_suggest;
};

}  // namespace bookstore::fakes
