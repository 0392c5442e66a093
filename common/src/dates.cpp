// Reading dates as timelines write them. The common case is ISO
// (`2024-01-24`, `2025-11`, `1998`); ranges, approximate dates (`circa 1600`,
// `1600s`) and month names are read well enough to give a year for sorting
// and filtering. What cannot be read is reported, never guessed silently.
#include <array>
#include <cctype>
#include <string>
#include <string_view>
#include <vector>

#include "dates_internal.h"
#include "tlsearch/event.h"
#include "tlsearch/normalize.h"

namespace tlsearch {
namespace {

// -1 marks a part that was not written, so an explicit `00` can be reported.
struct Ymd {
  int year = -1;
  int month = -1;
  int day = -1;
};

// Keeps the first problem only: it is the one most worth fixing.
void note(std::string* problem, const std::string& message) {
  if (problem->empty()) *problem = message;
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front())))
    s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back())))
    s.remove_suffix(1);
  return s;
}

std::string lower_ascii(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

// No date part has more than nine digits, so a longer number saturates at
// 999999999 instead of overflowing (found by fuzz_event_parser: a date of
// twenty 5s was undefined behaviour); callers reject it by its length.
int to_int(std::string_view digits) {
  int value = 0;
  for (char c : digits) {
    if (value > 99999999) return 999999999;
    value = value * 10 + (c - '0');
  }
  return value;
}

// Reads `n` digits at `s[*i]` when exactly `min`..`max` digits follow.
bool read_digits(std::string_view s, std::size_t* i, std::size_t min,
                 std::size_t max, int* value) {
  std::size_t end = *i;
  while (end < s.size() && is_digit(s[end])) ++end;
  const std::size_t n = end - *i;
  if (n < min || n > max) return false;
  *value = to_int(s.substr(*i, n));
  *i = end;
  return true;
}

int month_from_name(std::string_view word) {
  static constexpr std::array<const char*, 12> kNames = {
      "january", "february", "march",     "april",   "may",      "june",
      "july",    "august",   "september", "october", "november", "december"};
  if (word == "sept") return 9;
  for (std::size_t m = 0; m < kNames.size(); ++m) {
    std::string_view name = kNames[m];
    if (word == name || (word.size() == 3 && name.substr(0, 3) == word))
      return static_cast<int>(m) + 1;
  }
  return 0;
}

// Words that qualify a date without changing its numbers.
bool is_qualifier(std::string_view word) {
  static constexpr std::string_view kWords[] = {
      "circa",  "c",         "ca",    "approx", "approximately",
      "about",  "around",    "early", "mid",    "late",
      "spring", "summer",    "fall",  "autumn", "winter",
      "q1",     "q2",        "q3",    "q4",     "h1",
      "h2",     "of",        "the",   "in",     "on",
      "est",    "estimated", "ad",    "ce"};
  for (std::string_view w : kWords)
    if (word == w) return true;
  return false;
}

std::vector<std::string> words_of(std::string_view s) {
  std::vector<std::string> words;
  std::string current;
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (std::isalnum(u) || u >= 0x80) {
      current += c;
    } else if (!current.empty()) {
      words.push_back(lower_ascii(current));
      current.clear();
    }
  }
  if (!current.empty()) words.push_back(lower_ascii(current));
  return words;
}

// A date in words: `January 2024`, `24 Jan 2024`, `circa 1600`, `mid-1800s`.
Ymd parse_words(std::string_view s, std::string* problem) {
  Ymd ymd;
  int small_number = -1;
  bool unknown = false;
  for (const std::string& word : words_of(s)) {
    std::size_t digits = 0;
    while (digits < word.size() && is_digit(word[digits])) ++digits;
    const std::string_view suffix = std::string_view(word).substr(digits);
    if (digits > 0) {
      const int value = to_int(std::string_view(word).substr(0, digits));
      const bool year_like = digits == 4 || (digits == 3 && value >= 100);
      if (year_like && (suffix.empty() || suffix == "s")) {
        if (ymd.year < 0)
          ymd.year = value;
        else
          note(problem, "more than one year in date");
      } else if (digits <= 2 &&
                 (suffix.empty() || suffix == "st" || suffix == "nd" ||
                  suffix == "rd" || suffix == "th")) {
        if (small_number < 0)
          small_number = value;
        else
          unknown = true;
      } else {
        unknown = true;
      }
      continue;
    }
    if (int month = month_from_name(word); month != 0) {
      if (ymd.month < 0)
        ymd.month = month;
      else
        unknown = true;
    } else if (word == "bc" || word == "bce") {
      note(problem, "dates before year 1 are not supported");
      ymd.year = -1;
      return ymd;
    } else if (!is_qualifier(word)) {
      unknown = true;
    }
  }
  if (small_number >= 0) {
    if (ymd.month > 0)
      ymd.day = small_number;
    else
      unknown = true;
  }
  if (ymd.year < 0)
    note(problem, "no year in date");
  else if (unknown)
    note(problem,
         "unrecognised text in date (only the year, "
         "month and day were read)");
  return ymd;
}

// `2024-01-24`, `2024-01`, `2024`, `2024/1/5`, `2024-01-24T10:00Z`,
// `1600s`; anything else is read as words.
Ymd parse_single(std::string_view s, std::string* problem) {
  s = trim(s);
  Ymd ymd;
  // ISO 8601's expanded years: `-0044-03-15` is 45 BC, not 44 AD.
  for (std::string_view minus : {"-", "\u2212"}) {
    if (s.size() > minus.size() && s.substr(0, minus.size()) == minus &&
        is_digit(s[minus.size()])) {
      note(problem, "dates before year 1 are not supported");
      return ymd;
    }
  }
  std::size_t i = 0;
  if (!read_digits(s, &i, 4, 4, &ymd.year)) return parse_words(s, problem);
  for (int* part : {&ymd.month, &ymd.day}) {
    if (i + 1 < s.size() && (s[i] == '-' || s[i] == '/' || s[i] == '.') &&
        is_digit(s[i + 1])) {
      std::size_t j = i + 1;
      if (!read_digits(s, &j, 1, 2, part)) return parse_words(s, problem);
      i = j;
    }
  }
  std::string_view rest = trim(s.substr(i));
  if (rest.empty()) return ymd;
  if (rest == "s" && ymd.month < 0) return ymd;  // `1600s`: the decade start
  // A time of day after the date (yaml timestamps, ISO 8601) is ignored.
  const bool time_follows =
      ((rest[0] == 'T' || rest[0] == 't') && rest.size() > 1 &&
       is_digit(rest[1])) ||
      (rest.size() >= 3 && is_digit(rest[0]) &&
       (rest[1] == ':' || (is_digit(rest[1]) && rest[2] == ':')));
  if (time_follows) return ymd;
  for (const std::string& word : words_of(rest)) {
    if (!is_qualifier(word)) {
      note(problem, "unrecognised text after date");
      break;
    }
  }
  return ymd;
}

bool is_leap(int year) {
  return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

// Zeroes parts that are out of range (a bad month also drops the day, which
// means nothing without it) and reports them.
void validate(Ymd* ymd, std::string* problem) {
  if (ymd->year == 0) {
    note(problem, "invalid year 0");
    ymd->year = -1;
  }
  if (ymd->year < 0) {
    ymd->month = ymd->day = -1;
    return;
  }
  if (ymd->month == 0 || ymd->month > 12) {
    note(problem, "invalid month " + std::to_string(ymd->month));
    ymd->month = ymd->day = -1;
  }
  if (ymd->month < 0) {
    ymd->day = -1;
    return;
  }
  if (ymd->day == 0 || ymd->day > days_in_month(ymd->year, ymd->month)) {
    note(problem, "invalid day " + std::to_string(ymd->day) + " for month " +
                      std::to_string(ymd->month));
    ymd->day = -1;
  }
}

// Splits `s` into the two ends of a range, if it is one.
bool split_range(std::string_view s, std::string_view* first,
                 std::string_view* second) {
  static constexpr std::string_view kSeparators[] = {
      "..",     " to ",   " through ", " until ", " till ",
      "\u2013", "\u2014", " - ",       "\u2212"};
  const std::string lower = lower_ascii(s);
  for (std::string_view sep : kSeparators) {
    const std::size_t at = lower.find(sep);
    if (at == std::string::npos) continue;
    *first = trim(s.substr(0, at));
    *second = trim(s.substr(at + sep.size()));
    if (!first->empty() && !second->empty()) return true;
  }
  // `1998-2016` (a month is never four digits) and ISO 8601 intervals
  // `1998/2016`, `2019-03-01/2019-06-30` (a year/month/day date has two
  // slashes, not one).
  auto starts_with_year = [](std::string_view t) {
    return t.size() >= 4 && is_digit(t[0]) && is_digit(t[1]) &&
           is_digit(t[2]) && is_digit(t[3]) &&
           (t.size() == 4 || !is_digit(t[4]));
  };
  if (s.size() == 9 && starts_with_year(s) && s[4] == '-' &&
      starts_with_year(s.substr(5))) {
    *first = s.substr(0, 4);
    *second = s.substr(5);
    return true;
  }
  const std::size_t slash = s.find('/');
  if (slash != std::string_view::npos &&
      s.find('/', slash + 1) == std::string_view::npos && starts_with_year(s) &&
      starts_with_year(s.substr(slash + 1))) {
    *first = trim(s.substr(0, slash));
    *second = trim(s.substr(slash + 1));
    return true;
  }
  return false;
}

}  // namespace

int days_in_month(int year, int month) {
  static constexpr std::array<int, 12> kDays = {31, 28, 31, 30, 31, 30,
                                                31, 31, 30, 31, 30, 31};
  if (month == 2 && is_leap(year)) return 29;
  return kDays[static_cast<std::size_t>(month - 1)];
}

std::int64_t EventDate::sort_key() const {
  if (year <= 0) return 0;
  return static_cast<std::int64_t>(year) * 10000 + month * 100 + day;
}

EventDate parse_event_date(std::string_view text) {
  std::string ignored;
  return internal::parse_event_date(text, &ignored);
}

namespace internal {

EventDate parse_event_date(std::string_view text, std::string* problem) {
  problem->clear();
  EventDate date;
  date.text = display_label(text);
  const std::string_view s = date.text;
  if (s.empty()) return date;

  std::string_view first, second;
  Ymd start;
  if (split_range(s, &first, &second)) {
    start = parse_single(first, problem);
    Ymd end = parse_single(second, problem);
    // `March-June 2019`: the start takes the end's year.
    if (start.year < 0 && end.year > 0 && start.month > 0) {
      start.year = end.year;
      if (*problem == "no year in date") problem->clear();
    }
    validate(&start, problem);
    validate(&end, problem);
    if (end.year < 0) {
      note(problem, "could not read the end of the date range");
    } else if (start.year > 0 && end.year < start.year) {
      note(problem, "date range ends before it starts");
    } else {
      date.end_year = end.year;
    }
  } else {
    start = parse_single(s, problem);
    validate(&start, problem);
  }
  date.year = start.year > 0 ? start.year : 0;
  date.month = start.month > 0 ? start.month : 0;
  date.day = start.day > 0 ? start.day : 0;
  return date;
}

}  // namespace internal
}  // namespace tlsearch
