#include "tlsearch/output.h"

#include <cstdio>
#include <sstream>

#include "tlsearch/event_json.h"

namespace tlsearch {
namespace {

const char* const kBold = "\x1b[1m";
const char* const kDim = "\x1b[2m";
const char* const kCyan = "\x1b[36m";
const char* const kYellow = "\x1b[33m";
const char* const kReset = "\x1b[0m";

struct Painter {
  bool color;
  std::string operator()(const char* code, const std::string& text) const {
    return color ? code + text + kReset : text;
  }
};

std::string join(const std::vector<std::string>& items, const char* sep) {
  std::string out;
  for (const auto& item : items) {
    if (!out.empty()) out += sep;
    out += item;
  }
  return out;
}

// Greedy word wrap of `text` to `width` columns, each line indented.
std::string wrap(const std::string& text, int width, const std::string& indent) {
  std::istringstream words(text);
  std::string word, line, out;
  int visible = 0;
  auto visible_len = [](const std::string& w) {
    int n = 0;
    bool esc = false;
    for (unsigned char c : w) {
      if (c == 0x1b) esc = true;
      else if (esc) { if (c == 'm') esc = false; }
      else if ((c & 0xC0) != 0x80) ++n;
    }
    return n;
  };
  while (words >> word) {
    int len = visible_len(word);
    if (!line.empty() && visible + 1 + len > width - static_cast<int>(indent.size())) {
      out += indent + line + "\n";
      line.clear();
      visible = 0;
    }
    if (!line.empty()) { line += ' '; ++visible; }
    line += word;
    visible += len;
  }
  if (!line.empty()) out += indent + line + "\n";
  return out;
}

}  // namespace

std::string dump_json(const nlohmann::json& json, bool pretty) {
  return json.dump(pretty ? 2 : -1, ' ', false,
                   nlohmann::json::error_handler_t::replace);
}

nlohmann::json facet_counts_to_json(const FacetCounts& counts) {
  nlohmann::json values = nlohmann::json::array();
  for (const auto& v : counts.values)
    values.push_back({{"value", v.value}, {"key", v.key}, {"count", v.count},
                      {"selected", v.selected}});
  return values;
}

nlohmann::json hit_to_json(const Hit& hit) {
  return {
      {"id", hit.id},
      {"title", hit.title},
      {"date", hit.date},
      {"year", hit.year ? nlohmann::json(*hit.year) : nlohmann::json()},
      {"importance", hit.importance ? nlohmann::json(*hit.importance) : nlohmann::json()},
      {"path", hit.path},
      {"score", hit.score},
      {"snippet", hit.snippet},
      {"lanes", hit.lanes},
      {"actors", hit.actors},
      {"tags", hit.tags},
      {"status", hit.status},
      {"type", hit.type},
  };
}

nlohmann::json search_result_to_json(const SearchResult& result) {
  nlohmann::json hits = nlohmann::json::array();
  for (const auto& hit : result.hits) hits.push_back(hit_to_json(hit));
  nlohmann::json facets = nlohmann::json::object();
  nlohmann::json distinct = nlohmann::json::object();
  for (const auto& f : result.facets) {
    facets[f.name] = facet_counts_to_json(f);
    distinct[f.name] = f.distinct;
  }
  return {
      {"version", kJsonVersion},
      {"query", result.query},
      {"total", result.total},
      {"offset", result.offset},
      {"limit", result.limit},
      {"sort", sort_order_name(result.sort)},
      {"hits", std::move(hits)},
      {"facets", std::move(facets)},
      {"facet_distinct", std::move(distinct)},
      {"suggestion", result.suggestion.empty() ? nlohmann::json()
                                               : nlohmann::json(result.suggestion)},
      {"notices", result.notices},
      {"elapsed_ms", result.elapsed_ms},
  };
}

nlohmann::json stats_to_json(const IndexStats& stats) {
  nlohmann::json facets = nlohmann::json::object();
  for (const auto& [name, n] : stats.facet_values) facets[name] = n;
  return {{"version", kJsonVersion},
          {"path", stats.path},
          {"documents", stats.documents},
          {"average_length", stats.average_length},
          {"first_date", stats.first_date},
          {"last_date", stats.last_date},
          {"bytes_on_disk", stats.bytes_on_disk},
          {"revision", stats.revision},
          {"schema_version", stats.schema_version},
          {"facet_values", std::move(facets)}};
}

nlohmann::json events_to_json(const std::vector<Event>& events) {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& e : events) list.push_back(event_to_json(e));
  return {{"version", kJsonVersion}, {"events", std::move(list)}};
}

std::string text_for_terminal(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    const auto next = [&](std::size_t k) {
      return i + k < text.size() ? static_cast<unsigned char>(text[i + k]) : 0;
    };
    if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7F) continue;
    if (c == 0xC2 && next(1) >= 0x80 && next(1) <= 0x9F) {  // U+0080-U+009F
      ++i;
      continue;
    }
    if (c == 0xE2 && ((next(1) == 0x80 && next(2) >= 0xAA && next(2) <= 0xAE) ||
                      (next(1) == 0x81 && next(2) >= 0xA6 && next(2) <= 0xA9))) {
      i += 2;  // U+202A-U+202E, U+2066-U+2069
      continue;
    }
    out += static_cast<char>(c);
  }
  return out;
}

std::string snippet_for_terminal(std::string_view raw, bool color) {
  // Cleaned first: the bold and reset codes added below are escapes too.
  const std::string clean = text_for_terminal(raw);
  const std::string_view snippet = clean;
  std::string out;
  out.reserve(snippet.size());
  static const std::pair<std::string_view, std::string_view> kEntities[] = {
      {"&amp;", "&"}, {"&lt;", "<"}, {"&gt;", ">"}, {"&quot;", "\""}, {"&#39;", "'"},
      {"&#x27;", "'"}, {"<mark>", ""}, {"</mark>", ""}};
  for (std::size_t i = 0; i < snippet.size();) {
    bool replaced = false;
    for (const auto& [from, to] : kEntities) {
      if (snippet.compare(i, from.size(), from) == 0) {
        if (from == "<mark>")
          out += color ? kBold : "";
        else if (from == "</mark>")
          out += color ? kReset : "";
        else
          out += to;
        i += from.size();
        replaced = true;
        break;
      }
    }
    if (replaced) continue;
    char c = snippet[i++];
    out += c == '\n' ? ' ' : c;
  }
  return out;
}

void print_search(const SearchResult& result, std::ostream& out,
                  const PrintStyle& style) {
  Painter paint{style.color};
  const auto safe = [](const std::string& text) { return text_for_terminal(text); };
  for (const auto& notice : result.notices)
    out << paint(kYellow, "note: " + safe(notice)) << "\n";
  std::size_t rank = result.offset;
  for (const auto& hit : result.hits) {
    ++rank;
    std::string head = std::to_string(rank) + ". " + paint(kBold, safe(hit.title));
    std::string meta = hit.date.empty() ? "undated" : safe(hit.date);
    if (hit.importance) meta += "  importance " + std::to_string(*hit.importance);
    out << head << "\n   " << paint(kCyan, meta);
    if (!hit.lanes.empty()) out << "  " << paint(kDim, safe(join(hit.lanes, " · ")));
    out << "\n   " << paint(kDim, safe(hit.id + "  " + hit.path)) << "\n";
    std::string snippet = snippet_for_terminal(hit.snippet, style.color);
    if (!snippet.empty()) out << wrap(snippet, style.width, "   ");
    out << "\n";
  }
  std::size_t first = result.hits.empty() ? 0 : result.offset + 1;
  out << paint(kBold, std::to_string(result.total) + (result.total == 1 ? " event" : " events"));
  if (!result.hits.empty())
    out << " (showing " << first << "-" << result.offset + result.hits.size() << ")";
  else if (result.total > 0 && result.limit > 0)
    out << " (none from offset " << result.offset << ")";
  out << "\n";
  if (!result.suggestion.empty())
    out << "Did you mean: " << paint(kBold, safe(result.suggestion)) << "\n";
  for (const auto& facet : result.facets) {
    if (facet.values.empty()) continue;
    std::string line;
    for (const auto& v : facet.values) {
      if (!line.empty()) line += " · ";
      std::string item = safe(v.value) + " " + std::to_string(v.count);
      line += v.selected ? paint(kBold, "[" + item + "]") : item;
    }
    if (facet.distinct > facet.values.size())
      line += " · +" + std::to_string(facet.distinct - facet.values.size()) + " more";
    out << paint(kCyan, safe(facet.name) + ":") << " " << line << "\n";
  }
}

void print_events(const std::vector<Event>& events, std::ostream& out,
                  const PrintStyle& style) {
  Painter paint{style.color};
  // Everything below comes from the event's file, the body as written.
  const auto safe = [](const std::string& text) { return text_for_terminal(text); };
  bool first = true;
  for (const auto& e : events) {
    if (!first) out << "\n" << std::string(40, '-') << "\n\n";
    first = false;
    out << paint(kBold, safe(e.title)) << "\n";
    auto field = [&](const char* name, const std::string& value) {
      if (!value.empty()) out << paint(kCyan, name) << " " << safe(value) << "\n";
    };
    field("id:        ", e.id);
    field("date:      ", e.date.text);
    field("importance:", e.importance ? std::to_string(*e.importance) : "");
    field("status:    ", e.status);
    field("type:      ", e.type);
    field("location:  ", e.location);
    field("lanes:     ", join(e.lanes, ", "));
    field("actors:    ", join(e.actors, ", "));
    field("tags:      ", join(e.tags, ", "));
    field("links:     ", join(e.links, ", "));
    field("path:      ", e.path);
    if (!e.description.empty()) out << "\n" << safe(e.description) << "\n";
    if (const std::string body = safe(e.body_markdown); !body.empty())
      out << "\n" << body << (body.back() == '\n' ? "" : "\n");
    if (!e.notes.empty()) out << "\n" << paint(kCyan, "Notes:") << " " << safe(e.notes) << "\n";
    if (!e.sources.empty()) {
      out << "\n" << paint(kCyan, "Sources:") << "\n";
      for (const auto& s : e.sources) {
        out << "  - " << safe(s.title.empty() ? s.url : s.title);
        if (!s.outlet.empty()) out << " (" << safe(s.outlet) << (s.date.empty() ? "" : ", " + safe(s.date)) << ")";
        if (!s.tier.empty()) out << " [tier " << safe(s.tier) << "]";
        out << "\n";
        if (!s.url.empty() && !s.title.empty()) out << "    " << paint(kDim, safe(s.url)) << "\n";
      }
    }
  }
}

void print_stats(const IndexStats& stats, std::ostream& out, const PrintStyle& style) {
  Painter paint{style.color};
  char size[32];
  if (stats.bytes_on_disk < 1048576)
    std::snprintf(size, sizeof size, "%.1f KiB", stats.bytes_on_disk / 1024.0);
  else
    std::snprintf(size, sizeof size, "%.1f MiB", stats.bytes_on_disk / 1048576.0);
  out << paint(kBold, "Index ") << text_for_terminal(stats.path) << "\n"
      << "  events:      " << stats.documents << "\n"
      << "  dates:       " << (stats.first_date.empty() ? "-" : stats.first_date + " .. " + stats.last_date) << "\n"
      << "  size:        " << size << "\n"
      << "  avg length:  " << static_cast<long>(stats.average_length) << " terms\n"
      << "  revision:    " << stats.revision << " (schema " << stats.schema_version << ")\n";
  for (const auto& [name, n] : stats.facet_values)
    out << "  " << text_for_terminal(name) << ":" << std::string(12 - std::min<std::size_t>(name.size(), 11), ' ') << n << " distinct\n";
}

namespace {

// One CSV field per RFC 4180: quoted when it holds a comma, quote, CR or LF,
// with quotes doubled.
std::string csv_field(const std::string& value) {
  if (value.find_first_of(",\"\r\n") == std::string::npos) return value;
  std::string out = "\"";
  for (char c : value) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

}  // namespace

void print_search_ndjson(const SearchResult& result, std::ostream& out) {
  for (const auto& hit : result.hits) out << dump_json(hit_to_json(hit)) << "\n";
}

void print_search_ids(const SearchResult& result, std::ostream& out, char end) {
  for (const auto& hit : result.hits) out << hit.id << end;
}

void print_search_paths(const SearchResult& result, std::ostream& out, char end) {
  for (const auto& hit : result.hits) out << hit.file << end;
}

void print_search_csv(const SearchResult& result, std::ostream& out) {
  out << "id,title,date,importance,path,score,lanes,actors,tags\r\n";
  for (const auto& hit : result.hits) {
    char score[32];
    std::snprintf(score, sizeof score, "%.6g", hit.score);
    out << csv_field(hit.id) << ',' << csv_field(hit.title) << ',' << csv_field(hit.date)
        << ',' << (hit.importance ? std::to_string(*hit.importance) : std::string())
        << ',' << csv_field(hit.path) << ',' << score << ','
        << csv_field(join(hit.lanes, "; ")) << ',' << csv_field(join(hit.actors, "; "))
        << ',' << csv_field(join(hit.tags, "; ")) << "\r\n";
  }
}

}  // namespace tlsearch
