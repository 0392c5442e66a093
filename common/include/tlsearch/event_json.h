// The JSON form of an Event: stored as Xapian document data by the indexer,
// read back by the searcher, and printed by `tlsearch show --json`. One
// serialiser for all three; docs/schema.md documents the fields.
#ifndef TLSEARCH_EVENT_JSON_H
#define TLSEARCH_EVENT_JSON_H

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "tlsearch/event.h"

namespace tlsearch {

// Every field of `event` except body_text (derived from body_markdown).
// Absent values are omitted or null as docs/schema.md says.
nlohmann::json event_to_json(const Event& event);

// Inverse of event_to_json(); tolerant of missing keys (they stay default).
// Throws nlohmann::json::exception only if `json` is not an object.
Event event_from_json(const nlohmann::json& json);

// The Xapian document data of an event (docs/schema.md, "Document data"):
// event_to_json() without "body", plus "v" (schema::kDataVersion). The body
// is stored in value slots instead (schema::kSlotBody, schema::kSlotText),
// so that reading a hit neither inflates nor lexes the largest field.
std::string event_to_document_data(const Event& event);

// Inverse of event_to_document_data(), without the body (the caller reads
// it from its slot). Throws nlohmann::json::exception when the JSON is
// damaged.
Event event_from_document_data(std::string_view data);

}  // namespace tlsearch

#endif  // TLSEARCH_EVENT_JSON_H
