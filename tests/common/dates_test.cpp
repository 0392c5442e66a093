// parse_event_date() and EventDate::sort_key(): the numbers derived from
// dates as timelines write them, and the warnings the reader gives for
// dates it cannot fully read.
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "tlsearch/event.h"

namespace tlsearch {
namespace {

struct Ymd {
  int year, month, day, end_year;
};

Ymd numbers(const std::string& text) {
  const EventDate d = parse_event_date(text);
  return {d.year, d.month, d.day, d.end_year};
}

bool operator==(const Ymd& a, const Ymd& b) {
  return a.year == b.year && a.month == b.month && a.day == b.day &&
         a.end_year == b.end_year;
}

std::ostream& operator<<(std::ostream& os, const Ymd& d) {
  return os << d.year << "-" << d.month << "-" << d.day << " end "
            << d.end_year;
}

// Warnings the event reader gives for `date: <text>`.
std::vector<std::string> date_warnings(const std::string& text) {
  const ParseResult r =
      parse_event_text("---\ntitle: T\ndate: " + text + "\n---\n", "e.md",
                       EventFormat::kMarkdown);
  REQUIRE(r.status == ParseStatus::kOk);
  std::vector<std::string> out;
  for (const Diagnostic& d : r.diagnostics) {
    CHECK(d.severity == Severity::kWarning);
    out.push_back(d.message);
  }
  return out;
}

TEST_CASE("full, partial and year-only dates", "[dates]") {
  CHECK(numbers("2024-01-24") == Ymd{2024, 1, 24, 0});
  CHECK(numbers("2025-11") == Ymd{2025, 11, 0, 0});
  CHECK(numbers("1998") == Ymd{1998, 0, 0, 0});
  CHECK(numbers("2024/1/5") == Ymd{2024, 1, 5, 0});
  CHECK(numbers(" '2024-01-24' ") == Ymd{2024, 1, 24, 0});
  CHECK(numbers("0800-03-01") == Ymd{800, 3, 1, 0});
}

TEST_CASE("the text is kept as written, trimmed", "[dates]") {
  CHECK(parse_event_date("  2019-03..2019-06 ").text == "2019-03..2019-06");
  CHECK(parse_event_date("circa 1600").text == "circa 1600");
  CHECK(parse_event_date("unknown").text == "unknown");
}

TEST_CASE("a time of day after the date is ignored", "[dates]") {
  CHECK(numbers("2024-01-24T10:30:00Z") == Ymd{2024, 1, 24, 0});
  CHECK(numbers("2024-01-24 10:30") == Ymd{2024, 1, 24, 0});
  CHECK(date_warnings("2024-01-24T10:30:00Z").empty());
}

TEST_CASE("ranges give the start and the end year", "[dates]") {
  CHECK(numbers("1998-2016") == Ymd{1998, 0, 0, 2016});
  CHECK(numbers("2019-03..2019-06") == Ymd{2019, 3, 0, 2019});
  CHECK(numbers("2019-03-01 to 2019-06-30") == Ymd{2019, 3, 1, 2019});
  CHECK(numbers("2019-03-01..2021-06-30") == Ymd{2019, 3, 1, 2021});
  CHECK(numbers("1998 - 2016") == Ymd{1998, 0, 0, 2016});
  CHECK(numbers("1998\u20132016") == Ymd{1998, 0, 0, 2016});
  CHECK(numbers("2019-03-01/2019-06-30") == Ymd{2019, 3, 1, 2019});
  CHECK(numbers("March\u2013June 2019") == Ymd{2019, 3, 0, 2019});
  CHECK(date_warnings("1998-2016").empty());
  CHECK(date_warnings("2019-03-01 to 2019-06-30").empty());
}

TEST_CASE("a range that ends before it starts has no end year", "[dates]") {
  CHECK(numbers("2016-1998") == Ymd{2016, 0, 0, 0});
  const auto warnings = date_warnings("2016-1998");
  REQUIRE(warnings.size() == 1);
  CHECK_THAT(warnings[0], Catch::Contains("ends before it starts"));
}

TEST_CASE("approximate dates give their year without a warning", "[dates]") {
  CHECK(numbers("circa 1600") == Ymd{1600, 0, 0, 0});
  CHECK(numbers("c. 1600") == Ymd{1600, 0, 0, 0});
  CHECK(numbers("ca.1600") == Ymd{1600, 0, 0, 0});
  CHECK(numbers("1600s") == Ymd{1600, 0, 0, 0});
  CHECK(numbers("mid-1800s") == Ymd{1800, 0, 0, 0});
  CHECK(numbers("~1750") == Ymd{1750, 0, 0, 0});
  CHECK(numbers("Spring 2019") == Ymd{2019, 0, 0, 0});
  CHECK(date_warnings("circa 1600").empty());
  CHECK(date_warnings("c. 1600").empty());
  CHECK(date_warnings("1600s").empty());
  CHECK(date_warnings("early 1900s").empty());
}

TEST_CASE("dates with month names", "[dates]") {
  CHECK(numbers("January 2024") == Ymd{2024, 1, 0, 0});
  CHECK(numbers("24 Jan 2024") == Ymd{2024, 1, 24, 0});
  CHECK(numbers("Sept. 3rd, 2001") == Ymd{2001, 9, 3, 0});
  CHECK(date_warnings("24 January 2024").empty());
}

TEST_CASE("a date without a year gives year 0 and a warning", "[dates]") {
  CHECK(numbers("unknown") == Ymd{0, 0, 0, 0});
  CHECK(numbers("TBD") == Ymd{0, 0, 0, 0});
  CHECK(numbers("") == Ymd{0, 0, 0, 0});
  CHECK(numbers("March") == Ymd{0, 0, 0, 0});
  const auto warnings = date_warnings("unknown");
  REQUIRE(warnings.size() == 1);
  CHECK_THAT(warnings[0], Catch::Contains("no year"));
  CHECK_THAT(warnings[0], Catch::Contains("unknown"));
}

TEST_CASE("years before 1 are refused", "[dates]") {
  CHECK(numbers("500 BC") == Ymd{0, 0, 0, 0});
  CHECK(numbers("0000-01-01") == Ymd{0, 0, 0, 0});
  CHECK(date_warnings("500 BC").size() == 1);
  CHECK(date_warnings("0000-01-01").size() == 1);
  // ISO 8601 expanded years: -0044 is 45 BC, never 44 AD.
  for (const char* bc : {"-0044-03-15", "-44", "\u22120044-03-15", "-0500"}) {
    INFO(bc);
    CHECK(numbers(bc) == Ymd{0, 0, 0, 0});
    const auto warnings = date_warnings(bc);
    REQUIRE(warnings.size() == 1);
    CHECK_THAT(warnings[0], Catch::Contains("before year 1"));
  }
}

TEST_CASE("invalid months and days are zeroed with a warning", "[dates]") {
  CHECK(numbers("2024-13-01") == Ymd{2024, 0, 0, 0});
  CHECK(numbers("2024-00") == Ymd{2024, 0, 0, 0});
  CHECK(numbers("2024-01-32") == Ymd{2024, 1, 0, 0});
  CHECK(numbers("2024-01-00") == Ymd{2024, 1, 0, 0});
  CHECK(numbers("2023-02-29") == Ymd{2023, 2, 0, 0});
  CHECK(numbers("2024-04-31") == Ymd{2024, 4, 0, 0});
  // Leap days are real in leap years only.
  CHECK(numbers("2024-02-29") == Ymd{2024, 2, 29, 0});
  CHECK(numbers("2000-02-29") == Ymd{2000, 2, 29, 0});
  CHECK(numbers("1900-02-29") == Ymd{1900, 2, 0, 0});

  auto warnings = date_warnings("2024-13-01");
  REQUIRE(warnings.size() == 1);
  CHECK_THAT(warnings[0], Catch::Contains("invalid month 13"));
  warnings = date_warnings("2024-01-32");
  REQUIRE(warnings.size() == 1);
  CHECK_THAT(warnings[0], Catch::Contains("invalid day 32"));
  CHECK(date_warnings("2024-02-29").empty());
}

TEST_CASE("trailing words after a date are reported", "[dates]") {
  CHECK(numbers("2024-01-24 maybe later") == Ymd{2024, 1, 24, 0});
  CHECK(date_warnings("2024-01-24 maybe later").size() == 1);
  CHECK(date_warnings("2024-01-24 (approx)").empty());
}

TEST_CASE("sort_key orders partial dates before full ones", "[dates]") {
  CHECK(parse_event_date("2024-01-24").sort_key() == 20240124);
  CHECK(parse_event_date("2025-11").sort_key() == 20251100);
  CHECK(parse_event_date("1998").sort_key() == 19980000);
  CHECK(parse_event_date("unknown").sort_key() == 0);
  CHECK(parse_event_date("2025-11").sort_key() <
        parse_event_date("2025-11-01").sort_key());
  CHECK(parse_event_date("2025-10-31").sort_key() <
        parse_event_date("2025-11").sort_key());
  CHECK(parse_event_date("999").sort_key() <
        parse_event_date("1000").sort_key());
  CHECK(EventDate{}.sort_key() == 0);
  CHECK_FALSE(EventDate{}.has_year());
  CHECK(parse_event_date("1600s").has_year());
}

}  // namespace
}  // namespace tlsearch

namespace tlsearch {
namespace {

TEST_CASE("numbers too long for a date part do not overflow", "[dates]") {
  // Found by fuzz_event_parser: undefined behaviour (int overflow) before.
  const EventDate d = parse_event_date("May 55555555555555555555 2020");
  CHECK(d.year == 2020);
  CHECK(d.month == 5);
  CHECK(parse_event_date("55555555555555555555").year == 0);
}

}  // namespace
}  // namespace tlsearch
