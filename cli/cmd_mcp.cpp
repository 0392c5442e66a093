// `tlsearch mcp`: the index as a Model Context Protocol server on stdio, for
// AI assistants (mcp/mcp_server.h). stdout carries protocol messages only;
// logs go to stderr.
#include <csignal>
#include <iostream>

#include "cli_common.h"
#include "mcp_server.h"

namespace tlsearch::cli {

void register_mcp(CLI::App& app, GlobalOptions& global, int* exit_code) {
  CLI::App* sub = app.add_subcommand(
      "mcp", "Serve the index to AI assistants: a Model Context Protocol server on "
             "stdin/stdout (tools: search, get_event, list_facet_values; read-only)");
  sub->callback([&global, exit_code] {
    // A client that goes away must end the server, not kill it mid-write.
    std::signal(SIGPIPE, SIG_IGN);
    std::ios::sync_with_stdio(false);
    mcp::ServerOptions options;
    options.db_path = resolve_db(global);
    options.log = &std::cerr;
    mcp::Server server(options);
    server.serve(std::cin, std::cout);
    *exit_code = kExitOk;
  });
}

}  // namespace tlsearch::cli
