// The event model and the reader that turns a timeline entry (a Markdown file
// with YAML front matter, or a JSON object) into an Event.
//
// Reading never throws for bad *data*: a file that cannot be understood comes
// back as ParseStatus::kError with diagnostics naming the file, line and
// column; a file that is not an event (no front matter, unknown extension)
// comes back as kSkipped with a reason. Only programming errors throw.
#ifndef TLSEARCH_EVENT_H
#define TLSEARCH_EVENT_H

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tlsearch {

// One cited source of an event. Every field is optional text; `outlet` is
// taken from `outlet` or, failing that, `publisher`.
struct Source {
  std::string title;
  std::string url;
  std::string outlet;
  std::string date;
  std::string tier;  // as written ("1", "2", "1-equivalent"...)
};

// A date as timelines write it: full (`2024-01-24`), partial (`2025-11`,
// `1998`) or a range (`1998-2016`, `2019-03-01..2019-06-30`). `text` keeps
// what was written; the numbers are derived where possible.
struct EventDate {
  std::string text;
  int year = 0;   // 0 when no year could be derived
  int month = 0;  // 1-12, 0 when absent
  int day = 0;    // 1-31, 0 when absent
  int end_year = 0;  // last year of a range, 0 when not a range

  bool has_year() const { return year != 0; }
  // yyyymmdd with missing parts as 00, so `2025-11` sorts just before
  // `2025-11-01`. 0 when there is no year. Years before 1 are not supported.
  std::int64_t sort_key() const;
};

// Parses a date as written in front matter. Returns an EventDate whose
// numbers are zero when nothing sensible could be derived (text is kept).
EventDate parse_event_date(std::string_view text);

// Days in `month` (1-12) of `year` in the proleptic Gregorian calendar, as
// dates are checked when indexed (and query dates when searched).
int days_in_month(int year, int month);

struct Event {
  std::string path;  // the file it came from, as given to the reader
  std::string id;    // `id:` or, when absent, the file name without extension
  bool id_from_filename = false;
  EventDate date;
  std::string title;
  std::optional<int> importance;  // 1-10 as written; absent when missing/invalid
  std::string status;
  std::string type;
  std::string location;
  std::vector<std::string> actors;  // trimmed display spellings, in file order
  std::vector<std::string> tags;
  std::vector<std::string> lanes;   // capture_lanes + capture_lane, de-duplicated
  std::vector<Source> sources;
  std::string notes;
  std::string description;  // `description` or, failing that, `summary`
  std::string body_markdown;  // the Markdown body as written
  std::string body_text;      // the body as plain text, headings kept
  std::vector<std::string> links;  // [[wikilink]] targets, in order, unique
  int body_line = 1;  // 1-based line of the file where the body starts
};

enum class Severity { kWarning, kError };

// A message about one file. `line`/`column` are 1-based, 0 when unknown.
struct Diagnostic {
  Severity severity = Severity::kError;
  std::string path;
  int line = 0;
  int column = 0;
  std::string message;
  // How many problems it stands for: 1, or those of a file beyond the
  // first 50 warnings, summed up in one ("50 more warnings not shown").
  std::size_t count = 1;

  // "path:line:col: error: message" (line/col omitted when unknown).
  std::string to_string() const;
};

enum class ParseStatus {
  kOk,       // `event` holds the event (warnings may be present)
  kSkipped,  // not an event file; `skip_reason` says why (not an error)
  kError,    // could not be read as an event; see diagnostics
};

struct ParseResult {
  ParseStatus status = ParseStatus::kError;
  std::optional<Event> event;
  std::vector<Diagnostic> diagnostics;
  std::string skip_reason;
};

// Limits that keep hostile input from costing unbounded time or memory.
struct ParseLimits {
  // Files larger than this are refused with an error. Default: 16 MiB.
  std::uintmax_t max_file_bytes = 16u << 20;
  // Deepest YAML/JSON nesting accepted in front matter, and deepest
  // Markdown block nesting (quotes, list items) parsed as Markdown.
  // Default: 64.
  int max_nesting = 64;
  // Largest YAML front matter (between the `---` lines) parsed; a larger
  // one is refused with an error, as yaml-cpp needs up to ~250 bytes of
  // memory per byte of input. (JSON entries are bounded by counting their
  // values before parsing instead.) Default: 256 KiB.
  std::uintmax_t max_front_matter_bytes = 256u << 10;
  // Largest body parsed as Markdown and indexed in full. A larger body is
  // read as plain text and only its first max_body_bytes are indexed (each
  // distinct word costs the index time and memory), with a warning; it is
  // still stored whole. A body nested deeper than max_nesting, or with a
  // table row of more than 256 cells (cmark-gfm is quadratic in both), is
  // also read as plain text. Default: 1 MiB.
  std::uintmax_t max_body_bytes = 1u << 20;
};

enum class EventFormat { kMarkdown, kJson };

// Which reader handles `path`, judged by its extension (`.md`, `.markdown`,
// `.json`, case-insensitive). nullopt for every other file.
std::optional<EventFormat> event_format_for(const std::filesystem::path& path);

// Parses the text of one entry. `path` is used for the default id and in
// diagnostics. Never throws on bad data.
ParseResult parse_event_text(std::string_view text, const std::string& path,
                             EventFormat format,
                             const ParseLimits& limits = {});

// Reads and parses one file (format from its extension). A file that cannot
// be read (missing, unreadable, not a regular file, too large) is kError.
ParseResult parse_event_file(const std::filesystem::path& path,
                             const ParseLimits& limits = {});

// Markdown (GFM) to plain text for indexing and snippets: headings, list
// items, table cells and link texts kept as text, markup dropped.
std::string markdown_to_text(std::string_view markdown);

// `[[target]]` and `[[target|label]]` targets in Markdown, in order, unique.
std::vector<std::string> extract_wikilinks(std::string_view markdown);

}  // namespace tlsearch

#endif  // TLSEARCH_EVENT_H
