// A small timeline written inline, indexed into a temporary database, shared
// by the searcher tests. Each event is shaped to test one behaviour.
#ifndef TLSEARCH_TESTS_SEARCHER_FIXTURE_H
#define TLSEARCH_TESTS_SEARCHER_FIXTURE_H

#include <string>
#include <vector>

#include "../test_support.h"
#include "tlsearch/indexer.h"
#include "tlsearch/searcher.h"

namespace tlsearch::test {

// Front matter + body for an event; list fields given as YAML flow text.
std::string event_text(const std::string& id, const std::string& date,
                       const std::string& title, int importance,
                       const std::string& lanes, const std::string& actors,
                       const std::string& tags, const std::string& body,
                       const std::string& status = "confirmed");

class Timeline {
 public:
  Timeline();  // writes the fixture events and indexes them
  TempDir dir;
  std::filesystem::path events() const { return dir / "events"; }
  std::filesystem::path db() const { return dir / "db"; }
  IndexSummary index() const;
  Searcher searcher() const { return Searcher(db()); }
};

// "lanes:A=2|lanes:B=1" for the listed facet, all values, canonical order.
std::string facet_string(const SearchResult& result, const std::string& facet);

std::vector<std::string> hit_ids(const SearchResult& result);

// Checks (Catch2) that pages of `query` at several offsets and limits are
// exactly the slices of its whole ranking (a limit past the total),
// events and weights, and returns that ranking's total.
std::size_t check_pages_are_slices(Searcher& searcher, const std::string& query);

}  // namespace tlsearch::test

#endif  // TLSEARCH_TESTS_SEARCHER_FIXTURE_H
