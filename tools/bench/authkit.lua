-- wrk script for the AuthKit benchmark (tools/bench/authkit.mjs).
--   -- get PATHS_FILE                    rotates over GET paths
--   -- login EMAILS_FILE PASSWORD CLIENT  password grant, rotating over the users
-- (Refresh rotation is driven by a Node client in authkit.mjs: a wrk thread cannot tie an
-- answer to the connection that will send the next token.)
-- done() prints the shared result line (wrk-report.lua).
-- The shared result line (wrk-report.lua, next to this script).
local report = dofile((debug.getinfo(1, "S").source:sub(2):match("^(.*/)") or "./") .. "wrk-report.lua")
local started = 0
function setup(thread)
  started = started + 1
  thread:set("thread_no", started)
end

-- The first few non-200 answers of each status go to stderr, so a run with errors says why.
statuses = {}

local mode, client, password
local items, n_items, next_item = {}, 0, 0

local function lines(file)
  local out, n = {}, 0
  for line in io.lines(file) do
    if line ~= "" then n = n + 1; out[n] = line end
  end
  return out, n
end

function init(args)
  mode = args[1]
  wrk.headers["Content-Type"] = "application/json"
  if mode == "get" then
    items, n_items = lines(args[2])
  elseif mode == "login" then
    items, n_items = lines(args[2]); password = args[3]; client = args[4]
    wrk.method = "POST"
  else
    error("authkit.lua: mode must be get or login")
  end
end

function request()
  if mode == "get" then
    next_item = next_item % n_items + 1
    return wrk.format("GET", items[next_item])
  elseif mode == "login" then
    next_item = next_item % n_items + 1
    local body = string.format('{"grant_type":"password","client_id":"%s","email":"%s","password":"%s"}', client, items[next_item], password)
    return wrk.format("POST", "/user_management/authenticate", nil, body)
  end
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
  if status ~= 200 and statuses[status] <= 3 then io.stderr:write("non-200 " .. status .. ": " .. string.sub(body, 1, 300) .. "\n") end
end

function done(summary, latency, requests)
  report(summary, latency)
end
