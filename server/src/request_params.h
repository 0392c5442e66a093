// Turning URL query parameters into search requests, strictly: a typo in a
// parameter name or a non-number where a number belongs is a 400 with a
// message naming the parameter, never silently ignored. Internal to
// tlsearch_server; httplib-free so it is easy to test and reuse.
#ifndef TLSEARCH_SERVER_REQUEST_PARAMS_H
#define TLSEARCH_SERVER_REQUEST_PARAMS_H

#include <cstddef>
#include <map>
#include <string>
#include <vector>

#include "tlsearch/search_types.h"

namespace tlsearch::server {

// Decoded query parameters, a name may repeat (httplib::Params).
using Params = std::multimap<std::string, std::string>;

struct ParamLimits {
  std::size_t max_limit = 100;         // ceiling of `limit` for searches
  std::size_t max_facet_limit = 1000;  // ceiling of `facet_limit` and of
                                       // `limit` for /api/facets
};

struct SearchParams {
  SearchRequest request;
  // JSON names of the facets to return ("lanes", "year"...); empty: all.
  std::vector<std::string> facets;
};

// /api/search parameters: q, lane, actor, tag, status, type (repeatable;
// empty values ignored), from, to, min_importance, sort, offset, limit,
// facet_limit, facets (comma-separated names). Throws tlsearch::Error
// kUsage naming the parameter for an unknown or repeated parameter, a bad
// number, a value over its ceiling, an unknown sort or facet name. Values
// the searcher checks itself (dates, query length) are passed through.
SearchParams parse_search_params(const Params& params, const ParamLimits& limits);

struct FacetParams {
  std::string prefix;
  std::size_t limit = 20;
};

// /api/facets/{facet} parameters: prefix, limit (default 20, at most
// limits.max_facet_limit). Throws kUsage like parse_search_params.
FacetParams parse_facet_params(const Params& params, const ParamLimits& limits);

// Fails with kUsage when `params` is not empty (routes without parameters).
void expect_no_params(const Params& params);

}  // namespace tlsearch::server

#endif  // TLSEARCH_SERVER_REQUEST_PARAMS_H
