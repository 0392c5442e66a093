// Date parsing with a report of what could not be understood, for the event
// reader's warnings. The public parse_event_date() is this without the report.
#ifndef TLSEARCH_COMMON_DATES_INTERNAL_H
#define TLSEARCH_COMMON_DATES_INTERNAL_H

#include <string>
#include <string_view>

#include "tlsearch/event.h"

namespace tlsearch::internal {

// Same result as tlsearch::parse_event_date(text). When part of the date was
// malformed or unreadable (no year, month 13, trailing words...), `*problem`
// receives one sentence saying so; it is left empty otherwise.
// REQUIRES: problem != nullptr.
EventDate parse_event_date(std::string_view text, std::string* problem);

}  // namespace tlsearch::internal

#endif  // TLSEARCH_COMMON_DATES_INTERNAL_H
