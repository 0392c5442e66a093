#include "request_params.h"

#include <algorithm>
#include <initializer_list>

#include "tlsearch/error.h"
#include "tlsearch/schema.h"

namespace tlsearch::server {
namespace {

// Digits beyond this are refused before conversion can overflow.
constexpr std::size_t kMaxDigits = 9;

std::string quoted(const std::string& text) {
  // Error messages echo user input; keep them short.
  constexpr std::size_t kMax = 60;
  return "'" + (text.size() > kMax ? text.substr(0, kMax) + "..." : text) + "'";
}

[[noreturn]] void bad(const std::string& message) {
  throw Error(ErrorKind::kUsage, message);
}

void check_names(const Params& params, std::initializer_list<const char*> known,
                 std::initializer_list<const char*> repeatable) {
  auto in = [](std::initializer_list<const char*> list, const std::string& name) {
    return std::any_of(list.begin(), list.end(),
                       [&](const char* k) { return name == k; });
  };
  for (auto it = params.begin(); it != params.end(); it = params.upper_bound(it->first)) {
    const std::string& name = it->first;
    if (!in(known, name)) {
      if (known.size() == 0) bad("unknown parameter " + quoted(name) + " (this route takes none)");
      std::string names;
      for (const char* k : known) names += std::string(names.empty() ? "" : ", ") + k;
      bad("unknown parameter " + quoted(name) + " (known: " + names + ")");
    }
    if (!in(repeatable, name) && params.count(name) > 1)
      bad("parameter '" + name + "' given more than once");
  }
}

// The value of a single-valued parameter, or nullptr when absent or empty.
const std::string* value_of(const Params& params, const char* name) {
  auto it = params.find(name);
  if (it == params.end() || it->second.empty()) return nullptr;
  return &it->second;
}

std::size_t parse_number(const Params& params, const char* name, std::size_t fallback,
                         std::size_t low, std::size_t high) {
  const std::string* text = value_of(params, name);
  if (!text) return fallback;
  const std::string range =
      " from " + std::to_string(low) + " to " + std::to_string(high);
  if (text->size() > kMaxDigits ||
      !std::all_of(text->begin(), text->end(), [](char c) { return c >= '0' && c <= '9'; }))
    bad("parameter '" + std::string(name) + "' must be a whole number" + range + ", not " +
        quoted(*text));
  std::size_t value = std::stoul(*text);
  if (value < low || value > high)
    bad("parameter '" + std::string(name) + "' must be" + range + ", not " + *text);
  return value;
}

std::vector<std::string> values_of(const Params& params, const char* name) {
  std::vector<std::string> values;
  auto [first, last] = params.equal_range(name);
  for (auto it = first; it != last; ++it)
    if (!it->second.empty()) values.push_back(it->second);
  return values;
}

}  // namespace

SearchParams parse_search_params(const Params& params, const ParamLimits& limits) {
  check_names(params,
              {"q", "lane", "actor", "tag", "status", "type", "from", "to",
               "min_importance", "sort", "offset", "limit", "facet_limit", "facets"},
              {"lane", "actor", "tag", "status", "type"});
  SearchParams out;
  SearchRequest& request = out.request;
  if (const std::string* q = value_of(params, "q")) request.query = *q;
  request.lanes = values_of(params, "lane");
  request.actors = values_of(params, "actor");
  request.tags = values_of(params, "tag");
  request.statuses = values_of(params, "status");
  request.types = values_of(params, "type");
  if (const std::string* from = value_of(params, "from")) request.from = *from;
  if (const std::string* to = value_of(params, "to")) request.to = *to;
  if (value_of(params, "min_importance"))
    request.min_importance = static_cast<int>(parse_number(params, "min_importance", 0, 1, 10));
  if (const std::string* sort = value_of(params, "sort")) {
    request.sort = parse_sort_order(*sort);
    if (!request.sort)
      bad("parameter 'sort' must be relevance, date, -date or importance, not " +
          quoted(*sort));
  }
  request.offset = parse_number(params, "offset", 0, 0, 999999999);
  request.limit = parse_number(params, "limit", 10, 0, limits.max_limit);
  request.facet_limit = parse_number(params, "facet_limit", 10, 0, limits.max_facet_limit);
  if (const std::string* facets = value_of(params, "facets")) {
    std::size_t start = 0;
    while (start <= facets->size()) {
      std::size_t comma = std::min(facets->find(',', start), facets->size());
      std::string name = facets->substr(start, comma - start);
      start = comma + 1;
      if (name.empty()) continue;
      const schema::FacetInfo* info = schema::find_facet(name);
      if (!info) {
        std::string names;
        for (const auto& f : schema::kFacets)
          names += std::string(names.empty() ? "" : ", ") + f.name;
        bad("parameter 'facets': unknown facet " + quoted(name) + " (known: " + names + ")");
      }
      out.facets.push_back(info->name);
    }
  }
  return out;
}

FacetParams parse_facet_params(const Params& params, const ParamLimits& limits) {
  check_names(params, {"prefix", "limit"}, {});
  FacetParams out;
  if (const std::string* prefix = value_of(params, "prefix")) out.prefix = *prefix;
  out.limit = parse_number(params, "limit", out.limit, 1, limits.max_facet_limit);
  return out;
}

void expect_no_params(const Params& params) { check_names(params, {}, {}); }

}  // namespace tlsearch::server
