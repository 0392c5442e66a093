// `tlsearch mcp`, driven as an MCP client would drive it: the binary is
// spawned with pipes and spoken to in newline-delimited JSON-RPC 2.0,
// including malformed messages, after which it must still answer. It
// searches the shared index of seeds/ (TLSEARCH_SEED_INDEX, the seed_index
// fixture) and must agree with `tlsearch --format json` on it.
#include <catch2/catch.hpp>

#include <chrono>
#include <cstdlib>
#include <string>
#include <vector>

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "../test_support.h"

extern char** environ;

using nlohmann::json;
using tlsearch::test::TempDir;

namespace {

std::string seed_index() {
  const char* path = std::getenv("TLSEARCH_SEED_INDEX");
  REQUIRE(path != nullptr);  // set by tests/mcp/CMakeLists.txt
  return path;
}

// A running `tlsearch --db DB mcp` with its stdin and stdout on pipes and
// its stderr in a file.
class McpProcess {
 public:
  McpProcess(const std::string& db, const std::string& stderr_path) {
    ::signal(SIGPIPE, SIG_IGN);
    int in[2], out[2];
    REQUIRE(::pipe(in) == 0);
    REQUIRE(::pipe(out) == 0);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, in[0], 0);
    posix_spawn_file_actions_adddup2(&actions, out[1], 1);
    posix_spawn_file_actions_addopen(&actions, 2, stderr_path.c_str(),
                                     O_WRONLY | O_CREAT | O_TRUNC, 0644);
    for (int fd : {in[0], in[1], out[0], out[1]}) posix_spawn_file_actions_addclose(&actions, fd);
    std::vector<std::string> args = {TLSEARCH_BINARY, "--db", db, "mcp"};
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    REQUIRE(posix_spawn(&pid_, TLSEARCH_BINARY, &actions, nullptr, argv.data(), environ) == 0);
    posix_spawn_file_actions_destroy(&actions);
    ::close(in[0]);
    ::close(out[1]);
    to_ = in[1];
    from_ = out[0];
  }

  ~McpProcess() {
    close_input();
    if (from_ >= 0) ::close(from_);
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
  }

  void send_raw(const std::string& bytes) {
    std::size_t done = 0;
    while (done < bytes.size()) {
      ssize_t n = ::write(to_, bytes.data() + done, bytes.size() - done);
      REQUIRE(n > 0);
      done += static_cast<std::size_t>(n);
    }
  }

  void send(const json& message) { send_raw(message.dump() + "\n"); }

  // The next line on stdout, or "" after `timeout` (the test then fails).
  std::string read_line(std::chrono::milliseconds timeout = std::chrono::seconds(20)) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
      auto newline = buffer_.find('\n');
      if (newline != std::string::npos) {
        std::string line = buffer_.substr(0, newline);
        buffer_.erase(0, newline + 1);
        return line;
      }
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) return "";
      pollfd p{from_, POLLIN, 0};
      if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) return "";
      char chunk[65536];
      ssize_t n = ::read(from_, chunk, sizeof chunk);
      if (n <= 0) return "";
      buffer_.append(chunk, static_cast<std::size_t>(n));
    }
  }

  // The next reply, parsed; every line the server writes must be JSON.
  json receive() {
    std::string line = read_line();
    INFO("server wrote: " << line);
    REQUIRE(!line.empty());
    json reply = json::parse(line, nullptr, false);
    REQUIRE(!reply.is_discarded());
    CHECK(reply["jsonrpc"] == "2.0");
    return reply;
  }

  json request(int id, const std::string& method, const json& params = json::object()) {
    send({{"jsonrpc", "2.0"}, {"id", id}, {"method", method}, {"params", params}});
    json reply = receive();
    CHECK(reply["id"] == id);
    return reply;
  }

  json call(int id, const std::string& tool, const json& arguments) {
    json reply = request(id, "tools/call", {{"name", tool}, {"arguments", arguments}});
    REQUIRE(reply.contains("result"));
    return reply["result"];
  }

  void close_input() {
    if (to_ >= 0) ::close(to_);
    to_ = -1;
  }

  // Waits for the process to exit; its exit status, or -1 if killed.
  int wait() {
    int status = 0;
    REQUIRE(::waitpid(pid_, &status, 0) == pid_);
    pid_ = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }

 private:
  pid_t pid_ = -1;
  int to_ = -1;
  int from_ = -1;
  std::string buffer_;
};

json initialize(McpProcess& mcp, const std::string& version = "2025-11-25") {
  json reply = mcp.request(1, "initialize",
                           {{"protocolVersion", version},
                            {"capabilities", json::object()},
                            {"clientInfo", {{"name", "tlsearch-test"}, {"version", "1"}}}});
  mcp.send({{"jsonrpc", "2.0"}, {"method", "notifications/initialized"}});
  return reply;
}

// `tlsearch --db DB --json ARGS...` parsed.
json cli_json(const std::string& db, const std::string& args) {
  TempDir tmp;
  std::string out = (tmp / "out").string();
  std::string cmd = std::string("'") + TLSEARCH_BINARY + "' --db '" + db + "' --json " + args +
                    " >'" + out + "'";
  REQUIRE(std::system(cmd.c_str()) == 0);
  return json::parse(tlsearch::test::read_file(out));
}

// The structured result of a successful tool call, checked against its text.
json structured(const json& result) {
  INFO(result.dump());
  REQUIRE(result["isError"] == false);
  REQUIRE(result["content"].size() == 1);
  CHECK(result["content"][0]["type"] == "text");
  CHECK(json::parse(result["content"][0]["text"].get<std::string>()) == result["structuredContent"]);
  return result["structuredContent"];
}

std::string error_text(const json& result) {
  INFO(result.dump());
  REQUIRE(result["isError"] == true);
  CHECK(!result.contains("structuredContent"));
  return result["content"][0]["text"].get<std::string>();
}

}  // namespace

TEST_CASE("mcp: initialize negotiates the protocol version", "[mcp]") {
  TempDir tmp;
  McpProcess mcp(seed_index(), (tmp / "err").string());
  json init = initialize(mcp, "2025-06-18");
  CHECK(init["result"]["protocolVersion"] == "2025-06-18");
  CHECK(init["result"]["serverInfo"]["name"] == "tlsearch");
  CHECK(init["result"]["capabilities"].contains("tools"));
  // A version the server does not know gets its latest.
  json again = mcp.request(2, "initialize", {{"protocolVersion", "1999-01-01"}});
  CHECK(again["result"]["protocolVersion"] == "2025-11-25");
  CHECK(mcp.request(3, "ping")["result"] == json::object());
  // structuredContent came with 2025-06-18: older clients get the text only.
  json old = mcp.request(4, "initialize", {{"protocolVersion", "2024-11-05"}});
  CHECK(old["result"]["protocolVersion"] == "2024-11-05");
  json result = mcp.call(5, "search", {{"query", "police"}, {"limit", 1}});
  CHECK(!result.contains("structuredContent"));
  CHECK(json::parse(result["content"][0]["text"].get<std::string>())["total"].get<int>() > 0);
  mcp.close_input();
  CHECK(mcp.wait() == 0);
  // Logs went to stderr, never stdout.
  CHECK(tlsearch::test::read_file(tmp / "err").find("tlsearch mcp:") != std::string::npos);
}

TEST_CASE("mcp: tools/list describes three read-only tools", "[mcp]") {
  TempDir tmp;
  McpProcess mcp(seed_index(), (tmp / "err").string());
  initialize(mcp);
  json tools = mcp.request(2, "tools/list")["result"]["tools"];
  std::vector<std::string> names;
  for (const auto& tool : tools) {
    names.push_back(tool["name"]);
    CHECK(tool["inputSchema"]["type"] == "object");
    CHECK(tool["inputSchema"]["properties"].is_object());
    CHECK(!tool["description"].get<std::string>().empty());
    CHECK(tool["annotations"]["readOnlyHint"] == true);
  }
  CHECK(names == std::vector<std::string>{"search", "get_event", "list_facet_values"});
  CHECK(tools[1]["inputSchema"]["required"] == json::array({"id"}));
}

TEST_CASE("mcp: search, get_event and list_facet_values agree with the command line",
          "[mcp]") {
  TempDir tmp;
  const std::string db = seed_index();
  McpProcess mcp(db, (tmp / "err").string());
  initialize(mcp);

  json found = structured(mcp.call(2, "search",
                                   {{"query", "police footage"},
                                    {"lane", {"Surveillance Infrastructure"}},
                                    {"limit", 5},
                                    {"facet_limit", 3}}));
  json cli = cli_json(db, "'police footage' -n 5 --facet-limit 3 --lane 'Surveillance Infrastructure'");
  CHECK(found["total"] == cli["total"]);
  REQUIRE(found["hits"].size() == cli["hits"].size());
  REQUIRE(!found["hits"].empty());
  for (std::size_t i = 0; i < found["hits"].size(); ++i) {
    const json& hit = found["hits"][i];
    CHECK(hit["id"] == cli["hits"][i]["id"]);
    CHECK(hit["title"] == cli["hits"][i]["title"]);
    // Sized for a model: plain-text snippets, no body, no markup.
    std::string snippet = hit["snippet"];
    CHECK(!snippet.empty());
    CHECK(snippet.find("<mark>") == std::string::npos);
    CHECK(snippet.size() < 600);
    CHECK(!hit.contains("body"));
  }
  for (const auto& [facet, values] : found["facets"].items()) {
    INFO(facet);
    REQUIRE(values.size() <= 3);
    for (std::size_t i = 0; i < values.size(); ++i) {
      CHECK(values[i]["value"] == cli["facets"][facet][i]["value"]);
      CHECK(values[i]["count"] == cli["facets"][facet][i]["count"]);
    }
  }

  // Paging: next_offset continues where the page ended.
  json first = structured(mcp.call(3, "search", {{"query", "surveillance"}, {"limit", 2}}));
  REQUIRE(first.contains("next_offset"));
  json second = structured(mcp.call(4, "search", {{"query", "surveillance"}, {"limit", 2},
                                                  {"offset", first["next_offset"]}}));
  json both = cli_json(db, "surveillance -n 4");
  CHECK(second["hits"][0]["id"] == both["hits"][2]["id"]);

  const std::string id = found["hits"][0]["id"];
  json event = structured(mcp.call(5, "get_event", {{"id", id}}));
  REQUIRE(event["events"].size() == 1);
  CHECK(event["events"][0]["id"] == id);
  CHECK(event["events"][0]["body"].get<std::string>().size() > 200);
  CHECK(!event["events"][0].contains("body_truncated"));
  json cut = structured(mcp.call(6, "get_event", {{"id", id}, {"max_chars", 50}}));
  const std::string full_body = event["events"][0]["body"].get<std::string>();
  const std::string cut_body = cut["events"][0]["body"].get<std::string>();
  CHECK(cut["events"][0]["body_truncated"] == true);
  CHECK(cut["events"][0]["body_bytes"] == full_body.size());
  // max_chars counts characters (code points), not bytes.
  std::size_t chars = 0;
  for (unsigned char c : cut_body) chars += (c & 0xC0) != 0x80;
  CHECK(chars == 50);
  CHECK(full_body.compare(0, cut_body.size(), cut_body) == 0);

  json lanes = structured(mcp.call(7, "list_facet_values",
                                   {{"facet", "lanes"}, {"prefix", "surv"}, {"limit", 5}}));
  REQUIRE(!lanes["values"].empty());
  CHECK(lanes["values"][0]["value"] == "Surveillance Infrastructure");
  json browse = cli_json(db, "--lane 'Surveillance Infrastructure' -n 1");
  CHECK(lanes["values"][0]["count"] == browse["total"]);
}

TEST_CASE("mcp: malformed messages get JSON-RPC errors and the server keeps answering",
          "[mcp]") {
  TempDir tmp;
  McpProcess mcp(seed_index(), (tmp / "err").string());
  initialize(mcp);
  auto expect_error = [&](const std::string& raw, int code, const json& id) {
    INFO("sent: " << raw.substr(0, 200));
    mcp.send_raw(raw + "\n");
    json reply = mcp.receive();
    CHECK(reply["error"]["code"] == code);
    CHECK(reply["id"] == id);
    CHECK(!reply.contains("result"));
  };
  expect_error("{\"jsonrpc\": \"2.0\", \"id\": 1, \"method\": ", -32700, nullptr);
  expect_error("not json at all", -32700, nullptr);
  expect_error("{\"jsonrpc\":\"2.0\",\"id\":9,\"method\":\"ping\",\"x\":\"\xff\xfe\"}", -32700,
               nullptr);
  expect_error("[]", -32600, nullptr);
  expect_error("[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}]", -32600, nullptr);
  expect_error("42", -32600, nullptr);
  expect_error("\"ping\"", -32600, nullptr);
  expect_error(R"({"jsonrpc":"2.0","id":10})", -32600, 10);
  expect_error(R"({"jsonrpc":"1.0","id":11,"method":"ping"})", -32600, 11);
  expect_error(R"({"id":12,"method":"ping"})", -32600, 12);
  expect_error(R"({"jsonrpc":"2.0","id":13,"method":7})", -32600, 13);
  expect_error(R"({"jsonrpc":"2.0","id":{"a":1},"method":"ping"})", -32600, nullptr);
  expect_error(R"({"jsonrpc":"2.0","id":true,"method":"ping"})", -32600, nullptr);
  expect_error(R"({"jsonrpc":"2.0","id":14,"method":"resources/list"})", -32601, 14);
  expect_error(R"({"jsonrpc":"2.0","id":"s-15","method":"nope"})", -32601, "s-15");
  expect_error(R"({"jsonrpc":"2.0","id":16,"method":"tools/call","params":"search"})", -32602, 16);
  expect_error(R"({"jsonrpc":"2.0","id":116,"method":"tools/list","params":null})", -32602, 116);
  expect_error(R"({"jsonrpc":"2.0","id":17,"method":"tools/call","params":{}})", -32602, 17);
  expect_error(R"({"jsonrpc":"2.0","id":18,"method":"tools/call","params":{"name":5}})", -32602,
               18);
  expect_error(R"({"jsonrpc":"2.0","id":19,"method":"tools/call","params":{"name":"rm_rf"}})",
               -32602, 19);
  expect_error(
      R"({"jsonrpc":"2.0","id":20,"method":"tools/call","params":{"name":"search","arguments":[1]}})",
      -32602, 20);
  expect_error(R"({"jsonrpc":"2.0","id":21,"method":"initialize","params":{}})", -32602, 21);
  // Too deep, and too long (8 MiB, past the 4 MiB limit): refused unread.
  expect_error(std::string(100000, '[') + std::string(100000, ']'), -32600, nullptr);
  expect_error("{\"jsonrpc\":\"2.0\",\"id\":22,\"method\":\"ping\",\"pad\":\"" +
                   std::string(8u << 20, 'x') + "\"}",
               -32600, nullptr);

  // Notifications and responses are never answered, even malformed ones:
  // the next reply is the ping's.
  mcp.send_raw("\n   \n");
  mcp.send({{"jsonrpc", "2.0"}, {"method", "notifications/cancelled"},
            {"params", {{"requestId", 3}}}});
  mcp.send({{"jsonrpc", "2.0"}, {"method", "no/such/notification"}, {"params", 5}});
  mcp.send({{"jsonrpc", "2.0"}, {"id", 99}, {"result", json::object()}});
  CHECK(mcp.request(23, "ping")["result"] == json::object());

  // Bad tool arguments are tool errors a model can read and fix.
  auto tool_error = [&](int id, const std::string& tool, const json& args) {
    return error_text(mcp.call(id, tool, args));
  };
  CHECK(tool_error(30, "search", {{"query", 42}}).find("'query'") != std::string::npos);
  CHECK(tool_error(31, "search", {{"limit", "ten"}}).find("'limit'") != std::string::npos);
  CHECK(tool_error(32, "search", {{"limit", 1000}}).find("between") != std::string::npos);
  CHECK(tool_error(33, "search", {{"limit", 2.5}}).find("integer") != std::string::npos);
  CHECK(tool_error(34, "search", {{"lane", {1, 2}}}).find("'lane'") != std::string::npos);
  CHECK(tool_error(35, "search", {{"colour", "red"}}).find("colour") != std::string::npos);
  CHECK(tool_error(36, "search", {{"min_importance", 99}}).find("min_importance") !=
        std::string::npos);
  CHECK(tool_error(37, "search", {{"from", "yesterday"}}).find("yesterday") != std::string::npos);
  CHECK(tool_error(38, "search", {{"sort", "sideways"}}).find("sideways") != std::string::npos);
  CHECK(tool_error(39, "search", {{"offset", -1}}).find("offset") != std::string::npos);
  CHECK(tool_error(44, "search", {{"offset", 1099511627776ull}})
            .find("not 1099511627776") != std::string::npos);
  CHECK(tool_error(45, "search", {{"from", "2020-13"}}).find("from: invalid date") !=
        std::string::npos);
  CHECK(tool_error(40, "get_event", json::object()).find("'id'") != std::string::npos);
  // A control character in the id is written out, not the end of the message.
  CHECK(tool_error(39, "get_event", {{"id", std::string("a\0b", 3)}}).find("'a\\x00b'") !=
        std::string::npos);
  CHECK(tool_error(41, "get_event", {{"id", "no-such-event"}}).find("no-such-event") !=
        std::string::npos);
  // Part of an id: the ids holding it are named, for the assistant to retry.
  CHECK(tool_error(46, "get_event", {{"id", "ring-familiar-faces"}})
            .find("ids like it: '2025-11-01--ring-familiar-faces-rollout'") != std::string::npos);
  CHECK(tool_error(42, "list_facet_values", {{"facet", "colour"}}).find("colour") !=
        std::string::npos);
  CHECK(tool_error(43, "list_facet_values", {{"limit", 5}}).find("'facet'") != std::string::npos);

  // Odd but valid input is searched, not rejected.
  for (const char* query : {"((( AND \"police", "*", "-", "title:", "caf\xc3\xa9 \xe6\x9d\xb1"}) {
    INFO(query);
    json r = mcp.call(50, "search", {{"query", query}, {"limit", 1}});
    CHECK(r["isError"] == false);
  }
  // A single string is accepted where a list is expected.
  json one = structured(mcp.call(51, "search", {{"lane", "Surveillance Infrastructure"}}));
  CHECK(one["total"].get<int>() > 0);

  // After all that, the server still answers, and ends cleanly at EOF.
  json after = structured(mcp.call(60, "search", {{"query", "police"}}));
  CHECK(after["total"].get<int>() > 0);
  mcp.close_input();
  CHECK(mcp.wait() == 0);
}

// JSON allows an escaped lone surrogate, and a JavaScript client sends one
// for a string cut inside an emoji: it is read as U+FFFD, not refused.
TEST_CASE("mcp: an escaped lone surrogate in a message is read as a replacement character",
          "[mcp]") {
  TempDir tmp;
  const std::string db = seed_index();
  McpProcess mcp(db, (tmp / "err").string());
  initialize(mcp);
  const json police = cli_json(db, "police -n 1");
  int id = 50;
  for (const std::string query :
       {R"(police \ud83d)", R"(\udc6e police)", R"(police \ud83d\ud83d)",
        R"(police \\\ud800)", R"(police \ud83d\udc6e)", R"(police \\ud800)"}) {
    INFO("query " << query);
    mcp.send_raw(R"({"jsonrpc":"2.0","id":)" + std::to_string(++id) +
                 R"(,"method":"tools/call","params":{"name":"search","arguments":{"query":")" +
                 query + R"(","limit":1}}})" + "\n");
    json reply = mcp.receive();
    REQUIRE(!reply.contains("error"));
    CHECK(reply["id"] == id);
    CHECK(structured(reply["result"])["total"] == police["total"]);
  }
  // Not JSON for other reasons: still a parse error.
  mcp.send_raw(R"({"jsonrpc":"2.0","id":70,"method":"ping","x":"\ud83d)" "\n");
  CHECK(mcp.receive()["error"]["code"] == -32700);
}

TEST_CASE("mcp: a missing index is a tool error, not a crash", "[mcp]") {
  TempDir tmp;
  McpProcess mcp((tmp / "no-index").string(), (tmp / "err").string());
  json init = initialize(mcp);
  CHECK(init["result"]["protocolVersion"] == "2025-11-25");
  std::string message = error_text(mcp.call(2, "search", {{"query", "police"}}));
  CHECK(message.find("tlsearch index") != std::string::npos);
  CHECK(mcp.request(3, "ping")["result"] == json::object());
  // Read-only: nothing was created.
  CHECK(!std::filesystem::exists(tmp / "no-index"));
}

TEST_CASE("mcp: get_event with max_chars cuts a multi-byte body on a character boundary",
          "[mcp]") {
  TempDir tmp;
  // Two-, three- and four-byte characters from the first one on, so a cut
  // counted in bytes would land inside a character or keep too few.
  std::string body;
  for (int i = 0; i < 40; ++i) body += "\xc3\xa9\xe6\x97\xa5\xf0\x9f\x93\xb0 ";
  tlsearch::test::write_file(tmp / "tl" / "wide.md",
                             "---\nid: wide\ntitle: Wide characters\ndate: 2024-01-01\n---\n" +
                                 body + "\n");
  auto indexed = tlsearch::test::run_command(
      TLSEARCH_BINARY, {"index", "-q", "--db", (tmp / "db").string(), (tmp / "tl").string()});
  REQUIRE(indexed.status == 0);
  McpProcess mcp((tmp / "db").string(), (tmp / "err").string());
  initialize(mcp);
  json full = structured(mcp.call(2, "get_event", {{"id", "wide"}}));
  REQUIRE(full["events"].size() == 1);
  const std::string full_body = full["events"][0]["body"].get<std::string>();
  REQUIRE(full_body.size() > 300);
  for (int max : {1, 2, 3, 4, 7, 13}) {
    INFO("max_chars " << max);
    json cut = structured(mcp.call(3 + max, "get_event", {{"id", "wide"}, {"max_chars", max}}));
    const std::string cut_body = cut["events"][0]["body"].get<std::string>();
    std::size_t chars = 0;
    for (unsigned char c : cut_body) chars += (c & 0xC0) != 0x80;
    CHECK(chars == static_cast<std::size_t>(max));
    CHECK(cut_body.size() > chars);  // several bytes per character
    CHECK(full_body.compare(0, cut_body.size(), cut_body) == 0);
    CHECK(cut["events"][0]["body_truncated"] == true);
    CHECK(cut["events"][0]["body_bytes"] == full_body.size());
  }
}
