// tlsearch: the whole C++ API in one include.
//
//   #include <tlsearch/tlsearch.hpp>
//
//   tlsearch::IndexOptions options;
//   options.db_path = "timeline.db";
//   tlsearch::index_paths({"events/"}, options);     // a folder, or single files
//
//   tlsearch::Searcher searcher("timeline.db");
//   tlsearch::SearchRequest request;
//   request.query = "police footage";
//   request.lanes = {"Surveillance Infrastructure"};  // a facet filter
//   tlsearch::SearchResult result = searcher.search(request);
//   for (const tlsearch::Hit& hit : result.hits) { /* hit.id, hit.title... */ }
//   for (const tlsearch::FacetCounts& facet : result.facets) { /* counts */ }
//   std::vector<tlsearch::Event> events = searcher.find_events(result.hits[0].id);
//
// Link with tlsearch::tlsearch (CMake: find_package(tlsearch)) or
// `pkg-config --cflags --libs tlsearch`. Requires C++17. Errors are thrown
// as tlsearch::Error (error.h); see each header for the contracts:
//   indexer.h       index_paths(): build and update an index from folders/files
//   searcher.h      Searcher: search, find_events, facet_values, stats
//   search_types.h  SearchRequest, SearchResult, Hit, FacetCounts, IndexStats
//   event.h         Event and the reader of timeline entries
//   output.h        the JSON serialiser and the terminal/CSV printers
//   version.h       TLSEARCH_VERSION_* of these headers
// The C API (for C, Python ctypes and other languages) is tlsearch.h.
#ifndef TLSEARCH_TLSEARCH_HPP
#define TLSEARCH_TLSEARCH_HPP

#include "tlsearch/error.h"
#include "tlsearch/event.h"
#include "tlsearch/event_json.h"
#include "tlsearch/indexer.h"
#include "tlsearch/normalize.h"
#include "tlsearch/output.h"
#include "tlsearch/search_types.h"
#include "tlsearch/searcher.h"
#include "tlsearch/version.h"

#endif  // TLSEARCH_TLSEARCH_HPP
