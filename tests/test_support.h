// Helpers shared by the tests: temporary folders and writing small files.
#ifndef TLSEARCH_TESTS_TEST_SUPPORT_H
#define TLSEARCH_TESTS_TEST_SUPPORT_H

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace tlsearch::test {

// A fresh directory under the system temp dir, removed with its contents
// when the object goes out of scope.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(std::string_view name) const {
    return path_ / std::filesystem::path(std::string(name));
  }

 private:
  std::filesystem::path path_;
};

// Writes `content` to `path` (creating parent folders), byte for byte.
void write_file(const std::filesystem::path& path, std::string_view content);

// Reads a whole file; empty string if it cannot be read.
std::string read_file(const std::filesystem::path& path);

// What a finished command printed, and its exit status (-1 if it did not
// exit normally).
struct CommandOutput {
  int status = -1;
  std::string out;
  std::string err;
};

// `arg` quoted for /bin/sh.
std::string shell_quote(const std::string& arg);

// Runs `program args...` through /bin/sh with TLSEARCH_DB unset and the
// `env` assignments (already quoted, e.g. "A=1 B=2") added, capturing
// stdout and stderr.
CommandOutput run_command(const std::string& program,
                          const std::vector<std::string>& args,
                          const std::string& env = "");

// The project's source tree (for seeds/) and the shared corpus path, which
// may not exist (tests using it skip).
std::filesystem::path source_dir();
std::filesystem::path shared_corpus_dir();

}  // namespace tlsearch::test

#endif  // TLSEARCH_TESTS_TEST_SUPPORT_H
