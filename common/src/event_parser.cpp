// The event reader: a Markdown file with YAML front matter, or a JSON object,
// to an Event.
//
// Real timelines are messy, so the reader is lenient about *shapes* (a string
// where a list belongs, a mapping in a list of names, importance "7") and
// reports them as warnings; it gives up on a file (kError) only when the
// front matter cannot be parsed at all. Hostile input is bounded before any
// third-party parser sees it: size first, then a cheap nesting scan (yaml-cpp
// recurses per level), then a node budget while walking YAML, whose aliases
// can make a small file describe an enormous tree.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <initializer_list>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <string_view>
#include <unordered_set>
#include <utility>
#include <vector>

#include "dates_internal.h"
#include "markdown_internal.h"
#include "tlsearch/event.h"
#include "tlsearch/normalize.h"

namespace tlsearch {
namespace {

// Most YAML nodes walked, or JSON values parsed, for one file. Real front
// matter has a few hundred; the budget stops alias bombs (`[*a, *a, ...]`
// nested a few times) and JSON made of millions of tiny values, each of
// which costs a parser node.
constexpr std::size_t kMaxNodes = 100000;

// Distinct [[wikilinks]] kept per event (each is a term of its document).
constexpr std::size_t kMaxLinks = 1000;

// Warnings kept per file; the rest are counted in one last warning, so a
// file repeating a bad key a million times cannot flood the output.
constexpr std::size_t kMaxWarnings = 50;

constexpr std::string_view kBom = "\xEF\xBB\xBF";

// A front matter or JSON value, reduced to what the reader needs. Both
// formats are converted to this so one set of field rules serves both.
struct Value {
  enum class Kind { kNull, kScalar, kList, kMap };
  Kind kind = Kind::kNull;
  std::string text;  // kScalar, sanitized
  std::vector<Value> items;
  std::vector<std::pair<std::string, Value>> members;
  int line = 0;  // 1-based file position, 0 when unknown (JSON)
  int column = 0;

  bool is_null() const { return kind == Kind::kNull; }
  bool is_scalar() const { return kind == Kind::kScalar; }
  bool is_list() const { return kind == Kind::kList; }
  bool is_map() const { return kind == Kind::kMap; }
};

// A top-level key as written (lower-cased) and its value.
using Fields = std::vector<std::pair<std::string, Value>>;

std::string lower_ascii(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\r'; }

std::string trim_copy(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front())))
    s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back())))
    s.remove_suffix(1);
  return std::string(s);
}

// 1-based line and column of byte `offset` of `text`.
void position_of(std::string_view text, std::size_t offset, int* line,
                 int* column) {
  offset = std::min(offset, text.size());
  *line = 1;
  std::size_t line_start = 0;
  for (std::size_t i = 0; i < offset; ++i) {
    if (text[i] == '\n') {
      ++*line;
      line_start = i + 1;
    }
  }
  *column = static_cast<int>(offset - line_start) + 1;
}

// The diagnostics of one file.
class Reporter {
 public:
  explicit Reporter(std::string path) : path_(std::move(path)) {}

  void warn(int line, int column, std::string message) {
    add(Severity::kWarning, line, column, std::move(message));
  }
  void warn(const Value& at, std::string message) {
    warn(at.line, at.column, std::move(message));
  }
  void error(int line, int column, std::string message) {
    add(Severity::kError, line, column, std::move(message));
  }

  ParseResult fail(int line, int column, std::string message) {
    error(line, column, std::move(message));
    ParseResult result;
    result.status = ParseStatus::kError;
    result.diagnostics = take_diagnostics();
    return result;
  }

  // The diagnostics so far, with a last warning counting those dropped.
  std::vector<Diagnostic> take_diagnostics() {
    if (dropped_ > 0) {
      Diagnostic d;
      d.severity = Severity::kWarning;
      d.path = path_;
      d.message = std::to_string(dropped_) + " more warnings not shown";
      d.count = dropped_;
      diagnostics_.push_back(std::move(d));
      dropped_ = 0;
    }
    return std::move(diagnostics_);
  }

  const std::string& path() const { return path_; }

 private:
  void add(Severity severity, int line, int column, std::string message) {
    if (severity == Severity::kWarning && warnings_ >= kMaxWarnings) {
      ++dropped_;
      return;
    }
    if (severity == Severity::kWarning) ++warnings_;
    Diagnostic d;
    d.severity = severity;
    d.path = path_;
    d.line = line;
    d.column = column;
    d.message = sanitize_utf8(message);
    diagnostics_.push_back(std::move(d));
  }

  std::string path_;
  std::vector<Diagnostic> diagnostics_;
  std::size_t warnings_ = 0;
  std::size_t dropped_ = 0;
};

// ---- Front matter ---------------------------------------------------------

// `---` (or `marker`), optionally followed by spaces, tabs or the \r of a
// CRLF file.
bool is_delimiter(std::string_view line, std::string_view marker = "---") {
  if (line.substr(0, 3) != marker) return false;
  for (char c : line.substr(3))
    if (!is_blank(c)) return false;
  return true;
}

// The line that closes front matter: `---`, or YAML's document-end marker
// `...`, which Jekyll and Pandoc accept there too. Never an opening line.
bool is_closing_delimiter(std::string_view line) {
  return is_delimiter(line) || is_delimiter(line, "...");
}

struct FrontMatter {
  std::string_view yaml;
  int yaml_line = 2;  // file line of the first YAML line
  std::string_view body;
  int body_line = 1;
};

enum class Split { kFound, kAbsent, kUnclosed };

Split split_front_matter(std::string_view text, FrontMatter* fm) {
  std::size_t end = text.find('\n');
  if (!is_delimiter(text.substr(0, end))) return Split::kAbsent;
  if (end == std::string_view::npos) return Split::kUnclosed;
  const std::size_t yaml_start = end + 1;
  std::size_t pos = yaml_start;
  int line = 2;
  while (pos < text.size()) {
    end = text.find('\n', pos);
    const std::size_t line_end =
        end == std::string_view::npos ? text.size() : end;
    if (is_closing_delimiter(text.substr(pos, line_end - pos))) {
      fm->yaml = text.substr(yaml_start, pos - yaml_start);
      fm->yaml_line = 2;
      fm->body = end == std::string_view::npos ? std::string_view()
                                               : text.substr(end + 1);
      fm->body_line = line + 1;
      return Split::kFound;
    }
    if (end == std::string_view::npos) break;
    pos = end + 1;
    ++line;
  }
  return Split::kUnclosed;
}

// Finds the first line (0-based, within `yaml`) where block indentation plus
// flow brackets nest deeper than `limit`; -1 if none. It reads just enough
// YAML (quotes, comments, block scalars, indicators) to avoid counting
// brackets inside text; an approximation is fine, as real front matter
// nests a handful of levels and the limit is far above that.
int find_excess_yaml_nesting(std::string_view yaml, int limit) {
  std::vector<std::size_t> indents;
  int flow = 0;
  char quote = 0;
  long block_scalar_parent = -1;  // indentation of a `key: |` line
  int line_no = -1;
  std::size_t pos = 0;
  while (pos < yaml.size()) {
    std::size_t end = yaml.find('\n', pos);
    if (end == std::string_view::npos) end = yaml.size();
    const std::string_view line = yaml.substr(pos, end - pos);
    pos = end + 1;
    ++line_no;

    std::size_t indent = 0;
    while (indent < line.size() && line[indent] == ' ') ++indent;
    bool blank = true;
    for (char c : line.substr(indent))
      if (!is_blank(c)) blank = false;
    if (block_scalar_parent >= 0) {
      if (blank || static_cast<long>(indent) > block_scalar_parent) continue;
      block_scalar_parent = -1;
    }
    if (blank) continue;
    if (flow == 0 && quote == 0) {
      if (line[indent] == '#') continue;
      while (!indents.empty() && indents.back() > indent) indents.pop_back();
      if (indents.empty() || indents.back() < indent) indents.push_back(indent);
    }
    int depth = static_cast<int>(indents.size());
    if (depth > limit) return line_no;
    bool token_start = quote == 0;
    for (std::size_t i = indent; i < line.size(); ++i) {
      const char c = line[i];
      if (quote == '\'') {
        if (c == '\'') {
          if (i + 1 < line.size() && line[i + 1] == '\'')
            ++i;
          else
            quote = 0;
        }
        continue;
      }
      if (quote == '"') {
        if (c == '\\')
          ++i;
        else if (c == '"')
          quote = 0;
        continue;
      }
      if (is_blank(c)) continue;
      const bool blank_next = i + 1 >= line.size() || is_blank(line[i + 1]);
      if (c == '#' && (i == 0 || is_blank(line[i - 1]))) break;
      if (token_start) {
        if (c == '\'' || c == '"') {
          quote = c;
          token_start = false;
          continue;
        }
        if (c == '[' || c == '{') {
          if (depth + ++flow > limit) return line_no;
          continue;
        }
        if ((c == '-' || c == '?') && blank_next) {
          if (flow == 0 && depth++ + flow >= limit) return line_no;
          continue;
        }
        if (flow == 0 && (c == '|' || c == '>')) {
          block_scalar_parent = static_cast<long>(indent);
          break;
        }
        if (c == '&' || c == '!') {  // anchor or tag before the value
          while (i + 1 < line.size() && !is_blank(line[i + 1])) ++i;
          continue;
        }
      }
      if (flow > 0 && (c == ']' || c == '}')) {
        --flow;
        token_start = false;
      } else if (flow > 0 && c == ',') {
        token_start = true;
      } else {
        token_start = c == ':' && (blank_next || flow > 0);
      }
    }
  }
  return -1;
}

// What a cheap pass over JSON text finds before the parser sees it.
struct JsonScan {
  std::size_t too_deep = std::string_view::npos;  // offset nesting > limit
  std::size_t too_many = std::string_view::npos;  // offset past the budget
};

// Finds the first bracket nesting deeper than `limit` and the point where
// the values (at most one per bracket or comma, outside strings) exceed
// kMaxNodes. Exact enough, since JSON strings are easy to skip.
JsonScan scan_json(std::string_view json, int limit) {
  JsonScan scan;
  int depth = 0;
  std::size_t values = 1;
  bool in_string = false;
  for (std::size_t i = 0; i < json.size(); ++i) {
    const char c = json[i];
    if (in_string) {
      if (c == '\\')
        ++i;
      else if (c == '"')
        in_string = false;
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > limit) {
        scan.too_deep = i;
        return scan;
      }
      ++values;
    } else if (c == ']' || c == '}') {
      --depth;
    } else if (c == ',') {
      ++values;
    }
    if (values > kMaxNodes) {
      scan.too_many = i;
      return scan;
    }
  }
  return scan;
}

// ---- YAML and JSON to Value -----------------------------------------------

class YamlConverter {
 public:
  YamlConverter(int yaml_line, int max_depth)
      : yaml_line_(yaml_line), max_depth_(max_depth) {}

  // Converts `node`; false when the node budget or depth ran out, with
  // failure() saying which.
  bool convert(const YAML::Node& node, Value* out, int depth = 0) {
    if (++visited_ > kMaxNodes) {
      failure_ = "front matter expands to more than " +
                 std::to_string(kMaxNodes) +
                 " YAML nodes (aliases repeated too often?)";
      return false;
    }
    if (depth > max_depth_) {
      failure_ = "front matter nests deeper than " +
                 std::to_string(max_depth_) + " levels through aliases";
      return false;
    }
    set_position(node.Mark(), out);
    switch (node.Type()) {
      case YAML::NodeType::Scalar:
        out->kind = Value::Kind::kScalar;
        out->text = sanitize_utf8(node.Scalar());
        break;
      case YAML::NodeType::Sequence:
        out->kind = Value::Kind::kList;
        for (const auto& child : node) {
          Value item;
          if (!convert(child, &item, depth + 1)) return false;
          out->items.push_back(std::move(item));
        }
        break;
      case YAML::NodeType::Map: {
        out->kind = Value::Kind::kMap;
        std::vector<Value> merged;  // `<<: *base` (YAML merge keys)
        for (const auto& pair : node) {
          if (!pair.first.IsScalar()) continue;  // `? [a, b]`: not a field
          Value member;
          if (!convert(pair.second, &member, depth + 1)) return false;
          if (pair.first.Scalar() == "<<" && pair.first.Tag() != "!") {
            merged.push_back(std::move(member));
            continue;
          }
          out->members.emplace_back(sanitize_utf8(pair.first.Scalar()),
                                    std::move(member));
        }
        if (!merged.empty()) merge_keys(merged, out);
        break;
      }
      default:
        out->kind = Value::Kind::kNull;
        break;
    }
    return true;
  }

  // yaml-cpp 0.7 reads `<<: *base` as a key named `<<`. YAML's merge key
  // means: the keys of the map (or of each map of a list, the first one
  // winning) that the mapping does not set itself.
  static void merge_keys(const std::vector<Value>& merged, Value* out) {
    auto has = [&](const std::string& key) {
      for (const auto& [k, v] : out->members)
        if (k == key) return true;
      return false;
    };
    auto merge_map = [&](const Value& map) {
      if (map.kind != Value::Kind::kMap) return;
      for (const auto& [key, value] : map.members)
        if (!has(key)) out->members.emplace_back(key, value);
    };
    for (const Value& value : merged) {
      if (value.kind == Value::Kind::kList) {
        for (const Value& item : value.items) merge_map(item);
      } else {
        merge_map(value);
      }
    }
  }

  void set_position(const YAML::Mark& mark, Value* out) const {
    if (mark.is_null() || mark.line < 0) return;
    out->line = mark.line + yaml_line_;
    out->column = mark.column + 1;
  }

  const std::string& failure() const { return failure_; }

 private:
  int yaml_line_;
  int max_depth_;
  std::size_t visited_ = 0;
  std::string failure_;
};

// Depth is bounded by find_excess_json_nesting() before parsing.
void json_to_value(const nlohmann::ordered_json& node, Value* out) {
  using Type = nlohmann::ordered_json::value_t;
  switch (node.type()) {
    case Type::string:
      out->kind = Value::Kind::kScalar;
      out->text = sanitize_utf8(node.get_ref<const std::string&>());
      break;
    case Type::number_integer:
    case Type::number_unsigned:
    case Type::number_float:
    case Type::boolean:
      out->kind = Value::Kind::kScalar;
      out->text = node.dump();
      break;
    case Type::array:
      out->kind = Value::Kind::kList;
      for (const auto& item : node) {
        Value v;
        json_to_value(item, &v);
        out->items.push_back(std::move(v));
      }
      break;
    case Type::object:
      out->kind = Value::Kind::kMap;
      for (const auto& [key, item] : node.items()) {
        Value v;
        json_to_value(item, &v);
        out->members.emplace_back(sanitize_utf8(key), std::move(v));
      }
      break;
    default:
      out->kind = Value::Kind::kNull;
      break;
  }
}

// ---- Fields ---------------------------------------------------------------

// The keys the reader uses; every other key is ignored without a word, as
// real timelines carry dozens of their own.
bool is_known_key(std::string_view key, bool json) {
  static constexpr std::string_view kKeys[] = {
      "id",      "date",          "title",        "importance",
      "status",  "type",          "location",     "actors",
      "tags",    "capture_lanes", "capture_lane", "lane",
      "lanes",   "actor",         "tag",          "source",
      "sources", "notes",         "description",  "summary"};
  if (json && key == "body") return true;
  return std::find(std::begin(kKeys), std::end(kKeys), key) != std::end(kKeys);
}

// The known key an unknown one is a slip of (`actros`, `importnace`,
// `Titel`), or nothing. Short keys must be closer: `tag` and `tap`.
std::string_view near_known_key(std::string_view key) {
  static constexpr std::string_view kMain[] = {
      "id",     "date",     "title", "importance", "status", "type",  "location",
      "actors", "tags",     "capture_lanes",       "sources", "notes", "description",
      "summary"};
  if (key.size() < 4) return {};
  const std::size_t allowed = key.size() < 6 ? 1 : 2;
  for (std::string_view known : kMain)
    if (edit_distance(key, known) <= allowed) return known;
  return {};
}

const Value* member(const Value& map, std::string_view name) {
  for (const auto& [key, value] : map.members)
    if (lower_ascii(key) == name) return &value;
  return nullptr;
}

const char* shape_name(const Value& v) {
  switch (v.kind) {
    case Value::Kind::kList:
      return "a list";
    case Value::Kind::kMap:
      return "a mapping";
    case Value::Kind::kScalar:
      return "text";
    case Value::Kind::kNull:
      break;
  }
  return "empty";
}

// The values of one multi-valued facet, de-duplicated by facet_key() with
// the first spelling kept.
class ValueList {
 public:
  explicit ValueList(std::vector<std::string>* out) : out_(out) {}

  void add(std::string_view raw) {
    std::string label = display_label(raw);
    std::string key = facet_key(label);
    if (key.empty()) return;
    // A few values per list as a rule: a scan. A hostile list of 38,000
    // tags took 3.5 s that way, so long lists switch to a hash set.
    if (keys_.size() < kScanned) {
      if (std::find(keys_.begin(), keys_.end(), key) != keys_.end()) return;
      keys_.push_back(key);
      if (keys_.size() == kScanned) many_.insert(keys_.begin(), keys_.end());
    } else if (!many_.insert(key).second) {
      return;
    }
    out_->push_back(std::move(label));
  }

 private:
  static constexpr std::size_t kScanned = 32;
  std::vector<std::string>* out_;
  std::vector<std::string> keys_;
  std::unordered_set<std::string> many_;
};

class EventBuilder {
 public:
  EventBuilder(Event* event, Reporter* reporter)
      : event_(event),
        reporter_(reporter),
        actors_(&event->actors),
        tags_(&event->tags),
        lanes_(&event->lanes) {}

  void build(const Fields& fields, bool json) {
    std::vector<std::string> seen;
    const Value* description = nullptr;
    const Value* summary = nullptr;
    for (const auto& [key, value] : fields) {
      // Singular and short spellings add to the same list as the main key.
      const bool lane_key = key == "capture_lanes" || key == "capture_lane" ||
                            key == "lane" || key == "lanes";
      if (!lane_key && key != "actor" && key != "tag" && key != "source") {
        if (std::find(seen.begin(), seen.end(), key) != seen.end()) {
          reporter_->warn(
              value, "duplicate key '" + key + "' (the first value is used)");
          continue;
        }
        seen.push_back(key);
      }
      if (key == "id")
        read_id(value);
      else if (key == "date")
        read_date(value);
      else if (key == "title")
        event_->title = display_label(text_of(value, key));
      else if (key == "importance")
        read_importance(value);
      else if (key == "status")
        event_->status = display_label(text_of(value, key));
      else if (key == "type")
        event_->type = display_label(text_of(value, key));
      else if (key == "location")
        event_->location = display_label(joined(value, key, ", "));
      else if (key == "actors" || key == "actor")
        read_list(value, key, key == "actors", actors_);
      else if (key == "tags" || key == "tag")
        read_list(value, key, key == "tags", tags_);
      else if (key == "capture_lanes" || key == "lanes")
        read_list(value, key, true, lanes_);
      else if (lane_key)
        read_list(value, key, false, lanes_);
      else if (key == "sources" || key == "source")
        read_sources(value, key == "sources");
      else if (key == "notes")
        event_->notes = trim_copy(joined(value, key, "\n"));
      else if (key == "description")
        description = &value;
      else if (key == "summary")
        summary = &value;
      else if (key == "body" && json)
        event_->body_markdown = text_of(value, key);
    }
    if (description != nullptr)
      event_->description = trim_copy(text_of(*description, "description"));
    if (event_->description.empty() && summary != nullptr)
      event_->description = trim_copy(text_of(*summary, "summary"));
    if (event_->title.empty()) {
      reporter_->warn(0, 0,
                      "missing or empty title; the id '" + event_->id +
                          "' is used instead");
      event_->title = event_->id;
    }
  }

 private:
  // The text of a value that should be a single scalar. Other shapes are
  // read as well as they can be, with a warning.
  std::string text_of(const Value& v, const std::string& field) {
    switch (v.kind) {
      case Value::Kind::kNull:
        return "";
      case Value::Kind::kScalar:
        return v.text;
      case Value::Kind::kList:
        reporter_->warn(v, "'" + field +
                               "' should be text, not a list "
                               "(items joined)");
        return join_scalars(v, ", ");
      case Value::Kind::kMap:
        if (const Value* name = name_of(v)) {
          reporter_->warn(v, "'" + field +
                                 "' should be text, not a mapping "
                                 "(its name is used)");
          return name->text;
        }
        reporter_->warn(v, "'" + field +
                               "' should be text, not a mapping "
                               "(ignored)");
        return "";
    }
    return "";
  }

  // Text that may also be written as a list (`location: [A, B]`, notes as
  // several paragraphs): items joined with `separator`.
  std::string joined(const Value& v, const std::string& field,
                     std::string_view separator) {
    if (v.is_list()) return join_scalars(v, separator);
    return text_of(v, field);
  }

  static std::string join_scalars(const Value& list,
                                  std::string_view separator) {
    std::string out;
    for (const Value& item : list.items) {
      std::string text;
      if (item.is_scalar())
        text = item.text;
      else if (const Value* name = name_of(item))
        text = name->text;
      if (text.empty()) continue;
      if (!out.empty()) out += separator;
      out += text;
    }
    return out;
  }

  // `{name: X, role: Y}` stands for X.
  static const Value* name_of(const Value& map) {
    if (!map.is_map()) return nullptr;
    for (std::string_view key : {"name", "title", "label", "value"}) {
      const Value* v = member(map, key);
      if (v != nullptr && v->is_scalar()) return v;
    }
    return nullptr;
  }

  void read_id(const Value& v) {
    std::string id = v.is_scalar() ? display_label(v.text) : std::string();
    if (id.empty()) {
      reporter_->warn(v, "'id' is empty or not text; the file name is used");
      return;
    }
    event_->id = std::move(id);
    event_->id_from_filename = false;
  }

  void read_date(const Value& v) {
    if (v.is_null()) return;
    if (!v.is_scalar()) {
      reporter_->warn(v, std::string("'date' should be a date, not ") +
                             shape_name(v) + " (ignored)");
      return;
    }
    std::string problem;
    event_->date = internal::parse_event_date(v.text, &problem);
    if (!problem.empty())
      reporter_->warn(v, "date '" + event_->date.text + "': " + problem);
  }

  void read_importance(const Value& v) {
    if (v.is_null()) return;
    if (!v.is_scalar()) {
      reporter_->warn(v, std::string("'importance' should be a number from 1 "
                                     "to 10, not ") +
                             shape_name(v) + " (ignored)");
      return;
    }
    std::string text = trim_copy(v.text);
    // `7.0`, as JSON written by Python or a spreadsheet has it: a whole
    // number all the same.
    if (const std::size_t point = text.find('.');
        point != std::string::npos && point > 0 && point + 1 < text.size() &&
        text.find_first_not_of('0', point + 1) == std::string::npos)
      text.resize(point);
    const bool digits = !text.empty() && text.size() <= 3 &&
                        std::all_of(text.begin(), text.end(), [](char c) {
                          return c >= '0' && c <= '9';
                        });
    if (!digits) {
      reporter_->warn(v, "importance '" + text +
                             "' is not a whole number from 1 to 10 (ignored)");
      return;
    }
    const int value = std::stoi(text);
    if (value < 1 || value > 10) {
      reporter_->warn(v, "importance " + std::to_string(value) +
                             " is out of range 1-10 (ignored)");
      return;
    }
    event_->importance = value;
  }

  // A list of names. `plural` keys expect a list, so a string there is
  // worth a warning; the singular `capture_lane`/`lane` expect one string.
  void read_list(const Value& v, const std::string& field, bool plural,
                 ValueList& out) {
    switch (v.kind) {
      case Value::Kind::kNull:
        return;
      case Value::Kind::kScalar:
        if (plural)
          reporter_->warn(v, "'" + field + "' should be a list, not text" +
                                 (v.text.find(',') != std::string::npos
                                      ? " (split on commas)"
                                      : ""));
        add_split(v.text, out);
        return;
      case Value::Kind::kMap:
        reporter_->warn(v, "'" + field + "' should be a list, not a mapping");
        add_item(v, field, out);
        return;
      case Value::Kind::kList:
        for (const Value& item : v.items) add_item(item, field, out);
        return;
    }
  }

  static void add_split(std::string_view text, ValueList& out) {
    std::size_t pos = 0;
    while (true) {
      const std::size_t comma = text.find(',', pos);
      out.add(text.substr(pos, comma == std::string_view::npos
                                   ? std::string_view::npos
                                   : comma - pos));
      if (comma == std::string_view::npos) break;
      pos = comma + 1;
    }
  }

  void add_item(const Value& item, const std::string& field, ValueList& out) {
    switch (item.kind) {
      case Value::Kind::kNull:
        return;
      case Value::Kind::kScalar:
        out.add(item.text);
        return;
      case Value::Kind::kMap:
        if (const Value* name = name_of(item)) {
          out.add(name->text);
        } else {
          reporter_->warn(item, "an item of '" + field +
                                    "' is a mapping without a name (ignored)");
        }
        return;
      case Value::Kind::kList:
        reporter_->warn(item, "an item of '" + field +
                                  "' is itself a list (its items are used)");
        for (const Value& inner : item.items)
          if (inner.is_scalar()) out.add(inner.text);
        return;
    }
  }

  // `sources`, or `source` (one source, or a list all the same).
  void read_sources(const Value& v, bool plural = true) {
    switch (v.kind) {
      case Value::Kind::kNull:
        return;
      case Value::Kind::kList:
        for (const Value& item : v.items) read_source(item);
        return;
      case Value::Kind::kScalar:
      case Value::Kind::kMap:
        if (plural)
          reporter_->warn(
              v, std::string("'sources' should be a list, not ") + shape_name(v));
        read_source(v);
        return;
    }
  }

  static bool looks_like_url(std::string_view text) {
    const std::string lower = lower_ascii(text.substr(0, 8));
    return lower.rfind("http://", 0) == 0 || lower.rfind("https://", 0) == 0 ||
           lower.rfind("www.", 0) == 0;
  }

  void read_source(const Value& v) {
    Source source;
    if (v.is_null()) return;
    if (v.is_list()) {
      reporter_->warn(v, "a source is a list, expected a mapping (ignored)");
      return;
    }
    if (v.is_scalar()) {
      const std::string text = trim_copy(v.text);
      if (text.empty()) return;
      reporter_->warn(v,
                      "a source is plain text, expected a mapping with "
                      "title and url");
      if (looks_like_url(text))
        source.url = text;
      else
        source.title = display_label(text);
      event_->sources.push_back(std::move(source));
      return;
    }
    auto field = [&](std::string_view name) -> std::string {
      const Value* f = member(v, name);
      return f == nullptr ? std::string()
                          : text_of(*f, "sources." + std::string(name));
    };
    source.title = display_label(field("title"));
    source.url = trim_copy(field("url"));
    source.outlet = display_label(field("outlet"));
    if (source.outlet.empty())
      source.outlet = display_label(field("publisher"));
    source.date = display_label(field("date"));
    source.tier = display_label(field("tier"));
    if (source.title.empty() && source.url.empty() && source.outlet.empty())
      return;  // nothing a reader could follow
    event_->sources.push_back(std::move(source));
  }

  Event* event_;
  Reporter* reporter_;
  ValueList actors_;
  ValueList tags_;
  ValueList lanes_;
};

// The event of `path` before any field is read: the id defaults to the file
// name without its extension.
Event new_event(const std::string& path) {
  Event event;
  event.path = path;
  event.id = sanitize_utf8(std::filesystem::path(path).stem().string());
  event.id_from_filename = true;
  return event;
}

ParseResult success(Event event, Reporter& reporter) {
  ParseResult result;
  result.status = ParseStatus::kOk;
  result.event = std::move(event);
  result.diagnostics = reporter.take_diagnostics();
  return result;
}

// `line`: where the body starts in the file, 0 when unknown (JSON).
void set_body(std::string_view markdown, int line, Event* event,
              const ParseLimits& limits, Reporter& reporter) {
  event->body_markdown = std::string(markdown);
  internal::MarkdownLimits md;
  md.max_bytes = static_cast<std::size_t>(
      std::min<std::uintmax_t>(limits.max_body_bytes, SIZE_MAX));
  md.max_nesting = limits.max_nesting;
  internal::MarkdownContent content = internal::convert_markdown(markdown, md);
  if (content.text.size() > md.max_bytes) {
    // Cut at a word boundary (and so never inside a UTF-8 sequence).
    std::size_t cut = content.text.find_last_of(" \n\t", md.max_bytes);
    if (cut == std::string::npos) cut = md.max_bytes;
    while (cut > 0 &&
           (static_cast<unsigned char>(content.text[cut]) & 0xC0) == 0x80)
      --cut;
    content.text.resize(cut);
    const std::string first =
        "only its first " + std::to_string(md.max_bytes) + " bytes are indexed";
    reporter.warn(line, 0,
                  content.plain_text_reason.empty()
                      ? "the text of the body is larger than " +
                            std::to_string(md.max_bytes) + " bytes; " + first
                      : content.plain_text_reason +
                            "; it is read as plain text and " + first);
  } else if (!content.plain_text_reason.empty()) {
    reporter.warn(line, 0,
                  content.plain_text_reason +
                      "; it is indexed as plain text, not Markdown");
  }
  if (content.links.size() > kMaxLinks) {
    reporter.warn(line, 0,
                  "the body links to " + std::to_string(content.links.size()) +
                      " events; only the first " + std::to_string(kMaxLinks) +
                      " are kept");
    content.links.resize(kMaxLinks);
  }
  event->body_text = std::move(content.text);
  event->links = std::move(content.links);
}

// What to do about a YAML error, for the three a hand-written front matter
// meets most: a tab in the indentation, an unquoted value holding ': ', and
// a value starting with '[' or '{' (a list or mapping to YAML) that is never
// closed, which yaml-cpp reports where the front matter ends: moved to the
// line that opened it. `first_line` is the file line of the YAML's first.
std::string yaml_error_hint(std::string_view yaml, const std::string& message, int first_line,
                            int* line, int* column) {
  std::vector<std::string_view> lines;
  for (std::size_t pos = 0; pos <= yaml.size();) {
    std::size_t end = yaml.find('\n', pos);
    if (end == std::string_view::npos) end = yaml.size();
    lines.push_back(yaml.substr(pos, end - pos));
    pos = end + 1;
  }
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const std::string_view l = lines[i];
    const std::size_t indent = l.find_first_not_of(" \t");
    if (indent != std::string_view::npos && l.substr(0, indent).find('\t') != std::string_view::npos)
      return " (line " + std::to_string(first_line + static_cast<int>(i)) +
             " is indented with a tab: YAML indents with spaces only)";
  }
  if (message.find("map value") != std::string::npos && *line >= first_line &&
      static_cast<std::size_t>(*line - first_line) < lines.size()) {
    const std::string_view l = lines[static_cast<std::size_t>(*line - first_line)];
    const std::size_t colon = l.find(": ");
    if (colon != std::string_view::npos && colon > 0)
      return " (a value holding ': ' must be quoted: " + std::string(l.substr(0, colon)) +
             ": \"" + std::string(trim_copy(std::string(l.substr(colon + 2)))) + "\")";
  }
  if (message.find("flow not found") != std::string::npos) {
    for (std::size_t i = 0; i < lines.size(); ++i) {
      const std::string_view l = lines[i];
      const std::size_t colon = l.find(": ");
      const std::size_t value = colon == std::string_view::npos
                                    ? l.find_first_not_of(" -")
                                    : l.find_first_not_of(' ', colon + 2);
      if (value == std::string_view::npos || (l[value] != '[' && l[value] != '{')) continue;
      int depth = 0;
      for (char c : l.substr(value)) depth += (c == '[' || c == '{') - (c == ']' || c == '}');
      if (depth <= 0) continue;
      *line = first_line + static_cast<int>(i);
      *column = static_cast<int>(value) + 1;
      return std::string(" (the '") + l[value] +
             "' here opens a list or mapping that is never closed; quote the value if "
             "the bracket is part of the text)";
    }
  }
  return {};
}

ParseResult parse_markdown(std::string_view text, Reporter& reporter,
                           const ParseLimits& limits) {
  FrontMatter fm;
  switch (split_front_matter(text, &fm)) {
    case Split::kAbsent: {
      // Front matter the reader does not take, named so it is not lost
      // unseen among the skipped READMEs.
      std::string_view start = text;
      while (!start.empty() && (start.front() == '\n' || start.front() == '\r' ||
                                start.front() == ' ' || start.front() == '\t'))
        start.remove_prefix(1);
      const std::string_view first_line = start.substr(0, start.find_first_of("\r\n"));
      if (first_line.substr(0, 3) == "+++" &&
          first_line.find_first_not_of("+ \t") == std::string_view::npos)
        reporter.warn(1, 1, "TOML front matter ('+++') is not read: write it as YAML "
                            "between '---' lines; skipped");
      else if (is_delimiter(first_line) && start.size() != text.size())
        reporter.warn(1, 1, "front matter must start on the first line: remove what "
                            "comes before '---'; skipped");
      else if (first_line.size() != start.size() && is_delimiter(first_line) &&
               text.find('\n') == std::string_view::npos)
        reporter.warn(1, 1, "lines end with a carriage return only (old Mac OS); save "
                            "the file with Unix or Windows line endings; skipped");
      ParseResult result;
      result.status = ParseStatus::kSkipped;
      result.skip_reason = "no front matter";
      result.diagnostics = reporter.take_diagnostics();
      return result;
    }
    case Split::kUnclosed:
      return reporter.fail(1, 1,
                           "front matter is not closed: no '---' (or "
                           "'...') line after the opening one");
    case Split::kFound:
      break;
  }

  if (fm.yaml.size() > limits.max_front_matter_bytes) {
    return reporter.fail(fm.yaml_line, 0,
                         "front matter too large (" +
                             std::to_string(fm.yaml.size()) + " bytes, limit " +
                             std::to_string(limits.max_front_matter_bytes) +
                             ")");
  }
  if (int line = find_excess_yaml_nesting(fm.yaml, limits.max_nesting);
      line >= 0) {
    return reporter.fail(line + fm.yaml_line, 0,
                         "front matter nests deeper than " +
                             std::to_string(limits.max_nesting) + " levels");
  }

  YAML::Node root;
  try {
    root = YAML::Load(std::string(fm.yaml));
  } catch (const YAML::DeepRecursion& e) {
    // yaml-cpp's own guard (2,000 parser frames, about 500 levels of
    // brackets) is below what --max-nesting may allow.
    return reporter.fail(e.mark.is_null() ? 0 : e.mark.line + fm.yaml_line, 0,
                         "front matter nests deeper than yaml-cpp can read "
                         "(about 500 levels)");
  } catch (const YAML::Exception& e) {
    int line = 0, column = 0;
    if (!e.mark.is_null() && e.mark.line >= 0) {
      line = e.mark.line + fm.yaml_line;
      column = e.mark.column + 1;
    }
    const std::string hint = yaml_error_hint(fm.yaml, e.msg, fm.yaml_line, &line, &column);
    return reporter.fail(line, column,
                         "invalid YAML in front matter: " + e.msg + hint);
  }

  Fields fields;
  YamlConverter converter(fm.yaml_line, 2 * limits.max_nesting + 2);
  if (root.IsSequence() || root.IsScalar()) {
    Value at;
    converter.set_position(root.Mark(), &at);
    return reporter.fail(at.line, at.column,
                         std::string("front matter is ") +
                             (root.IsSequence() ? "a list" : "a single value") +
                             ", expected a mapping of keys to values");
  }
  if (root.IsMap()) {
    // `<<: *base` (YAML merge keys, which yaml-cpp 0.7 leaves to us): the
    // base's keys count where the front matter does not set them itself.
    std::vector<YAML::Node> bases;
    std::vector<std::pair<YAML::Node, YAML::Node>> pairs;
    for (const auto& pair : root) {
      if (pair.first.IsScalar() && pair.first.Scalar() == "<<" && pair.first.Tag() != "!") {
        if (pair.second.IsMap()) bases.push_back(pair.second);
        if (pair.second.IsSequence())
          for (const auto& item : pair.second)
            if (item.IsMap()) bases.push_back(item);
        continue;
      }
      pairs.emplace_back(pair.first, pair.second);
    }
    std::set<std::string> own;
    for (const auto& [k, v] : pairs)
      if (k.IsScalar()) own.insert(lower_ascii(trim_copy(k.Scalar())));
    for (const auto& base : bases)
      for (const auto& pair : base)
        if (pair.first.IsScalar() &&
            own.insert(lower_ascii(trim_copy(pair.first.Scalar()))).second)
          pairs.emplace_back(pair.first, pair.second);
    for (const auto& pair : pairs) {
      if (!pair.first.IsScalar()) continue;
      std::string key = lower_ascii(trim_copy(pair.first.Scalar()));
      if (!is_known_key(key, false)) {
        if (const std::string_view meant = near_known_key(key); !meant.empty()) {
          Value key_at;
          converter.set_position(pair.first.Mark(), &key_at);
          reporter.warn(key_at, "unknown key '" + sanitize_utf8(trim_copy(pair.first.Scalar())) +
                                    "' (did you mean '" +
                                    std::string(meant) + "'?); ignored");
        }
        continue;
      }
      // Reported at the key: an alias value's own position is its anchor's.
      Value key_at;
      converter.set_position(pair.first.Mark(), &key_at);
      Value value;
      if (!converter.convert(pair.second, &value, 1))
        return reporter.fail(key_at.line, key_at.column, converter.failure());
      // yaml-cpp places an empty value after its line; the key's position
      // is the one worth reporting.
      if (value.is_null()) {
        value.line = key_at.line;
        value.column = key_at.column;
      }
      fields.emplace_back(std::move(key), std::move(value));
    }
  }

  Event event = new_event(reporter.path());
  EventBuilder(&event, &reporter).build(fields, false);
  event.body_line = fm.body_line;
  set_body(fm.body, fm.body_line, &event, limits, reporter);
  return success(std::move(event), reporter);
}

// Where the parser stopped on `error`, as an offset into `text`. A parse
// error carries it; an out-of-range error (a number too large for a double)
// does not, so the text is parsed again by a SAX reader that only notes
// where the parser gives up, which it reports before the token's end.
std::size_t error_offset(std::string_view text,
                         const nlohmann::ordered_json::exception& error) {
  if (const auto* parse = dynamic_cast<const nlohmann::ordered_json::parse_error*>(&error))
    return parse->byte == 0 ? 0 : parse->byte - 1;  // bytes read, the bad one included
  struct Position : nlohmann::json_sax<nlohmann::ordered_json> {
    std::size_t offset = 0;
    bool null() override { return true; }
    bool boolean(bool) override { return true; }
    bool number_integer(number_integer_t) override { return true; }
    bool number_unsigned(number_unsigned_t) override { return true; }
    bool number_float(number_float_t, const string_t&) override { return true; }
    bool string(string_t&) override { return true; }
    bool binary(binary_t&) override { return true; }
    bool start_object(std::size_t) override { return true; }
    bool key(string_t&) override { return true; }
    bool end_object() override { return true; }
    bool start_array(std::size_t) override { return true; }
    bool end_array() override { return true; }
    bool parse_error(std::size_t position, const std::string& token,
                     const nlohmann::ordered_json::exception&) override {
      offset = position >= token.size() ? position - token.size() : 0;
      return false;
    }
  } sax;
  nlohmann::ordered_json::sax_parse(text.begin(), text.end(), &sax);
  return sax.offset;
}

// The offset of the second time `key` is a key of the top-level object of
// `text` (valid JSON), npos if not found. Keys are compared decoded.
std::size_t find_repeated_key(std::string_view text, const std::string& key) {
  int depth = 0;
  int seen = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '{' || c == '[') {
      ++depth;
    } else if (c == '}' || c == ']') {
      --depth;
    } else if (c == '"') {
      const std::size_t start = i;
      for (++i; i < text.size() && text[i] != '"'; ++i)
        if (text[i] == '\\') ++i;
      if (depth != 1) continue;
      std::size_t after = i + 1;
      while (after < text.size() && std::isspace(static_cast<unsigned char>(text[after])))
        ++after;
      if (after >= text.size() || text[after] != ':') continue;
      const auto token = text.substr(start, i + 1 - start);
      const auto decoded = nlohmann::json::parse(std::string(token), nullptr, false);
      if (decoded.is_string() && decoded.get_ref<const std::string&>() == key && ++seen == 2)
        return start;
    }
  }
  return std::string_view::npos;
}

ParseResult parse_json(std::string_view text, std::size_t bom,
                       Reporter& reporter, const ParseLimits& limits) {
  // Positions are reported in the file, which may start with a BOM.
  auto fail_at = [&](std::size_t offset, const std::string& message) {
    int line = 0, column = 0;
    position_of(text, offset, &line, &column);
    if (line == 1) column += static_cast<int>(bom);
    return reporter.fail(line, column, message);
  };
  const JsonScan scan = scan_json(text, limits.max_nesting);
  if (scan.too_deep != std::string_view::npos) {
    return fail_at(scan.too_deep, "JSON nests deeper than " +
                                      std::to_string(limits.max_nesting) +
                                      " levels");
  }
  if (scan.too_many != std::string_view::npos) {
    return fail_at(scan.too_many, "JSON has more than " +
                                      std::to_string(kMaxNodes) +
                                      " values");
  }
  // ordered_json keeps the file's key order, which decides the first
  // spelling of a lane. A repeated key keeps its first value, as in YAML
  // (nlohmann would keep the last one silently): the callback drops the
  // later ones and notes those of the event itself.
  using Json = nlohmann::ordered_json;
  std::vector<std::unordered_set<std::string>> keys;  // per object depth
  std::vector<std::string> repeated;                   // top-level keys
  const Json::parser_callback_t drop_repeated_keys =
      [&](int depth, Json::parse_event_t event, Json& parsed) {
        const auto level = static_cast<std::size_t>(depth);
        if (event == Json::parse_event_t::object_start) {
          if (keys.size() < level + 2) keys.resize(level + 2);
          keys[level + 1].clear();
        } else if (event == Json::parse_event_t::key && level < keys.size()) {
          const std::string& key = parsed.get_ref<const std::string&>();
          if (!keys[level].insert(key).second) {
            if (depth == 1) repeated.push_back(key);
            return false;
          }
        }
        return true;
      };
  Json json;
  try {
    json = Json::parse(text.begin(), text.end(), drop_repeated_keys);
  } catch (const Json::exception& e) {
    // e.what() is "[json.exception.KIND.N] reason"; a parse error's reason
    // repeats the position, so keep only what follows it.
    std::string message = e.what();
    if (message.rfind("[json.exception", 0) == 0) {
      if (const std::size_t end = message.find("] "); end != std::string::npos)
        message = message.substr(end + 2);
      if (const std::size_t colon = message.find(": ");
          colon != std::string::npos && message.rfind("parse error", 0) == 0)
        message = message.substr(colon + 2);
    }
    return fail_at(error_offset(text, e), "invalid JSON: " + message);
  }
  if (!json.is_object()) {
    return reporter.fail(1, 1 + static_cast<int>(bom),
                         std::string("JSON event is ") + json.type_name() +
                             ", expected an object");
  }
  Value root;
  json_to_value(json, &root);
  Fields fields;
  std::vector<std::string> slips;  // warned once the object is an event
  for (auto& [key, value] : root.members) {
    std::string lower = lower_ascii(trim_copy(key));
    if (is_known_key(lower, true))
      fields.emplace_back(std::move(lower), std::move(value));
    else if (const std::string_view meant = near_known_key(lower); !meant.empty())
      slips.push_back("unknown key '" + sanitize_utf8(trim_copy(key)) + "' (did you mean '" +
                      std::string(meant) + "'?); ignored");
  }
  // An event has an id, a title or a date. A timeline kept inside a web
  // site sits beside package.json, tsconfig.json and node_modules: those
  // are not events (a `type` or `description` key is no sign of one).
  if (std::none_of(fields.begin(), fields.end(), [](const auto& field) {
        return field.first == "id" || field.first == "title" || field.first == "date";
      })) {
    ParseResult result;
    result.status = ParseStatus::kSkipped;
    result.skip_reason = "JSON without id, title or date";
    result.diagnostics = reporter.take_diagnostics();
    return result;
  }
  for (std::string& slip : slips) reporter.warn(0, 0, std::move(slip));
  for (const std::string& key : repeated) {
    if (!is_known_key(lower_ascii(trim_copy(key)), true)) continue;  // as in YAML
    int line = 0, column = 0;
    if (const std::size_t at = find_repeated_key(text, key); at != std::string_view::npos) {
      position_of(text, at, &line, &column);
      if (line == 1) column += static_cast<int>(bom);
    }
    reporter.warn(line, column,
                  "duplicate key '" + sanitize_utf8(key) + "' (the first value is used)");
  }
  Event event = new_event(reporter.path());
  EventBuilder(&event, &reporter).build(fields, true);
  const std::string body = event.body_markdown;
  set_body(body, 0, &event, limits, reporter);
  return success(std::move(event), reporter);
}

std::string too_large(std::uintmax_t size, std::uintmax_t limit) {
  return "file too large (" + std::to_string(size) + " bytes, limit " +
         std::to_string(limit) + ")";
}

// Whether `text` is UTF-16 or UTF-32 rather than UTF-8: a byte-order mark
// (FF FE, FE FF, 00 00 FE FF), or ASCII with NULs between its bytes at the
// start. Read as UTF-8 such a file is NULs and replaced bytes with no front
// matter to find, so it would be skipped with nothing but a vague warning.
bool is_utf16_or_utf32(std::string_view text) {
  for (std::string_view bom : {std::string_view("\xFF\xFE"), std::string_view("\xFE\xFF"),
                               std::string_view("\0\0\xFE\xFF", 4)})
    if (text.substr(0, bom.size()) == bom) return true;
  // The first few characters, at least two: `---\n` and `{` start with ASCII.
  auto pattern = [&](std::size_t unit, std::size_t ascii_at) {
    const std::size_t n = std::min<std::size_t>(text.size() / unit, 8) * unit;
    if (n < 2 * unit) return false;
    for (std::size_t i = 0; i < n; ++i)
      if ((text[i] == '\0') == (i % unit == ascii_at)) return false;
    return true;
  };
  return pattern(2, 0) || pattern(2, 1) || pattern(4, 0) || pattern(4, 3);
}

const char* file_type_name(std::filesystem::file_type type) {
  using std::filesystem::file_type;
  switch (type) {
    case file_type::directory:
      return "a directory";
    case file_type::fifo:
      return "a FIFO";
    case file_type::socket:
      return "a socket";
    case file_type::block:
      return "a block device";
    case file_type::character:
      return "a character device";
    default:
      return "not a regular file";
  }
}

}  // namespace

std::string Diagnostic::to_string() const {
  std::string out = escape_controls(path);
  if (line > 0) {
    out += ':' + std::to_string(line);
    if (column > 0) out += ':' + std::to_string(column);
  }
  out += severity == Severity::kError ? ": error: " : ": warning: ";
  out += escape_controls(message);
  return out;
}

std::optional<EventFormat> event_format_for(const std::filesystem::path& path) {
  const std::string ext = lower_ascii(path.extension().string());
  if (ext == ".md" || ext == ".markdown") return EventFormat::kMarkdown;
  if (ext == ".json") return EventFormat::kJson;
  return std::nullopt;
}

struct Utf8Scan {
  std::size_t first_invalid = std::string_view::npos;  // or a NUL
  std::size_t multibyte = 0;  // well-formed sequences of 2 to 4 bytes
  bool nul = false;
};

Utf8Scan scan_utf8(std::string_view text) {
  Utf8Scan scan;
  auto continuation = [&](std::size_t i) {
    return i < text.size() && (static_cast<unsigned char>(text[i]) & 0xC0) == 0x80;
  };
  for (std::size_t i = 0; i < text.size();) {
    const auto c = static_cast<unsigned char>(text[i]);
    std::size_t length = 0;
    if (c == 0) {
      scan.nul = true;
    } else if (c < 0x80) {
      length = 1;
    } else if (c >= 0xC2 && c <= 0xDF) {
      length = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
      length = 3;
    } else if (c >= 0xF0 && c <= 0xF4) {
      length = 4;
    }
    bool ok = length > 0;
    for (std::size_t k = 1; ok && k < length; ++k) ok = continuation(i + k);
    if (!ok) {
      if (scan.first_invalid == std::string_view::npos) scan.first_invalid = i;
      ++i;
      continue;
    }
    if (length > 1) ++scan.multibyte;
    i += length;
  }
  return scan;
}

int line_of(std::string_view text, std::size_t offset) {
  return 1 + static_cast<int>(std::count(text.begin(),
                                         text.begin() + static_cast<std::ptrdiff_t>(offset), '\n'));
}

ParseResult parse_event_text(std::string_view text, const std::string& path,
                             EventFormat format, const ParseLimits& limits) {
  Reporter reporter(path);
  try {
    if (text.size() > limits.max_file_bytes)
      return reporter.fail(0, 0, too_large(text.size(), limits.max_file_bytes));
    if (is_utf16_or_utf32(text))
      return reporter.fail(0, 0, "file is UTF-16 (or UTF-32); save it as UTF-8");
    // Everything downstream (yaml-cpp, cmark, the index) then sees valid
    // UTF-8 without NULs, in NFC. Only bad bytes and combining accents
    // move, never a line break, so line numbers stay right.
    bool replaced = false;
    std::string clean = sanitize_utf8(text, &replaced);
    if (replaced) {
      // Looked at closely only then: most files are valid UTF-8.
      const Utf8Scan scan = scan_utf8(text);
      const int line = scan.first_invalid == std::string_view::npos
                           ? 0
                           : line_of(text, scan.first_invalid);
      if (scan.first_invalid != std::string_view::npos && scan.multibyte == 0 && !scan.nul) {
        // Not one valid UTF-8 sequence among its bytes above 127: an older
        // editor's Latin-1 or Windows-1252 (`José` as 4A 6F 73 E9). Read so,
        // the accents kept (and folded, so Jose finds it), not replaced.
        clean = sanitize_utf8(windows_1252_to_utf8(text));
        reporter.warn(line, 0,
                      "the file is not UTF-8: read as Windows-1252 (Latin-1); save it as "
                      "UTF-8");
      } else {
        reporter.warn(line, 0, "invalid UTF-8 or NUL bytes were replaced (the first on this line)");
      }
    }
    std::string_view view = clean;
    std::size_t bom = 0;
    if (view.substr(0, kBom.size()) == kBom) {
      view.remove_prefix(kBom.size());
      bom = kBom.size();
    }
    if (format == EventFormat::kJson)
      return parse_json(view, bom, reporter, limits);
    return parse_markdown(view, reporter, limits);
  } catch (const YAML::Exception& e) {
    return reporter.fail(0, 0,
                         std::string("cannot read front matter: ") + e.what());
  } catch (const std::exception& e) {
    return reporter.fail(0, 0, std::string("cannot read event: ") + e.what());
  }
}

ParseResult parse_event_file(const std::filesystem::path& path,
                             const ParseLimits& limits) {
  const std::string name = path.string();
  Reporter reporter(name);
  // Never open anything but a regular file: opening a FIFO blocks until a
  // writer appears. status() follows symlinks, so a link to a file is fine.
  std::error_code ec;
  const auto status = std::filesystem::status(path, ec);
  if (status.type() == std::filesystem::file_type::not_found)
    return reporter.fail(0, 0, "no such file");
  if (ec) return reporter.fail(0, 0, "cannot read: " + ec.message());
  if (status.type() != std::filesystem::file_type::regular)
    return reporter.fail(0, 0,
                         std::string("cannot read: ") +
                             file_type_name(status.type()) +
                             ", not a regular file");
  const auto format = event_format_for(path);
  if (!format) {
    ParseResult result;
    result.status = ParseStatus::kSkipped;
    result.skip_reason = "not an event file (extension " +
                         escape_controls(sanitize_utf8(path.extension().string())) + ")";
    return result;
  }

  // O_NONBLOCK and the fstat() re-check cover a file swapped for a FIFO
  // between status() and open().
  const int fd =
      ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
  if (fd < 0)
    return reporter.fail(0, 0,
                         std::string("cannot open: ") + std::strerror(errno));
  std::string text;
  std::string failure;
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    failure = std::string("cannot read: ") + std::strerror(errno);
  } else if (!S_ISREG(st.st_mode)) {
    failure = "cannot read: not a regular file";
  } else if (static_cast<std::uintmax_t>(st.st_size) > limits.max_file_bytes) {
    failure = too_large(static_cast<std::uintmax_t>(st.st_size),
                        limits.max_file_bytes);
  } else {
    text.resize(static_cast<std::size_t>(st.st_size));
    std::size_t done = 0;
    // Read one byte past the size seen, to notice a file that grew.
    while (true) {
      if (done == text.size()) {
        if (text.size() > limits.max_file_bytes) {
          failure = too_large(text.size(), limits.max_file_bytes);
          break;
        }
        text.resize(text.size() + 4096);
      }
      const ssize_t n = ::read(fd, text.data() + done, text.size() - done);
      if (n < 0) {
        if (errno == EINTR) continue;
        failure = std::string("cannot read: ") + std::strerror(errno);
        break;
      }
      if (n == 0) break;
      done += static_cast<std::size_t>(n);
    }
    text.resize(done);
  }
  ::close(fd);
  if (!failure.empty()) return reporter.fail(0, 0, failure);
  return parse_event_text(text, name, *format, limits);
}

}  // namespace tlsearch
