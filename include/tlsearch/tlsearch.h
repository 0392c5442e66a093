/* tlsearch C API: index timeline folders and run faceted searches from C and
 * from any language with a C foreign-function interface (Python ctypes...).
 *
 *   tlsearch_db* db = tlsearch_open("timeline.db");
 *   if (!db) { fprintf(stderr, "%s\n", tlsearch_last_error()); return 2; }
 *   tlsearch_request* req = tlsearch_request_new("police footage");
 *   tlsearch_request_add_filter(req, "lane", "Surveillance Infrastructure");
 *   tlsearch_results* res = tlsearch_search(db, req);
 *   for (size_t i = 0; res && i < tlsearch_results_count(res); ++i)
 *     printf("%s  %s\n", tlsearch_results_hit_id(res, i),
 *            tlsearch_results_hit_title(res, i));
 *   tlsearch_results_free(res);
 *   tlsearch_request_free(req);
 *   tlsearch_close(db);
 *
 * Conventions, for every function below:
 * - Errors. No C++ exception ever crosses this boundary (out of memory
 *   included). A function that fails returns NULL, or a tlsearch_status other
 *   than TLSEARCH_OK, and records a message for tlsearch_last_error() and a
 *   code for tlsearch_last_status(). Both are per thread.
 * - Ownership. Handles (tlsearch_db, tlsearch_request, tlsearch_results) are
 *   opaque, created by their _open/_new/_search function and released by the
 *   matching _close/_free function, which accepts NULL. A `const char*`
 *   returned by a function is owned by the library: it stays valid as long
 *   as the handle it came from (or, for tlsearch_last_error(), until the next
 *   tlsearch call in the same thread) and must not be freed. A `char*`
 *   returned by a function belongs to the caller, who releases it with
 *   tlsearch_string_free(). Strings passed in are copied; the caller keeps
 *   ownership. All strings are NUL-terminated UTF-8.
 * - Threads. Handles are not thread-safe: use one tlsearch_db per thread (or
 *   a lock). Different handles may be used from different threads at once.
 * - JSON. The *_json functions return the documents of the command line's
 *   --json output (docs/json.md), from the same serialiser.
 */
#ifndef TLSEARCH_TLSEARCH_H
#define TLSEARCH_TLSEARCH_H

#include <stddef.h>

#include "tlsearch/version.h"

#if defined(__GNUC__)
#define TLSEARCH_API __attribute__((visibility("default")))
#else
#define TLSEARCH_API
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* What went wrong; the values are stable. */
typedef enum tlsearch_status {
  TLSEARCH_OK = 0,
  TLSEARCH_ERROR_USAGE = 1,     /* a bad argument (NULL handle, bad date...) */
  TLSEARCH_ERROR_QUERY = 2,     /* a query that cannot be answered */
  TLSEARCH_ERROR_DATABASE = 3,  /* missing, locked, corrupt or unwritable index */
  TLSEARCH_ERROR_IO = 4,        /* a file or folder that cannot be read */
  TLSEARCH_ERROR_NO_MEMORY = 5, /* out of memory */
  TLSEARCH_ERROR_INTERNAL = 6   /* anything else (a bug: please report it) */
} tlsearch_status;

/* The version of the loaded library, "MAJOR.MINOR.PATCH". Static storage. */
TLSEARCH_API const char* tlsearch_version(void);

/* The message of the last failure in this thread, "" after a success.
 * Valid until the next tlsearch call in this thread. Never NULL. */
TLSEARCH_API const char* tlsearch_last_error(void);

/* The status of the last tlsearch call in this thread. */
TLSEARCH_API tlsearch_status tlsearch_last_status(void);

/* Releases a string returned as `char*` by this library. Accepts NULL. */
TLSEARCH_API void tlsearch_string_free(char* string);

/* ---- Indexing -------------------------------------------------------------- */

/* What an indexing run did (see IndexSummary in indexer.h). */
typedef struct tlsearch_index_summary {
  size_t added;
  size_t updated;
  size_t removed;
  size_t unchanged;
  size_t skipped;    /* not event files */
  size_t errors;     /* files that could not be read as events */
  size_t warnings;
  size_t documents;  /* documents in the index after the run */
} tlsearch_index_summary;

/* Called once per warning or error about a file, in the calling thread, with
 * "path:line:col: error|warning: message" (valid during the call only). */
typedef void (*tlsearch_diagnostic_fn)(const char* message, void* user_data);

/* Indexes `count` folders (walked recursively) and single event files into
 * the index at `db_path`, created when missing, and commits once. Indexing
 * is incremental (unchanged files are not read again). `summary` and
 * `on_diagnostic` may be NULL. A bad event file is not a failure: it is
 * counted in summary->errors and reported through `on_diagnostic`.
 * Returns TLSEARCH_OK, or an error (TLSEARCH_ERROR_IO for a missing input,
 * TLSEARCH_ERROR_DATABASE for an index that cannot be written or is locked
 * by another writer). */
TLSEARCH_API tlsearch_status tlsearch_index(const char* db_path, const char* const* paths,
                                            size_t count, tlsearch_index_summary* summary,
                                            tlsearch_diagnostic_fn on_diagnostic,
                                            void* user_data);

/* ---- Opening an index ------------------------------------------------------ */

typedef struct tlsearch_db tlsearch_db;

/* Opens the index at `db_path` read-only. Returns NULL (TLSEARCH_ERROR_DATABASE)
 * when there is no tlsearch index there. The handle sees later commits on its
 * next search. Release with tlsearch_close(). */
TLSEARCH_API tlsearch_db* tlsearch_open(const char* db_path);

/* Closes `db`. Accepts NULL. Results obtained from it stay valid. */
TLSEARCH_API void tlsearch_close(tlsearch_db* db);

/* ---- Building a request ---------------------------------------------------- */

typedef struct tlsearch_request tlsearch_request;

/* A request for `query` in the query syntax of docs/query-syntax.md; NULL or
 * "" browses every event passing the filters. Defaults: relevance order (date
 * when browsing), the first 10 hits, 10 values per facet. Release with
 * tlsearch_request_free(). NULL only when out of memory. */
TLSEARCH_API tlsearch_request* tlsearch_request_new(const char* query);

/* Releases `request`. Accepts NULL. */
TLSEARCH_API void tlsearch_request_free(tlsearch_request* request);

/* Adds a facet filter: `facet` is "lane", "actor", "tag", "status" or "type"
 * (or the plural); values of one facet are ORed, facets ANDed; any spelling
 * of a value matches (it is normalised). TLSEARCH_ERROR_USAGE for another
 * facet. */
TLSEARCH_API tlsearch_status tlsearch_request_add_filter(tlsearch_request* request,
                                                         const char* facet, const char* value);

/* Date bounds, inclusive, "YYYY", "YYYY-MM" or "YYYY-MM-DD"; NULL or ""
 * leaves that end open. A malformed date is reported by tlsearch_search(). */
TLSEARCH_API tlsearch_status tlsearch_request_set_dates(tlsearch_request* request,
                                                        const char* from, const char* to);

/* Only events with importance >= `importance` (1-10); 0 removes the bound. */
TLSEARCH_API tlsearch_status tlsearch_request_set_min_importance(tlsearch_request* request,
                                                                 int importance);

/* "relevance", "date" (oldest first), "-date" or "importance".
 * TLSEARCH_ERROR_USAGE for anything else. */
TLSEARCH_API tlsearch_status tlsearch_request_set_sort(tlsearch_request* request,
                                                       const char* sort);

/* The page of hits: skip `offset` (at most 4294967295), return at most
   `limit` (at most 10000). */
TLSEARCH_API tlsearch_status tlsearch_request_set_window(tlsearch_request* request,
                                                         size_t offset, size_t limit);

/* Values returned per facet; 0 returns no facets, SIZE_MAX every value.
   Counts are exact anyway. */
TLSEARCH_API tlsearch_status tlsearch_request_set_facet_limit(tlsearch_request* request,
                                                              size_t limit);

/* ---- Searching ------------------------------------------------------------- */

typedef struct tlsearch_results tlsearch_results;

/* Runs `request` on `db`. Returns NULL on error (TLSEARCH_ERROR_USAGE for a
 * malformed date or importance, TLSEARCH_ERROR_DATABASE when the index cannot
 * be read). No hits is not an error. Release with tlsearch_results_free(). */
TLSEARCH_API tlsearch_results* tlsearch_search(tlsearch_db* db, const tlsearch_request* request);

/* Runs `request` and returns the search document of `tlsearch --json`
 * (docs/json.md). The caller frees it with tlsearch_string_free(). NULL on
 * error, as tlsearch_search(). */
TLSEARCH_API char* tlsearch_search_json(tlsearch_db* db, const tlsearch_request* request);

/* Releases `results`. Accepts NULL. */
TLSEARCH_API void tlsearch_results_free(tlsearch_results* results);

/* The exact number of matching events (all pages). */
TLSEARCH_API size_t tlsearch_results_total(const tlsearch_results* results);

/* The number of hits in this page; hits are numbered 0..count-1. */
TLSEARCH_API size_t tlsearch_results_count(const tlsearch_results* results);

/* Fields of hit `index`, owned by `results`. NULL (TLSEARCH_ERROR_USAGE) when
 * `index` is out of range. The snippet is HTML-escaped text with matches in
 * <mark>...</mark>; the date is as written in the event ("" when none). */
TLSEARCH_API const char* tlsearch_results_hit_id(const tlsearch_results* results, size_t index);
TLSEARCH_API const char* tlsearch_results_hit_title(const tlsearch_results* results, size_t index);
TLSEARCH_API const char* tlsearch_results_hit_date(const tlsearch_results* results, size_t index);
TLSEARCH_API const char* tlsearch_results_hit_path(const tlsearch_results* results, size_t index);
TLSEARCH_API const char* tlsearch_results_hit_snippet(const tlsearch_results* results,
                                                      size_t index);
/* BM25 score, whatever the sort; 0 when browsing (no words) or out of range. */
TLSEARCH_API double tlsearch_results_hit_score(const tlsearch_results* results, size_t index);
/* Importance 1-10, or 0 when unknown or out of range. */
TLSEARCH_API int tlsearch_results_hit_importance(const tlsearch_results* results, size_t index);

/* Facets, in schema order ("lanes", "actors", "tags", "status", "type",
 * "year", "importance"); none when the facet limit was 0. Values are sorted
 * by count descending, then label. Out-of-range indexes give NULL or 0. */
TLSEARCH_API size_t tlsearch_results_facet_count(const tlsearch_results* results);
TLSEARCH_API const char* tlsearch_results_facet_name(const tlsearch_results* results,
                                                     size_t facet);
/* Values returned for `facet` (at most the facet limit, plus selected ones). */
TLSEARCH_API size_t tlsearch_results_facet_size(const tlsearch_results* results, size_t facet);
/* The display label of value `index` of `facet`. */
TLSEARCH_API const char* tlsearch_results_facet_value(const tlsearch_results* results,
                                                      size_t facet, size_t index);
/* How many matching events have that value (exact). */
TLSEARCH_API size_t tlsearch_results_facet_value_count(const tlsearch_results* results,
                                                       size_t facet, size_t index);

/* The results as the document of `tlsearch --json`, owned by `results`
 * (built on first call). NULL only when out of memory. */
TLSEARCH_API const char* tlsearch_results_json(tlsearch_results* results);

/* ---- Events ---------------------------------------------------------------- */

/* Every event whose id is `id` (ignoring case) as the document of
 * `tlsearch show --json`: {"version":1,"events":[...]}, with an empty list
 * when there is none. The caller frees it with tlsearch_string_free(). NULL
 * on error. */
TLSEARCH_API char* tlsearch_get_event_json(tlsearch_db* db, const char* id);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* TLSEARCH_TLSEARCH_H */
