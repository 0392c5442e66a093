/* Searches a tlsearch index from C:
 *   search DB QUERY [LANE]
 * prints the hits (id, date, title) and the actor counts of all matches.
 * Build: cc search.c $(pkg-config --cflags --libs tlsearch) */
#include <stdio.h>
#include <string.h>

#include <tlsearch/tlsearch.h>

int main(int argc, char** argv) {
  if (argc < 3 || argc > 4) {
    fprintf(stderr, "usage: search DB QUERY [LANE]\n");
    return 2;
  }
  tlsearch_db* db = tlsearch_open(argv[1]);
  if (!db) {
    fprintf(stderr, "error: %s\n", tlsearch_last_error());
    return 2;
  }
  tlsearch_request* request = tlsearch_request_new(argv[2]);
  if (argc == 4) tlsearch_request_add_filter(request, "lane", argv[3]);
  tlsearch_request_set_window(request, 0, 5);
  tlsearch_results* results = tlsearch_search(db, request);
  int status = 2;
  if (!results) {
    fprintf(stderr, "error: %s\n", tlsearch_last_error());
  } else {
    size_t total = tlsearch_results_total(results);
    printf("%zu events for \"%s\"\n", total, argv[2]);
    for (size_t i = 0; i < tlsearch_results_count(results); ++i)
      printf("  %s  %s  %s\n", tlsearch_results_hit_id(results, i),
             tlsearch_results_hit_date(results, i), tlsearch_results_hit_title(results, i));
    for (size_t f = 0; f < tlsearch_results_facet_count(results); ++f) {
      if (strcmp(tlsearch_results_facet_name(results, f), "actors") != 0) continue;
      printf("actors:");
      for (size_t v = 0; v < tlsearch_results_facet_size(results, f); ++v)
        printf(" %s (%zu)", tlsearch_results_facet_value(results, f, v),
               tlsearch_results_facet_value_count(results, f, v));
      printf("\n");
    }
    status = total > 0 ? 0 : 1;
  }
  tlsearch_results_free(results);
  tlsearch_request_free(request);
  tlsearch_close(db);
  return status;
}
