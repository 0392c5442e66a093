// The page's files (server/web/), compiled into the binary by
// embed_assets.cmake. Internal to tlsearch_server.
#ifndef TLSEARCH_SERVER_WEB_ASSETS_H
#define TLSEARCH_SERVER_WEB_ASSETS_H

#include <cstddef>
#include <vector>

namespace tlsearch::server {

struct Asset {
  const char* path;          // URL path, "/app.js"
  const char* content_type;  // with charset for text
  const unsigned char* data;
  std::size_t size;
};

// Every embedded file, in the order CMake listed them.
const std::vector<Asset>& web_assets();

}  // namespace tlsearch::server

#endif  // TLSEARCH_SERVER_WEB_ASSETS_H
