// libFuzzer target: the event reader on arbitrary bytes, as Markdown with
// front matter and, when the input looks like an object, as JSON.
//
// What counts as a bug: any crash or sanitizer report, an exception escaping
// parse_event_text() (it promises never to throw on bad data), a result that
// breaks its own contract (kOk without an event, kError without an error
// diagnostic), or text that is not valid UTF-8 reaching the event.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstdio>
#include <string>
#include <string_view>

#include "tlsearch/event.h"
#include "tlsearch/normalize.h"

namespace {

void require(bool ok, const char* what) {
  if (ok) return;
  std::fprintf(stderr, "contract broken: %s\n", what);
  std::abort();
}

bool clean_utf8(const std::string& s) {
  return s.find('\0') == std::string::npos && tlsearch::sanitize_utf8(s) == s;
}

void check(const tlsearch::ParseResult& r) {
  using tlsearch::ParseStatus;
  switch (r.status) {
    case ParseStatus::kOk:
      require(r.event.has_value(), "kOk without an event");
      require(clean_utf8(r.event->id) && clean_utf8(r.event->title) &&
                  clean_utf8(r.event->body_text),
              "invalid UTF-8 or NUL in the event");
      require(!r.event->title.empty(), "empty title");
      for (const auto& lane : r.event->lanes)
        require(!lane.empty() && clean_utf8(lane), "bad lane");
      if (r.event->importance)
        require(*r.event->importance >= 1 && *r.event->importance <= 10,
                "importance out of range");
      break;
    case ParseStatus::kError: {
      bool has_error = false;
      for (const auto& d : r.diagnostics)
        has_error |= d.severity == tlsearch::Severity::kError;
      require(has_error, "kError without an error diagnostic");
      break;
    }
    case ParseStatus::kSkipped:
      require(!r.skip_reason.empty(), "kSkipped without a reason");
      break;
  }
  for (const auto& d : r.diagnostics) {
    require(clean_utf8(d.message), "invalid UTF-8 in a diagnostic");
    require(d.line >= 0 && d.column >= 0, "negative position");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  // The default limits, as the indexer uses them; a smaller size limit
  // keeps each run fast and is itself exercised.
  tlsearch::ParseLimits limits;
  limits.max_file_bytes = 1 << 20;
  check(tlsearch::parse_event_text(text, "fuzz/entry.md",
                                   tlsearch::EventFormat::kMarkdown, limits));
  const std::size_t first = text.find_first_not_of(" \t\r\n\xEF\xBB\xBF");
  if (first != std::string_view::npos && (text[first] == '{' || text[first] == '['))
    check(tlsearch::parse_event_text(text, "fuzz/entry.json",
                                     tlsearch::EventFormat::kJson, limits));
  return 0;
}
