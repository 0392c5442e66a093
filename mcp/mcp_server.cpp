#include "mcp_server.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <exception>
#include <istream>
#include <new>
#include <ostream>
#include <stdexcept>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "tlsearch/error.h"
#include "tlsearch/event_json.h"
#include "tlsearch/normalize.h"
#include "tlsearch/output.h"
#include "tlsearch/searcher.h"
#include "tlsearch/version.h"

namespace tlsearch::mcp {
namespace {

using nlohmann::json;

// JSON-RPC 2.0 error codes.
constexpr int kParseError = -32700;
constexpr int kInvalidRequest = -32600;
constexpr int kMethodNotFound = -32601;
constexpr int kInvalidParams = -32602;
constexpr int kInternalError = -32603;

// Caps that keep one tool result a reasonable share of a model's context.
constexpr std::int64_t kMaxSearchLimit = 50;
constexpr std::int64_t kMaxFacetLimit = 50;
constexpr std::int64_t kMaxFacetValues = 1000;
constexpr std::int64_t kDefaultEventChars = 20000;

// A protocol error: becomes a JSON-RPC error response.
struct ProtocolError {
  int code;
  std::string message;
};

// A bad tool argument or a failed search: becomes an isError tool result.
struct ToolError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Deepest bracket nesting of a JSON text, outside strings. Checked before
// parsing so a hostile `[[[[…` costs a scan, not a deep tree.
int nesting_depth(std::string_view text) {
  int depth = 0, deepest = 0;
  bool in_string = false, escaped = false;
  for (char c : text) {
    if (in_string) {
      if (escaped) escaped = false;
      else if (c == '\\') escaped = true;
      else if (c == '"') in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      deepest = std::max(deepest, ++depth);
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return deepest;
}

// `text` with every escaped lone surrogate (`\ud83d` not followed by a low
// one, or a low one alone) written as `\ufffd`. JSON's grammar allows them,
// and a JavaScript client sends one for a string cut inside an emoji;
// nlohmann::json refuses them, so a message that fails to parse is read
// again with them replaced, as invalid text is everywhere else.
std::string replace_lone_surrogates(std::string_view text) {
  auto unit = [&](std::size_t at) -> long {  // the \uXXXX at `at`, or -1
    if (at + 6 > text.size() || text[at] != '\\' || text[at + 1] != 'u') return -1;
    long value = 0;
    for (std::size_t i = at + 2; i < at + 6; ++i) {
      const char c = text[i];
      const int digit = c >= '0' && c <= '9'   ? c - '0'
                        : c >= 'a' && c <= 'f' ? c - 'a' + 10
                        : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                               : -1;
      if (digit < 0) return -1;
      value = value * 16 + digit;
    }
    return value;
  };
  std::string out;
  out.reserve(text.size());
  bool in_string = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (!in_string) {
      in_string = c == '"';
      out += c;
      continue;
    }
    if (c == '"') {
      in_string = false;
      out += c;
      continue;
    }
    if (c != '\\' || i + 1 >= text.size()) {
      out += c;
      continue;
    }
    const long value = unit(i);
    if (value < 0) {  // another escape: copied whole
      out.append(text.substr(i, 2));
      ++i;
      continue;
    }
    const bool high = value >= 0xD800 && value <= 0xDBFF;
    const bool low = value >= 0xDC00 && value <= 0xDFFF;
    const long next = high ? unit(i + 6) : -1;
    if (high && next >= 0xDC00 && next <= 0xDFFF) {
      out.append(text.substr(i, 12));  // a pair
      i += 11;
    } else if (high || low) {
      out += "\\ufffd";
      i += 5;
    } else {
      out.append(text.substr(i, 6));
      i += 5;
    }
  }
  return out;
}

json error_reply(const json& id, int code, const std::string& message) {
  return {{"jsonrpc", "2.0"}, {"id", id}, {"error", {{"code", code}, {"message", message}}}};
}

json string_array_schema(const char* description) {
  return {{"type", "array"}, {"items", {{"type", "string"}}}, {"description", description}};
}

json tool_definitions() {
  json read_only = {{"readOnlyHint", true}, {"destructiveHint", false},
                    {"idempotentHint", true}, {"openWorldHint", false}};
  json search = {
      {"name", "search"},
      {"title", "Search the timeline"},
      {"description",
       "Full-text and faceted search over timeline events (BM25 ranking). Returns "
       "the total number of matches, one page of hits (id, title, date, importance, "
       "lanes, actors, tags and a plain-text snippet; not whole bodies: use get_event "
       "for that) and exact facet counts over all matches, to narrow the search. "
       "Query syntax: words (all required, relaxed to any when nothing matches), "
       "\"phrases\", OR, NOT, -word, word*, title:word, actor:name, tag:x, lane:x, "
       "date:2019..2021, date:>2019, importance:7..10, importance:>=8. An empty query with filters browses by date."},
      {"inputSchema",
       {{"type", "object"},
        {"properties",
         {{"query", {{"type", "string"}, {"description", "The query; may be empty when filtering"}}},
          {"lane", string_array_schema("Only events in one of these capture lanes")},
          {"actor", string_array_schema("Only events naming one of these actors")},
          {"tag", string_array_schema("Only events with one of these tags")},
          {"status", string_array_schema("Only events with one of these statuses")},
          {"type", string_array_schema("Only events of one of these types")},
          {"from", {{"type", "string"}, {"description", "From this date, inclusive: YYYY, YYYY-MM or YYYY-MM-DD"}}},
          {"to", {{"type", "string"}, {"description", "Up to this date, inclusive: YYYY, YYYY-MM or YYYY-MM-DD"}}},
          {"min_importance", {{"type", "integer"}, {"minimum", 1}, {"maximum", 10},
                              {"description", "Only events at least this important (1-10)"}}},
          {"sort", {{"type", "string"}, {"enum", {"relevance", "date", "-date", "importance"}},
                    {"description", "Default: relevance, or date when browsing"}}},
          {"limit", {{"type", "integer"}, {"minimum", 1}, {"maximum", kMaxSearchLimit},
                     {"default", 10}, {"description", "Hits to return"}}},
          {"offset", {{"type", "integer"}, {"minimum", 0}, {"default", 0},
                      {"description", "Hits to skip (paging; see next_offset)"}}},
          {"facet_limit", {{"type", "integer"}, {"minimum", 0}, {"maximum", kMaxFacetLimit},
                           {"default", 5}, {"description", "Values per facet; 0 for none"}}}}},
        {"additionalProperties", false}}},
      {"annotations", read_only}};
  json get_event = {
      {"name", "get_event"},
      {"title", "Read one event"},
      {"description",
       "The whole event with this id: title, date, importance, status, lanes, actors, "
       "tags, location, description, notes, sources (title, url, outlet, date, tier), "
       "wikilinks and the Markdown body, cut after max_chars characters (Unicode code points)."},
      {"inputSchema",
       {{"type", "object"},
        {"properties",
         {{"id", {{"type", "string"}, {"description", "The event id, as returned by search"}}},
          {"max_chars", {{"type", "integer"}, {"minimum", 0}, {"default", kDefaultEventChars},
                         {"description", "Cut the body after this many characters; 0 for no cut"}}}}},
        {"required", {"id"}},
        {"additionalProperties", false}}},
      {"annotations", read_only}};
  json list_facet_values = {
      {"name", "list_facet_values"},
      {"title", "List facet values"},
      {"description",
       "The distinct values of one facet over the whole timeline with their event "
       "counts (most frequent first), optionally only those starting with a prefix. "
       "Use it to find the exact spelling of a lane, actor or tag before filtering."},
      {"inputSchema",
       {{"type", "object"},
        {"properties",
         {{"facet", {{"type", "string"},
                     {"enum", {"lanes", "actors", "tags", "status", "type", "year", "importance"}},
                     {"description", "Which facet"}}},
          {"prefix", {{"type", "string"}, {"description", "Only values starting with this (case-insensitive)"}}},
          {"limit", {{"type", "integer"}, {"minimum", 1}, {"maximum", kMaxFacetValues},
                     {"default", 50}}}}},
        {"required", {"facet"}},
        {"additionalProperties", false}}},
      {"annotations", read_only}};
  return json::array({search, get_event, list_facet_values});
}

// ---- Reading tool arguments ----------------------------------------------------
// Each getter throws ToolError naming the argument, so the model can fix it.

class Arguments {
 public:
  Arguments(const json& args, std::vector<std::string> known) : args_(args) {
    for (const auto& [key, value] : args_.items()) {
      if (std::find(known.begin(), known.end(), key) == known.end()) {
        std::string list;
        for (const auto& k : known) list += (list.empty() ? "" : ", ") + k;
        throw ToolError("unknown argument '" + key + "' (known: " + list + ")");
      }
    }
  }

  std::optional<std::string> string(const std::string& name) const {
    const json* v = find(name);
    if (!v) return std::nullopt;
    if (!v->is_string()) throw ToolError("'" + name + "' must be a string");
    return v->get<std::string>();
  }

  // A list of strings; a single string is taken as a list of one.
  std::vector<std::string> strings(const std::string& name) const {
    const json* v = find(name);
    if (!v) return {};
    if (v->is_string()) return {v->get<std::string>()};
    if (!v->is_array()) throw ToolError("'" + name + "' must be an array of strings");
    std::vector<std::string> out;
    for (const auto& item : *v) {
      if (!item.is_string()) throw ToolError("'" + name + "' must be an array of strings");
      out.push_back(item.get<std::string>());
    }
    return out;
  }

  std::optional<std::int64_t> integer(const std::string& name, std::int64_t min,
                                      std::int64_t max) const {
    const json* v = find(name);
    if (!v) return std::nullopt;
    std::int64_t n = 0;
    if (v->is_number_integer()) {
      if (v->is_number_unsigned() && v->get<std::uint64_t>() > static_cast<std::uint64_t>(max))
        throw ToolError("'" + name + "' must be between " + std::to_string(min) + " and " +
                        std::to_string(max) + ", not " + v->dump());
      n = v->get<std::int64_t>();
    } else if (v->is_number_float() && std::isfinite(v->get<double>()) &&
               std::floor(v->get<double>()) == v->get<double>() &&
               std::fabs(v->get<double>()) < 1e15) {
      n = static_cast<std::int64_t>(v->get<double>());
    } else {
      throw ToolError("'" + name + "' must be an integer");
    }
    if (n < min || n > max)
      throw ToolError("'" + name + "' must be between " + std::to_string(min) + " and " +
                      std::to_string(max) + ", not " + std::to_string(n));
    return n;
  }

 private:
  const json* find(const std::string& name) const {
    auto it = args_.find(name);
    if (it == args_.end() || it->is_null()) return nullptr;
    return &*it;
  }
  const json& args_;
};

// Cuts `text` to at most `max` bytes without splitting a UTF-8 sequence.
// The byte length of the first `max` characters (code points) of UTF-8
// `text`; text.size() when it has no more than that.
std::size_t utf8_prefix(const std::string& text, std::size_t max) {
  std::size_t chars = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) == 0x80) continue;  // continuation
    if (chars++ == max) return i;
  }
  return text.size();
}

}  // namespace

struct Server::Impl {
  ServerOptions options;
  std::unique_ptr<Searcher> searcher;
  std::string protocol_version = kProtocolVersions[0];

  void log(const std::string& message) const {
    if (options.log) *options.log << "tlsearch mcp: " << message << "\n" << std::flush;
  }

  Searcher& open() {
    // Retried on every call until it works, so an index built after the
    // server started is picked up.
    if (!searcher) searcher = std::make_unique<Searcher>(options.db_path);
    return *searcher;
  }

  json initialize(const json& params) {
    auto requested = params.find("protocolVersion");
    if (requested == params.end() || !requested->is_string())
      throw ProtocolError{kInvalidParams, "initialize: params.protocolVersion must be a string"};
    protocol_version = kProtocolVersions[0];
    for (const char* version : kProtocolVersions)
      if (*requested == version) protocol_version = version;
    log("client asked for protocol " + requested->get<std::string>() + ", speaking " +
        protocol_version);
    return {{"protocolVersion", protocol_version},
            {"capabilities", {{"tools", {{"listChanged", false}}}}},
            {"serverInfo",
             {{"name", "tlsearch"},
              {"title", "tlsearch timeline search"},
              {"version", TLSEARCH_VERSION_STRING}}},
            {"instructions",
             "Searches a timeline of events (dated Markdown entries with lanes, actors "
             "and tags). Start with `search`; narrow with its facet counts and filters; "
             "read a whole event with `get_event`; find exact facet spellings with "
             "`list_facet_values`. Read-only."}};
  }

  json search(const json& arguments) {
    Arguments args(arguments, {"query", "lane", "actor", "tag", "status", "type", "from", "to",
                               "min_importance", "sort", "limit", "offset", "facet_limit"});
    SearchRequest request;
    request.query = args.string("query").value_or("");
    request.lanes = args.strings("lane");
    request.actors = args.strings("actor");
    request.tags = args.strings("tag");
    request.statuses = args.strings("status");
    request.types = args.strings("type");
    request.from = args.string("from").value_or("");
    request.to = args.string("to").value_or("");
    if (auto n = args.integer("min_importance", 1, 10)) request.min_importance = static_cast<int>(*n);
    if (auto sort = args.string("sort")) {
      request.sort = parse_sort_order(*sort);
      if (!request.sort)
        throw ToolError("'sort' must be relevance, date, -date or importance, not '" + *sort + "'");
    }
    request.limit = static_cast<std::size_t>(args.integer("limit", 1, kMaxSearchLimit).value_or(10));
    request.offset = static_cast<std::size_t>(
        args.integer("offset", 0, 1000000).value_or(0));
    request.facet_limit =
        static_cast<std::size_t>(args.integer("facet_limit", 0, kMaxFacetLimit).value_or(5));

    SearchResult result = open().search(request);
    json hits = json::array();
    for (const Hit& hit : result.hits) {
      hits.push_back({{"id", hit.id},
                      {"title", hit.title},
                      {"date", hit.date},
                      {"importance", hit.importance ? json(*hit.importance) : json()},
                      {"lanes", hit.lanes},
                      {"actors", hit.actors},
                      {"tags", hit.tags},
                      {"snippet", snippet_for_terminal(hit.snippet, false)}});
    }
    json facets = json::object();
    for (const FacetCounts& facet : result.facets) {
      if (facet.values.empty()) continue;
      json values = json::array();
      for (const FacetValue& v : facet.values)
        values.push_back({{"value", v.value}, {"count", v.count}});
      facets[facet.name] = std::move(values);
    }
    json out = {{"query", result.query},
                {"total", result.total},
                {"offset", result.offset},
                {"returned", result.hits.size()},
                {"sort", sort_order_name(result.sort)},
                {"hits", std::move(hits)},
                {"facets", std::move(facets)}};
    if (result.offset + result.hits.size() < result.total)
      out["next_offset"] = result.offset + result.hits.size();
    if (!result.suggestion.empty()) out["suggestion"] = result.suggestion;
    if (!result.notices.empty()) out["notices"] = result.notices;
    return out;
  }

  json get_event(const json& arguments) {
    Arguments args(arguments, {"id", "max_chars"});
    auto id = args.string("id");
    if (!id || id->empty()) throw ToolError("'id' is required: an event id returned by search");
    auto max_chars = args.integer("max_chars", 0, INT64_MAX).value_or(kDefaultEventChars);
    Searcher& searcher = open();
    std::vector<Event> events = searcher.find_events(*id);
    if (events.empty()) {
      std::string message = "no event with id '" + escape_controls(*id) + "'";
      const std::vector<std::string> similar = searcher.similar_ids(*id);
      for (std::size_t i = 0; i < similar.size(); ++i)
        message += (i == 0 ? "; ids like it: '" : ", '") + escape_controls(similar[i]) + "'";
      throw ToolError(message);
    }
    json list = json::array();
    for (const Event& event : events) {
      json e = event_to_json(event);
      auto body = e.find("body");
      if (max_chars > 0 && body != e.end() && body->is_string()) {
        const std::string& text = body->get_ref<const std::string&>();
        const std::size_t full = text.size();
        const std::size_t cut = utf8_prefix(text, static_cast<std::size_t>(max_chars));
        if (cut < full) {
          *body = text.substr(0, cut);
          e["body_truncated"] = true;
          e["body_bytes"] = full;
        }
      }
      list.push_back(std::move(e));
    }
    return {{"events", std::move(list)}};
  }

  json list_facet_values(const json& arguments) {
    Arguments args(arguments, {"facet", "prefix", "limit"});
    auto facet = args.string("facet");
    if (!facet) throw ToolError("'facet' is required: lanes, actors, tags, status, type, year or importance");
    std::string prefix = args.string("prefix").value_or("");
    auto limit = args.integer("limit", 1, kMaxFacetValues).value_or(50);
    FacetCounts counts = open().facet_values(*facet, prefix, static_cast<std::size_t>(limit));
    json values = json::array();
    for (const FacetValue& v : counts.values)
      values.push_back({{"value", v.value}, {"key", v.key}, {"count", v.count}});
    return {{"facet", counts.name}, {"distinct", counts.distinct}, {"values", std::move(values)}};
  }

  // The result as JSON text, and as structuredContent for clients of
  // revisions that have it (2025-06-18 on; dates compare as strings).
  json tool_result(json structured) const {
    json result = {{"content", json::array({{{"type", "text"}, {"text", dump_json(structured)}}})},
                   {"isError", false}};
    if (protocol_version >= std::string("2025-06-18"))
      result["structuredContent"] = std::move(structured);
    return result;
  }

  static json tool_error(const std::string& message) {
    return {{"content", json::array({{{"type", "text"}, {"text", message}}})},
            {"isError", true}};
  }

  json call_tool(const json& params) {
    auto name = params.find("name");
    if (name == params.end() || !name->is_string())
      throw ProtocolError{kInvalidParams, "tools/call: params.name must be a string"};
    json arguments = json::object();
    if (auto a = params.find("arguments"); a != params.end() && !a->is_null()) {
      if (!a->is_object())
        throw ProtocolError{kInvalidParams, "tools/call: params.arguments must be an object"};
      arguments = *a;
    }
    const std::string tool = name->get<std::string>();
    if (tool != "search" && tool != "get_event" && tool != "list_facet_values")
      throw ProtocolError{kInvalidParams, "unknown tool: " + tool};
    try {
      if (tool == "search") return tool_result(search(arguments));
      if (tool == "get_event") return tool_result(get_event(arguments));
      return tool_result(list_facet_values(arguments));
    } catch (const ToolError& e) {
      return tool_error(e.what());
    } catch (const Error& e) {
      // A missing index, a bad date, an unknown facet: all things to fix.
      return tool_error(e.what());
    }
  }

  json dispatch(const std::string& method, const json& params) {
    if (method == "initialize") return initialize(params);
    if (method == "ping") return json::object();
    if (method == "tools/list") return {{"tools", tool_definitions()}};
    if (method == "tools/call") return call_tool(params);
    throw ProtocolError{kMethodNotFound, "method not found: " + method};
  }

  // The reply to one message, or null when none is due.
  json handle(std::string_view text) {
    if (nesting_depth(text) > options.max_nesting)
      return error_reply(nullptr, kInvalidRequest,
                         "message nested deeper than " + std::to_string(options.max_nesting));
    json message = json::parse(text, nullptr, /*allow_exceptions=*/false);
    if (message.is_discarded() && text.find("\\u") != std::string_view::npos) {
      const std::string repaired = replace_lone_surrogates(text);
      if (repaired != text) message = json::parse(repaired, nullptr, /*allow_exceptions=*/false);
    }
    if (message.is_discarded()) return error_reply(nullptr, kParseError, "parse error: not JSON");
    if (message.is_array())
      return error_reply(nullptr, kInvalidRequest, "batches are not supported");
    if (!message.is_object())
      return error_reply(nullptr, kInvalidRequest, "a message must be a JSON object");

    json id;  // null unless a valid id is present
    auto id_it = message.find("id");
    const bool has_id = id_it != message.end();
    if (has_id) {
      if (!id_it->is_string() && !id_it->is_number_integer())
        return error_reply(nullptr, kInvalidRequest, "id must be a string or an integer");
      id = *id_it;
    }
    auto method_it = message.find("method");
    if (method_it == message.end()) {
      // A response to a request we never send: nothing to answer.
      if (message.contains("result") || message.contains("error")) return nullptr;
      return error_reply(id, kInvalidRequest, "missing method");
    }
    auto version = message.find("jsonrpc");
    if (version == message.end() || *version != "2.0")
      return has_id ? error_reply(id, kInvalidRequest, "jsonrpc must be \"2.0\"") : json();
    if (!method_it->is_string())
      return has_id ? error_reply(id, kInvalidRequest, "method must be a string") : json();
    const std::string method = method_it->get<std::string>();

    json params = json::object();
    // JSON-RPC 2.0: params, when present, is a structured value (for MCP an
    // object); null is not one.
    if (auto p = message.find("params"); p != message.end()) {
      if (!p->is_object())
        return has_id ? error_reply(id, kInvalidParams, "params must be an object") : json();
      params = *p;
    }
    if (!has_id) return nullptr;  // notifications (initialized, cancelled...) need no reply

    try {
      return {{"jsonrpc", "2.0"}, {"id", id}, {"result", dispatch(method, params)}};
    } catch (const ProtocolError& e) {
      return error_reply(id, e.code, e.message);
    } catch (const std::bad_alloc&) {
      return error_reply(id, kInternalError, "out of memory");
    } catch (const std::exception& e) {
      log(std::string("internal error: ") + e.what());
      return error_reply(id, kInternalError, std::string("internal error: ") + e.what());
    } catch (...) {
      log("internal error");
      return error_reply(id, kInternalError, "internal error");
    }
  }
};

Server::Server(ServerOptions options) : impl_(std::make_unique<Impl>()) {
  impl_->options = std::move(options);
}

Server::~Server() = default;

std::optional<std::string> Server::handle(std::string_view message) {
  try {
    // Blank lines between messages are tolerated, not answered.
    if (message.find_first_not_of(" \t\r") == std::string_view::npos) return std::nullopt;
    json reply = impl_->handle(message);
    if (reply.is_null()) return std::nullopt;
    if (reply.contains("error"))
      impl_->log("error " + dump_json(reply["error"]));
    return dump_json(reply);
  } catch (...) {
    // Only memory exhaustion can get here (while building a reply).
    return std::string(
        R"({"jsonrpc":"2.0","id":null,"error":{"code":-32603,"message":"internal error"}})");
  }
}

void Server::serve(std::istream& in, std::ostream& out) {
  impl_->log("serving " + impl_->options.db_path.string() + " on stdio");
  std::streambuf* buf = in.rdbuf();
  std::string line;
  bool too_long = false;
  auto finish = [&]() -> bool {
    std::optional<std::string> reply;
    if (too_long) {
      reply = dump_json(error_reply(nullptr, kInvalidRequest,
                                    "message longer than " +
                                        std::to_string(impl_->options.max_message_bytes) +
                                        " bytes"));
      impl_->log("refused a message longer than " +
                 std::to_string(impl_->options.max_message_bytes) + " bytes");
    } else {
      if (!line.empty() && line.back() == '\r') line.pop_back();
      reply = handle(line);
    }
    line.clear();
    too_long = false;
    if (reply) out << *reply << '\n' << std::flush;
    return static_cast<bool>(out);
  };
  for (;;) {
    int c = buf->sbumpc();
    if (c == std::char_traits<char>::eof()) break;
    if (c == '\n') {
      if (!finish()) return;
      continue;
    }
    if (too_long) continue;  // skip the rest of an oversized message
    if (line.size() >= impl_->options.max_message_bytes) {
      too_long = true;
      line.clear();
      line.shrink_to_fit();
      continue;
    }
    line.push_back(static_cast<char>(c));
  }
  if (!line.empty() || too_long) finish();  // a last message without newline
  impl_->log("end of input");
}

}  // namespace tlsearch::mcp
