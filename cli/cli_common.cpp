#include "cli_common.h"

#include <cstdlib>
#include <iostream>

#include <unistd.h>

namespace tlsearch::cli {

void add_global_options(CLI::App& app, GlobalOptions& options) {
  // An empty --db (a script's unset variable) must not fall back to the
  // default index, where `index` would then write.
  app.add_option("--db", options.db,
                 "Index folder (default: $TLSEARCH_DB, else "
                 "~/.local/share/tlsearch/index)")
      ->check(CLI::Validator(
          [](std::string& value) {
            return value.empty() ? std::string("the path is empty ('')") : std::string();
          },
          "PATH"));
  app.add_option("--color", options.color, "Colour output: auto, always or never")
      ->check(CLI::IsMember({"auto", "always", "never"}));
  app.add_flag("--json", options.json, "Machine-readable JSON output");
}

std::filesystem::path resolve_db(const GlobalOptions& options) {
  if (!options.db.empty()) return options.db;
  if (const char* env = std::getenv("TLSEARCH_DB"); env && *env) return env;
  if (const char* xdg = std::getenv("XDG_DATA_HOME"); xdg && *xdg)
    return std::filesystem::path(xdg) / "tlsearch" / "index";
  if (const char* home = std::getenv("HOME"); home && *home)
    return std::filesystem::path(home) / ".local" / "share" / "tlsearch" / "index";
  return ".tlsearch-index";
}

bool use_color(const GlobalOptions& options, int fd) {
  if (options.color == "always") return true;
  if (options.color == "never") return false;
  if (const char* no = std::getenv("NO_COLOR"); no && *no) return false;
  if (const char* term = std::getenv("TERM"); term && std::string(term) == "dumb")
    return false;
  return ::isatty(fd) == 1;
}

void print_error(const std::string& message) {
  std::cerr << "tlsearch: " << message << "\n";
}

CLI::Validator whole_number(std::uintmax_t min, std::uintmax_t max) {
  const std::string range = std::to_string(min) + " to " + std::to_string(max);
  return CLI::Validator(
      [min, max, range](std::string& input) -> std::string {
        const std::string problem =
            "must be a whole number from " + range + ", not '" + input + "'";
        if (input.empty() || input.size() > 19 ||
            input.find_first_not_of("0123456789") != std::string::npos)
          return problem;
        const std::uintmax_t value = std::stoull(input);
        if (value < min || value > max) return problem;
        return {};
      },
      "INT in [" + range + "]");
}

namespace {
char** g_argv = nullptr;
}  // namespace

void set_command_line(char** argv) { g_argv = argv; }
char** command_line() { return g_argv; }

}  // namespace tlsearch::cli
