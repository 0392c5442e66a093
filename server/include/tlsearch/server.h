// `tlsearch serve`: the search engine over HTTP. A JSON API with the same
// shapes as the CLI's --json (one serialiser, tlsearch/output.h) and a
// faceted search page whose files are compiled into the binary.
//
// Example:
//   tlsearch::ServeOptions options;
//   options.db_path = "timeline.db";
//   options.port = 0;                       // any free port
//   tlsearch::HttpServer server(options);   // throws if there is no index
//   int port = server.bind();
//   std::thread thread([&] { server.run(); });
//   ...                                     // GET http://127.0.0.1:port/api/search?q=...
//   server.stop();
//   thread.join();
//
// Routes (docs/json.md has the shapes; README "Serve" the parameters):
//   GET /                     the search page (and /app.js, /app.css, ...)
//   GET /api/search           q, lane, actor, tag, status, type (repeatable),
//                             from, to, min_importance, sort, offset, limit,
//                             facet_limit, facets (names to return)
//   GET /api/events/{id}      {"version":1,"events":[...]}, 404 when none
//   GET /api/facets/{facet}   prefix, limit: {"version":1,"facet","prefix",
//                             "distinct","values":[{"value","key","count",
//                             "selected"}]}, values of one facet index-wide
//   GET /api/stats            index statistics
//   GET /healthz              {"status":"ok","documents":N}
// Errors are {"error":{"message":"...","status":N}}: 400 for bad parameters,
// 404 for unknown routes and events, 413/414 for oversized requests, 503
// when the index cannot be read; never 500 for anything a client sends.
//
// The server is read-only. Each worker thread searches with its own
// tlsearch::Searcher (not thread-safe), which reopens the index when it
// changes, so a new `tlsearch index` run is served without a restart.
#ifndef TLSEARCH_SERVER_H
#define TLSEARCH_SERVER_H

#include <cstddef>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>

namespace tlsearch {

struct ServeOptions {
  // The index to serve. Required.
  std::filesystem::path db_path;
  // Address to listen on. Default: loopback only.
  std::string host = "127.0.0.1";
  // Port; 0 picks a free one (HttpServer::bind returns it). Default: 8080.
  int port = 8080;
  // Worker threads kept; each serves one connection at a time, and more are
  // started (up to 256) while connections wait for one. Idle searchers kept
  // open: as many. Default (0): 4 per core, at least 8.
  std::size_t threads = 0;
  // When not empty, API responses carry Access-Control-Allow-Origin with
  // this origin (`*` allowed) and preflight requests are answered.
  // Default: no CORS headers, so other sites' pages cannot read the API.
  std::string cors_origin;
  // Ceilings of `limit` (hits per page) and of `limit`/`facet_limit` for
  // facet values; larger requests get 400. Default: 100 and 1000.
  std::size_t max_limit = 100;
  std::size_t max_facet_limit = 1000;
  // Time budget of each match pass of a search, in seconds (see
  // SearchRequest::time_limit_seconds). Default: 5.
  double time_limit_seconds = 5;
  // Called with one line per request ("GET /api/search?q=x 200 1.2ms"),
  // from worker threads, serialised. Default: none.
  std::function<void(const std::string&)> on_request;
};

class HttpServer {
 public:
  // Checks that `options.db_path` is a readable tlsearch index and sets up
  // the routes. Throws tlsearch::Error kDatabase when it is not, kUsage for
  // an unusable option (port out of range).
  explicit HttpServer(ServeOptions options);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds the listening socket and returns its port (the chosen one when
  // options.port is 0). Throws tlsearch::Error kIo when the address cannot
  // be bound (in use, not local, no permission).
  int bind();

  // Serves until stop() is called. REQUIRES: bind() succeeded. Blocks the
  // calling thread; the workers are started and joined inside.
  void run();

  // Makes run() return after the requests in progress. Thread-safe; may be
  // called before run() starts, from any thread (not a signal handler).
  void stop();

  // "http://host:port/" once bound (IPv6 hosts in brackets).
  std::string url() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace tlsearch

#endif  // TLSEARCH_SERVER_H
