// libFuzzer target: the query layer through the public Searcher API, on a
// small index of seeds/ built once in a temporary folder.
//
// The input drives the whole SearchRequest (query text, filters, dates,
// window, sort) through fuzz_input.h, then facet_values() and
// find_events(). tlsearch::Error is the documented answer to bad
// parameters; anything else escaping, a crash, a sanitizer report or a
// result breaking its contract is a bug.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <unistd.h>

#include "fuzz_input.h"
#include "tlsearch/error.h"
#include "tlsearch/indexer.h"
#include "tlsearch/searcher.h"

namespace {

namespace fs = std::filesystem;

fs::path g_dir;
std::unique_ptr<tlsearch::Searcher> g_searcher;

void remove_index() {
  g_searcher.reset();
  std::error_code ec;
  if (!g_dir.empty()) fs::remove_all(g_dir, ec);
}

void require(bool ok, const char* what) {
  if (ok) return;
  std::fprintf(stderr, "contract broken: %s\n", what);
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  g_dir = fs::temp_directory_path() /
          ("tlsearch-fuzz-query-" + std::to_string(::getpid()));
  fs::remove_all(g_dir);
  tlsearch::IndexOptions options;
  options.db_path = g_dir / "db";
  const char* seeds = std::getenv("TLSEARCH_FUZZ_CORPUS");
  tlsearch::index_paths({seeds && *seeds ? seeds : TLSEARCH_SEEDS_DIR}, options);
  g_searcher = std::make_unique<tlsearch::Searcher>(options.db_path);
  std::atexit(remove_index);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  tlsearch::fuzz::Input in(data, size);
  tlsearch::SearchRequest request;
  const std::size_t filters = in.below(4);
  for (std::size_t i = 0; i < filters; ++i) {
    const std::size_t facet = in.below(5);
    std::string value = in.text(40);
    switch (facet) {
      case 0: request.lanes.push_back(value); break;
      case 1: request.actors.push_back(value); break;
      case 2: request.tags.push_back(value); break;
      case 3: request.statuses.push_back(value); break;
      default: request.types.push_back(value); break;
    }
  }
  if (in.flag()) request.from = in.text(12);
  if (in.flag()) request.to = in.text(12);
  if (in.flag()) request.min_importance = in.integer<int>();
  if (in.flag()) request.sort = static_cast<tlsearch::SortOrder>(in.below(4));
  request.offset = in.flag() ? in.integer<std::size_t>() : in.below(50);
  request.limit = in.flag() ? in.integer<std::size_t>() : in.below(21);
  request.facet_limit = in.below(31);
  request.snippet_length = in.below(250) * 2;
  const std::string facet = in.text(12);
  request.query = in.rest();

  try {
    tlsearch::SearchResult result = g_searcher->search(request);
    require(result.hits.size() <= request.limit, "more hits than the limit");
    require(result.total >= result.hits.size(), "total below the hits shown");
    for (const auto& f : result.facets) {
      std::size_t shown = 0;
      for (const auto& v : f.values) shown += v.selected ? 0 : 1;
      require(shown <= request.facet_limit, "more facet values than asked");
    }
  } catch (const tlsearch::Error& e) {
    require(e.kind() == tlsearch::ErrorKind::kUsage, "search failed on a good index");
  }
  try {
    g_searcher->facet_values(facet, request.query.substr(0, 64), 10);
  } catch (const tlsearch::Error& e) {
    require(e.kind() == tlsearch::ErrorKind::kUsage, "facet_values failed");
  }
  g_searcher->find_events(request.query.substr(0, 256));
  return 0;
}
