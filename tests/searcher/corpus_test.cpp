// The real Capture Cascade Timeline (../shared/corpus/cascade-kb), when it
// is there: nothing lost, counts exact, sensible top hits. Skipped otherwise.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cctype>

#include "corpus_counts.h"
#include "fixture.h"

using namespace tlsearch;

namespace {

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

}  // namespace

TEST_CASE("real corpus: every entry indexed, counts exact, sensible hits", "[corpus]") {
  auto root = test::shared_corpus_dir();
  if (!std::filesystem::exists(root)) {
    WARN("skipped: " << root << " is absent");
    return;
  }
  test::TempDir dir;
  IndexOptions options;
  options.db_path = dir / "db";
  IndexSummary summary = index_paths({root}, options);
  CHECK(summary.errors == 0);
  CHECK(summary.added == 5653);
  CHECK(summary.documents == 5653);

  Searcher s(dir / "db");
  auto expected = test::count_corpus(root);
  CHECK(expected.events == 5653);
  SearchRequest all;
  all.facet_limit = 1000000;
  auto browse = s.search(all);
  CHECK(browse.total == 5653);
  for (const char* facet : {"lanes", "tags", "status", "year", "importance"}) {
    INFO(facet);
    CHECK(test::result_counts(browse, facet) == expected.facets[facet]);
  }

  // Drill down from a lane: the total is that lane's count.
  SearchRequest lane;
  lane.lanes = {"Regulatory Capture"};
  CHECK(s.search(lane).total == expected.facets["lanes"]["regulatory capture"]);

  // A few queries whose best answers are plain from reading the events.
  auto top_title = [&](const std::string& q) {
    SearchRequest r;
    r.query = q;
    r.limit = 3;
    auto result = s.search(r);
    REQUIRE(!result.hits.empty());
    return lower(result.hits[0].title);
  };
  CHECK(top_title("cellebrite data breach").find("cellebrite") != std::string::npos);
  CHECK(top_title("ring police footage").find("ring") != std::string::npos);
  CHECK(top_title("tennessee three expulsion").find("tennessee") != std::string::npos);

  // Pages of plain words' ranking (with the phrase boost) are exactly the
  // slices of the whole ranking, weights included (search_test.cpp checks
  // the same where the boost ranks in two passes).
  for (const char* q : {"police surveillance", "supreme court ruling", "federal reserve",
                        "the government", "trump administration policy"})
    CHECK(test::check_pages_are_slices(s, q) > 30);

  // Re-indexing an unchanged corpus reads nothing.
  IndexSummary again = index_paths({root}, options);
  CHECK(again.unchanged == 5653);
  CHECK(again.added + again.updated + again.removed == 0);
}
