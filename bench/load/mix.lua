-- wrk script: cycles through the request paths listed in $TLSEARCH_PATHS
-- (one per line), each connection starting at a different place, and
-- reports p50/p90/p99 latency and every kind of error in one line.
local paths = {}
local file = assert(io.open(os.getenv("TLSEARCH_PATHS"), "r"))
for line in file:lines() do
  if #line > 0 then paths[#paths + 1] = line end
end
file:close()

local counter = 0
function setup(thread)
  counter = counter + 1
  thread:set("start", counter * 7)
end

local index = nil
function request()
  if index == nil then index = start or 0 end
  index = index % #paths + 1
  return wrk.format("GET", paths[index])
end

function done(summary, latency, requests)
  local e = summary.errors
  local seconds = summary.duration / 1e6
  io.write(string.format(
    "RESULT requests=%d rps=%.1f p50_ms=%.2f p90_ms=%.2f p99_ms=%.2f max_ms=%.2f " ..
    "errors_connect=%d errors_read=%d errors_write=%d errors_timeout=%d non2xx=%d\n",
    summary.requests, summary.requests / seconds,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000,
    e.connect, e.read, e.write, e.timeout, e.status))
end
