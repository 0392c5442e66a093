// Running the tlsearch binary and xapian-check from the hostile-input and
// fault tests, with a time limit so that a hang fails the test instead of
// blocking the suite.
#ifndef TLSEARCH_TESTS_HOSTILE_PROCESS_H
#define TLSEARCH_TESTS_HOSTILE_PROCESS_H

#include <filesystem>
#include <string>
#include <vector>

#include "../test_support.h"  // shell_quote

namespace tlsearch::test {

struct Output {
  int status = -1;  // exit status; 124 when the time limit killed it
  std::string out;
  std::string err;
};

// Runs `tlsearch args...` through /bin/sh with `prefix` before the command
// (e.g. "ulimit -f 100;"), killed after `seconds`. TLSEARCH_DB is unset.
Output run_tlsearch(const std::vector<std::string>& args, int seconds = 120,
                    const std::string& prefix = "");

// Runs a shell command line, stdout and stderr captured.
Output run_shell(const std::string& command);

// The folder holding the live Xapian database of a tlsearch index: the
// generation its XAPIANDB stub names, or the index folder itself.
std::filesystem::path live_database(const std::filesystem::path& index);

// `xapian-check` on the live database of `index`; status 0 when it is sound.
Output xapian_check(const std::filesystem::path& index);

// Whether `xapian-check` is installed (xapian-tools); tests say so if not.
bool have_xapian_check();

}  // namespace tlsearch::test

#endif  // TLSEARCH_TESTS_HOSTILE_PROCESS_H
