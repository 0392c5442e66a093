// Facet counts computed without the index, by reading every event file
// directly, to check the index's counts against.
#ifndef TLSEARCH_TESTS_SEARCHER_CORPUS_COUNTS_H
#define TLSEARCH_TESTS_SEARCHER_CORPUS_COUNTS_H

#include <filesystem>
#include <map>
#include <string>

#include "tlsearch/event.h"
#include "tlsearch/normalize.h"
#include "tlsearch/search_types.h"

namespace tlsearch::test {

struct CorpusCounts {
  std::size_t events = 0;
  // facet name -> normalised key -> number of events
  std::map<std::string, std::map<std::string, std::size_t>> facets;
};

inline CorpusCounts count_corpus(const std::filesystem::path& root) {
  CorpusCounts counts;
  for (auto& entry : std::filesystem::recursive_directory_iterator(root)) {
    if (!entry.is_regular_file() || !event_format_for(entry.path())) continue;
    if (entry.path().filename().string()[0] == '.') continue;
    ParseResult r = parse_event_file(entry.path());
    if (r.status != ParseStatus::kOk) continue;
    ++counts.events;
    const Event& e = *r.event;
    auto add_all = [&](const char* facet, const std::vector<std::string>& values) {
      std::map<std::string, bool> once;
      for (const auto& v : values) {
        std::string key = facet_key(v);
        if (!key.empty() && !once[key]) {
          once[key] = true;
          ++counts.facets[facet][key];
        }
      }
    };
    add_all("lanes", e.lanes);
    add_all("actors", e.actors);
    add_all("tags", e.tags);
    add_all("status", {e.status});
    if (e.date.has_year()) ++counts.facets["year"][std::to_string(e.date.year)];
    if (e.importance) ++counts.facets["importance"][std::to_string(*e.importance)];
  }
  return counts;
}

// The counts of one facet in a result as key -> count (or, with
// &FacetValue::value, display label -> count).
inline std::map<std::string, std::size_t> result_counts(
    const SearchResult& r, const std::string& facet,
    std::string FacetValue::*by = &FacetValue::key) {
  std::map<std::string, std::size_t> out;
  for (const auto& f : r.facets)
    if (f.name == facet)
      for (const auto& v : f.values) out[v.*by] = v.count;
  return out;
}

}  // namespace tlsearch::test

#endif  // TLSEARCH_TESTS_SEARCHER_CORPUS_COUNTS_H
