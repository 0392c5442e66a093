// `tlsearch index [--db PATH] DIR|FILE...`
#include <chrono>
#include <cstdint>
#include <iostream>

#include <unistd.h>

#include "cli_common.h"
#include "tlsearch/error.h"
#include "tlsearch/indexer.h"
#include "tlsearch/output.h"

namespace tlsearch::cli {
namespace {

struct IndexCommand {
  std::vector<std::string> inputs;
  bool force = false;
  bool quiet = false;
  std::uintmax_t max_file_bytes = ParseLimits{}.max_file_bytes;
  int max_nesting = ParseLimits{}.max_nesting;
  std::uintmax_t max_front_matter_bytes = ParseLimits{}.max_front_matter_bytes;
  std::uintmax_t max_body_bytes = ParseLimits{}.max_body_bytes;
  std::string wait_lock;  // "" no wait, "forever", or whole seconds
  std::size_t max_transaction = IndexOptions{}.transaction_limit;
};

nlohmann::json summary_json(const IndexSummary& s, const std::string& db,
                            const nlohmann::json& diagnostics) {
  nlohmann::json reasons = nlohmann::json::object();
  for (const auto& [reason, n] : s.skip_reasons) reasons[reason] = n;
  return {{"version", kJsonVersion}, {"db", db},
          {"added", s.added}, {"updated", s.updated}, {"removed", s.removed},
          {"unchanged", s.unchanged}, {"skipped", s.skipped},
          {"skip_reasons", reasons}, {"errors", s.errors},
          {"warnings", s.warnings}, {"duplicate_ids", s.duplicate_ids},
          {"documents", s.documents}, {"seconds", s.seconds},
          {"diagnostics", diagnostics}};
}

int run(const IndexCommand& cmd, const GlobalOptions& global) {
  IndexOptions options;
  options.db_path = resolve_db(global);
  options.force = cmd.force;
  options.limits.max_file_bytes = cmd.max_file_bytes;
  options.limits.max_nesting = cmd.max_nesting;
  options.limits.max_front_matter_bytes = cmd.max_front_matter_bytes;
  options.limits.max_body_bytes = cmd.max_body_bytes;
  options.transaction_limit = cmd.max_transaction;
  if (cmd.wait_lock == "forever")
    options.lock_wait_seconds = 1e9;  // ~30 years
  else if (!cmd.wait_lock.empty())
    options.lock_wait_seconds = std::stod(cmd.wait_lock);
  const bool progress = !cmd.quiet && ::isatty(2) == 1;
  bool progress_shown = false;
  nlohmann::json diagnostics = nlohmann::json::array();
  options.on_diagnostic = [&](const Diagnostic& d) {
    if (progress_shown) { std::cerr << "\r\x1b[K"; progress_shown = false; }
    if (!cmd.quiet || d.severity == Severity::kError) std::cerr << d.to_string() << "\n";
    if (global.json)
      diagnostics.push_back({{"severity", d.severity == Severity::kError ? "error" : "warning"},
                             {"path", d.path}, {"line", d.line}, {"column", d.column},
                             {"message", d.message}});
  };
  auto last = std::chrono::steady_clock::now();
  IndexPhase last_phase = IndexPhase::kReading;
  options.on_progress = [&](const IndexProgress& p) {
    if (!progress) return;
    auto now = std::chrono::steady_clock::now();
    const bool news = p.phase != last_phase || p.phase == IndexPhase::kMerging ||
                      (p.phase == IndexPhase::kReading && p.files_done == p.files_total);
    if (!news && now - last < std::chrono::milliseconds(100)) return;
    last = now;
    last_phase = p.phase;
    std::cerr << "\r\x1b[K";
    switch (p.phase) {
      case IndexPhase::kReading:
        std::cerr << "indexing " << p.files_done << "/" << p.files_total;
        break;
      case IndexPhase::kCopying:
        std::cerr << "copying the index for a large update: " << p.bytes_done / 1000000
                  << "/" << p.bytes_total / 1000000 << " MB";
        break;
      case IndexPhase::kMerging:
        std::cerr << "merging the index: " << p.table;
        break;
      case IndexPhase::kSaving:
        std::cerr << "saving the index";
        break;
    }
    std::cerr << std::flush;
    progress_shown = true;
  };
  std::vector<std::filesystem::path> inputs(cmd.inputs.begin(), cmd.inputs.end());
  IndexSummary s = index_paths(inputs, options);
  if (progress_shown) std::cerr << "\r\x1b[K";
  if (global.json) {
    std::cout << dump_json(summary_json(s, options.db_path.string(), diagnostics)) << "\n";
  } else if (!cmd.quiet) {
    std::cout << "indexed into " << options.db_path.string() << ": " << s.added
              << " added, " << s.updated << " updated, " << s.removed << " removed, "
              << s.unchanged << " unchanged, " << s.skipped << " skipped, " << s.errors
              << (s.errors == 1 ? " error" : " errors") << ", " << s.warnings
              << (s.warnings == 1 ? " warning" : " warnings") << " in ";
    std::cout.precision(2);
    std::cout << std::fixed << s.seconds << " s; " << s.documents << " events in the index\n";
    for (const auto& [reason, n] : s.skip_reasons)
      std::cout << "  skipped " << n << ": " << reason << "\n";
  }
  return s.errors > 0 ? kExitNone : kExitOk;
}

}  // namespace

void register_index(CLI::App& app, GlobalOptions& global, int* exit_code) {
  auto cmd = std::make_shared<IndexCommand>();
  CLI::App* sub = app.add_subcommand(
      "index", "Index timeline folders and files (incremental: only changes are re-read)");
  sub->add_option("paths", cmd->inputs, "Folders (walked recursively) and event files")
      ->required()
      ->check(CLI::Validator(
          [](std::string& path) -> std::string {
            // The file system's own answer would be ": Invalid argument".
            return path.empty() ? "a path is empty ('')" : "";
          },
          "PATH"));
  sub->add_flag("--force", cmd->force, "Re-read every file, even unchanged ones");
  sub->add_flag("-q,--quiet", cmd->quiet, "Only print errors");
  sub->add_option("--max-file-size", cmd->max_file_bytes,
                  "Largest event file read, in bytes (default: 16 MiB)")
      ->check(whole_number(1, UINTMAX_MAX));
  sub->add_option("--max-nesting", cmd->max_nesting,
                  "Deepest front-matter and Markdown nesting accepted (default: 64)")
      ->check(whole_number(1, 10000));
  sub->add_option("--max-front-matter-size", cmd->max_front_matter_bytes,
                  "Largest YAML front matter parsed, in bytes (default: 256 KiB)")
      ->check(whole_number(1, UINTMAX_MAX));
  sub->add_option("--max-body-size", cmd->max_body_bytes,
                  "Largest body parsed as Markdown and indexed in full, in bytes "
                  "(default: 1 MiB; see docs/limits.md)")
      ->check(whole_number(1, UINTMAX_MAX));
  sub->add_option("--max-transaction", cmd->max_transaction,
                  "Most changes written to the live index in one transaction, held in "
                  "memory (about 12 KB each); a larger update goes into a copy of the "
                  "index, swapped in at the end (default: 10000)")
      ->check(whole_number(1, 100000000));
  sub->add_flag("--wait-lock{forever}", cmd->wait_lock,
                "If another run holds the index, wait for it (--wait-lock=SECONDS "
                "waits at most that long) instead of failing at once")
      ->check(CLI::IsMember({"forever"}) | whole_number(0, 1000000000));
  sub->callback([cmd, &global, exit_code] { *exit_code = run(*cmd, global); });
}

}  // namespace tlsearch::cli
