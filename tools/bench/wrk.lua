-- wrk script for the benchmark scenarios (see tools/bench/lib.mjs runWrk).
--   wrk ... -s wrk.lua URL -- get PATHS_FILE   rotates over the paths in PATHS_FILE (one a line)
--   wrk ... -s wrk.lua URL -- post RUN_ID      POST /organizations with a unique name each time
-- done() prints one line, "BENCH_RESULT {json}", with latencies in microseconds.
-- The shared result line (wrk-report.lua, next to this script).
local report = dofile((debug.getinfo(1, "S").source:sub(2):match("^(.*/)") or "./") .. "wrk-report.lua")

-- setup() runs in the main Lua state; thread:set makes `thread_no` a global of that thread's state.
local started = 0

function setup(thread)
  started = started + 1
  thread:set("thread_no", started)
end

local mode, run_id
local paths, n_paths, next_path = {}, 0, 0
local counter = 0

function init(args)
  mode = args[1]
  if mode == "get" then
    for line in io.lines(args[2]) do
      if line ~= "" then
        n_paths = n_paths + 1
        paths[n_paths] = line
      end
    end
    next_path = (thread_no * 7919) % n_paths
  elseif mode == "post" then
    run_id = args[2]
    wrk.headers["Content-Type"] = "application/json"
  else
    error("wrk.lua: first argument must be get or post")
  end
end

function request()
  if mode == "get" then
    next_path = next_path % n_paths + 1
    return wrk.format("GET", paths[next_path])
  end
  counter = counter + 1
  local body = string.format('{"name":"bench %s t%d #%d"}', run_id, thread_no, counter)
  return wrk.format("POST", "/organizations", nil, body)
end

function done(summary, latency, requests)
  report(summary, latency)
end
