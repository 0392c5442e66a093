#include "process.h"

#include <cstdlib>
#include <fstream>
#include <sstream>

#include <sys/wait.h>

#include "../test_support.h"

namespace tlsearch::test {

Output run_shell(const std::string& command) {
  TempDir tmp;
  const std::string line = "( " + command + " ) >" + shell_quote((tmp / "out").string()) +
                           " 2>" + shell_quote((tmp / "err").string()) + " </dev/null";
  Output o;
  const int raw = std::system(line.c_str());
  o.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
  o.out = read_file(tmp / "out");
  o.err = read_file(tmp / "err");
  return o;
}

Output run_tlsearch(const std::vector<std::string>& args, int seconds,
                    const std::string& prefix) {
  std::string cmd = prefix + " exec env -u TLSEARCH_DB timeout -k 5 " +
                    std::to_string(seconds) + " " + shell_quote(TLSEARCH_BINARY);
  for (const auto& a : args) cmd += " " + shell_quote(a);
  return run_shell(cmd);
}

std::filesystem::path live_database(const std::filesystem::path& index) {
  std::ifstream stub(index / "XAPIANDB");
  std::string backend, generation;
  if (stub >> backend >> generation) return index / generation;
  return index;
}

Output xapian_check(const std::filesystem::path& index) {
  return run_shell("xapian-check " + shell_quote(live_database(index).string()));
}

bool have_xapian_check() {
  return run_shell("command -v xapian-check").status == 0;
}

}  // namespace tlsearch::test
