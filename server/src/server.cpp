#include "tlsearch/server.h"

#include <sys/resource.h>

#include <algorithm>
#include <cctype>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <deque>
#include <functional>
#include <list>
#include <mutex>
#include <new>
#include <thread>
#include <string_view>
#include <utility>
#include <vector>

#include <httplib.h>
#include <nlohmann/json.hpp>

#include "request_params.h"
#include "tlsearch/error.h"
#include "tlsearch/normalize.h"
#include "tlsearch/output.h"
#include "tlsearch/searcher.h"
#include "web_assets.h"

namespace tlsearch {
namespace {

namespace fs = std::filesystem;
using httplib::Request;
using httplib::Response;

// Nothing the API accepts has a body; a few KiB leave room for clients that
// send one anyway before they get their 405.
constexpr std::size_t kMaxBodyBytes = 16 * 1024;
// Requests served on one keep-alive connection before it is closed. Each
// connection holds a worker while open, so a bounded count lets queued
// connections take turns instead of waiting for an idle one to time out.
constexpr std::size_t kKeepAliveRequests = 5;
constexpr time_t kKeepAliveSeconds = 2;
// Connections served at once, each on its own thread (see ElasticPool).
constexpr std::size_t kMaxConnectionThreads = 256;

// The page runs only its own script and style, talks only to this server,
// and cannot be framed: even if event text slipped through unescaped, an
// inline script or handler would not run.
constexpr const char* kPageSecurityPolicy =
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

// Searchers are not thread-safe and opening one costs a few system calls,
// so workers lease one each, and the pool keeps them between requests.
// At most one per busy worker thread exists.
class SearcherPool {
 public:
  explicit SearcherPool(fs::path path) : path_(std::move(path)) {}
  // Idle searchers kept between requests (each holds a few open files);
  // those returned beyond it are closed.
  void set_keep(std::size_t keep) { keep_ = keep; }

  // Runs fn(Searcher&) with a Searcher no other thread uses meanwhile. A
  // Searcher that failed with a database error is dropped, not pooled, so
  // the next request opens the index afresh (it may have been replaced).
  template <typename Fn>
  auto with_searcher(Fn fn) -> decltype(fn(std::declval<Searcher&>())) {
    std::unique_ptr<Searcher> searcher = take();
    try {
      auto result = fn(*searcher);
      give_back(std::move(searcher));
      return result;
    } catch (const Error& e) {
      if (e.kind() == ErrorKind::kUsage || e.kind() == ErrorKind::kQuery)
        give_back(std::move(searcher));
      throw;
    }
  }

 private:
  std::unique_ptr<Searcher> take() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (!free_.empty()) {
        std::unique_ptr<Searcher> searcher = std::move(free_.back());
        free_.pop_back();
        return searcher;
      }
    }
    return std::make_unique<Searcher>(path_);
  }
  void give_back(std::unique_ptr<Searcher> searcher) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (free_.size() < keep_) free_.push_back(std::move(searcher));
  }

  fs::path path_;
  std::size_t keep_ = 8;
  std::mutex mutex_;
  std::vector<std::unique_ptr<Searcher>> free_;
};

void send_json(Response& res, int status, const nlohmann::json& body) {
  res.status = status;
  // Results change whenever the index does.
  res.set_header("Cache-Control", "no-store");
  res.set_content(dump_json(body) + "\n", "application/json; charset=utf-8");
}

void send_error(Response& res, int status, const std::string& message) {
  send_json(res, status, {{"error", {{"message", message}, {"status", status}}}});
}

// Library errors: the client's fault (400) or the index's (503). No error
// a request can provoke is a 500; that is kept for our own bugs.
int status_for(const Error& e) {
  switch (e.kind()) {
    case ErrorKind::kUsage:
    case ErrorKind::kQuery:
      return 400;
    case ErrorKind::kDatabase:
    case ErrorKind::kIo:
      return 503;
  }
  return 500;
}

const char* default_message(int status) {
  switch (status) {
    case 400: return "bad request";
    case 404: return "no such route";
    case 405: return "method not allowed: the API is read-only (GET)";
    case 413: return "request too large";
    case 414: return "request URI too long (at most 8192 bytes)";
    default: return status >= 500 ? "internal server error" : "request failed";
  }
}

std::string etag_of(const server::Asset& asset) {
  std::uint64_t hash = 1469598103934665603ull;  // FNV-1a 64
  for (std::size_t i = 0; i < asset.size; ++i) {
    hash ^= asset.data[i];
    hash *= 1099511628211ull;
  }
  // Weak: httplib may send the asset gzip- or brotli-compressed, and a
  // strong tag names one exact byte sequence.
  char text[24];
  std::snprintf(text, sizeof text, "W/\"%016llx\"", static_cast<unsigned long long>(hash));
  return text;
}

// If-None-Match, compared weakly (RFC 9110 13.1.2): `*`, or any tag of the
// list equal to `etag` once `W/` is set aside.
bool none_match(const std::string& header, const std::string& etag) {
  auto opaque = [](std::string_view tag) {
    if (tag.rfind("W/", 0) == 0) tag.remove_prefix(2);
    return tag;
  };
  const std::string_view ours = opaque(etag);
  std::size_t pos = 0;
  while (pos < header.size()) {
    std::size_t end = header.find(',', pos);
    if (end == std::string::npos) end = header.size();
    std::string_view tag(header.data() + pos, end - pos);
    while (!tag.empty() && (tag.front() == ' ' || tag.front() == '\t')) tag.remove_prefix(1);
    while (!tag.empty() && (tag.back() == ' ' || tag.back() == '\t')) tag.remove_suffix(1);
    if (tag == "*" || opaque(tag) == ours) return true;
    pos = end + 1;
  }
  return false;
}

// Time each request took, for the log line: set when routing starts, read
// when the response is written, both on the worker thread serving it.
thread_local std::chrono::steady_clock::time_point request_started;
thread_local bool request_routed = false;

// cpp-httplib serves each connection on one thread from start to end, and a
// client that trickles its headers (or sends nothing) holds that thread: a
// fixed pool of 8 was blocked by 8 such clients. This pool keeps `base`
// threads and starts another whenever a connection would wait for one, up
// to `cap`; threads beyond `base` end after a few idle seconds.
class ElasticPool : public httplib::TaskQueue {
 public:
  ElasticPool(std::size_t base, std::size_t cap) : base_(base), cap_(std::max(base, cap)) {
    std::lock_guard<std::mutex> lock(mutex_);
    while (threads_ < base_) start();
  }
  ~ElasticPool() override = default;

  void enqueue(std::function<void()> fn) override {
    std::lock_guard<std::mutex> lock(mutex_);
    jobs_.push_back(std::move(fn));
    if (idle_ < jobs_.size() && threads_ < cap_) start();
    wake_.notify_one();
  }

  // Every thread is joined before this returns: none outlives the server.
  void shutdown() override {
    std::unique_lock<std::mutex> lock(mutex_);
    stopping_ = true;
    wake_.notify_all();
    ended_.wait(lock, [&] { return threads_ == 0; });
    reap();
  }

 private:
  using Slot = std::list<std::thread>::iterator;

  void start() {  // with mutex_ held
    reap();
    ++threads_;
    Slot slot = all_.emplace(all_.end());
    *slot = std::thread([this, slot] { work(slot); });
  }

  // Joins the threads that have ended (with mutex_ held; they no longer
  // need it).
  void reap() {
    for (Slot slot : finished_) {
      slot->join();
      all_.erase(slot);
    }
    finished_.clear();
  }

  void work(Slot self) {
    std::unique_lock<std::mutex> lock(mutex_);
    for (;;) {
      ++idle_;
      const bool woken = wake_.wait_for(lock, std::chrono::seconds(5), [&] {
        return !jobs_.empty() || stopping_;
      });
      --idle_;
      if (jobs_.empty()) {
        if (stopping_ || (!woken && threads_ > base_)) break;
        continue;
      }
      std::function<void()> fn = std::move(jobs_.front());
      jobs_.pop_front();
      lock.unlock();
      fn();
      lock.lock();
    }
    finished_.push_back(self);
    if (--threads_ == 0) ended_.notify_all();
  }

  const std::size_t base_, cap_;
  std::mutex mutex_;
  std::condition_variable wake_, ended_;
  std::deque<std::function<void()>> jobs_;
  std::list<std::thread> all_;
  std::vector<Slot> finished_;
  std::size_t threads_ = 0, idle_ = 0;
  bool stopping_ = false;
};

}  // namespace

struct HttpServer::Impl {
  ServeOptions options;
  server::ParamLimits limits;
  SearcherPool pool;
  httplib::Server http;
  std::vector<std::pair<const server::Asset*, std::string>> assets;  // with ETags
  int port = -1;
  int listen_socket = -1;  // the last socket httplib made to bind

  std::mutex state_mutex;
  bool stopped = false;
  std::atomic<bool> running{false};
  std::mutex log_mutex;

  explicit Impl(ServeOptions opts)
      : options(std::move(opts)), pool(options.db_path) {}

  void setup();
  // Wraps an API handler: library errors become JSON errors with their
  // status, anything else a 500 that names no internals.
  template <typename Fn>
  httplib::Server::Handler api(Fn fn) {
    return [this, fn](const Request& req, Response& res) {
      try {
        fn(req, res);
      } catch (const Error& e) {
        send_error(res, status_for(e), e.what());
      } catch (const std::bad_alloc&) {
        send_error(res, 503, "out of memory");
      } catch (const std::exception& e) {
        log(std::string("internal error: ") + e.what());
        send_error(res, 500, "internal server error");
      }
    };
  }
  void log(const std::string& line) {
    if (!options.on_request) return;
    std::lock_guard<std::mutex> lock(log_mutex);
    options.on_request(line);
  }
  void search(const Request& req, Response& res);
  void serve_asset(const Request& req, Response& res);
};

void HttpServer::Impl::search(const Request& req, Response& res) {
  server::SearchParams params = server::parse_search_params(req.params, limits);
  params.request.time_limit_seconds = options.time_limit_seconds;
  SearchResult result =
      pool.with_searcher([&](Searcher& s) { return s.search(params.request); });
  nlohmann::json json = search_result_to_json(result);
  if (!params.facets.empty()) {
    for (const char* key : {"facets", "facet_distinct"}) {
      if (!json.contains(key)) continue;
      nlohmann::json kept = nlohmann::json::object();
      for (const auto& name : params.facets)
        if (json[key].contains(name)) kept[name] = json[key][name];
      json[key] = std::move(kept);
    }
  }
  send_json(res, 200, json);
}

void HttpServer::Impl::serve_asset(const Request& req, Response& res) {
  const std::string path = req.path == "/" ? "/index.html" : req.path;
  for (const auto& [asset, etag] : assets) {
    if (path != asset->path) continue;
    res.set_header("ETag", etag);
    res.set_header("Cache-Control", "no-cache");
    res.set_header("Vary", "Accept-Encoding");
    if (std::string(asset->content_type).rfind("text/html", 0) == 0) {
      res.set_header("Content-Security-Policy", kPageSecurityPolicy);
      res.set_header("X-Frame-Options", "DENY");
    }
    if (req.has_header("If-None-Match") &&
        none_match(req.get_header_value("If-None-Match"), etag)) {
      res.status = 304;
      return;
    }
    res.status = 200;
    res.set_content(reinterpret_cast<const char*>(asset->data), asset->size,
                    asset->content_type);
    return;
  }
  send_error(res, 404, "no such page: " + req.path);
}

void HttpServer::Impl::setup() {
  limits.max_limit = options.max_limit;
  limits.max_facet_limit = options.max_facet_limit;
  for (const auto& asset : server::web_assets()) assets.emplace_back(&asset, etag_of(asset));

  std::size_t threads = options.threads;
  if (threads == 0)
    threads = std::max<std::size_t>(8, 4 * std::max(1u, std::thread::hardware_concurrency()));
  const std::size_t cap = std::max<std::size_t>(threads, kMaxConnectionThreads);
  http.new_task_queue = [threads, cap] { return new ElasticPool(threads, cap); };
  pool.set_keep(threads);
  // Up to `cap` connections, each with its socket and maybe a searcher's
  // files, would pass a soft limit of 1024 descriptors.
  struct rlimit files {};
  if (::getrlimit(RLIMIT_NOFILE, &files) == 0 && files.rlim_cur < files.rlim_max) {
    files.rlim_cur = files.rlim_max;
    ::setrlimit(RLIMIT_NOFILE, &files);
  }
  // SO_REUSEADDR only: httplib's default adds SO_REUSEPORT, which would let
  // a second server share the port silently instead of failing to start.
  http.set_socket_options([this](socket_t sock) {
    int yes = 1;
    ::setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    listen_socket = sock;
  });
  // Headers and body go out in separate writes; without TCP_NODELAY the
  // second waits for the client's delayed ACK (40 ms on Linux).
  http.set_tcp_nodelay(true);
  http.set_payload_max_length(kMaxBodyBytes);
  http.set_keep_alive_max_count(kKeepAliveRequests);
  http.set_keep_alive_timeout(kKeepAliveSeconds);

  httplib::Headers headers = {{"X-Content-Type-Options", "nosniff"},
                              {"Referrer-Policy", "no-referrer"}};
  if (!options.cors_origin.empty()) {
    headers.emplace("Access-Control-Allow-Origin", options.cors_origin);
    headers.emplace("Vary", "Origin");
  }
  http.set_default_headers(headers);

  http.set_pre_routing_handler([](const Request& req, Response&) {
    request_started = std::chrono::steady_clock::now();
    request_routed = true;
    // No partial responses: a range of a JSON answer is not JSON, and
    // cpp-httplib would build every range asked for (thousands of
    // overlapping ones) in memory. The whole body is sent with 200.
    const_cast<Request&>(req).ranges.clear();
    return httplib::Server::HandlerResponse::Unhandled;
  });
  // Called for every response of 400 and above, including ours: fill in a
  // JSON body only where the library left none (unknown route, URI too long).
  http.set_error_handler(httplib::Server::HandlerWithResponse(
      [](const Request&, Response& res) {
    if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
    send_error(res, res.status, default_message(res.status));
    return httplib::Server::HandlerResponse::Handled;
  }));
  http.set_exception_handler([this](const Request&, Response& res, std::exception_ptr) {
    log("internal error in a handler");
    send_error(res, 500, "internal server error");
  });
  if (options.on_request) {
    http.set_logger([this](const Request& req, const Response& res) {
      // Requests refused before routing (a URI too long, a bad request
      // line) have no start time of their own.
      char took[32] = " -";
      if (request_routed) {
        double ms = std::chrono::duration<double, std::milli>(
                        std::chrono::steady_clock::now() - request_started)
                        .count();
        std::snprintf(took, sizeof took, " %.1fms", ms);
      }
      request_routed = false;
      const std::string method = req.method.empty() ? "-" : req.method;
      const std::string target = req.target.empty() ? "-" : req.target;
      log(method + " " + target + " " + std::to_string(res.status) + took);
    });
  }

  http.Get("/healthz", api([this](const Request& req, Response& res) {
    server::expect_no_params(req.params);
    SearchRequest request;
    request.limit = 0;
    request.facet_limit = 0;
    SearchResult result = pool.with_searcher([&](Searcher& s) { return s.search(request); });
    send_json(res, 200, {{"status", "ok"}, {"documents", result.total}});
  }));
  http.Get("/api/search", api([this](const Request& req, Response& res) { search(req, res); }));
  http.Get(R"(/api/events/(.+))", api([this](const Request& req, Response& res) {
    server::expect_no_params(req.params);
    const std::string id = req.matches[1];
    std::vector<std::string> similar;
    std::vector<Event> events = pool.with_searcher([&](Searcher& s) {
      std::vector<Event> found = s.find_events(id);
      if (found.empty()) similar = s.similar_ids(id);
      return found;
    });
    if (events.empty()) {
      std::string message = "no event with id '" + id + "'";
      for (std::size_t i = 0; i < similar.size(); ++i)
        message += (i == 0 ? "; ids like it: '" : ", '") + similar[i] + "'";
      send_error(res, 404, message);
      return;
    }
    send_json(res, 200, events_to_json(events));
  }));
  http.Get(R"(/api/facets/([^/]+))", api([this](const Request& req, Response& res) {
    server::FacetParams params = server::parse_facet_params(req.params, limits);
    const std::string facet = req.matches[1];
    FacetCounts counts = pool.with_searcher(
        [&](Searcher& s) { return s.facet_values(facet, params.prefix, params.limit); });
    // The values in the shared shape, with what they are values of.
    send_json(res, 200,
              {{"version", kJsonVersion}, {"facet", counts.name}, {"prefix", params.prefix},
               {"distinct", counts.distinct}, {"values", facet_counts_to_json(counts)}});
  }));
  http.Get("/api/stats", api([this](const Request& req, Response& res) {
    server::expect_no_params(req.params);
    IndexStats stats = pool.with_searcher([](Searcher& s) { return s.stats(); });
    send_json(res, 200, stats_to_json(stats));
  }));
  // The page's files, by exact name only: there is no file system behind
  // this, so no path can reach anything else.
  http.Get(R"(/[^/]*)", [this](const Request& req, Response& res) { serve_asset(req, res); });

  auto not_allowed = [](const Request&, Response& res) {
    res.set_header("Allow", "GET, HEAD");
    send_error(res, 405, default_message(405));
  };
  http.Post(".*", not_allowed);
  http.Put(".*", not_allowed);
  http.Patch(".*", not_allowed);
  http.Delete(".*", not_allowed);
  http.Options(".*", [this, not_allowed](const Request& req, Response& res) {
    const bool api_path = req.path.rfind("/api/", 0) == 0 || req.path == "/healthz";
    if (options.cors_origin.empty() || !api_path) {
      not_allowed(req, res);
      return;
    }
    // CORS preflight: the API is GET only and takes no credentials.
    res.status = 204;
    res.set_header("Access-Control-Allow-Methods", "GET, HEAD");
    res.set_header("Access-Control-Allow-Headers", "Content-Type");
    res.set_header("Access-Control-Max-Age", "600");
  });
}

// What a browser sends as Origin: `*` aside, scheme://host[:port] with no
// path, no trailing slash, no space or control character. Anything else
// could never match (`https://a.example/`), or would write headers of its
// own into every response (a CR LF inside the value).
bool valid_origin(const std::string& origin) {
  if (origin == "*") return true;
  const std::size_t scheme_end = origin.find("://");
  if (scheme_end == std::string::npos || scheme_end == 0) return false;
  for (std::size_t i = 0; i < scheme_end; ++i) {
    const char c = origin[i];
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '-' || c == '.'))
      return false;
  }
  const std::string host = origin.substr(scheme_end + 3);
  if (host.empty()) return false;
  for (const char c : host) {
    const auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u == 0x7F || c == '/' || c == ',' || c == '?' || c == '#' || c == '\\')
      return false;
  }
  return true;
}

HttpServer::HttpServer(ServeOptions options) {
  if (options.port < 0 || options.port > 65535)
    throw Error(ErrorKind::kUsage,
                "port must be from 0 to 65535, not " + std::to_string(options.port));
  if (!options.cors_origin.empty() && !valid_origin(options.cors_origin))
    throw Error(ErrorKind::kUsage,
                "cors: '" + escape_controls(options.cors_origin) +
                    "' is not an origin (expected * or scheme://host[:port], such as "
                    "https://tools.example, without a path or a trailing slash)");
  // Open the index once now, so a wrong --db fails at start, not on the
  // first request.
  Searcher check(options.db_path);
  impl_ = std::make_unique<Impl>(std::move(options));
  impl_->setup();
}

HttpServer::~HttpServer() {
  stop();
}

int HttpServer::bind() {
  const ServeOptions& o = impl_->options;
  errno = 0;
  int port = o.port;
  bool ok;
  if (o.port == 0) {
    port = impl_->http.bind_to_any_port(o.host);
    ok = port > 0;
  } else {
    ok = impl_->http.bind_to_port(o.host, o.port);
  }
  if (!ok) {
    std::string why = errno ? std::string(": ") + std::strerror(errno) : std::string();
    throw Error(ErrorKind::kIo, "cannot listen on " + o.host + " port " +
                                    std::to_string(o.port) + why);
  }
  // httplib 0.11 listens with a backlog of 5: a burst of new connections
  // overflowed it and waited out TCP's SYN retries (1, 3, 7... s). Linux
  // takes a second listen() on the bound socket as a new backlog.
  if (impl_->listen_socket >= 0) ::listen(impl_->listen_socket, SOMAXCONN);
  impl_->port = port;
  return port;
}

void HttpServer::run() {
  {
    std::lock_guard<std::mutex> lock(impl_->state_mutex);
    if (impl_->stopped) return;
    impl_->running = true;
  }
  impl_->http.listen_after_bind();
  impl_->running = false;
}

void HttpServer::stop() {
  {
    std::lock_guard<std::mutex> lock(impl_->state_mutex);
    impl_->stopped = true;
  }
  // httplib's stop() does nothing until its accept loop has started, so
  // wait for that when run() is just starting.
  while (impl_->running && !impl_->http.is_running())
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  impl_->http.stop();
}

std::string HttpServer::url() const {
  const std::string& host = impl_->options.host;
  const bool v6 = host.find(':') != std::string::npos;
  return "http://" + (v6 ? "[" + host + "]" : host) + ":" + std::to_string(impl_->port) + "/";
}

}  // namespace tlsearch
