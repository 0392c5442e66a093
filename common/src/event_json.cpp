#include "tlsearch/event_json.h"

#include "tlsearch/schema.h"

namespace tlsearch {
namespace {

std::string get_string(const nlohmann::json& json, const char* key) {
  auto it = json.find(key);
  if (it == json.end() || !it->is_string()) return {};
  return it->get<std::string>();
}

std::vector<std::string> get_strings(const nlohmann::json& json,
                                     const char* key) {
  std::vector<std::string> out;
  auto it = json.find(key);
  if (it == json.end() || !it->is_array()) return out;
  for (const auto& item : *it)
    if (item.is_string()) out.push_back(item.get<std::string>());
  return out;
}

}  // namespace

nlohmann::json event_to_json(const Event& event) {
  nlohmann::json sources = nlohmann::json::array();
  for (const auto& s : event.sources) {
    sources.push_back({{"title", s.title},
                       {"url", s.url},
                       {"outlet", s.outlet},
                       {"date", s.date},
                       {"tier", s.tier}});
  }
  nlohmann::json json = {
      {"id", event.id},
      {"title", event.title},
      {"date", event.date.text},
      {"year", event.date.has_year() ? nlohmann::json(event.date.year)
                                     : nlohmann::json()},
      {"importance", event.importance ? nlohmann::json(*event.importance)
                                      : nlohmann::json()},
      {"status", event.status},
      {"type", event.type},
      {"location", event.location},
      {"path", event.path},
      {"lanes", event.lanes},
      {"actors", event.actors},
      {"tags", event.tags},
      {"sources", std::move(sources)},
      {"notes", event.notes},
      {"description", event.description},
      {"links", event.links},
      {"body", event.body_markdown},
  };
  return json;
}

Event event_from_json(const nlohmann::json& json) {
  Event event;
  event.id = get_string(json, "id");
  event.title = get_string(json, "title");
  event.date = parse_event_date(get_string(json, "date"));
  if (auto it = json.find("importance");
      it != json.end() && it->is_number_integer())
    event.importance = it->get<int>();
  event.status = get_string(json, "status");
  event.type = get_string(json, "type");
  event.location = get_string(json, "location");
  event.path = get_string(json, "path");
  event.lanes = get_strings(json, "lanes");
  event.actors = get_strings(json, "actors");
  event.tags = get_strings(json, "tags");
  if (auto it = json.find("sources"); it != json.end() && it->is_array()) {
    for (const auto& item : *it) {
      if (!item.is_object()) continue;
      event.sources.push_back({get_string(item, "title"),
                               get_string(item, "url"),
                               get_string(item, "outlet"),
                               get_string(item, "date"),
                               get_string(item, "tier")});
    }
  }
  event.notes = get_string(json, "notes");
  event.description = get_string(json, "description");
  event.links = get_strings(json, "links");
  event.body_markdown = get_string(json, "body");
  return event;
}

std::string event_to_document_data(const Event& event) {
  nlohmann::json json = event_to_json(event);
  json.erase("body");
  json["v"] = schema::kDataVersion;
  return json.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

Event event_from_document_data(std::string_view data) {
  return event_from_json(nlohmann::json::parse(data));
}

}  // namespace tlsearch
