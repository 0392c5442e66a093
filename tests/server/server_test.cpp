// `tlsearch serve` over real HTTP: a server on an ephemeral loopback port,
// a small index written by each test, responses decoded field by field.
#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <mutex>

#include <httplib.h>
#include <nlohmann/json.hpp>

#include "../test_support.h"
#include "tlsearch/error.h"
#include "tlsearch/indexer.h"
#include "tlsearch/output.h"
#include "tlsearch/searcher.h"
#include "tlsearch/server.h"

namespace fs = std::filesystem;
using nlohmann::json;
using tlsearch::test::TempDir;
using tlsearch::test::write_file;

namespace {

std::string event_file(const std::string& id, const std::string& title,
                       const std::string& date, int importance,
                       const std::vector<std::string>& lanes,
                       const std::vector<std::string>& actors, const std::string& body) {
  std::string text = "---\nid: " + id + "\ntitle: \"" + title + "\"\ndate: '" + date +
                     "'\nimportance: " + std::to_string(importance) +
                     "\nstatus: confirmed\ncapture_lanes:\n";
  for (const auto& lane : lanes) text += "  - " + lane + "\n";
  text += "actors:\n";
  for (const auto& actor : actors) text += "  - " + actor + "\n";
  text +=
      "sources:\n  - title: Report\n    url: https://example.org/report\n    tier: 1\n";
  return text + "---\n\n" + body + "\n";
}

// Four events over three lanes: Courts {one, two}, Surveillance {one,
// four}, Labor {three, four}.
void write_events(const fs::path& folder) {
  write_file(folder / "one.md",
             event_file("alpha-one", "Police drones over the harbour", "2019-03-04", 8,
                        {"Surveillance", "Courts"}, {"City Police"},
                        "Drones filmed the harbour protest for the police."));
  write_file(folder / "two.md",
             event_file("alpha-two", "Court blocks drone warrant", "2020-05-06", 5,
                        {"Courts"}, {"Judge Lee"},
                        "The court found the drone warrant too broad."));
  write_file(folder / "three.md",
             event_file("beta-three", "Harbour union strike", "2021-07-08", 6, {"Labor"},
                        {"Dock Union"}, "Dock workers struck. See [[alpha-one]]."));
  write_file(folder / "four.md",
             event_file("beta-four", "Union watched by drones", "2019-11-01", 3,
                        {"Labor", "Surveillance"}, {"Dock Union", "City Police"},
                        "Police drones followed union organisers."));
}

void index_folder(const fs::path& folder, const fs::path& db) {
  tlsearch::IndexOptions options;
  options.db_path = db;
  tlsearch::index_paths({folder}, options);
}

// An index of the four events and a server on it, stopped at scope end.
class Served {
 public:
  explicit Served(tlsearch::ServeOptions options = {}) {
    write_events(events_);
    index_folder(events_, db_);
    options.db_path = db_;
    options.port = 0;
    server_ = std::make_unique<tlsearch::HttpServer>(options);
    port_ = server_->bind();
    thread_ = std::thread([this] { server_->run(); });
  }
  ~Served() {
    server_->stop();
    thread_.join();
  }
  Served(const Served&) = delete;
  Served& operator=(const Served&) = delete;

  int port() const { return port_; }
  const fs::path& events() const { return events_; }
  const fs::path& db() const { return db_; }
  tlsearch::HttpServer& server() { return *server_; }

  // GET `path`; the response (status -1 when the request failed).
  httplib::Result get(const std::string& path, const httplib::Headers& headers = {}) {
    httplib::Client client("127.0.0.1", port_);
    return client.Get(path.c_str(), headers);
  }
  json get_json(const std::string& path, int expected_status = 200) {
    auto res = get(path);
    REQUIRE(res);
    INFO(path << " -> " << res->body);
    CHECK(res->status == expected_status);
    CHECK(res->get_header_value("Content-Type").rfind("application/json", 0) == 0);
    return json::parse(res->body);
  }

 private:
  TempDir dir_;
  fs::path events_ = dir_ / "events";
  fs::path db_ = dir_ / "db";
  std::unique_ptr<tlsearch::HttpServer> server_;
  std::thread thread_;
  int port_ = 0;
};

// Opens a connection to the server and leaves it as it is.
int open_connection(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  REQUIRE(fd >= 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  return fd;
}

// Sends `request` byte for byte (no client normalising the path) and
// returns the whole response.
std::string raw_request(int port, const std::string& request) {
  int fd = open_connection(port);
  REQUIRE(::send(fd, request.data(), request.size(), 0) == static_cast<ssize_t>(request.size()));
  std::string response;
  char buf[4096];
  for (ssize_t n; (n = ::recv(fd, buf, sizeof buf, 0)) > 0;) response.append(buf, n);
  ::close(fd);
  return response;
}

int status_of(const std::string& response) {
  if (response.rfind("HTTP/1.1 ", 0) != 0) return -1;
  return std::stoi(response.substr(9, 3));
}

std::vector<std::string> hit_ids(const json& result) {
  std::vector<std::string> ids;
  for (const auto& hit : result["hits"]) ids.push_back(hit["id"]);
  return ids;
}

// "Courts=2*|Labor=2|..." in the facet's order; `*` marks selected values.
std::string facet_string(const json& values) {
  std::string out;
  for (const auto& v : values)
    out += (out.empty() ? "" : "|") + v["value"].get<std::string>() + "=" +
           std::to_string(v["count"].get<int>()) + (v["selected"].get<bool>() ? "*" : "");
  return out;
}

}  // namespace

TEST_CASE("healthz and search answer with the CLI's JSON", "[server]") {
  Served served;
  json health = served.get_json("/healthz");
  CHECK(health["status"] == "ok");
  CHECK(health["documents"] == 4);

  json result = served.get_json("/api/search?q=drones&limit=2&facet_limit=5");
  CHECK(result["version"] == 1);
  CHECK(result["total"] == 3);
  CHECK(result["limit"] == 2);
  CHECK(result["sort"] == "relevance");
  REQUIRE(result["hits"].size() == 2);
  const json& hit = result["hits"][0];
  for (const char* key : {"id", "title", "date", "year", "importance", "path", "score",
                          "snippet", "lanes", "actors", "tags", "status", "type"})
    CHECK(hit.contains(key));
  CHECK(hit["snippet"].get<std::string>().find("<mark>") != std::string::npos);
  CHECK(result["facets"].contains("lanes"));
  CHECK(result["facet_distinct"]["lanes"] == 3);

  // Byte for byte what the shared serialiser makes of the same request,
  // apart from the time it took.
  tlsearch::Searcher searcher(served.db());
  tlsearch::SearchRequest request;
  request.query = "drones";
  request.limit = 2;
  request.facet_limit = 5;
  json direct = tlsearch::search_result_to_json(searcher.search(request));
  result.erase("elapsed_ms");
  direct.erase("elapsed_ms");
  CHECK(result == direct);
}

TEST_CASE("facets are disjunctive over HTTP, filters combine", "[server][facets]") {
  Served served;
  json all = served.get_json("/api/search");
  CHECK(all["total"] == 4);
  CHECK(facet_string(all["facets"]["lanes"]) == "Courts=2|Labor=2|Surveillance=2");

  json courts = served.get_json("/api/search?lane=Courts");
  CHECK(courts["total"] == 2);
  CHECK(courts["sort"] == "date");  // browsing: oldest first
  CHECK(hit_ids(courts) == std::vector<std::string>{"alpha-one", "alpha-two"});
  // The lane facet ignores its own filter, the others do not.
  CHECK(facet_string(courts["facets"]["lanes"]) == "Courts=2*|Labor=2|Surveillance=2");
  CHECK(facet_string(courts["facets"]["actors"]) == "City Police=1|Judge Lee=1");

  // Repeated: OR within the facet; across facets: AND.
  json two = served.get_json("/api/search?lane=Courts&lane=labor");
  CHECK(two["total"] == 4);
  CHECK(facet_string(two["facets"]["lanes"]) == "Courts=2*|Labor=2*|Surveillance=2");
  json and_actor = served.get_json("/api/search?lane=Labor&actor=City%20Police&sort=-date");
  CHECK(hit_ids(and_actor) == std::vector<std::string>{"beta-four"});

  json dated = served.get_json(
      "/api/search?q=drones&from=2019-06&to=2020&min_importance=4&sort=date");
  CHECK(hit_ids(dated) == std::vector<std::string>{"alpha-two"});

  // `facets` narrows the answer to the named facets (same counts).
  json years = served.get_json("/api/search?limit=0&facet_limit=100&facets=year,lane");
  CHECK(years["hits"].empty());
  CHECK(years["facets"].size() == 2);
  CHECK(facet_string(years["facets"]["year"]) == "2019=2|2020=1|2021=1");
  CHECK(years["facet_distinct"].size() == 2);
}

TEST_CASE("events, facet values and stats", "[server]") {
  Served served;
  json one = served.get_json("/api/events/alpha-one");
  REQUIRE(one["events"].size() == 1);
  CHECK(one["events"][0]["title"] == "Police drones over the harbour");
  CHECK(one["events"][0]["sources"][0]["url"] == "https://example.org/report");
  json three = served.get_json("/api/events/BETA-THREE");  // ids ignore case
  CHECK(three["events"][0]["links"] == json::array({"alpha-one"}));
  tlsearch::Searcher searcher(served.db());
  CHECK(one == tlsearch::events_to_json(searcher.find_events("alpha-one")));

  json missing = served.get_json("/api/events/no-such-event", 404);
  CHECK(missing["error"]["status"] == 404);
  CHECK(missing["error"]["message"].get<std::string>().find("no-such-event") !=
        std::string::npos);
  json slip = served.get_json("/api/events/alpha-on", 404);
  CHECK(slip["error"]["message"] == "no event with id 'alpha-on'; ids like it: 'alpha-one'");

  json actors = served.get_json("/api/facets/actors?prefix=dock");
  CHECK(actors["facet"] == "actors");
  CHECK(actors["distinct"] == 1);
  CHECK(facet_string(actors["values"]) == "Dock Union=2");
  json police = served.get_json("/api/facets/actor?prefix=POL");  // a word inside
  CHECK(facet_string(police["values"]) == "City Police=2");
  json limited = served.get_json("/api/facets/lanes?limit=1");
  CHECK(limited["values"].size() == 1);
  CHECK(limited["distinct"] == 3);

  json stats = served.get_json("/api/stats");
  CHECK(stats["documents"] == 4);
  CHECK(stats["first_date"] == "2019-03-04");
}

TEST_CASE("bad parameters are 400 with a message naming them", "[server][errors]") {
  Served served;
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"/api/search?limit=abc", "limit"},
      {"/api/search?limit=-1", "limit"},
      {"/api/search?limit=101", "limit"},
      {"/api/search?limit=99999999999999999999", "limit"},
      {"/api/search?offset=1e3", "offset"},
      {"/api/search?facet_limit=1001", "facet_limit"},
      {"/api/search?min_importance=11", "min_importance"},
      {"/api/search?sort=newest", "sort"},
      {"/api/search?q=a&q=b", "q"},
      {"/api/search?lanes=Courts", "lanes"},
      {"/api/search?facets=colour", "colour"},
      {"/api/search?from=2019-13", "from: invalid date '2019-13'"},
      {"/api/search?to=yesterday", "to: invalid date 'yesterday'"},
      {"/api/facets/colour", "colour"},
      {"/api/facets/lanes?limit=0", "limit"},
      {"/api/facets/lanes?lang=en", "lang"},
      {"/api/stats?verbose=1", "verbose"},
  };
  for (const auto& [path, named] : cases) {
    json error = served.get_json(path, 400);
    INFO(path << " -> " << error.dump());
    CHECK(error["error"]["status"] == 400);
    CHECK(error["error"]["message"].get<std::string>().find(named) != std::string::npos);
  }
}

TEST_CASE("odd queries never make a 500", "[server][errors]") {
  Served served;
  for (const std::string& q : std::vector<std::string>{"%22", "*", "a*", "(", "title:", "AND OR NOT", "%FF%FE", "date:..",
                        "importance:99", "%00", "lane:%22%22", std::string(3000, 'x')}) {
    auto res = served.get("/api/search?q=" + q);
    REQUIRE(res);
    INFO(q << " -> " << res->status << " " << res->body);
    CHECK((res->status == 200 || res->status == 400));
    CHECK_NOTHROW(json::parse(res->body));
  }
  // Longer than the server accepts in a request line.
  auto res = served.get("/api/search?q=" + std::string(9000, 'y'));
  REQUIRE(res);
  CHECK(res->status == 414);
  CHECK(json::parse(res->body)["error"]["status"] == 414);
}

TEST_CASE("unknown routes are 404 and writes 405, as JSON", "[server][errors]") {
  Served served;
  CHECK(served.get_json("/api/nothing", 404)["error"]["status"] == 404);
  CHECK(served.get_json("/nothing.html", 404)["error"]["status"] == 404);
  CHECK(served.get_json("/api/events/", 404)["error"]["status"] == 404);
  httplib::Client client("127.0.0.1", served.port());
  auto post = client.Post("/api/search", "q=x", "application/x-www-form-urlencoded");
  REQUIRE(post);
  CHECK(post->status == 405);
  CHECK(post->get_header_value("Allow") == "GET, HEAD");
  auto del = client.Delete("/api/events/alpha-one");
  REQUIRE(del);
  CHECK(del->status == 405);
  CHECK(served.get_json("/api/events/alpha-one")["events"].size() == 1);
}

TEST_CASE("the page and its files are served from the binary, nothing else",
          "[server][static]") {
  Served served;
  auto page = served.get("/");
  REQUIRE(page);
  CHECK(page->status == 200);
  CHECK(page->get_header_value("Content-Type") == "text/html; charset=utf-8");
  CHECK(page->body.find("app.js") != std::string::npos);
  CHECK(page->get_header_value("Content-Security-Policy").find("script-src 'self'") !=
        std::string::npos);
  CHECK(page->get_header_value("X-Content-Type-Options") == "nosniff");
  auto script = served.get("/app.js");
  REQUIRE(script);
  CHECK(script->status == 200);
  CHECK(script->get_header_value("Content-Type").rfind("text/javascript", 0) == 0);
  const std::string etag = script->get_header_value("ETag");
  CHECK(!etag.empty());
  CHECK(etag.rfind("W/\"", 0) == 0);  // the same for compressed copies
  CHECK(script->get_header_value("Vary") == "Accept-Encoding");
  auto again = served.get("/app.js", {{"If-None-Match", etag}});
  REQUIRE(again);
  CHECK(again->status == 304);
  CHECK(again->body.empty());
  // Lists, `*` and the tag without W/ match as well (weak comparison).
  for (const std::string& header : {"\"other\", " + etag, std::string("*"), etag.substr(2)}) {
    INFO(header);
    auto cached = served.get("/app.js", {{"If-None-Match", header}});
    REQUIRE(cached);
    CHECK(cached->status == 304);
  }
  auto changed = served.get("/app.js", {{"If-None-Match", "W/\"0000000000000000\""}});
  REQUIRE(changed);
  CHECK(changed->status == 200);

  // Traversal attempts, sent raw so no client tidies the path first.
  const std::string secret = "tlsearch-secret-" + std::to_string(::getpid());
  write_file(served.db().parent_path() / "secret.txt", secret);
  for (const char* path :
       {"/../secret.txt", "/../../../../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd",
        "/..%2f..%2f..%2fetc%2fpasswd", "/app.js/../../secret.txt", "//etc/passwd",
        "/index.html%00.js", "/web/app.js", "/server/web/index.html", "/.%2e/secret.txt",
        "/%5c..%5csecret.txt", "/CMakeLists.txt"}) {
    std::string response = raw_request(
        served.port(),
        std::string("GET ") + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    INFO(path << " -> " << response.substr(0, 200));
    int status = status_of(response);
    CHECK((status == 404 || status == 400));
    CHECK(response.find(secret) == std::string::npos);
    CHECK(response.find("root:") == std::string::npos);
  }
}

TEST_CASE("serve --cors takes * or an origin, nothing a browser could not send", "[server][cors]") {
  TempDir dir;
  write_events(dir / "events");
  index_folder(dir / "events", dir / "db");
  for (const char* bad : {"https://a.example/", "https://a\r\nX-Injected: 1",
                          "https://a, https://b", "not a url", "://host", "https://",
                          "https://a.example/path"}) {
    INFO(bad);
    tlsearch::ServeOptions options;
    options.db_path = dir / "db";
    options.port = 0;
    options.cors_origin = bad;
    try {
      tlsearch::HttpServer server(options);
      FAIL("took --cors " << bad);
    } catch (const tlsearch::Error& e) {
      CHECK(e.kind() == tlsearch::ErrorKind::kUsage);
      const std::string what = e.what();
      CHECK(what.find("is not an origin") != std::string::npos);
      CHECK(what.find('\r') == std::string::npos);
    }
  }
  for (const char* good : {"*", "https://tools.example", "http://localhost:3000"}) {
    INFO(good);
    tlsearch::ServeOptions options;
    options.db_path = dir / "db";
    options.port = 0;
    options.cors_origin = good;
    CHECK_NOTHROW(tlsearch::HttpServer(options));
  }
}

TEST_CASE("CORS headers only with --cors", "[server][cors]") {
  {
    Served served;
    auto res = served.get("/api/search?q=drones", {{"Origin", "https://elsewhere.example"}});
    REQUIRE(res);
    CHECK(res->status == 200);
    CHECK(!res->has_header("Access-Control-Allow-Origin"));
    httplib::Client client("127.0.0.1", served.port());
    auto preflight = client.Options("/api/search");
    REQUIRE(preflight);
    CHECK(preflight->status == 405);
  }
  tlsearch::ServeOptions options;
  options.cors_origin = "https://tools.example";
  Served served(options);
  auto res = served.get("/api/search?q=drones", {{"Origin", "https://tools.example"}});
  REQUIRE(res);
  CHECK(res->get_header_value("Access-Control-Allow-Origin") == "https://tools.example");
  auto error = served.get("/api/search?limit=x");
  REQUIRE(error);
  CHECK(error->get_header_value("Access-Control-Allow-Origin") == "https://tools.example");
  httplib::Client client("127.0.0.1", served.port());
  auto preflight = client.Options("/api/search");
  REQUIRE(preflight);
  CHECK(preflight->status == 204);
  CHECK(preflight->get_header_value("Access-Control-Allow-Methods") == "GET, HEAD");
}

TEST_CASE("a commit while serving is picked up without a restart", "[server]") {
  Served served;
  CHECK(served.get_json("/api/search?q=zebra")["total"] == 0);
  served.get_json("/api/events/gamma-five", 404);
  write_file(served.events() / "five.md",
             event_file("gamma-five", "Zebra crossing cameras", "2022-01-02", 4, {"Courts"},
                        {"City Police"}, "Cameras at every zebra crossing."));
  std::remove((served.events() / "two.md").c_str());
  index_folder(served.events(), served.db());
  json found = served.get_json("/api/search?q=zebra");
  CHECK(hit_ids(found) == std::vector<std::string>{"gamma-five"});
  CHECK(served.get_json("/api/events/gamma-five")["events"].size() == 1);
  served.get_json("/api/events/alpha-two", 404);
  CHECK(served.get_json("/healthz")["documents"] == 4);
  CHECK(facet_string(served.get_json("/api/search?lane=Courts")["facets"]["lanes"]) ==
        "Courts=2*|Labor=2|Surveillance=2");
}

TEST_CASE("concurrent requests each get their own searcher", "[server]") {
  tlsearch::ServeOptions options;
  options.threads = 4;
  Served served(options);
  std::vector<std::thread> clients;
  std::atomic<int> ok{0};
  for (int t = 0; t < 8; ++t) {
    clients.emplace_back([&, t] {
      httplib::Client client("127.0.0.1", served.port());
      for (int i = 0; i < 25; ++i) {
        auto res = client.Get(t % 2 ? "/api/search?q=drones&lane=Courts" : "/api/search?q=union");
        if (res && res->status == 200 &&
            json::parse(res->body)["total"] == (t % 2 ? 2 : 2))
          ++ok;
      }
    });
  }
  for (auto& c : clients) c.join();
  CHECK(ok == 200);
}

TEST_CASE("slow and idle clients do not hold up the others", "[server][errors]") {
  tlsearch::ServeOptions options;
  options.threads = 2;
  Served served(options);
  // Ten clients that connect and say nothing, ten that send half a request:
  // each holds a thread for as long as it likes (a kept one would wait 5 s
  // per read before giving up).
  std::vector<int> idle;
  for (int i = 0; i < 20; ++i) {
    idle.push_back(open_connection(served.port()));
    if (i % 2) {
      const std::string half = "GET /healthz HTTP/1.1\r\nHost: x\r\n";
      REQUIRE(::send(idle.back(), half.data(), half.size(), 0) ==
              static_cast<ssize_t>(half.size()));
    }
  }
  httplib::Client client("127.0.0.1", served.port());
  client.set_connection_timeout(3);
  client.set_read_timeout(3);
  for (int i = 0; i < 3; ++i) {
    auto res = client.Get("/api/search?q=drones");
    REQUIRE(res);
    CHECK(res->status == 200);
    CHECK(json::parse(res->body)["total"] == 3);
  }
  for (int fd : idle) ::close(fd);
}

TEST_CASE("Range headers are ignored: answers are whole", "[server][errors]") {
  Served served;
  const std::string whole = served.get("/api/search?q=drones")->body;
  std::string response = raw_request(
      served.port(),
      "GET /api/search?q=drones HTTP/1.1\r\nHost: x\r\nRange: bytes=0-10\r\n"
      "Connection: close\r\n\r\n");
  CHECK(status_of(response) == 200);
  const std::string body = response.substr(response.find("\r\n\r\n") + 4);
  CHECK(json::parse(body)["total"] == 3);
  // Thousands of overlapping ranges would have built each of them.
  std::string ranges = "bytes=0-";
  for (int i = 0; i < 2000; ++i) ranges += ",0-";
  const std::size_t script = served.get("/app.js")->body.size();
  response = raw_request(served.port(), "GET /app.js HTTP/1.1\r\nHost: x\r\nRange: " +
                                            ranges + "\r\nConnection: close\r\n\r\n");
  CHECK(status_of(response) == 200);
  CHECK(response.size() < script + 2000);
  CHECK(response.size() > script);
}

TEST_CASE("the request log has no made-up times for requests refused early",
          "[server][errors]") {
  std::mutex mutex;
  std::vector<std::string> lines;
  tlsearch::ServeOptions options;
  options.threads = 1;
  options.on_request = [&](const std::string& line) {
    std::lock_guard<std::mutex> lock(mutex);
    lines.push_back(line);
  };
  Served served(options);
  served.get("/healthz");
  served.get("/api/search?q=" + std::string(9000, 'a'));
  served.get("/healthz");
  // A line is written after its response: wait for the last one.
  for (int i = 0; i < 200; ++i) {
    {
      std::lock_guard<std::mutex> lock(mutex);
      if (lines.size() >= 3) break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  std::lock_guard<std::mutex> lock(mutex);
  REQUIRE(lines.size() == 3);
  int timed = 0, refused = 0;
  for (const auto& line : lines) {
    INFO(line);
    timed += line.rfind("GET /healthz 200 ", 0) == 0 && line.back() == 's';
    refused += line.find(" 414 -") != std::string::npos;
  }
  CHECK(timed == 2);
  CHECK(refused == 1);
}

TEST_CASE("a missing index fails at start, a busy port says so", "[server][errors]") {
  TempDir dir;
  tlsearch::ServeOptions options;
  options.db_path = dir / "nothing";
  CHECK_THROWS_WITH(tlsearch::HttpServer(options), Catch::Contains("no index at"));

  Served served;
  tlsearch::ServeOptions same;
  same.db_path = served.db();
  same.port = served.port();
  tlsearch::HttpServer second(same);
  CHECK_THROWS_WITH(second.bind(), Catch::Contains("cannot listen"));
}

TEST_CASE("`tlsearch serve --port 0` prints its URL and stops on SIGTERM", "[server][cli]") {
  TempDir dir;
  write_events(dir / "events");
  index_folder(dir / "events", dir / "db");
  int out[2];
  REQUIRE(::pipe(out) == 0);
  pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    ::dup2(out[1], 1);
    ::freopen("/dev/null", "w", stderr);
    ::close(out[0]);
    ::close(out[1]);
    const std::string db = (dir / "db").string();
    ::execl(TLSEARCH_BINARY, "tlsearch", "--db", db.c_str(), "serve", "--port", "0", "-q",
            static_cast<char*>(nullptr));
    ::_exit(127);
  }
  ::close(out[1]);
  std::string line;
  char c;
  while (::read(out[0], &c, 1) == 1 && c != '\n') line += c;
  ::close(out[0]);
  INFO("first line: " << line);
  REQUIRE(line.rfind("http://127.0.0.1:", 0) == 0);
  int port = std::stoi(line.substr(17));
  httplib::Client client("127.0.0.1", port);
  auto res = client.Get("/healthz");
  REQUIRE(res);
  CHECK(res->status == 200);
  ::kill(pid, SIGTERM);
  int status = 0;
  REQUIRE(::waitpid(pid, &status, 0) == pid);
  CHECK(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
}
