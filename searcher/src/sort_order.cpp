#include "tlsearch/search_types.h"

namespace tlsearch {

std::optional<SortOrder> parse_sort_order(const std::string& text) {
  if (text == "relevance") return SortOrder::kRelevance;
  if (text == "date") return SortOrder::kDateAsc;
  if (text == "-date") return SortOrder::kDateDesc;
  if (text == "importance") return SortOrder::kImportance;
  return std::nullopt;
}

const char* sort_order_name(SortOrder order) {
  switch (order) {
    case SortOrder::kRelevance: return "relevance";
    case SortOrder::kDateAsc: return "date";
    case SortOrder::kDateDesc: return "-date";
    case SortOrder::kImportance: return "importance";
  }
  return "relevance";
}

}  // namespace tlsearch
