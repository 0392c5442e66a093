#include "query_builder.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <iterator>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "tlsearch/error.h"
#include "tlsearch/event.h"
#include "stemmer_internal.h"
#include "tlsearch/normalize.h"

namespace tlsearch {
namespace {

// `lane:`, `tag:`, `status:`... : the value is normalised like the indexed
// facet values, so `lane:"media capture & control"` finds every spelling.
// One value of a facet as a filter, normalised like the indexed values;
// `police*` stands for every value starting so (`police`, `police state`).
// Shared by query fields (`tag:police*`) and options (`--tag 'police*'`).
Xapian::Query facet_value_query(const std::string& prefix, const std::string& value) {
  if (const auto start = facet_wildcard_start(value)) {
    if (start->empty()) return Xapian::Query::MatchNothing;
    return Xapian::Query(Xapian::Query::OP_WILDCARD, prefix + *start, kMaxWildcardExpansion,
                         Xapian::Query::WILDCARD_LIMIT_MOST_FREQUENT);
  }
  const std::string key = facet_key(value);
  if (key.empty()) return Xapian::Query::MatchNothing;
  return Xapian::Query(schema::boolean_term(prefix, key));
}

using UnknownValues = std::shared_ptr<std::vector<UnknownValue>>;

class FacetFieldProcessor : public Xapian::FieldProcessor {
 public:
  FacetFieldProcessor(const Xapian::Database& db, const char* field, const char* prefix,
                      UnknownValues unknown)
      : db_(db), field_(field), prefix_(prefix), unknown_(std::move(unknown)) {}
  Xapian::Query operator()(const std::string& value) override {
    Xapian::Query query = facet_value_query(prefix_, value);
    if (!facet_value_exists(db_, prefix_, value)) {
      auto same = [&](const UnknownValue& u) { return u.field == field_ && u.value == value; };
      if (std::none_of(unknown_->begin(), unknown_->end(), same))
        unknown_->push_back({field_, prefix_, value});
    }
    return query;
  }

 private:
  Xapian::Database db_;
  std::string field_;
  std::string prefix_;
  UnknownValues unknown_;
};

class IdFieldProcessor : public Xapian::FieldProcessor {
 public:
  Xapian::Query operator()(const std::string& value) override {
    std::string key = schema::id_key(value);
    if (key.empty()) return Xapian::Query::MatchNothing;
    return Xapian::Query(schema::boolean_term(schema::kId, key));
  }
};

// Every document, as a query of its own. Never Xapian::Query::MatchAll: that
// is one static object whose reference count is not atomic, so copies made
// by searches in several threads at once corrupted it (the HTTP server and
// C API programs crashed on browsing requests).
Xapian::Query match_all() { return Xapian::Query(std::string()); }

int days_in_month(std::int64_t year, std::int64_t month) {
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return month == 2 && leap ? 29 : kDays[month - 1];
}

// The events whose date lies in [low, high] (yyyymmdd sort keys, either end
// open). An event dated only by year (yyyy0000) or month (yyyymm00) stands
// for that whole year or month and is found by every range that overlaps
// it: `--from 1998-01-01 --to 1998-12-31` finds an event dated `1998`,
// `date:>=2025-11-01` one dated `2025-11`, and `date:<2025-11-01` not that
// one. Bounds arrive as parse_date_bound() and the comparisons make them
// (`2020` is 20200000..20201299; `>2020` starts at 20201300, `<2020-05`
// ends at 20200499, `<2020-05-01` at 20200500); they are first made real
// days, so that a partial key lies inside [low, high] only if its period
// starts within it. The one partial date that overlaps without lying
// inside is the year or month `low` falls in, added by name.
Xapian::Query date_range_query(std::optional<std::int64_t> low,
                               std::optional<std::int64_t> high) {
  auto ser = [](std::int64_t v) {
    return Xapian::sortable_serialise(static_cast<double>(v));
  };
  auto at = [&](std::int64_t key) {
    return Xapian::Query(Xapian::Query::OP_VALUE_RANGE, schema::kSlotDate, ser(key), ser(key));
  };
  if (high) {
    std::int64_t y = *high / 10000, m = *high / 100 % 100, d = *high % 100;
    if (m != 0 && d == 0) --m, d = 99;  // before the 1st: up to the previous month
    if (m == 0) --y, m = 12, d = 99;    // before January: up to the previous year
    high = y * 10000 + m * 100 + d;
  }
  std::vector<Xapian::Query> partial;
  if (low) {
    std::int64_t y = *low / 10000, m = *low / 100 % 100, d = *low % 100;
    if (m == 0) m = 1, d = 1;
    if (d == 0) d = 1;
    if (m <= 12 && d > days_in_month(y, m)) ++m, d = 1;  // `>2020-12-31`
    if (m > 12) ++y, m = 1, d = 1;                       // `>2020`
    low = y * 10000 + m * 100 + d;
    if (!high || *low <= *high) {
      // Within the year's events (its facet term), a cheap check of the
      // value, where a bare value range would read every event's date.
      const Xapian::Query year(schema::boolean_term(
          schema::facet_info(schema::Facet::kYear).term_prefix, std::to_string(y)));
      partial.push_back(Xapian::Query(Xapian::Query::OP_FILTER, year,
                                      at(y * 10000) | at(y * 10000 + m * 100)));
    }
  }
  Xapian::Query range;
  if (low && high)
    range = Xapian::Query(Xapian::Query::OP_VALUE_RANGE, schema::kSlotDate, ser(*low), ser(*high));
  else if (low)
    range = Xapian::Query(Xapian::Query::OP_VALUE_GE, schema::kSlotDate, ser(*low));
  else if (high)
    range = Xapian::Query(Xapian::Query::OP_VALUE_LE, schema::kSlotDate, ser(*high));
  else  // `date:..`: every event with a date (>= "" would be every event)
    return Xapian::Query(Xapian::Query::OP_VALUE_GE, schema::kSlotDate, ser(0));
  if (partial.empty()) return range;
  partial.push_back(range);
  return Xapian::Query(Xapian::Query::OP_OR, partial.begin(), partial.end());
}

// A malformed date or importance met by a processor. Xapian 1.4's query
// parser leaks its partial parse when a processor throws (found by
// fuzz/fuzz_query), so the processors record the problem here and match
// nothing; parse_query_text() then degrades the query as if the parser had
// rejected it.
using FieldProblem = std::shared_ptr<std::string>;
// Notices about a query that is read as written but cannot match
// (`importance:11`): the query is kept, the user told why it finds nothing.
using FieldNotes = std::shared_ptr<std::vector<std::string>>;

void note_importance_range(const FieldNotes& notes, const std::string& written) {
  const std::string note = "importance runs from 1 to 10, so '" + written + "' matches nothing";
  if (std::find(notes->begin(), notes->end(), note) == notes->end()) notes->push_back(note);
}

// The comparison a field value starts with (`date:>2020`, `importance:<=3`),
// removed from `value`; kEqual when there is none.
enum class Comparison { kEqual, kGreater, kGreaterEqual, kLess, kLessEqual };

Comparison take_comparison(std::string& value) {
  static const struct {
    const char* text;
    Comparison comparison;
  } kOperators[] = {{">=", Comparison::kGreaterEqual},
                    {"<=", Comparison::kLessEqual},
                    {">", Comparison::kGreater},
                    {"<", Comparison::kLess}};
  for (const auto& op : kOperators) {
    const std::size_t n = std::char_traits<char>::length(op.text);
    if (value.compare(0, n, op.text) == 0) {
      value.erase(0, n);
      return op.comparison;
    }
  }
  return Comparison::kEqual;
}

// `date:2024` and `date:2024-05`: every event in that year or month;
// `date:>2020` after 2020, `date:>=2020-05` from May 2020, `date:<2001`
// before 2001, `date:<=1999-12-31` up to that day; `date:2020..2024`,
// `date:2020-03..`, `date:..2019-06-30`. Ranges are read here too, not by a
// Xapian RangeProcessor: the parser puts a field's values in one group,
// ORed (`date:1998 date:2024`), but ANDed a range with them
// (`date:2024 date:1998..1998` found nothing), and an excluded range was a
// syntax error.
class DateFieldProcessor : public Xapian::FieldProcessor {
 public:
  explicit DateFieldProcessor(FieldProblem problem) : problem_(std::move(problem)) {}
  Xapian::Query operator()(const std::string& field_value) override {
    const std::size_t dots = field_value.find("..");
    if (dots != std::string::npos) return range(field_value.substr(0, dots), field_value.substr(dots + 2));
    std::string value = field_value;
    const Comparison comparison = take_comparison(value);
    auto bounds = parse_date_bound(value);
    if (!bounds) {
      if (problem_->empty())
        *problem_ = "invalid date '" + field_value +
                    "' (expected YYYY, YYYY-MM or YYYY-MM-DD, optionally after >, >=, < or <=)";
      return Xapian::Query::MatchNothing;
    }
    switch (comparison) {
      case Comparison::kGreater: return date_range_query(bounds->high + 1, std::nullopt);
      case Comparison::kGreaterEqual: return date_range_query(bounds->low, std::nullopt);
      case Comparison::kLess: return date_range_query(std::nullopt, bounds->low - 1);
      case Comparison::kLessEqual: return date_range_query(std::nullopt, bounds->high);
      case Comparison::kEqual: break;
    }
    return date_range_query(bounds->low, bounds->high);
  }

 private:
  Xapian::Query range(const std::string& begin, const std::string& end) {
    std::optional<std::int64_t> low, high;
    for (const std::string* bound : {&begin, &end}) {
      if (bound->empty()) continue;
      auto b = parse_date_bound(*bound);
      if (!b) {
        if (problem_->empty()) *problem_ = "invalid date '" + *bound + "'";
        return Xapian::Query::MatchNothing;
      }
      (bound == &begin ? low : high) = bound == &begin ? b->low : b->high;
    }
    if (low && high && *low > *high) {
      if (problem_->empty())
        *problem_ = "date range '" + begin + ".." + end + "' ends before it starts";
      return Xapian::Query::MatchNothing;
    }
    return date_range_query(low, high);
  }

  FieldProblem problem_;
};

// `year:2020` is the year facet's term; `year:2018..2020`, `year:>2020`,
// `year:<=1999` are the date ranges of those whole years (`date:` reads
// them). Anything but a year is an error, not silently nothing.
class YearFieldProcessor : public Xapian::FieldProcessor {
 public:
  explicit YearFieldProcessor(FieldProblem problem)
      : problem_(problem), dates_(std::move(problem)) {}
  Xapian::Query operator()(const std::string& field_value) override {
    auto is_year = [](std::string_view text) {
      const std::size_t first = text.find_first_not_of(' ');
      if (first == std::string_view::npos) return false;
      text = text.substr(first, text.find_last_not_of(' ') - first + 1);
      return text.size() <= 4 &&
             std::all_of(text.begin(), text.end(),
                         [](char c) { return c >= '0' && c <= '9'; }) &&
             text.find_first_not_of('0') != std::string_view::npos;
    };
    const std::size_t dots = field_value.find("..");
    bool valid;
    bool plain = false;
    if (dots != std::string::npos) {
      const std::string_view begin = std::string_view(field_value).substr(0, dots);
      const std::string_view end = std::string_view(field_value).substr(dots + 2);
      valid = (begin.empty() || is_year(begin)) && (end.empty() || is_year(end));
    } else {
      std::string value = field_value;
      plain = take_comparison(value) == Comparison::kEqual;
      valid = is_year(value);
    }
    if (!valid) {
      if (problem_->empty())
        *problem_ = "invalid year '" + field_value +
                    "' (expected a year such as 2020, a range such as 2018..2020, or "
                    ">, >=, < or <= before a year)";
      return Xapian::Query::MatchNothing;
    }
    if (plain) {
      const std::string key = facet_key(std::to_string(std::stoi(field_value)));
      return Xapian::Query(schema::boolean_term(year_prefix(), key));
    }
    return dates_(field_value);
  }

 private:
  static const char* year_prefix() { return schema::find_facet("year")->term_prefix; }
  FieldProblem problem_;
  DateFieldProcessor dates_;
};

// `importance:8` (exactly 8); `importance:>7`, `>=8`, `<3`, `<=2`;
// `importance:7..10`, `importance:8..`, `importance:..3` (read here, as
// dates are, so that a field's values and ranges are alternatives).
class ImportanceFieldProcessor : public Xapian::FieldProcessor {
 public:
  ImportanceFieldProcessor(FieldProblem problem, FieldNotes notes)
      : problem_(std::move(problem)), notes_(std::move(notes)) {}
  Xapian::Query operator()(const std::string& field_value) override {
    const std::size_t dots = field_value.find("..");
    if (dots != std::string::npos) return range(field_value.substr(0, dots), field_value.substr(dots + 2));
    std::string value = field_value;
    const Comparison comparison = take_comparison(value);
    if (!canonical(value)) {
      invalid(field_value);
      return Xapian::Query::MatchNothing;
    }
    const int n = std::stoi(value);
    const bool none = (comparison == Comparison::kEqual && (n < 1 || n > 10)) ||
                      (comparison == Comparison::kGreater && n >= 10) ||
                      (comparison == Comparison::kGreaterEqual && n > 10) ||
                      (comparison == Comparison::kLess && n <= 1) ||
                      (comparison == Comparison::kLessEqual && n < 1);
    if (none) note_importance_range(notes_, "importance:" + field_value);
    switch (comparison) {
      case Comparison::kGreater: return at_least(n + 1);
      case Comparison::kGreaterEqual: return at_least(n);
      case Comparison::kLess: return at_most(n - 1);
      case Comparison::kLessEqual: return at_most(n);
      case Comparison::kEqual: break;
    }
    return Xapian::Query(std::string(schema::facet_info(schema::Facet::kImportance)
                                         .term_prefix) +
                         facet_key(value));
  }

 private:
  // A whole number as the indexer writes it: no sign (facet_key() folds
  // `-` to a space, so `-5` once matched 5), no leading zero, no point.
  static bool canonical(const std::string& value) {
    return !value.empty() && value.size() <= 3 &&
           value.find_first_not_of("0123456789") == std::string::npos &&
           (value == "0" || value[0] != '0');
  }
  static Xapian::Query at_least(int low) {
    return Xapian::Query(Xapian::Query::OP_VALUE_GE, schema::kSlotImportance,
                         Xapian::sortable_serialise(low));
  }
  static Xapian::Query at_most(int high) {
    return Xapian::Query(Xapian::Query::OP_VALUE_LE, schema::kSlotImportance,
                         Xapian::sortable_serialise(high));
  }
  void invalid(const std::string& written) {
    if (problem_->empty())
      *problem_ = "invalid importance '" + written +
                  "' (expected a whole number: importance:8, importance:>=7 or "
                  "importance:7..10)";
  }

  Xapian::Query range(const std::string& begin, const std::string& end) {
    if ((!begin.empty() && !canonical(begin)) || (!end.empty() && !canonical(end)) ||
        (begin.empty() && end.empty())) {
      invalid(begin + ".." + end);
      return Xapian::Query::MatchNothing;
    }
    // Open ends as the widest numbers written (three digits at most).
    const int low = begin.empty() ? 0 : std::stoi(begin);
    const int high = end.empty() ? 999 : std::stoi(end);
    if (low > high) {
      if (problem_->empty())
        *problem_ = "importance range '" + begin + ".." + end + "' ends before it starts";
      return Xapian::Query::MatchNothing;
    }
    if (low > 10 || high < 1) note_importance_range(notes_, "importance:" + begin + ".." + end);
    return Xapian::Query(Xapian::Query::OP_VALUE_RANGE, schema::kSlotImportance,
                         Xapian::sortable_serialise(low), Xapian::sortable_serialise(high));
  }

  FieldProblem problem_;
  FieldNotes notes_;
};

const char* const kStopwords[] = {
    "a",    "an",   "and", "are", "as",   "at",   "be",   "by",  "for",
    "from", "in",   "is",  "it",  "of",   "on",   "or",   "that", "the",
    "to",   "was",  "were", "with"};

}  // namespace

std::optional<std::string> facet_wildcard_start(const std::string& value) {
  if (value.size() < 2 || value.back() != '*') return std::nullopt;
  // `police-*`: values with a word after `police`, not `police` itself.
  return facet_key_prefix(value.substr(0, value.size() - 1));
}

bool is_stopword_stem(std::string_view stem) {
  static const std::unordered_set<std::string> stems = [] {
    std::unordered_set<std::string> out;
    Xapian::Stem english("english");
    for (const char* word : kStopwords) {
      out.insert(word);
      out.insert(english(word));
    }
    return out;
  }();
  return stems.count(std::string(stem)) > 0;
}

namespace {

void configure(Xapian::QueryParser& qp, const Xapian::Database& db,
               const FieldProblem& field_problem, const FieldNotes& field_notes,
               const UnknownValues& unknown_values) {
  qp.set_database(db);
  // The indexer's stemmer: accents folded, then English stems.
  qp.set_stemmer(Xapian::Stem(new internal::CachingStemmer));
  // Every word is looked up by its stem under the field's "Z" prefix, as
  // the indexer wrote it (schema.h); wildcards expand over those stems.
  qp.set_stemming_strategy(Xapian::QueryParser::STEM_ALL);
  qp.add_prefix("", schema::kText);
  // Reference-counted: the parser keeps it alive.
  qp.set_stopper((new Xapian::SimpleStopper(std::begin(kStopwords),
                                            std::end(kStopwords)))
                     ->release());
  qp.set_max_expansion(kMaxWildcardExpansion,
                       Xapian::Query::WILDCARD_LIMIT_MOST_FREQUENT);
  qp.add_prefix("title", schema::kTitle);
  qp.add_prefix("actor", schema::kActorText);
  qp.add_prefix("outlet", schema::kOutletText);
  for (const char* field : {"lane", "tag", "status", "type", "tier"}) {
    const char* prefix = nullptr;
    if (const auto* info = schema::find_facet(field))
      prefix = info->term_prefix;
    else
      prefix = schema::kTier;
    qp.add_boolean_prefix(
        field, (new FacetFieldProcessor(db, field, prefix, unknown_values))->release());
  }
  qp.add_boolean_prefix("id", (new IdFieldProcessor)->release());
  qp.add_boolean_prefix("date", (new DateFieldProcessor(field_problem))->release());
  qp.add_boolean_prefix("year", (new YearFieldProcessor(field_problem))->release());
  qp.add_boolean_prefix("importance",
                        (new ImportanceFieldProcessor(field_problem, field_notes))->release());
}

constexpr unsigned kFlags =
    Xapian::QueryParser::FLAG_PHRASE | Xapian::QueryParser::FLAG_BOOLEAN |
    Xapian::QueryParser::FLAG_LOVEHATE | Xapian::QueryParser::FLAG_WILDCARD |
    Xapian::QueryParser::FLAG_PURE_NOT | Xapian::QueryParser::FLAG_CJK_NGRAM;

// The query's fields (configure() registers them): those holding words,
// and the filters.
struct QueryField {
  const char* name;
  bool words;
};
constexpr QueryField kQueryFields[] = {
    {"title", true},   {"actor", true}, {"outlet", true}, {"lane", false},
    {"tag", false},    {"status", false}, {"type", false}, {"year", false},
    {"tier", false},   {"id", false},     {"date", false}, {"importance", false}};

// Xapian's operator words, upper case as the parser wants them.
bool operator_word(std::string_view word) {
  return word == "AND" || word == "OR" || word == "NOT" || word == "XOR" || word == "NEAR" ||
         word == "ADJ";
}

const QueryField* find_query_field(std::string_view name) {
  for (const auto& field : kQueryFields)
    if (name == field.name) return &field;
  return nullptr;
}

// One item of a query's top level (outside quotes and brackets), its
// leading `-` taken off.
struct TopItem {
  std::string text;
  bool excluded;
  bool reworded = false;  // written otherwise than typed (`--x` is `-x`)
};

std::vector<TopItem> split_top_level(const std::string& text) {
  std::vector<TopItem> items;
  int depth = 0;
  bool quoted = false;
  std::string current;
  auto finish = [&] {
    if (current.empty()) return;
    // `--police` (a command-line habit) is `-police`, not the words
    // "not police".
    const std::size_t signs = current.find_first_not_of('-');
    const bool reworded = signs != std::string::npos && signs > 1;
    if (reworded) current.erase(0, signs - 1);
    const bool excluded = current.size() > 1 && current[0] == '-';
    items.push_back({excluded ? current.substr(1) : current, excluded, reworded});
    current.clear();
  };
  for (char c : text) {
    if (c == '"') quoted = !quoted;
    if (!quoted && c == '(') ++depth;
    if (!quoted && c == ')' && depth > 0) --depth;
    if (!quoted && depth == 0 && (c == ' ' || c == '\t' || c == '\r' || c == '\n')) {
      finish();
      continue;
    }
    current += c;
  }
  finish();
  return items;
}

std::string field_of(const std::string& item) {
  const std::size_t colon = item.find(':');
  if (colon == std::string::npos || colon == 0 || item[0] == '"') return std::string();
  return item.substr(0, colon);
}

// A range: a field name, a colon, and `..` in the value.
bool is_range(const std::string& item) {
  return !field_of(item).empty() && item.find("..", item.find(':')) != std::string::npos;
}

bool is_filter(const std::string& item) {
  const std::string field = field_of(item);
  const QueryField* known = find_query_field(field);
  return known && !known->words && item.size() > field.size() + 1;
}

bool is_operator(const TopItem& item) {
  if (item.excluded) return false;
  const std::string& t = item.text;
  return t == "AND" || t == "OR" || t == "XOR" || t == "NOT" || t.rfind("NEAR", 0) == 0 ||
         t.rfind("ADJ", 0) == 0;
}

// Rewrites the query's top level (outside quotes), and each bracketed
// group's the same way, where Xapian 1.4's parser would not do what the
// user meant, into forms it does read:
//  - a query or group made only of excluded items (`-police`, `-lane:x
//    -tag:y`, `(-ring)`) is parsed as if the `-` were not there, so it
//    returned exactly the events it was asked to exclude; it becomes
//    `NOT (police)`, every event without them. Items that hold nothing to
//    search (`-!`, a lone `-`) are dropped; with none left (`---`) there is
//    nothing to search, where `NOT ()` searched for the word "not";
//  - an excluded item that is an operand of AND, OR or XOR (`-ring OR
//    -police`, `police OR -ring`, `-date:2020..2025 OR ring`) was read as
//    the word itself (the first found events holding both words) or was a
//    syntax error; it becomes `(NOT ring)`;
//  - an excluded range (`footage -date:2020..2025`) is a syntax error
//    ("Unknown range operation"); it becomes `(footage) NOT date:...`;
//  - a filter (`date:`, `year:`, `lane:`...) beside an explicit operator
//    binds to the word next to it: `lobbying OR lobbyist date:..1990` was
//    `lobbying OR (lobbyist date:..1990)`, events of any date. A filter
//    that is no operand of an operator, excluded or not, becomes `(rest)
//    date:..1990` or `(rest) NOT tag:x`, for the whole query (or group), as
//    --from/--to are.
// The rest is kept as one group, so its meaning does not change. Anything
// else is returned unchanged. `searchable` says whether a piece of query
// text holds anything to search. Groups are rewritten 32 levels deep.
std::string rewrite_top_level(const std::string& text,
                              const std::function<bool(const std::string&)>& searchable,
                              int depth = 0) {
  std::vector<TopItem> items;
  bool changed = false;
  for (TopItem& item : split_top_level(text)) {
    changed = changed || item.reworded;
    if (item.text == "-" || item.text == "+") {  // a sign before nothing
      changed = true;
      continue;
    }
    // A bracketed group, rewritten on its own.
    if (depth < 32 && item.text.size() >= 2 && item.text.front() == '(' &&
        item.text.back() == ')') {
      int level = 0;
      bool quoted = false;
      std::size_t close = 0;
      for (std::size_t i = 0; i < item.text.size() && !close; ++i) {
        const char c = item.text[i];
        if (c == '"') quoted = !quoted;
        if (quoted) continue;
        if (c == '(') ++level;
        if (c == ')' && --level == 0) close = i;
      }
      if (close + 1 == item.text.size()) {
        const std::string inner = item.text.substr(1, item.text.size() - 2);
        const std::string rewritten = rewrite_top_level(inner, searchable, depth + 1);
        if (rewritten != inner) {
          item.text = "(" + rewritten + ")";
          changed = true;
        }
      }
    }
    items.push_back(std::move(item));
  }
  auto joined = [&] {
    std::string out;
    for (const auto& item : items)
      out += (out.empty() ? "" : " ") + (item.excluded ? "-" + item.text : item.text);
    return out;
  };
  if (items.empty()) return changed ? std::string() : text;
  bool all_excluded = true, has_operator = false;
  for (const auto& item : items) {
    all_excluded = all_excluded && item.excluded;
    has_operator = has_operator || is_operator(item);
  }
  if (all_excluded) {
    std::string inner;
    for (const auto& item : items)
      if (searchable(item.text)) inner += (inner.empty() ? "" : " OR ") + item.text;
    return inner.empty() ? std::string() : "NOT (" + inner + ")";
  }
  // Filters that go to the end: beside no operator.
  std::vector<bool> hoist(items.size(), false), negate(items.size(), false);
  for (std::size_t i = 0; i < items.size(); ++i) {
    const TopItem& item = items[i];
    const bool beside_operator = (i > 0 && is_operator(items[i - 1])) ||
                                 (i + 1 < items.size() && is_operator(items[i + 1]));
    hoist[i] = !beside_operator && ((item.excluded && is_range(item.text)) ||
                                    (has_operator && is_filter(item.text)));
  }
  // An operand of a boolean operator: AND, OR or XOR, or the query's end,
  // on each side, the filters that go to the end not counted (NEAR and ADJ
  // take words, so `-x` there is left alone).
  auto boolean = [](const TopItem& item) {
    return !item.excluded && (item.text == "AND" || item.text == "OR" || item.text == "XOR");
  };
  auto neighbour = [&](std::size_t i, int step) -> const TopItem* {
    for (auto j = static_cast<std::ptrdiff_t>(i) + step;
         j >= 0 && j < static_cast<std::ptrdiff_t>(items.size()); j += step)
      if (!hoist[static_cast<std::size_t>(j)]) return &items[static_cast<std::size_t>(j)];
    return nullptr;
  };
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (!items[i].excluded || hoist[i]) continue;
    const TopItem* left = neighbour(i, -1);
    const TopItem* right = neighbour(i, 1);
    negate[i] = (!left || boolean(*left)) && (!right || boolean(*right)) &&
                ((left && boolean(*left)) || (right && boolean(*right)));
    // An excluded range beside an operator but no operand: still to the end.
    if (!negate[i] && is_range(items[i].text)) hoist[i] = true;
  }
  const bool any = std::find(hoist.begin(), hoist.end(), true) != hoist.end() ||
                   std::find(negate.begin(), negate.end(), true) != negate.end();
  if (!any || std::find(hoist.begin(), hoist.end(), false) == hoist.end())
    return changed ? joined() : text;
  std::string rest, filters;
  for (std::size_t i = 0; i < items.size(); ++i) {
    const TopItem& item = items[i];
    if (hoist[i]) {
      filters += (item.excluded ? " NOT " : " ") + item.text;
    } else {
      const std::string written = negate[i]     ? "(NOT " + item.text + ")"
                                  : item.excluded ? "-" + item.text
                                                  : item.text;
      rest += (rest.empty() ? "" : " ") + written;
    }
  }
  return filters.empty() ? rest : "(" + rest + ")" + filters;
}

std::string lower_ascii(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

// The field a name typed in a query stands for: the field's own name, the
// front matter's key (`tags:`, `capture_lanes:`), a plural, in any case
// (`TITLE:`).
std::optional<std::string> canonical_field(const std::string& typed) {
  const std::string name = lower_ascii(typed);
  if (name == "capture_lanes" || name == "capture_lane") return std::string("lane");
  for (const auto& field : kQueryFields) {
    const std::string f = field.name;
    if (name == f || name == f + "s" || name == f + "es") return f;
  }
  return std::nullopt;
}

// Rewrites every `name:` that starts an item (outside quotes) to the
// field's own name, and notes a name that is no field (`titel:ring`): the
// parser would search it as words without a word of warning.
std::string normalize_field_names(const std::string& text,
                                  std::vector<std::string>& notices) {
  std::string out;
  out.reserve(text.size());
  bool quoted = false;
  std::size_t i = 0;
  while (i < text.size()) {
    const char c = text[i];
    const bool starts_item =
        !quoted && (i == 0 || std::strchr(" \t\r\n(+-", text[i - 1]) != nullptr);
    if (c == '"') quoted = !quoted;
    if (!starts_item || !std::isalpha(static_cast<unsigned char>(c))) {
      out += c;
      ++i;
      continue;
    }
    std::size_t j = i;
    while (j < text.size() &&
           (std::isalnum(static_cast<unsigned char>(text[j])) || text[j] == '_'))
      ++j;
    const std::string name = text.substr(i, j - i);
    // `name:` followed by a value; `http://...` is no field.
    const bool field = j + 1 < text.size() && text[j] == ':' &&
                       !std::isspace(static_cast<unsigned char>(text[j + 1])) &&
                       text.compare(j + 1, 2, "//") != 0;
    if (!field) {
      out += name;
      i = j;
      continue;
    }
    if (auto canonical = canonical_field(name)) {
      out += *canonical;
    } else {
      const std::string lower = lower_ascii(name);
      std::string notice = "'" + name + ":' is not a field, so what follows it was searched in every field";
      std::string closest, all;
      std::size_t best = 3;
      for (const auto& known : kQueryFields) {
        const std::size_t d = edit_distance(lower, known.name);
        if (d < best) best = d, closest = known.name;
        all += (all.empty() ? "" : ", ") + std::string(known.name);
      }
      if (!closest.empty()) notice += "; did you mean '" + closest + ":'?";
      else notice += " (fields: " + all + ")";
      notices.push_back(notice);
      // Its value is searched in every field, in brackets so that a `-`
      // before it or an `OR` after it applies to all of it: `titel:ring`
      // left as it is was read as the phrase "titel ring", which no event
      // holds.
      std::size_t end = j + 1;
      if (end < text.size() && text[end] == '"') {
        const std::size_t close = text.find('"', end + 1);
        end = close == std::string::npos ? text.size() : close + 1;
      } else {
        while (end < text.size() && !std::isspace(static_cast<unsigned char>(text[end])) &&
               text[end] != ')')
          ++end;
      }
      out += "(" + text.substr(j + 1, end - j - 1) + ")";
      i = end;
      continue;
    }
    i = j;
  }
  return out;
}

// Letters, digits and anything non-ASCII survive; all syntax becomes space.
std::string plain_words(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (unsigned char c : text)
    out += (c >= 0x80 || std::isalnum(c)) ? static_cast<char>(c) : ' ';
  return out;
}

// Xapian 1.4.22's parser leaks 96 bytes for queries where `NEAR/n` or
// `ADJ/n` follows AND, OR, NOT or XOR (`a OR NEAR/3 b`), or ends the query
// with no word after it (`-/3 p NEAR/3`), found by fuzz/fuzz_query: syntax
// errors either way. Such a NEAR or ADJ is written in lower case, a word,
// so a server fed such queries does not grow. Words are found as the
// parser finds them (Xapian::Unicode).
std::string defuse_operator_pairs(const std::string& text) {
  struct Word {
    std::size_t start, stop;
  };
  std::vector<Word> words;
  const char* const begin = text.data();
  Xapian::Utf8Iterator it(text), end;
  while (it != end) {
    if (!Xapian::Unicode::is_wordchar(*it)) {
      ++it;
      continue;
    }
    const auto start = static_cast<std::size_t>(it.raw() - begin);
    while (it != end && Xapian::Unicode::is_wordchar(*it)) ++it;
    words.push_back({start, it == end ? text.size() : static_cast<std::size_t>(it.raw() - begin)});
  }
  auto is = [&](std::size_t k, std::initializer_list<const char*> names) {
    const std::string_view word(text.data() + words[k].start, words[k].stop - words[k].start);
    for (const char* name : names)
      if (word == name) return true;
    return false;
  };
  std::string out = text;
  for (std::size_t k = 0; k < words.size(); ++k) {
    if (!is(k, {"NEAR", "ADJ"}) || words[k].stop >= text.size() || text[words[k].stop] != '/')
      continue;
    // The word after `/n`, if any.
    std::size_t next = k + 1;
    if (next < words.size() && words[next].start == words[k].stop + 1) ++next;
    const bool after_operator = k > 0 && is(k - 1, {"AND", "OR", "NOT", "XOR"});
    if (after_operator || next >= words.size())
      for (std::size_t i = words[k].start; i < words[k].stop; ++i)
        out[i] = static_cast<char>(std::tolower(static_cast<unsigned char>(out[i])));
  }
  return out;
}

// `NEAR/n` and `ADJ/n` take a distance of 1 word or more. Xapian's parser
// reads any other `/...` (`NEAR/0`, `NEAR/-1`, `NEAR/x`) as the words
// "near", "0"..., which no event holds in a row, and the search fell back
// to "any of the words". `/0` is read as `/1`, the nearest there is; other
// suffixes are dropped (the default distance, 10). Said in a notice.
std::string read_proximity(const std::string& text, std::vector<std::string>& notices) {
  std::string out;
  bool quoted = false;
  for (std::size_t i = 0; i < text.size();) {
    const char c = text[i];
    if (c == '"') quoted = !quoted;
    const bool word_start =
        !quoted && (i == 0 || text[i - 1] == ' ' || text[i - 1] == '\t' ||
                    text[i - 1] == '(' || text[i - 1] == '\n');
    std::size_t name = 0;
    if (word_start && text.compare(i, 5, "NEAR/") == 0) name = 4;
    if (word_start && text.compare(i, 4, "ADJ/") == 0) name = 3;
    if (name == 0) {
      out += c;
      ++i;
      continue;
    }
    const std::size_t from = i + name + 1;
    std::size_t to = from;
    while (to < text.size() && text[to] != ' ' && text[to] != '\t' && text[to] != '\n' &&
           text[to] != ')' && text[to] != '"')
      ++to;
    const std::string distance = text.substr(from, to - from);
    const std::string op = text.substr(i, name);
    const bool digits = !distance.empty() &&
                        distance.find_first_not_of("0123456789") == std::string::npos;
    if (digits && distance.find_first_not_of('0') != std::string::npos) {
      out += text.substr(i, to - i);
    } else if (digits) {
      out += op + "/1";
      notices.push_back("'" + op + "/" + distance + "' is read as '" + op +
                        "/1': the distance is a number of words from 1");
    } else {
      out += op;
      notices.push_back("'" + op + "/" + sanitize_utf8(distance) + "' is read as '" + op +
                        "' (within 10 words): the distance is a number of words from 1");
    }
    i = to;
  }
  // A NEAR or ADJ that ends the query joins nothing: Xapian searched it as
  // the word "near". Dropped, with a notice.
  const std::size_t end = out.find_last_not_of(" \t\r\n");
  if (end != std::string::npos && !quoted) {
    const std::size_t start = out.find_last_of(" \t\r\n(", end) + 1;  // npos + 1 == 0
    const std::string last = out.substr(start, end + 1 - start);
    const std::string name = last.substr(0, last.find('/'));
    if ((name == "NEAR" || name == "ADJ") && start > 0) {
      notices.push_back("'" + last + "' ends the query with no word after it: it was ignored");
      out.erase(start);
    }
  }
  return out;
}

// Chinese, Japanese and Korean text is indexed as one- and two-character
// terms at positions of their own (TermGenerator::FLAG_CJK_NGRAM), which
// Xapian's phrase and NEAR matching do not line up with: a quoted
// `"监控系统"` matched no event that holds it. A CJK word alone is already
// searched as all its characters and pairs, nearly a phrase. So, with
// quotes balanced:
// - a quoted phrase holding CJK text becomes a bracketed group of its words
//   (`title:"监控 系统"` -> `title:(监控 系统)`, `-"..."` -> `-(...)`), with
//   the syntax inside it neutralised, as inside quotes;
// - a NEAR or ADJ beside a CJK word joins the two words as AND (Xapian
//   searched the operator as the word "near").
// Either is said in a notice when it widens the search.
std::string read_cjk(const std::string& text, std::vector<std::string>& notices) {
  if (!contains_cjk(text)) return text;
  std::string out;
  bool widened_phrase = false, widened_near = false;
  for (std::size_t i = 0; i < text.size();) {
    if (text[i] != '"') {
      out += text[i++];
      continue;
    }
    const std::size_t close = text.find('"', i + 1);
    if (close == std::string::npos) {  // balanced by the caller; kept as written
      out += text.substr(i);
      break;
    }
    const std::string inner = text.substr(i + 1, close - i - 1);
    // The quoted value of a filter (`tag:"中文 标签"`) is a key, not words.
    std::size_t name_start = i;
    if (i > 0 && text[i - 1] == ':') {
      name_start = i - 1;
      while (name_start > 0 && std::isalpha(static_cast<unsigned char>(text[name_start - 1])))
        --name_start;
    }
    const QueryField* field =
        name_start < i ? find_query_field(std::string_view(text).substr(name_start, i - 1 - name_start))
                       : nullptr;
    if (!contains_cjk(inner) || (field && !field->words)) {
      out += text.substr(i, close + 1 - i);
      i = close + 1;
      continue;
    }
    std::string group;
    for (std::size_t k = 0; k < inner.size(); ++k) {
      const char c = inner[k];
      const bool word_start = k == 0 || std::isspace(static_cast<unsigned char>(inner[k - 1]));
      if (std::strchr("():*", c) || ((c == '-' || c == '+') && word_start))
        group += ' ';
      else
        group += c;
    }
    // Operators inside quotes were words: AND, OR... in lower case stay so.
    std::string lowered;
    std::size_t pieces = 0;
    for (std::size_t k = 0; k < group.size();) {
      if (std::isspace(static_cast<unsigned char>(group[k]))) {
        lowered += group[k++];
        continue;
      }
      std::size_t end = k;
      while (end < group.size() && !std::isspace(static_cast<unsigned char>(group[end]))) ++end;
      std::string word = group.substr(k, end - k);
      const std::string name = word.substr(0, word.find('/'));
      if (operator_word(name))
        for (char& ch : word) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
      lowered += word;
      ++pieces;
      k = end;
    }
    if (pieces > 1) widened_phrase = true;
    out += "(" + lowered + ")";
    i = close + 1;
  }
  // NEAR and ADJ (bare or /n) outside quotes, beside a CJK word.
  std::string joined;
  std::vector<std::pair<std::size_t, std::size_t>> tokens;  // start, stop outside quotes
  {
    bool quoted = false;
    for (std::size_t k = 0; k < out.size();) {
      if (out[k] == '"') quoted = !quoted;
      if (quoted || std::isspace(static_cast<unsigned char>(out[k])) || out[k] == '(' ||
          out[k] == ')' || out[k] == '"') {
        ++k;
        continue;
      }
      std::size_t end = k;
      while (end < out.size() && !std::isspace(static_cast<unsigned char>(out[end])) &&
             out[end] != '(' && out[end] != ')' && out[end] != '"')
        ++end;
      tokens.emplace_back(k, end);
      k = end;
    }
  }
  std::vector<bool> drop(tokens.size(), false);
  for (std::size_t t = 0; t < tokens.size(); ++t) {
    const std::string token = out.substr(tokens[t].first, tokens[t].second - tokens[t].first);
    const std::string name = token.substr(0, token.find('/'));
    if (name != "NEAR" && name != "ADJ") continue;
    auto cjk_at = [&](std::size_t u) {
      return contains_cjk(out.substr(tokens[u].first, tokens[u].second - tokens[u].first));
    };
    if ((t > 0 && cjk_at(t - 1)) || (t + 1 < tokens.size() && cjk_at(t + 1))) {
      drop[t] = true;
      widened_near = true;
    }
  }
  std::size_t from = 0;
  for (std::size_t t = 0; t < tokens.size(); ++t) {
    if (!drop[t]) continue;
    joined += out.substr(from, tokens[t].first - from) + ' ';
    from = tokens[t].second;
  }
  joined += out.substr(from);
  if (widened_phrase)
    notices.push_back("a phrase with Chinese, Japanese or Korean words is searched as all "
                      "its words, in any order");
  if (widened_near)
    notices.push_back("NEAR and ADJ do not work beside Chinese, Japanese or Korean words: "
                      "searched for all the words");
  return joined;
}

}  // namespace

std::optional<std::string> words_without_filters(const std::string& text) {
  std::vector<std::string> ignored;
  const std::string normalized = normalize_field_names(sanitize_utf8(text), ignored);
  const std::vector<TopItem> items = split_top_level(normalized);
  std::vector<bool> drop(items.size(), false);
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (!is_filter(items[i].text)) continue;
    // `NOT tag:x` goes with its NOT.
    const bool after_not = i > 0 && !items[i - 1].excluded && items[i - 1].text == "NOT";
    const std::size_t first = after_not ? i - 1 : i;
    const bool beside_operator = (first > 0 && is_operator(items[first - 1])) ||
                                 (i + 1 < items.size() && is_operator(items[i + 1]));
    if (beside_operator) return std::nullopt;
    drop[i] = true;
    if (after_not) drop[i - 1] = true;
  }
  // A filter left anywhere (in brackets, in an operand) cannot be taken out.
  std::string words;
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (drop[i]) continue;
    for (const auto& field : kQueryFields) {
      if (field.words) continue;
      const std::string name = std::string(field.name) + ":";
      for (std::size_t at = items[i].text.find(name); at != std::string::npos;
           at = items[i].text.find(name, at + 1)) {
        const char before = at ? items[i].text[at - 1] : ' ';
        if (!std::isalnum(static_cast<unsigned char>(before)) && before != '_')
          return std::nullopt;
      }
    }
    if (!words.empty()) words += ' ';
    words += (items[i].excluded ? "-" : "") + items[i].text;
  }
  return words;
}

ParsedQuery parse_query_text(const std::string& text, const Xapian::Database& db,
                             bool default_or) {
  ParsedQuery parsed;
  if (text.size() > kMaxQueryBytes)
    throw Error(ErrorKind::kUsage,
                "query is too long (" + std::to_string(text.size()) +
                    " bytes; the limit is " + std::to_string(kMaxQueryBytes) + ")");
  // Invisible characters read as the indexer reads them: `❤️` is no
  // search for its variation selector, a zero-width space splits words.
  // Full-width letters as the letters they are (`Ｒｉｎｇ`), as indexed.
  std::string clean = text_for_words(sanitize_utf8(text));
  if (clean.find_first_not_of(" \t\r\n") == std::string::npos &&
      text.find_first_not_of(" \t\r\n") != std::string::npos) {
    // Only invisible characters (a lone U+FE0F): something was asked, and
    // it holds nothing to search, unlike an empty query, which browses.
    parsed.empty = false;
    parsed.query = Xapian::Query::MatchNothing;
    parsed.notices.push_back("the query has no searchable words");
    return parsed;
  }
  if (clean.find_first_not_of(" \t\r\n") == std::string::npos) {
    parsed.query = match_all();
    return parsed;
  }
  parsed.empty = false;
  std::size_t wildcards = 0;
  for (std::size_t i = 1; i < clean.size(); ++i) {
    const auto before = static_cast<unsigned char>(clean[i - 1]);
    if (clean[i] == '*' && (before >= 0x80 || std::isalnum(before))) ++wildcards;
  }
  if (wildcards > kMaxWildcards) {
    parsed.notices.push_back("too many wildcards (" + std::to_string(wildcards) +
                             "; the limit is " + std::to_string(kMaxWildcards) +
                             "); searched for the words without them");
    for (char& c : clean)
      if (c == '*') c = ' ';
  } else if (wildcards > 0) {
    // The parser expands a wildcard's prefix as written, not through the
    // stemmer that folds every indexed word: folded here (`Orbá*`,
    // `ﬁn*`, full-width letters).
    std::string folded;
    std::size_t start = 0;
    // Where each position's item starts (a space outside quotes ends one),
    // to tell a field's value (`lane:"judicial*"`) from a word.
    std::vector<std::size_t> item_start(clean.size());
    {
      bool in_quotes = false;
      std::size_t from = 0;
      for (std::size_t k = 0; k < clean.size(); ++k) {
        if (clean[k] == '"') in_quotes = !in_quotes;
        if (!in_quotes && (clean[k] == ' ' || clean[k] == '\t' || clean[k] == '\n' ||
                           clean[k] == '('))
          from = k + 1;
        item_start[k] = from;
      }
    }
    for (std::size_t i = 1; i < clean.size(); ++i) {
      if (clean[i] != '*') continue;
      std::size_t word = i;
      auto word_byte = [](unsigned char c) { return c >= 0x80 || std::isalnum(c); };
      while (word > start && word_byte(static_cast<unsigned char>(clean[word - 1]))) --word;
      if (word == i) continue;
      folded += clean.substr(start, word - start);
      const std::string stem_start = fold_diacritics(clean.substr(word, i - word));
      folded += stem_start;
      start = i;
      // A word of the default field (not `title:ring*`, `tag:police*`)
      // that starts no indexed stem: said, since stems are what is indexed
      // (`surveillanc*` finds nothing, `surveil*` does).
      const bool default_field =
          clean.substr(item_start[word], word - item_start[word]).find(':') == std::string::npos;
      const std::string term = std::string(schema::kText) + fold_case(stem_start);
      if (default_field && db.allterms_begin(term) == db.allterms_end(term))
        parsed.notices.push_back("no indexed word starts with '" + stem_start +
                                 "': words are indexed by their stems (surveillance as "
                                 "surveil), so a shorter start may find them");
    }
    clean = folded + clean.substr(start);
  }
  for (std::size_t i = 0; i + 1 < clean.size(); ++i) {
    const auto next = static_cast<unsigned char>(clean[i + 1]);
    if (clean[i] == '*' && (i == 0 || std::strchr(" \t\n(\"-+:", clean[i - 1])) &&
        (next >= 0x80 || std::isalnum(next))) {
      parsed.notices.push_back("a wildcard works at the end of a word ('surveil*'), "
                               "not at its start; the '*' was ignored");
      break;
    }
  }
  {
    // Xapian closes an open quote or bracket at the end of the query and
    // drops a stray closing bracket; said, so a typo does not pass unseen.
    std::size_t quotes = 0;
    int depth = 0;
    bool stray = false, quoted = false;
    for (char c : clean) {
      if (c == '"') {
        ++quotes;
        quoted = !quoted;
      } else if (!quoted && c == '(') {
        ++depth;
      } else if (!quoted && c == ')') {
        if (depth == 0) stray = true;
        else --depth;
      }
    }
    if (quotes % 2 == 1) {
      // Closed here, not left to Xapian: after a field name (`title:"ring`)
      // its parser reads an open quote as the end of the field and searches
      // the field's name as a word.
      const bool at_end = clean.find_first_not_of(" \t\n\r", clean.rfind('"') + 1) ==
                          std::string::npos;
      clean += '"';
      parsed.notices.push_back(at_end ? "a quote at the end of the query has no partner: it was ignored"
                                      : "a quote is not closed: the phrase runs to the end of the query");
    }
    if (depth > 0 || stray)
      parsed.notices.push_back(depth > 0 ? "a bracket is not closed: it closes at the end of the query"
                                         : "a closing bracket has no opening one: it was ignored");
  }
  Xapian::QueryParser qp;
  auto field_problem = std::make_shared<std::string>();
  auto field_notes = std::make_shared<std::vector<std::string>>();
  auto unknown_values = std::make_shared<std::vector<UnknownValue>>();
  configure(qp, db, field_problem, field_notes, unknown_values);
  qp.set_default_op(default_or ? Xapian::Query::OP_OR : Xapian::Query::OP_AND);
  try {
    clean = normalize_field_names(clean, parsed.notices);
    clean = read_proximity(clean, parsed.notices);
    clean = read_cjk(clean, parsed.notices);
    auto searchable = [&](const std::string& piece) {
      try {
        return !qp.parse_query(defuse_operator_pairs(piece), kFlags).empty();
      } catch (const Xapian::Error&) {
        return true;  // the whole query's parse reports it
      }
    };
    parsed.query =
        qp.parse_query(defuse_operator_pairs(rewrite_top_level(clean, searchable)), kFlags);
    if (!field_problem->empty()) throw Xapian::QueryParserError(*field_problem);
    parsed.notices.insert(parsed.notices.end(), field_notes->begin(), field_notes->end());
    parsed.unknown_values = std::move(*unknown_values);
  } catch (const Xapian::QueryParserError& e) {
    parsed.degraded = true;
    parsed.notices.push_back("query syntax not understood (" + e.get_msg() +
                             "); searched for its words instead");
    parsed.query = qp.parse_query(plain_words(clean), Xapian::QueryParser::FLAG_CJK_NGRAM);
  } catch (const Xapian::WildcardError& e) {
    parsed.degraded = true;
    parsed.notices.push_back("wildcard too broad (" + e.get_msg() +
                             "); searched for the words without it");
    parsed.query = qp.parse_query(plain_words(clean), Xapian::QueryParser::FLAG_CJK_NGRAM);
  }
  // Only stopwords, or only punctuation: nothing to look for.
  if (parsed.query.empty()) {
    parsed.notices.push_back("the query has no searchable words");
    parsed.query = Xapian::Query::MatchNothing;
    return parsed;
  }
  // Plain words, two to eight of them (`citizens united`): the events that
  // hold them side by side, in this order, rank higher. The phrase adds a
  // part of its weight (OP_AND_MAYBE) and never changes which events
  // match; queries with syntax are left as written. The factor: at 1.0 or
  // 0.5 the phrase outweighed a title holding both words apart (three of
  // the relevance checks failed); at 0.3 they all hold, and for `citizens
  // united` the top 7 are about the case, where 5 of the top 10 were about
  // citizenship in the United States before (kPhraseBoost, query_builder.h).
  std::size_t words = 0;
  bool plain = !parsed.degraded;
  bool in_word = false;
  const std::string_view separator = kWordSeparator;  // between Thai words
  for (std::size_t i = 0; i < clean.size(); ++i) {
    if (clean.compare(i, separator.size(), separator) == 0) {
      in_word = false;
      i += separator.size() - 1;
      continue;
    }
    const char c = clean[i];
    const auto u = static_cast<unsigned char>(c);
    const bool word_char = u >= 0x80 || std::isalnum(u) || c == '\'';
    if (!word_char && !std::isspace(u)) plain = false;
    if (word_char && !in_word) ++words;
    in_word = word_char;
  }
  // Not for CJK text: its terms have positions of their own, which no
  // phrase lines up with (read_cjk).
  if (plain && words >= 2 && words <= 8 && !contains_cjk(clean)) {
    Xapian::Query phrase = qp.parse_query("\"" + clean + "\"", Xapian::QueryParser::FLAG_PHRASE);
    if (!phrase.empty() && phrase.get_type() == Xapian::Query::OP_PHRASE) {
      parsed.unboosted = parsed.query;
      parsed.boost = Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT, phrase, kPhraseBoost);
      parsed.query = Xapian::Query(Xapian::Query::OP_AND_MAYBE, parsed.unboosted, parsed.boost);
    }
  }
  return parsed;
}

// The positions of `to` that the capital letters of `from` become, along a
// shortest edit (Levenshtein, case ignored) from one to the other.
static std::vector<std::size_t> capitals_along_edit(const std::string& from,
                                                    const std::string& to) {
  const std::size_t n = from.size(), m = to.size();
  auto same = [](char a, char b) {
    return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
  };
  std::vector<std::vector<std::size_t>> d(n + 1, std::vector<std::size_t>(m + 1));
  for (std::size_t i = 0; i <= n; ++i) d[i][0] = i;
  for (std::size_t j = 0; j <= m; ++j) d[0][j] = j;
  for (std::size_t i = 1; i <= n; ++i)
    for (std::size_t j = 1; j <= m; ++j)
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1,
                          d[i - 1][j - 1] + (same(from[i - 1], to[j - 1]) ? 0 : 1)});
  std::vector<std::size_t> out;
  std::size_t i = n, j = m;
  while (i > 0 && j > 0) {
    if (d[i][j] == d[i - 1][j - 1] + (same(from[i - 1], to[j - 1]) ? 0 : 1)) {
      if (from[i - 1] >= 'A' && from[i - 1] <= 'Z') out.push_back(j - 1);
      --i, --j;
    } else if (d[i][j] == d[i - 1][j] + 1) {
      --i;
    } else {
      --j;
    }
  }
  return out;
}

std::string spelling_suggestion(const std::string& text,
                                const Xapian::Database& db) {
  // Xapian's own correction (QueryParser::FLAG_SPELLING_CORRECTION) treats a
  // word as unknown when the word as written is not a term, which is true of
  // every word in an index of stems. So each free-text word of the query is
  // checked here by its stem, and only unknown ones are replaced, in place,
  // keeping the rest of the query (syntax, fields, phrases) as written.
  const std::string clean = text_for_words(sanitize_utf8(text));
  Xapian::Stem stemmer(new internal::CachingStemmer);
  auto word_byte = [](unsigned char c) { return c >= 0x80 || std::isalnum(c) || c == '\''; };
  std::string out;
  bool changed = false;
  bool skip_value = false;   // inside the value of a boolean field (lane:x)
  bool in_quotes = false;
  std::size_t i = 0;
  const std::size_t n = clean.size();
  while (i < n) {
    const auto c = static_cast<unsigned char>(clean[i]);
    if (!word_byte(c)) {
      if (c == '"') {
        in_quotes = !in_quotes;
        if (!in_quotes) skip_value = false;
      } else if ((c == ' ' || c == '\t' || c == '\n' || c == ')') && !in_quotes) {
        skip_value = false;
      }
      out += clean[i++];
      continue;
    }
    std::size_t j = i;
    while (j < n && word_byte(static_cast<unsigned char>(clean[j]))) ++j;
    std::string word = clean.substr(i, j - i);
    i = j;
    const bool field_name = j < n && clean[j] == ':';
    const bool wildcard = j < n && clean[j] == '*';
    if (field_name) {
      // Free-text fields are checked; boolean ones (lane:, date:...) hold
      // keys, not words.
      const QueryField* known = find_query_field(word);
      skip_value = !(known && known->words);
      out += word;
      continue;
    }
    // Words with digits (H1B, COVID19) are codes and names, not misspellings.
    const bool digits = std::any_of(word.begin(), word.end(), [](char ch) {
      return std::isdigit(static_cast<unsigned char>(ch));
    });
    // Nor is CJK text, which is indexed by characters, not words.
    if (skip_value || wildcard || operator_word(word) || word.size() < 3 || digits ||
        contains_cjk(word)) {
      out += word;
      continue;
    }
    std::string lower = Xapian::Unicode::tolower(word);
    if (db.get_termfreq(schema::kText + stemmer(lower)) > 0) {
      out += word;
      continue;
    }
    // Looked up folded, as the stemmer reads it (`ﬁnanse`, full-width).
    std::string suggestion = db.get_spelling_suggestion(fold_diacritics(lower));
    if (suggestion.empty() || suggestion == lower) {
      out += word;
    } else {
      // In the case it was typed: `Analitica` gives `Analytica`.
      auto upper = [](char ch) { return ch >= 'A' && ch <= 'Z'; };
      auto lower_ascii_letter = [](char ch) { return ch >= 'a' && ch <= 'z'; };
      const bool all_caps = std::none_of(word.begin(), word.end(), lower_ascii_letter) &&
                            std::count_if(word.begin(), word.end(), upper) > 1;
      // Letter by letter where the word had a capital (`McConell` gives
      // `McConnell`, `DSantis` `DeSantis`), along the edit that turns the
      // word into the suggestion; every letter when all were capitals.
      if (all_caps) {
        for (char& ch : suggestion)
          if (lower_ascii_letter(ch)) ch = static_cast<char>(ch - 'a' + 'A');
      } else {
        for (std::size_t k : capitals_along_edit(word, suggestion))
          if (lower_ascii_letter(suggestion[k]))
            suggestion[k] = static_cast<char>(suggestion[k] - 'a' + 'A');
      }
      out += suggestion;
      changed = true;
    }
  }
  return changed ? out : std::string();
}

std::optional<DateBounds> parse_date_bound(const std::string& text) {
  // `YYYY`, `YYYY-M[M]` or `YYYY-M[M]-D[D]` (1 to 4 year digits), spaces
  // around. Read by hand: std::regex recursed once per character (100,000
  // spaces in --from overflowed the stack) and its headers warn under GCC
  // 12's sanitizer builds.
  const char* const kSpace = " \t\n\v\f\r";
  const std::size_t first = text.find_first_not_of(kSpace);
  if (first == std::string::npos) return std::nullopt;
  const std::string_view date =
      std::string_view(text).substr(first, text.find_last_not_of(kSpace) - first + 1);
  std::size_t pos = 0;
  auto number = [&](std::size_t max_digits) -> std::optional<int> {
    std::size_t digits = 0;
    int value = 0;
    while (pos < date.size() && std::isdigit(static_cast<unsigned char>(date[pos])) &&
           digits < max_digits) {
      value = value * 10 + (date[pos++] - '0');
      ++digits;
    }
    if (digits == 0) return std::nullopt;
    return value;
  };
  const auto year = number(4);
  if (!year || *year < 1) return std::nullopt;
  std::optional<int> month, day;
  if (pos < date.size() && date[pos] == '-') {
    ++pos;
    month = number(2);
    if (!month) return std::nullopt;
    if (pos < date.size() && date[pos] == '-') {
      ++pos;
      day = number(2);
      if (!day) return std::nullopt;
    }
  }
  if (pos != date.size()) return std::nullopt;
  std::int64_t base = static_cast<std::int64_t>(*year) * 10000;
  if (!month) return DateBounds{base, base + 1299};
  if (*month < 1 || *month > 12) return std::nullopt;
  base += *month * 100;
  if (!day) return DateBounds{base, base + 99};
  if (*day < 1 || *day > days_in_month(*year, *month)) return std::nullopt;
  return DateBounds{base + *day, base + *day};
}

const std::vector<std::string>* request_values(const SearchRequest& request,
                                               schema::Facet facet) {
  switch (facet) {
    case schema::Facet::kLanes: return &request.lanes;
    case schema::Facet::kActors: return &request.actors;
    case schema::Facet::kTags: return &request.tags;
    case schema::Facet::kStatus: return &request.statuses;
    case schema::Facet::kType: return &request.types;
    default: return nullptr;
  }
}

std::optional<Xapian::Query> facet_filter(schema::Facet facet,
                                          const std::vector<std::string>& values) {
  std::vector<Xapian::Query> terms;
  const auto& info = schema::facet_info(facet);
  if (values.size() > kMaxFilterValues)
    throw Error(ErrorKind::kUsage, std::string(info.field) + ": too many values (" +
                                       std::to_string(values.size()) + "; the limit is " +
                                       std::to_string(kMaxFilterValues) + ")");
  std::unordered_set<std::string> seen;
  for (const auto& value : values) {
    if (!seen.insert(value).second) continue;
    Xapian::Query one = facet_value_query(info.term_prefix, value);
    if (one.get_type() != Xapian::Query::LEAF_MATCH_NOTHING) terms.push_back(std::move(one));
  }
  if (values.empty()) return std::nullopt;
  if (terms.empty()) return Xapian::Query::MatchNothing;
  return Xapian::Query(Xapian::Query::OP_OR, terms.begin(), terms.end());
}

std::vector<Xapian::Query> range_filters(const SearchRequest& request) {
  std::vector<Xapian::Query> filters;
  std::optional<std::int64_t> low, high;
  if (!request.from.empty()) {
    auto b = parse_date_bound(request.from);
    if (!b)
      throw Error(ErrorKind::kUsage, "from: invalid date '" + request.from +
                                         "' (expected YYYY, YYYY-MM or YYYY-MM-DD)");
    low = b->low;
  }
  if (!request.to.empty()) {
    auto b = parse_date_bound(request.to);
    if (!b)
      throw Error(ErrorKind::kUsage, "to: invalid date '" + request.to +
                                         "' (expected YYYY, YYYY-MM or YYYY-MM-DD)");
    high = b->high;
  }
  if (low && high && *low > *high)
    throw Error(ErrorKind::kUsage, "from: '" + request.from + "' is after to: '" +
                                       request.to + "'");
  if (low || high) filters.push_back(date_range_query(low, high));
  if (request.min_importance) {
    int min = *request.min_importance;
    if (min < 1 || min > 10)
      throw Error(ErrorKind::kUsage, "--min-importance must be between 1 and 10, not " +
                                         std::to_string(min));
    filters.emplace_back(Xapian::Query::OP_VALUE_GE, schema::kSlotImportance,
                         Xapian::sortable_serialise(min));
  }
  return filters;
}

bool facet_value_exists(const Xapian::Database& db, const std::string& prefix,
                        const std::string& value) {
  if (const auto start = facet_wildcard_start(value)) {
    if (start->empty()) return false;
    Xapian::TermIterator first = db.allterms_begin(prefix + *start);
    return first != db.allterms_end(prefix + *start);
  }
  const std::string key = facet_key(value);
  return !key.empty() && db.term_exists(schema::boolean_term(prefix, key));
}

Xapian::Query apply_filters(const Xapian::Query& query,
                            const SearchRequest& request,
                            std::optional<schema::Facet> excluded) {
  std::vector<Xapian::Query> filters = range_filters(request);
  for (const auto& info : schema::kFacets) {
    if (excluded && *excluded == info.facet) continue;
    const auto* values = request_values(request, info.facet);
    if (!values) continue;
    if (auto filter = facet_filter(info.facet, *values)) filters.push_back(*filter);
  }
  if (filters.empty()) return query;
  Xapian::Query all(Xapian::Query::OP_AND, filters.begin(), filters.end());
  return Xapian::Query(Xapian::Query::OP_FILTER, query, all);
}

}  // namespace tlsearch
