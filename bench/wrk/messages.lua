-- wrk script: sends pre-built WeChat requests, each at most once.
-- wrk ... -s messages.lua <url> -- <file> <offset> <threads>
-- The file has one request a line: "<path and query>\t<body>". Thread k of n sends lines
-- offset+k, offset+k+n, ... When a thread runs out it starts over and counts the repeat, so
-- the driver can refuse a run that sent a message twice.
local next_id = 0
local threads = {}

function setup(thread)
  thread:set("id", next_id)
  next_id = next_id + 1
  threads[#threads + 1] = thread
end

local requests = {}
local position = 0
wrapped = 0

function init(args)
  local file, offset, threads = args[1], tonumber(args[2]), tonumber(args[3])
  local index = 0
  for line in io.lines(file) do
    if index >= offset and (index - offset) % threads == id then
      local tab = line:find("\t", 1, true)
      requests[#requests + 1] = wrk.format("POST", line:sub(1, tab - 1),
        { ["Content-Type"] = "text/xml" }, line:sub(tab + 1))
    end
    index = index + 1
  end
end

function request()
  position = position + 1
  if position > #requests then
    position = 1
    wrapped = wrapped + 1
  end
  return requests[position]
end

function done(summary, latency, requests)
  local repeats = 0
  for _, thread in ipairs(threads) do
    repeats = repeats + thread:get("wrapped")
  end
  io.write(string.format("RESULT requests=%d duration_us=%d status_errors=%d socket_errors=%d p50_us=%d p99_us=%d repeats=%d\n",
    summary.requests, summary.duration, summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    latency:percentile(50), latency:percentile(99), repeats))
end
