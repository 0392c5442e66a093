// `tlsearch [search] QUERY... [filters]`
#include <iostream>
#include <tuple>

#include "cli_common.h"
#include "tlsearch/error.h"
#include "tlsearch/output.h"
#include "tlsearch/searcher.h"

#include <unistd.h>

namespace tlsearch::cli {
namespace {

struct SearchCommand {
  std::vector<std::string> words;
  SearchRequest request;
  std::string sort;
  std::string format;  // --format; empty: text, or json with --json
  bool null = false;   // -0: ids and paths end with NUL
  int min_importance = 0;
};

int run(SearchCommand& cmd, const GlobalOptions& global) {
  SearchRequest& request = cmd.request;
  for (const auto& word : cmd.words)
    request.query += (request.query.empty() ? "" : " ") + word;
  if (!cmd.sort.empty()) {
    request.sort = parse_sort_order(cmd.sort);
    if (!request.sort)
      throw Error(ErrorKind::kUsage, "--sort must be relevance, date, -date or importance, not '" +
                                         cmd.sort + "'");
  }
  if (cmd.min_importance != 0) request.min_importance = cmd.min_importance;
  // --json is kept as the short spelling of --format json.
  std::string format = cmd.format.empty() ? (global.json ? "json" : "text") : cmd.format;
  if (global.json && format != "json")
    throw Error(ErrorKind::kUsage, "--json conflicts with --format " + format);
  if (cmd.null && format != "ids" && format != "paths")
    throw Error(ErrorKind::kUsage, "-0/--null goes with --format ids or --format paths");
  Searcher searcher(resolve_db(global));
  SearchResult result = searcher.search(request);
  if (format == "json") {
    std::cout << dump_json(search_result_to_json(result)) << "\n";
  } else if (format == "ndjson") {
    print_search_ndjson(result, std::cout);
  } else if (format == "ids") {
    print_search_ids(result, std::cout, cmd.null ? '\0' : '\n');
  } else if (format == "paths") {
    print_search_paths(result, std::cout, cmd.null ? '\0' : '\n');
  } else if (format == "csv") {
    print_search_csv(result, std::cout);
  } else {
    PrintStyle style;
    style.color = use_color(global, 1);
    print_search(result, std::cout, style);
  }
  // Like grep, 1 when nothing is shown, so `--offset` past the last match
  // ends a paging loop. `--limit 0` asks for counts only: matches are found.
  if (result.hits.empty() && (result.total == 0 || request.limit > 0)) return kExitNone;
  return kExitOk;
}

}  // namespace

void register_search(CLI::App& app, GlobalOptions& global, int* exit_code) {
  auto cmd = std::make_shared<SearchCommand>();
  CLI::App* sub = app.add_subcommand(
      "search", "Search the index (the default: `tlsearch QUERY` is `tlsearch search QUERY`)");
  sub->add_option("query", cmd->words,
                  "Words, \"phrases\", AND/OR/NOT, -word, word*, field:value, "
                  "date:2020..2024, date:>2019, importance:7..10, importance:>=8; empty with filters browses");
  // One value per occurrence: CLI11 lets a vector option swallow every
  // following word, which would turn `--lane X "police footage"` into two lanes.
  for (auto [name, values, help] :
       {std::tuple{"--lane", &cmd->request.lanes, "Only this capture lane (repeatable; OR)"},
        std::tuple{"--actor", &cmd->request.actors, "Only this actor (repeatable; OR)"},
        std::tuple{"--tag", &cmd->request.tags, "Only this tag (repeatable; OR)"},
        std::tuple{"--status", &cmd->request.statuses, "Only this status (repeatable; OR)"},
        std::tuple{"--type", &cmd->request.types, "Only this type (repeatable; OR)"}})
    sub->add_option(name, *values, help)->allow_extra_args(false);
  sub->add_option("--from", cmd->request.from, "From this date: YYYY, YYYY-MM or YYYY-MM-DD");
  sub->add_option("--to", cmd->request.to, "Up to this date, inclusive");
  sub->add_option("--min-importance", cmd->min_importance, "Only importance >= N (1-10)")
      ->check(whole_number(1, 10));
  sub->add_option("--sort", cmd->sort,
                  "relevance, date, -date or importance (default: relevance; "
                  "date when browsing)");
  sub->add_option("--offset", cmd->request.offset, "Skip the first N hits")
      ->check(whole_number(0, 4294967295u));  // Xapian counts documents in 32 bits
  sub->add_option("-n,--limit", cmd->request.limit, "Hits to show (default: 10, at most 10000)")
      ->check(whole_number(0, 10000));
  sub->add_option("--format", cmd->format,
                  "Output: text, json, ndjson (one hit per line), ids or paths (one "
                  "per line), csv (default: text; --json means json)")
      ->check(CLI::IsMember({"text", "json", "ndjson", "ids", "paths", "csv"}));
  sub->add_flag("-0,--null", cmd->null,
                "With --format ids or paths: end each with a NUL byte, not a newline "
                "(for xargs -0; file names may hold newlines)");
  sub->add_option("--facet-limit", cmd->request.facet_limit,
                  "Values shown per facet (default: 10; 0 hides facets)")
      ->check(whole_number(0, 100000));
  sub->callback([cmd, &global, exit_code] { *exit_code = run(*cmd, global); });
}

}  // namespace tlsearch::cli
