// The bundled seeds/ timeline: the README's demo query ranks the police
// footage events first, and facet counts equal an independent count.
#include <catch2/catch.hpp>

#include <set>

#include "corpus_counts.h"
#include "fixture.h"

using namespace tlsearch;

namespace {

struct SeedIndex {
  test::TempDir dir;
  IndexSummary summary;
  SeedIndex() {
    IndexOptions options;
    options.db_path = dir / "db";
    summary = index_paths({test::source_dir() / "seeds"}, options);
  }
};

}  // namespace

TEST_CASE("seeds: every event with front matter is indexed", "[seeds]") {
  SeedIndex seeds;
  auto counts = test::count_corpus(test::source_dir() / "seeds");
  CHECK(counts.events >= 30);
  CHECK(seeds.summary.errors == 0);
  CHECK(seeds.summary.documents == counts.events);
}

TEST_CASE("seeds: police footage warrant ranks the footage-request events first",
          "[seeds][relevance]") {
  SeedIndex seeds;
  SearchRequest r;
  r.query = "police footage warrant";
  auto result = Searcher(seeds.dir / "db").search(r);
  REQUIRE(result.hits.size() >= 3);
  std::set<std::string> top;
  for (int i = 0; i < 3; ++i) top.insert(result.hits[i].id);
  CHECK(top == std::set<std::string>{
                   "2019-08-28--ring-police-portal-reaches-400-departments",
                   "2021-06-03--police-made-20000-warrantless-ring-footage-requests",
                   "2024-01-24--ring-ends-police-footage-request-tool"});
}

TEST_CASE("seeds: a title match outranks a passing mention", "[seeds][relevance]") {
  SeedIndex seeds;
  SearchRequest r;
  r.query = "facial recognition";
  auto result = Searcher(seeds.dir / "db").search(r);
  REQUIRE(!result.hits.empty());
  CHECK(result.hits[0].id == "2020-01-18--clearview-ai-facial-recognition-exposed");
}

TEST_CASE("seeds: facet counts equal counts made by reading the files", "[seeds][facets]") {
  SeedIndex seeds;
  auto expected = test::count_corpus(test::source_dir() / "seeds");
  SearchRequest r;
  r.facet_limit = 100000;
  auto result = Searcher(seeds.dir / "db").search(r);
  CHECK(result.total == expected.events);
  for (const char* facet : {"lanes", "actors", "tags", "status", "year", "importance"}) {
    INFO(facet);
    CHECK(test::result_counts(result, facet) == expected.facets[facet]);
  }
  // The four spellings of one lane are one bucket.
  CHECK(expected.facets["lanes"].count("media capture and control") == 1);
  CHECK(test::result_counts(result, "lanes")["media capture and control"] >= 4);
}
