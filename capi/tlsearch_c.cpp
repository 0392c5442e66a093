// The C API (include/tlsearch/tlsearch.h) over the C++ libraries: opaque
// handles wrapping Searcher, SearchRequest and SearchResult, and a guard that
// turns every exception into a status and a per-thread message, since no
// exception may cross into C.
#include "tlsearch/tlsearch.h"

#include <cstdlib>
#include <cstring>
#include <exception>
#include <new>
#include <string>
#include <type_traits>
#include <vector>

#include <xapian.h>

#include "tlsearch/error.h"
#include "tlsearch/indexer.h"
#include "tlsearch/output.h"
#include "tlsearch/searcher.h"

struct tlsearch_db {
  explicit tlsearch_db(const char* path) : searcher(path) {}
  tlsearch::Searcher searcher;
};

struct tlsearch_request {
  tlsearch::SearchRequest request;
};

struct tlsearch_results {
  tlsearch::SearchResult result;
  std::string json;  // built by tlsearch_results_json() on first use
  bool json_ready = false;
};

namespace {

thread_local std::string t_error;
thread_local tlsearch_status t_status = TLSEARCH_OK;
// Used when even copying a message fails for lack of memory.
const char* const kNoMemory = "out of memory";

void set_error(tlsearch_status status, const char* message) noexcept {
  t_status = status;
  try {
    t_error = message;
  } catch (...) {
    t_status = TLSEARCH_ERROR_NO_MEMORY;
    t_error.clear();
  }
}

void clear_error() noexcept {
  t_status = TLSEARCH_OK;
  t_error.clear();  // keeps capacity; never throws
}

tlsearch_status status_of(tlsearch::ErrorKind kind) {
  switch (kind) {
    case tlsearch::ErrorKind::kUsage: return TLSEARCH_ERROR_USAGE;
    case tlsearch::ErrorKind::kQuery: return TLSEARCH_ERROR_QUERY;
    case tlsearch::ErrorKind::kDatabase: return TLSEARCH_ERROR_DATABASE;
    case tlsearch::ErrorKind::kIo: return TLSEARCH_ERROR_IO;
  }
  return TLSEARCH_ERROR_INTERNAL;
}

// Runs `body`, returning `failed` when it throws anything. Xapian::Error is
// caught on its own because it is not a std::exception.
template <typename Result, typename Body>
Result guard(Result failed, Body body) noexcept {
  clear_error();
  try {
    return body();
  } catch (const tlsearch::Error& e) {
    set_error(status_of(e.kind()), e.what());
  } catch (const Xapian::DatabaseError& e) {
    set_error(TLSEARCH_ERROR_DATABASE, e.get_description().c_str());
  } catch (const Xapian::Error& e) {
    set_error(TLSEARCH_ERROR_INTERNAL, e.get_description().c_str());
  } catch (const std::bad_alloc&) {
    set_error(TLSEARCH_ERROR_NO_MEMORY, kNoMemory);
  } catch (const std::exception& e) {
    set_error(TLSEARCH_ERROR_INTERNAL, e.what());
  } catch (...) {
    set_error(TLSEARCH_ERROR_INTERNAL, "unknown error");
  }
  // Functions returning a status return the one just recorded.
  if constexpr (std::is_same_v<Result, tlsearch_status>) return t_status;
  return failed;
}

void require(bool condition, const char* message) {
  if (!condition) throw tlsearch::Error(tlsearch::ErrorKind::kUsage, message);
}

// A malloc'd copy the caller releases with tlsearch_string_free().
char* copy_out(const std::string& text) {
  char* out = static_cast<char*>(std::malloc(text.size() + 1));
  if (!out) throw std::bad_alloc();
  std::memcpy(out, text.c_str(), text.size() + 1);
  return out;
}

const tlsearch::Hit* hit_at(const tlsearch_results* results, std::size_t index) {
  require(results != nullptr, "results is NULL");
  require(index < results->result.hits.size(), "hit index out of range");
  return &results->result.hits[index];
}

const tlsearch::FacetCounts* facet_at(const tlsearch_results* results, std::size_t facet) {
  require(results != nullptr, "results is NULL");
  require(facet < results->result.facets.size(), "facet index out of range");
  return &results->result.facets[facet];
}

const tlsearch::FacetValue* facet_value_at(const tlsearch_results* results, std::size_t facet,
                                           std::size_t index) {
  const tlsearch::FacetCounts* counts = facet_at(results, facet);
  require(index < counts->values.size(), "facet value index out of range");
  return &counts->values[index];
}

tlsearch::SearchResult run_search(tlsearch_db* db, const tlsearch_request* request) {
  require(db != nullptr, "db is NULL");
  require(request != nullptr, "request is NULL");
  return db->searcher.search(request->request);
}

}  // namespace

extern "C" {

const char* tlsearch_version(void) { return TLSEARCH_VERSION_STRING; }

const char* tlsearch_last_error(void) {
  if (t_status == TLSEARCH_ERROR_NO_MEMORY && t_error.empty()) return kNoMemory;
  return t_error.c_str();
}

tlsearch_status tlsearch_last_status(void) { return t_status; }

void tlsearch_string_free(char* string) { std::free(string); }

tlsearch_status tlsearch_index(const char* db_path, const char* const* paths, size_t count,
                               tlsearch_index_summary* summary,
                               tlsearch_diagnostic_fn on_diagnostic, void* user_data) {
  return guard(TLSEARCH_ERROR_INTERNAL, [&]() -> tlsearch_status {
    require(db_path != nullptr && *db_path != '\0', "db_path is empty");
    require(paths != nullptr || count == 0, "paths is NULL");
    std::vector<std::filesystem::path> inputs;
    for (size_t i = 0; i < count; ++i) {
      require(paths[i] != nullptr, "a path is NULL");
      inputs.emplace_back(paths[i]);
    }
    tlsearch::IndexOptions options;
    options.db_path = db_path;
    if (on_diagnostic)
      options.on_diagnostic = [on_diagnostic, user_data](const tlsearch::Diagnostic& d) {
        on_diagnostic(d.to_string().c_str(), user_data);
      };
    tlsearch::IndexSummary done = tlsearch::index_paths(inputs, options);
    if (summary) {
      summary->added = done.added;
      summary->updated = done.updated;
      summary->removed = done.removed;
      summary->unchanged = done.unchanged;
      summary->skipped = done.skipped;
      summary->errors = done.errors;
      summary->warnings = done.warnings;
      summary->documents = done.documents;
    }
    return TLSEARCH_OK;
  });
}

tlsearch_db* tlsearch_open(const char* db_path) {
  return guard<tlsearch_db*>(nullptr, [&] {
    require(db_path != nullptr && *db_path != '\0', "db_path is empty");
    return new tlsearch_db(db_path);
  });
}

void tlsearch_close(tlsearch_db* db) {
  guard(0, [&] {
    delete db;
    return 0;
  });
}

tlsearch_request* tlsearch_request_new(const char* query) {
  return guard<tlsearch_request*>(nullptr, [&] {
    auto* request = new tlsearch_request;
    if (query) request->request.query = query;
    return request;
  });
}

void tlsearch_request_free(tlsearch_request* request) { delete request; }

tlsearch_status tlsearch_request_add_filter(tlsearch_request* request, const char* facet,
                                            const char* value) {
  return guard(TLSEARCH_ERROR_INTERNAL, [&] {
    require(request != nullptr, "request is NULL");
    require(facet != nullptr && value != nullptr, "facet or value is NULL");
    tlsearch::SearchRequest& r = request->request;
    const std::string name = facet;
    std::vector<std::string>* list = nullptr;
    if (name == "lane" || name == "lanes") list = &r.lanes;
    else if (name == "actor" || name == "actors") list = &r.actors;
    else if (name == "tag" || name == "tags") list = &r.tags;
    else if (name == "status" || name == "statuses") list = &r.statuses;
    else if (name == "type" || name == "types") list = &r.types;
    if (!list)
      throw tlsearch::Error(tlsearch::ErrorKind::kUsage,
                            "unknown filter facet '" + name +
                                "' (known: lane, actor, tag, status, type)");
    list->emplace_back(value);
    return TLSEARCH_OK;
  });
}

tlsearch_status tlsearch_request_set_dates(tlsearch_request* request, const char* from,
                                           const char* to) {
  return guard(TLSEARCH_ERROR_INTERNAL, [&] {
    require(request != nullptr, "request is NULL");
    request->request.from = from ? from : "";
    request->request.to = to ? to : "";
    return TLSEARCH_OK;
  });
}

tlsearch_status tlsearch_request_set_min_importance(tlsearch_request* request,
                                                    int importance) {
  return guard(TLSEARCH_ERROR_INTERNAL, [&] {
    require(request != nullptr, "request is NULL");
    require(importance >= 0 && importance <= 10, "importance must be 0 (none) or 1-10");
    if (importance == 0)
      request->request.min_importance.reset();
    else
      request->request.min_importance = importance;
    return TLSEARCH_OK;
  });
}

tlsearch_status tlsearch_request_set_sort(tlsearch_request* request, const char* sort) {
  return guard(TLSEARCH_ERROR_INTERNAL, [&] {
    require(request != nullptr, "request is NULL");
    require(sort != nullptr, "sort is NULL");
    auto order = tlsearch::parse_sort_order(sort);
    if (!order)
      throw tlsearch::Error(tlsearch::ErrorKind::kUsage,
                            std::string("sort must be relevance, date, -date or importance, "
                                        "not '") + sort + "'");
    request->request.sort = order;
    return TLSEARCH_OK;
  });
}

tlsearch_status tlsearch_request_set_window(tlsearch_request* request, size_t offset,
                                            size_t limit) {
  return guard(TLSEARCH_ERROR_INTERNAL, [&] {
    require(request != nullptr, "request is NULL");
    require(offset <= 4294967295u, "offset must be at most 4294967295");
    require(limit <= 10000, "limit must be at most 10000");
    request->request.offset = offset;
    request->request.limit = limit;
    return TLSEARCH_OK;
  });
}

tlsearch_status tlsearch_request_set_facet_limit(tlsearch_request* request, size_t limit) {
  return guard(TLSEARCH_ERROR_INTERNAL, [&] {
    require(request != nullptr, "request is NULL");
    request->request.facet_limit = limit;
    return TLSEARCH_OK;
  });
}

tlsearch_results* tlsearch_search(tlsearch_db* db, const tlsearch_request* request) {
  return guard<tlsearch_results*>(nullptr, [&] {
    auto* results = new tlsearch_results;
    try {
      results->result = run_search(db, request);
    } catch (...) {
      delete results;
      throw;
    }
    return results;
  });
}

char* tlsearch_search_json(tlsearch_db* db, const tlsearch_request* request) {
  return guard<char*>(nullptr, [&] {
    return copy_out(tlsearch::dump_json(tlsearch::search_result_to_json(run_search(db, request))));
  });
}

void tlsearch_results_free(tlsearch_results* results) { delete results; }

size_t tlsearch_results_total(const tlsearch_results* results) {
  return guard<size_t>(0, [&] {
    require(results != nullptr, "results is NULL");
    return results->result.total;
  });
}

size_t tlsearch_results_count(const tlsearch_results* results) {
  return guard<size_t>(0, [&] {
    require(results != nullptr, "results is NULL");
    return results->result.hits.size();
  });
}

const char* tlsearch_results_hit_id(const tlsearch_results* results, size_t index) {
  return guard<const char*>(nullptr, [&] { return hit_at(results, index)->id.c_str(); });
}

const char* tlsearch_results_hit_title(const tlsearch_results* results, size_t index) {
  return guard<const char*>(nullptr, [&] { return hit_at(results, index)->title.c_str(); });
}

const char* tlsearch_results_hit_date(const tlsearch_results* results, size_t index) {
  return guard<const char*>(nullptr, [&] { return hit_at(results, index)->date.c_str(); });
}

const char* tlsearch_results_hit_path(const tlsearch_results* results, size_t index) {
  return guard<const char*>(nullptr, [&] { return hit_at(results, index)->path.c_str(); });
}

const char* tlsearch_results_hit_snippet(const tlsearch_results* results, size_t index) {
  return guard<const char*>(nullptr, [&] { return hit_at(results, index)->snippet.c_str(); });
}

double tlsearch_results_hit_score(const tlsearch_results* results, size_t index) {
  return guard(0.0, [&] { return hit_at(results, index)->score; });
}

int tlsearch_results_hit_importance(const tlsearch_results* results, size_t index) {
  return guard(0, [&] { return hit_at(results, index)->importance.value_or(0); });
}

size_t tlsearch_results_facet_count(const tlsearch_results* results) {
  return guard<size_t>(0, [&] {
    require(results != nullptr, "results is NULL");
    return results->result.facets.size();
  });
}

const char* tlsearch_results_facet_name(const tlsearch_results* results, size_t facet) {
  return guard<const char*>(nullptr, [&] { return facet_at(results, facet)->name.c_str(); });
}

size_t tlsearch_results_facet_size(const tlsearch_results* results, size_t facet) {
  return guard<size_t>(0, [&] { return facet_at(results, facet)->values.size(); });
}

const char* tlsearch_results_facet_value(const tlsearch_results* results, size_t facet,
                                         size_t index) {
  return guard<const char*>(nullptr, [&] {
    return facet_value_at(results, facet, index)->value.c_str();
  });
}

size_t tlsearch_results_facet_value_count(const tlsearch_results* results, size_t facet,
                                          size_t index) {
  return guard<size_t>(0, [&] { return facet_value_at(results, facet, index)->count; });
}

const char* tlsearch_results_json(tlsearch_results* results) {
  return guard<const char*>(nullptr, [&] {
    require(results != nullptr, "results is NULL");
    if (!results->json_ready) {
      results->json = tlsearch::dump_json(tlsearch::search_result_to_json(results->result));
      results->json_ready = true;
    }
    return results->json.c_str();
  });
}

char* tlsearch_get_event_json(tlsearch_db* db, const char* id) {
  return guard<char*>(nullptr, [&] {
    require(db != nullptr, "db is NULL");
    require(id != nullptr, "id is NULL");
    return copy_out(tlsearch::dump_json(tlsearch::events_to_json(db->searcher.find_events(id))));
  });
}

}  // extern "C"
