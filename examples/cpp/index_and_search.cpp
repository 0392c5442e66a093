// Indexes a timeline folder, then runs a faceted query on it:
//   index_and_search FOLDER DB QUERY [LANE]
// prints the hits (id, date, title) and the actor counts of all matches.
#include <iostream>

#include <tlsearch/tlsearch.hpp>

int main(int argc, char** argv) {
  if (argc < 4 || argc > 5) {
    std::cerr << "usage: index_and_search FOLDER DB QUERY [LANE]\n";
    return 2;
  }
  try {
    tlsearch::IndexOptions options;
    options.db_path = argv[2];
    options.on_diagnostic = [](const tlsearch::Diagnostic& d) {
      std::cerr << d.to_string() << "\n";
    };
    tlsearch::IndexSummary summary = tlsearch::index_paths({argv[1]}, options);
    std::cerr << "indexed " << summary.documents << " events (tlsearch "
              << TLSEARCH_VERSION_STRING << ")\n";

    tlsearch::Searcher searcher(argv[2]);
    tlsearch::SearchRequest request;
    request.query = argv[3];
    if (argc == 5) request.lanes = {argv[4]};  // a facet filter
    request.limit = 5;
    tlsearch::SearchResult result = searcher.search(request);

    std::cout << result.total << " events for \"" << request.query << "\"\n";
    for (const tlsearch::Hit& hit : result.hits)
      std::cout << "  " << hit.id << "  " << hit.date << "  " << hit.title << "\n";
    for (const tlsearch::FacetCounts& facet : result.facets) {
      if (facet.name != "actors") continue;
      std::cout << "actors:";
      for (const tlsearch::FacetValue& value : facet.values)
        std::cout << " " << value.value << " (" << value.count << ")";
      std::cout << "\n";
    }
    return result.total > 0 ? 0 : 1;
  } catch (const tlsearch::Error& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 2;
  }
}
