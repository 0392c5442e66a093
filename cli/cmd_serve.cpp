// `tlsearch serve [--host H] [--port P] [--cors ORIGIN] [--threads N] [-q]`
//
// Built twice (cli/CMakeLists.txt): into `tlsearch-serve`, where it runs the
// server, and into `tlsearch`, where TLSEARCH_SERVE_HELPER is defined and it
// checks the options, then execs that helper from its own folder with the
// same command line, so `tlsearch` itself need not load the HTTP library.
#include <cerrno>
#include <csignal>
#include <cstring>
#include <iostream>
#include <thread>

#include <pthread.h>
#include <unistd.h>

#include "cli_common.h"
#include "tlsearch/error.h"
#include "tlsearch/server.h"

namespace tlsearch::cli {
namespace {

struct ServeCommand {
  ServeOptions options;
  bool quiet = false;
};

#ifdef TLSEARCH_SERVE_HELPER

// The helper beside this executable (both are installed in one folder), or
// found on PATH when /proc is not mounted.
std::string helper_path() {
  std::error_code ec;
  const std::filesystem::path self = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec) return TLSEARCH_SERVE_HELPER;
  return (self.parent_path() / TLSEARCH_SERVE_HELPER).string();
}

int run(ServeCommand&, const GlobalOptions&) {
  const std::string helper = helper_path();
  char** argv = command_line();
  std::cout.flush();
  std::cerr.flush();
  if (helper.find('/') != std::string::npos)
    ::execv(helper.c_str(), argv);
  else
    ::execvp(helper.c_str(), argv);
  throw Error(ErrorKind::kIo, "cannot start " + helper + ": " + std::strerror(errno) +
                                  " (`tlsearch serve` runs " TLSEARCH_SERVE_HELPER
                                  ", installed beside tlsearch)");
}

#else

int run(ServeCommand& cmd, const GlobalOptions& global) {
  ServeOptions& options = cmd.options;
  options.db_path = resolve_db(global);
  if (!cmd.quiet)
    options.on_request = [](const std::string& line) { std::cerr << line << "\n"; };

  // SIGINT/SIGTERM are taken by a thread of their own (sigwait), which
  // stops the server cleanly: blocked here, before any worker starts, so
  // every thread inherits the mask and none is interrupted mid-request.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  HttpServer server(options);
  server.bind();
  std::thread waiter([&] {
    int signal = 0;
    sigwait(&signals, &signal);
    server.stop();
  });
  // The URL on stdout (and flushed), so scripts starting `--port 0` can
  // read where to connect; the rest is for people, on stderr.
  std::cout << server.url() << std::endl;
  std::cerr << "tlsearch: serving " << options.db_path.string() << " at " << server.url()
            << " (Ctrl-C to stop)" << std::endl;
  server.run();
  // run() returned without a signal only on failure; wake the waiter.
  pthread_kill(waiter.native_handle(), SIGTERM);
  waiter.join();
  return kExitOk;
}

#endif

}  // namespace

void register_serve(CLI::App& app, GlobalOptions& global, int* exit_code) {
  auto cmd = std::make_shared<ServeCommand>();
  CLI::App* sub = app.add_subcommand(
      "serve", "Serve the search page and JSON API over HTTP (read-only)");
  sub->add_option("--host", cmd->options.host,
                  "Address to listen on (default: 127.0.0.1, this machine only)");
  sub->add_option("--port", cmd->options.port, "Port (default: 8080; 0 picks a free one)")
      ->check(CLI::Range(0, 65535));
  sub->add_option("--cors", cmd->options.cors_origin,
                  "Let pages from this origin (or *) call the API (default: none)");
  sub->add_option("--threads", cmd->options.threads,
                  "Worker threads kept; more start while connections wait, up to 256 (default: 4 per core, at least 8)");
  sub->add_flag("-q,--quiet", cmd->quiet, "Do not log requests on stderr");
  sub->callback([cmd, &global, exit_code] { *exit_code = run(*cmd, global); });
}

}  // namespace tlsearch::cli
