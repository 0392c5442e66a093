// `tlsearch stats`
#include <iostream>

#include "cli_common.h"
#include "tlsearch/output.h"
#include "tlsearch/searcher.h"

namespace tlsearch::cli {

void register_stats(CLI::App& app, GlobalOptions& global, int* exit_code) {
  CLI::App* sub = app.add_subcommand("stats", "Describe the index");
  sub->callback([&global, exit_code] {
    Searcher searcher(resolve_db(global));
    IndexStats stats = searcher.stats();
    if (global.json) {
      std::cout << dump_json(stats_to_json(stats)) << "\n";
    } else {
      PrintStyle style;
      style.color = use_color(global, 1);
      print_stats(stats, std::cout, style);
    }
    *exit_code = kExitOk;
  });
}

}  // namespace tlsearch::cli
