// Answering ranked, faceted queries over a tlsearch index.
//
// Example:
//   tlsearch::Searcher searcher("timeline.db");
//   tlsearch::SearchRequest request;
//   request.query = "police footage warrant";
//   request.lanes = {"Surveillance Infrastructure"};
//   tlsearch::SearchResult result = searcher.search(request);
//   // result.total is exact; result.facets counts every match.
//
// A Searcher holds an open read-only database. It is not thread-safe: use
// one per thread. It sees new commits on the next search (it reopens the
// database when it has changed), and retries when a concurrent commit
// invalidates what it was reading.
#ifndef TLSEARCH_SEARCHER_H
#define TLSEARCH_SEARCHER_H

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "tlsearch/event.h"
#include "tlsearch/search_types.h"

namespace tlsearch {

class Searcher {
 public:
  // Opens the index at `db_path`. Throws tlsearch::Error (kDatabase) when
  // there is no index there (with a hint to run `tlsearch index`), when it
  // is not a tlsearch index, or when it has another schema version.
  explicit Searcher(const std::filesystem::path& db_path);
  ~Searcher();
  Searcher(Searcher&&) noexcept;
  Searcher& operator=(Searcher&&) noexcept;

  // Runs `request`. A query Xapian's parser rejects is degraded to plain
  // words (with a notice), never an error. Throws tlsearch::Error kUsage for
  // bad parameters (a malformed date bound, importance outside 1-10) and
  // kDatabase when the index cannot be read.
  SearchResult search(const SearchRequest& request);

  // Every event whose id is `id` (ignoring case); usually one, more when
  // two files share an id, none when unknown.
  std::vector<Event> find_events(const std::string& id);

  // For an id no event has: ids of events the user may have meant, as
  // written in the events, at most `limit`: ids starting with `text`, then
  // ids holding it (`show palantir`), then ids a typing slip or two away.
  std::vector<std::string> similar_ids(const std::string& text, std::size_t limit = 5);

  // Distinct values of one facet ("lanes" or "lane"...) over the whole index
  // whose label or key starts with `prefix` (case-insensitive), count
  // descending, at most `limit`. Throws kUsage for an unknown facet.
  FacetCounts facet_values(const std::string& facet, const std::string& prefix,
                           std::size_t limit);

  IndexStats stats();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace tlsearch

#endif  // TLSEARCH_SEARCHER_H
