// The JSON form of an Event: stored as Xapian document data by the indexer,
// read back by the searcher, and printed by `tlsearch show --json`. One
// serialiser for all three; docs/schema.md documents the fields.
#ifndef TLSEARCH_EVENT_JSON_H
#define TLSEARCH_EVENT_JSON_H

#include <nlohmann/json.hpp>

#include "tlsearch/event.h"

namespace tlsearch {

// Every field of `event` except body_text (derived from body_markdown).
// Absent values are omitted or null as docs/schema.md says.
nlohmann::json event_to_json(const Event& event);

// Inverse of event_to_json(); tolerant of missing keys (they stay default).
// Throws nlohmann::json::exception only if `json` is not an object.
Event event_from_json(const nlohmann::json& json);

}  // namespace tlsearch

#endif  // TLSEARCH_EVENT_JSON_H
