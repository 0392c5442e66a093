/* The C API from C: indexing, searching, facets, JSON, ownership and errors.
 *   capi_test SEEDS_DIR
 * Builds its own index of SEEDS_DIR in a temporary folder. Exit 0 when every
 * check passed, 1 otherwise (each failure is printed). */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <tlsearch/tlsearch.h>

static int failures = 0;

#define CHECK(cond)                                                      \
  do {                                                                   \
    if (!(cond)) {                                                       \
      fprintf(stderr, "%s:%d: CHECK(%s) failed; last error: %s\n", __FILE__, \
              __LINE__, #cond, tlsearch_last_error());                  \
      ++failures;                                                        \
    }                                                                    \
  } while (0)

static int contains(const char* haystack, const char* needle) {
  return haystack && needle && strstr(haystack, needle) != NULL;
}

static size_t diagnostics = 0;
static void count_diagnostic(const char* message, void* user_data) {
  (void)user_data;
  if (message && *message) ++diagnostics;
}

/* A thread's failures must not show in another thread's last error. */
static void* fail_in_thread(void* arg) {
  tlsearch_db* db = tlsearch_open("/nonexistent/tlsearch-capi-test");
  int* ok = arg;
  *ok = db == NULL && tlsearch_last_status() == TLSEARCH_ERROR_DATABASE &&
        tlsearch_last_error()[0] != '\0';
  return NULL;
}

static void check_search(tlsearch_db* db) {
  tlsearch_request* req = tlsearch_request_new("police footage");
  CHECK(req != NULL);
  CHECK(tlsearch_request_add_filter(req, "lane", "surveillance infrastructure") == TLSEARCH_OK);
  CHECK(tlsearch_request_set_window(req, 0, 3) == TLSEARCH_OK);
  tlsearch_results* res = tlsearch_search(db, req);
  CHECK(res != NULL);
  CHECK(tlsearch_last_status() == TLSEARCH_OK);
  CHECK(strcmp(tlsearch_last_error(), "") == 0);
  if (!res) return;
  size_t count = tlsearch_results_count(res);
  size_t total = tlsearch_results_total(res);
  CHECK(count >= 1 && count <= 3);
  CHECK(total >= count);
  for (size_t i = 0; i < count; ++i) {
    CHECK(tlsearch_results_hit_id(res, i) && tlsearch_results_hit_id(res, i)[0]);
    CHECK(tlsearch_results_hit_title(res, i) && tlsearch_results_hit_title(res, i)[0]);
    CHECK(contains(tlsearch_results_hit_path(res, i), ".md"));
    CHECK(tlsearch_results_hit_date(res, i) != NULL);
    CHECK(contains(tlsearch_results_hit_snippet(res, i), "<mark>"));
    CHECK(tlsearch_results_hit_score(res, i) > 0);
    int importance = tlsearch_results_hit_importance(res, i);
    CHECK(importance >= 1 && importance <= 10);
    if (i > 0)
      CHECK(tlsearch_results_hit_score(res, i) <= tlsearch_results_hit_score(res, i - 1));
  }
  /* Out of range: NULL or 0 and a usage error, never a crash. */
  CHECK(tlsearch_results_hit_id(res, count) == NULL);
  CHECK(tlsearch_last_status() == TLSEARCH_ERROR_USAGE);
  CHECK(contains(tlsearch_last_error(), "out of range"));
  CHECK(tlsearch_results_hit_score(res, 1000) == 0);
  CHECK(tlsearch_results_facet_value(res, 99, 0) == NULL);

  /* Facets in schema order, counts descending; every match has a lane. */
  CHECK(tlsearch_results_facet_count(res) == 7);
  CHECK(strcmp(tlsearch_results_facet_name(res, 0), "lanes") == 0);
  CHECK(strcmp(tlsearch_results_facet_name(res, 1), "actors") == 0);
  int lane_seen = 0;
  for (size_t v = 0; v < tlsearch_results_facet_size(res, 0); ++v) {
    if (strcmp(tlsearch_results_facet_value(res, 0, v), "Surveillance Infrastructure") == 0) {
      lane_seen = 1;
      CHECK(tlsearch_results_facet_value_count(res, 0, v) == total);
    }
    if (v > 0)
      CHECK(tlsearch_results_facet_value_count(res, 0, v) <=
            tlsearch_results_facet_value_count(res, 0, v - 1));
  }
  CHECK(lane_seen);

  /* JSON: the CLI's document, owned by the results or by the caller. */
  const char* json = tlsearch_results_json(res);
  CHECK(contains(json, "\"version\":1"));
  CHECK(contains(json, tlsearch_results_hit_id(res, 0)));
  CHECK(json == tlsearch_results_json(res)); /* built once */
  char* owned = tlsearch_search_json(db, req);
  CHECK(contains(owned, "\"hits\":["));
  CHECK(contains(owned, tlsearch_results_hit_id(res, 0)));

  char* event = tlsearch_get_event_json(db, tlsearch_results_hit_id(res, 0));
  CHECK(contains(event, "\"events\":[{"));
  CHECK(contains(event, tlsearch_results_hit_id(res, 0)));
  char* none = tlsearch_get_event_json(db, "no-such-event");
  CHECK(contains(none, "\"events\":[]"));
  tlsearch_string_free(owned);
  tlsearch_string_free(event);
  tlsearch_string_free(none);
  tlsearch_results_free(res);
  tlsearch_request_free(req);
}

static void check_browse_and_options(tlsearch_db* db) {
  tlsearch_request* req = tlsearch_request_new(NULL); /* browse */
  CHECK(tlsearch_request_add_filter(req, "lanes", "Media Capture & Control") == TLSEARCH_OK);
  CHECK(tlsearch_request_set_dates(req, "1980", NULL) == TLSEARCH_OK);
  CHECK(tlsearch_request_set_min_importance(req, 1) == TLSEARCH_OK);
  CHECK(tlsearch_request_set_sort(req, "-date") == TLSEARCH_OK);
  CHECK(tlsearch_request_set_facet_limit(req, 0) == TLSEARCH_OK);
  tlsearch_results* res = tlsearch_search(db, req);
  CHECK(res != NULL);
  CHECK(tlsearch_results_total(res) >= 2);
  CHECK(tlsearch_results_facet_count(res) == 0);
  for (size_t i = 1; i < tlsearch_results_count(res); ++i)
    CHECK(strcmp(tlsearch_results_hit_date(res, i), tlsearch_results_hit_date(res, i - 1)) <= 0);
  tlsearch_results_free(res);
  tlsearch_request_free(req);
}

static void check_errors(tlsearch_db* db) {
  tlsearch_request* req = tlsearch_request_new("police");
  CHECK(tlsearch_request_add_filter(req, "colour", "red") == TLSEARCH_ERROR_USAGE);
  CHECK(contains(tlsearch_last_error(), "colour"));
  CHECK(tlsearch_request_set_sort(req, "sideways") == TLSEARCH_ERROR_USAGE);
  CHECK(contains(tlsearch_last_error(), "sideways"));
  CHECK(tlsearch_request_set_window(req, 0, 20000) == TLSEARCH_ERROR_USAGE);
  if (SIZE_MAX > 4294967295u) {
    CHECK(tlsearch_request_set_window(req, SIZE_MAX, 10) == TLSEARCH_ERROR_USAGE);
    CHECK(contains(tlsearch_last_error(), "offset"));
  }
  CHECK(tlsearch_request_set_facet_limit(req, SIZE_MAX) == TLSEARCH_OK);  /* every value */
  CHECK(tlsearch_request_set_min_importance(req, 11) == TLSEARCH_ERROR_USAGE);
  CHECK(tlsearch_request_add_filter(NULL, "lane", "x") == TLSEARCH_ERROR_USAGE);
  CHECK(tlsearch_request_add_filter(req, "lane", NULL) == TLSEARCH_ERROR_USAGE);

  /* A malformed date is reported by the search, naming the bound. */
  CHECK(tlsearch_request_set_dates(req, "yesterday", NULL) == TLSEARCH_OK);
  CHECK(tlsearch_search(db, req) == NULL);
  CHECK(tlsearch_last_status() == TLSEARCH_ERROR_USAGE);
  CHECK(contains(tlsearch_last_error(), "yesterday"));
  CHECK(tlsearch_search_json(db, req) == NULL);
  CHECK(tlsearch_request_set_dates(req, NULL, NULL) == TLSEARCH_OK);

  /* NULL handles are usage errors; freeing NULL is allowed. */
  CHECK(tlsearch_search(NULL, req) == NULL);
  CHECK(tlsearch_last_status() == TLSEARCH_ERROR_USAGE);
  CHECK(tlsearch_search(db, NULL) == NULL);
  CHECK(tlsearch_get_event_json(db, NULL) == NULL);
  CHECK(tlsearch_results_count(NULL) == 0);
  CHECK(tlsearch_results_json(NULL) == NULL);
  tlsearch_results_free(NULL);
  tlsearch_request_free(NULL);
  tlsearch_close(NULL);
  tlsearch_string_free(NULL);

  /* A query the parser rejects is degraded, not an error. */
  tlsearch_request* odd = tlsearch_request_new("((( AND \"police");
  tlsearch_results* res = tlsearch_search(db, odd);
  CHECK(res != NULL);
  tlsearch_results_free(res);
  tlsearch_request_free(odd);
  tlsearch_request_free(req);

  /* Errors are per thread. */
  CHECK(tlsearch_open("") == NULL);
  CHECK(tlsearch_last_status() == TLSEARCH_ERROR_USAGE);
  int thread_ok = 0;
  pthread_t thread;
  CHECK(pthread_create(&thread, NULL, fail_in_thread, &thread_ok) == 0);
  pthread_join(thread, NULL);
  CHECK(thread_ok);
  CHECK(tlsearch_last_status() == TLSEARCH_ERROR_USAGE);
  CHECK(contains(tlsearch_last_error(), "db_path"));
}

int main(int argc, char** argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: capi_test SEEDS_DIR\n");
    return 2;
  }
  CHECK(strcmp(tlsearch_version(), TLSEARCH_VERSION_STRING) == 0);
  CHECK(TLSEARCH_VERSION_NUMBER >= 100);

  char dir[] = "/tmp/tlsearch-capi-XXXXXX";
  if (!mkdtemp(dir)) return 2;
  char db_path[256];
  snprintf(db_path, sizeof db_path, "%s/db", dir);

  CHECK(tlsearch_open(db_path) == NULL);
  CHECK(tlsearch_last_status() == TLSEARCH_ERROR_DATABASE);
  CHECK(contains(tlsearch_last_error(), "tlsearch index"));

  const char* missing[] = {"/nonexistent/tlsearch-capi-folder"};
  CHECK(tlsearch_index(db_path, missing, 1, NULL, NULL, NULL) == TLSEARCH_ERROR_IO);
  CHECK(contains(tlsearch_last_error(), "tlsearch-capi-folder"));

  const char* inputs[] = {argv[1]};
  tlsearch_index_summary summary;
  memset(&summary, 0xff, sizeof summary);
  CHECK(tlsearch_index(db_path, inputs, 1, &summary, count_diagnostic, NULL) == TLSEARCH_OK);
  CHECK(summary.documents >= 30);
  CHECK(summary.added == summary.documents);
  CHECK(summary.errors == 0);
  CHECK(summary.removed == 0);
  CHECK(diagnostics == summary.warnings);
  /* Incremental: a second run reads nothing again. */
  CHECK(tlsearch_index(db_path, inputs, 1, &summary, NULL, NULL) == TLSEARCH_OK);
  CHECK(summary.unchanged == summary.documents);
  CHECK(summary.added == 0);

  tlsearch_db* db = tlsearch_open(db_path);
  CHECK(db != NULL);
  if (db) {
    check_search(db);
    check_browse_and_options(db);
    check_errors(db);
  }
  tlsearch_close(db);

  char command[512];
  snprintf(command, sizeof command, "rm -rf '%s'", dir);
  if (system(command) != 0) fprintf(stderr, "could not remove %s\n", dir);
  if (failures) fprintf(stderr, "%d checks failed\n", failures);
  return failures ? 1 : 0;
}
