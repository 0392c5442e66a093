// A Model Context Protocol server for a tlsearch index (`tlsearch mcp`).
//
// MCP (https://modelcontextprotocol.io, revision 2025-11-25) is JSON-RPC 2.0;
// over the stdio transport each message is one line of UTF-8 JSON on stdin
// and each reply one line on stdout, and anything else (logs) goes to
// stderr. The server answers `initialize`, `ping`, `tools/list` and
// `tools/call`, and exposes three read-only tools: `search`, `get_event` and
// `list_facet_values`, whose results are sized for a model's context
// (snippets as plain text, not whole bodies, unless an event is asked for).
//
// Errors follow the specification: a message that is not JSON is -32700, not
// a valid request -32600, an unknown method -32601, malformed tools/call
// params or an unknown tool -32602; bad tool *arguments* and search failures
// are tool results with isError: true, so a model can read and fix them.
// No input makes the server crash or stop answering.
#ifndef TLSEARCH_MCP_SERVER_H
#define TLSEARCH_MCP_SERVER_H

#include <cstddef>
#include <filesystem>
#include <iosfwd>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace tlsearch::mcp {

// The protocol revisions this server speaks, newest first. A client asking
// for one of them gets it; any other request gets the newest.
inline constexpr const char* kProtocolVersions[] = {"2025-11-25", "2025-06-18", "2025-03-26",
                                                    "2024-11-05"};

struct ServerOptions {
  // The index to search; opened read-only on the first tool call, so a
  // missing index is a tool error, not a failure to start. Required.
  std::filesystem::path db_path;
  // Longer messages are refused (-32600) without being kept in memory.
  // Default: 4 MiB.
  std::size_t max_message_bytes = 4u << 20;
  // Deepest JSON nesting accepted in a message. Default: 64.
  int max_nesting = 64;
  // Where diagnostics go (never stdout). Default: none.
  std::ostream* log = nullptr;
};

class Server {
 public:
  explicit Server(ServerOptions options);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Handles one message (a line without its newline). Returns the reply as
  // one line of JSON without a newline, or nullopt when none is due (a
  // notification, a response, a blank line). Never throws.
  std::optional<std::string> handle(std::string_view message);

  // The stdio transport: reads newline-delimited messages from `in` until
  // end of input and writes each reply, newline-terminated and flushed, to
  // `out`. Returns when `in` ends or `out` fails.
  void serve(std::istream& in, std::ostream& out);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace tlsearch::mcp

#endif  // TLSEARCH_MCP_SERVER_H
