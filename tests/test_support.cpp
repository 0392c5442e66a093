#include "test_support.h"

#include <atomic>
#include <cstdlib>
#include <fstream>
#include <random>
#include <sstream>
#include <stdexcept>

#include <sys/wait.h>
#include <unistd.h>

namespace tlsearch::test {

TempDir::TempDir() {
  static std::atomic<unsigned> counter{0};
  std::random_device rd;
  auto base = std::filesystem::temp_directory_path();
  for (int attempt = 0; attempt < 100; ++attempt) {
    auto candidate = base / ("tlsearch-test-" + std::to_string(::getpid()) +
                             "-" + std::to_string(counter++) + "-" +
                             std::to_string(rd() % 100000));
    if (std::filesystem::create_directory(candidate)) {
      path_ = candidate;
      return;
    }
  }
  throw std::runtime_error("cannot create a temporary directory");
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

void write_file(const std::filesystem::path& path, std::string_view content) {
  if (path.has_parent_path())
    std::filesystem::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(content.data(), static_cast<std::streamsize>(content.size()));
  if (!out) throw std::runtime_error("cannot write " + path.string());
}

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string shell_quote(const std::string& arg) {
  std::string q = "'";
  for (char c : arg) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

CommandOutput run_command(const std::string& program,
                          const std::vector<std::string>& args,
                          const std::string& env) {
  TempDir tmp;
  std::string cmd = "env -u TLSEARCH_DB " + env + " " + shell_quote(program);
  for (const auto& a : args) cmd += " " + shell_quote(a);
  cmd += " >" + shell_quote((tmp / "out").string()) + " 2>" +
         shell_quote((tmp / "err").string()) + " </dev/null";
  CommandOutput o;
  int raw = std::system(cmd.c_str());
  o.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
  o.out = read_file(tmp / "out");
  o.err = read_file(tmp / "err");
  return o;
}

std::filesystem::path source_dir() { return TLSEARCH_SOURCE_DIR; }

std::filesystem::path shared_corpus_dir() {
  return source_dir().parent_path() / "shared" / "corpus" / "cascade-kb";
}

}  // namespace tlsearch::test
