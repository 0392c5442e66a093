// `tlsearch show ID|PATH`
#include <iostream>

#include "cli_common.h"
#include "tlsearch/normalize.h"
#include "tlsearch/output.h"
#include "tlsearch/searcher.h"

namespace tlsearch::cli {

void register_show(CLI::App& app, GlobalOptions& global, int* exit_code) {
  auto id = std::make_shared<std::string>();
  CLI::App* sub = app.add_subcommand("show", "Print one event by id (or by file path)");
  sub->add_option("id", *id, "Event id or path of its file")->required();
  sub->callback([id, &global, exit_code] {
    Searcher searcher(resolve_db(global));
    std::vector<Event> events = searcher.find_events(*id);
    if (global.json) {
      std::cout << dump_json(events_to_json(events)) << "\n";
    } else if (events.empty()) {
      print_error("no event with id '" + escape_controls(*id) + "'");
      const std::vector<std::string> similar = searcher.similar_ids(*id);
      if (!similar.empty()) std::cerr << (similar.size() == 1 ? "an id like it:\n" : "ids like it:\n");
      for (const auto& other : similar) std::cerr << "  " << escape_controls(other) << "\n";
    } else {
      PrintStyle style;
      style.color = use_color(global, 1);
      print_events(events, std::cout, style);
    }
    *exit_code = events.empty() ? kExitNone : kExitOk;
  });
}

}  // namespace tlsearch::cli
