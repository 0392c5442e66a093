// What every subcommand shares: where the index is, colours, exit codes and
// turning library errors into messages.
#ifndef TLSEARCH_CLI_COMMON_H
#define TLSEARCH_CLI_COMMON_H

#include <cstdint>
#include <filesystem>
#include <string>

#include <CLI/CLI.hpp>

namespace tlsearch::cli {

// Unix habits, like grep: 0 success/found, 1 partial or no match, 2 error.
enum ExitCode { kExitOk = 0, kExitNone = 1, kExitError = 2 };

struct GlobalOptions {
  std::string db;             // --db; empty: TLSEARCH_DB or the default
  std::string color = "auto";  // --color auto|always|never
  bool json = false;          // --json
};

// Adds --db, --color and --json to `app`.
void add_global_options(CLI::App& app, GlobalOptions& options);

// --db, else $TLSEARCH_DB, else $XDG_DATA_HOME/tlsearch/index, else
// ~/.local/share/tlsearch/index, else ./.tlsearch-index.
std::filesystem::path resolve_db(const GlobalOptions& options);

// Whether to colour stdout: --color, NO_COLOR, and whether it is a terminal.
bool use_color(const GlobalOptions& options, int fd);

// Prints "tlsearch: message" to stderr.
void print_error(const std::string& message);

// Accepts only digits with a value from `min` to `max`. CLI11 itself reads
// `--limit -5` into an unsigned option as 2^64-5 and a 25-digit number as
// the largest value, so every numeric option goes through this.
CLI::Validator whole_number(std::uintmax_t min, std::uintmax_t max);

// argv as main() received it, kept for `serve` to hand on to its helper.
void set_command_line(char** argv);
char** command_line();

// Subcommands: each registers itself on `app` and returns the exit code
// through `*exit_code` when it runs.
void register_index(CLI::App& app, GlobalOptions& global, int* exit_code);
void register_search(CLI::App& app, GlobalOptions& global, int* exit_code);
void register_show(CLI::App& app, GlobalOptions& global, int* exit_code);
void register_stats(CLI::App& app, GlobalOptions& global, int* exit_code);
void register_mcp(CLI::App& app, GlobalOptions& global, int* exit_code);
void register_serve(CLI::App& app, GlobalOptions& global, int* exit_code);

}  // namespace tlsearch::cli

#endif  // TLSEARCH_CLI_COMMON_H
