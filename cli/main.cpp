// tlsearch: full-text and faceted search for timeline corpora.
// `tlsearch QUERY...` searches; `tlsearch index|search|show|stats ...` are
// the subcommands. Everything here is glue over the libraries.
#include <algorithm>
#include <filesystem>
#include <cctype>
#include <cstring>
#include <iostream>
#include <new>
#include <string>
#include <vector>

#include <xapian.h>

#include "cli_common.h"
#include "tlsearch/error.h"
#include "tlsearch/normalize.h"

#ifndef TLSEARCH_VERSION
#define TLSEARCH_VERSION "0.0.0"
#endif

namespace {

const char* const kSubcommands[] = {"index", "search", "show", "stats", "serve", "mcp"};

bool is_subcommand(const char* arg) {
  for (const char* name : kSubcommands)
    if (std::strcmp(arg, name) == 0) return true;
  return false;
}

// `tlsearch "police footage"` means `tlsearch search "police footage"`:
// insert `search` unless a subcommand follows the global options.
std::vector<std::string> with_default_subcommand(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (is_subcommand(a.c_str())) return args;
    if (a == "--db" || a == "--color") { ++i; continue; }
    if (a == "--json" || a.rfind("--db=", 0) == 0 || a.rfind("--color=", 0) == 0) continue;
    if (a == "-h" || a == "--help" || a == "--version") return args;
    break;
  }
  if (!args.empty()) args.insert(args.begin(), "search");
  return args;
}

// `tlsearch footage -- -ring`: CLI11 takes the words after `--` as the
// query but refuses them once some came before it. The query's words typed
// before `--` are moved after it, in order; options and their values stay.
void query_words_after_separator(std::vector<std::string>& args, CLI::App& app) {
  CLI::App* search = app.get_subcommand("search");
  const auto at = std::find(args.begin(), args.end(), "search");
  if (at == args.end()) return;
  const auto separator = std::find(at, args.end(), "--");
  if (separator == args.end()) return;
  std::vector<std::string> words, rest;
  for (auto it = at + 1; it != separator; ++it) {
    const std::string& a = *it;
    if (a.size() > 1 && a[0] == '-') {
      rest.push_back(a);
      if (a.find('=') != std::string::npos) continue;
      const CLI::Option* option = search->get_option_no_throw(a);
      if (!option) option = app.get_option_no_throw(a);  // --db, --color
      // `-n5` carries its value; `--lane X` takes the next argument.
      const bool glued = a.size() > 2 && a[1] != '-';
      if (option && option->get_items_expected_min() > 0 && !glued && it + 1 != separator)
        rest.push_back(*++it);
      continue;
    }
    words.push_back(a);
  }
  if (words.empty()) return;
  std::vector<std::string> out(args.begin(), at + 1);
  out.insert(out.end(), rest.begin(), rest.end());
  out.push_back("--");
  out.insert(out.end(), words.begin(), words.end());
  out.insert(out.end(), separator + 1, args.end());
  args = std::move(out);
}

}  // namespace

int main(int argc, char** argv) {
  using namespace tlsearch::cli;
  CLI::App app{"tlsearch: full-text and faceted search for timeline corpora.\n"
               "Run `tlsearch QUERY` to search, `tlsearch index FOLDER` to build "
               "the index.",
               "tlsearch"};
  app.set_version_flag("--version", "tlsearch " TLSEARCH_VERSION " (Xapian " +
                                        std::string(Xapian::version_string()) + ")");
  app.require_subcommand(1);
  app.fallthrough();
  // Usage errors start with the program's name, as every other error does.
  app.failure_message([](const CLI::App* failed, const CLI::Error& e) {
    return "tlsearch: " + CLI::FailureMessage::simple(failed, e);
  });
  GlobalOptions global;
  add_global_options(app, global);
  int exit_code = kExitOk;
  register_index(app, global, &exit_code);
  register_search(app, global, &exit_code);
  register_show(app, global, &exit_code);
  register_stats(app, global, &exit_code);
  register_mcp(app, global, &exit_code);
  register_serve(app, global, &exit_code);

  set_command_line(argv);
  std::vector<std::string> args = with_default_subcommand(argc, argv);
  query_words_after_separator(args, app);
  // `index --wait-lock 30 FOLDER`: the option's value is optional, so CLI11
  // took 30 for a folder to index. A number that names no file is the
  // number of seconds, as in `--wait-lock=30`.
  for (std::size_t i = 0; i + 1 < args.size(); ++i) {
    const std::string& next = args[i + 1];
    std::error_code ec;
    // `-1` too, so CLI11 says what is wrong with it.
    const std::size_t digits = next.size() > 1 && next[0] == '-' ? 1 : 0;
    if (args[i] == "--wait-lock" && next.size() > digits &&
        next.find_first_not_of("0123456789", digits) == std::string::npos &&
        !std::filesystem::exists(next, ec)) {
      args[i] += "=" + next;
      args.erase(args.begin() + static_cast<std::ptrdiff_t>(i) + 1);
    }
  }
  if (args.empty()) {
    std::cerr << app.help();
    return kExitError;
  }
  try {
    std::vector<std::string> reversed(args.rbegin(), args.rend());
    app.parse(reversed);
  } catch (const CLI::ExtrasError& e) {
    app.exit(e);
    // `tlsearch footage -ring`: the shell passes -ring as an option.
    // `--police` too, unless it is a slip of an option's name (`--limt`).
    auto near_option = [&](const std::string& a) {
      const std::string name = a.substr(2, a.find('=') == std::string::npos ? std::string::npos
                                                                              : a.find('=') - 2);
      for (const CLI::App* owner : {static_cast<const CLI::App*>(&app),
                                    static_cast<const CLI::App*>(app.get_subcommand("search"))})
        for (const CLI::Option* option : owner->get_options())
          for (const std::string& known : option->get_lnames()) {
            // Short names need a closer slip: --war is no --tag.
            const std::size_t allowed = std::min(name.size(), known.size()) <= 4 ? 1 : 2;
            if (tlsearch::edit_distance(name, known) <= allowed) return true;
          }
      return false;
    };
    if (std::find(args.begin(), args.end(), "search") != args.end()) {
      for (const std::string& a : args) {
        if (a.size() < 3 || a[0] != '-' || (a[1] == '-' && (a.size() < 4 || near_option(a))))
          continue;
        if (a[1] == 'n' && std::isdigit(static_cast<unsigned char>(a[2]))) continue;  // -n5
        std::cerr << "To exclude a word (" << a
                  << "), quote the whole query: tlsearch 'WORDS " << a
                  << "', or put -- before it: tlsearch -- WORDS " << a << "\n";
        break;
      }
    }
    return kExitError;
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? kExitOk : kExitError;
  } catch (const tlsearch::Error& e) {
    print_error(e.what());
    return kExitError;
  } catch (const Xapian::Error& e) {
    print_error(e.get_description());
    return kExitError;
  } catch (const std::bad_alloc&) {
    print_error("out of memory");
    return kExitError;
  } catch (const std::exception& e) {
    print_error(e.what());
    return kExitError;
  }
  return exit_code;
}
