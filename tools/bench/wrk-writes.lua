-- wrk script for the write scenarios whose every request carries a new body (tools/bench/lib.mjs
-- runWrk with script 'wrk-writes.lua'). wrk builds each body in its Lua state, at a few
-- microseconds of CPU a request, where a Node load generator spent 0.2-0.3 ms: on this 2-core
-- machine the generator shares the cores with what it measures, so its own cost is taken from them.
--   -- audit RUN_ID ORGS_FILE FIRST PATH   POST PATH: an audit-log event, organizations in turn from
--                                          ORGS_FILE (one a line), each with its own Idempotency-Key;
--                                          events are numbered from FIRST (unique across phases)
--   -- radar RUN_ID FIRST PATH             POST PATH: a sign-in attempt from its own IP and email, the
--                                          /24 changing with each attempt (no control fires)
--   -- vault-pairs CONTEXT_JSON            POST /vault/v1/keys/data-key, then /vault/v1/keys/decrypt of
--                                          the blob it returned (by the next connection free; a wrk
--                                          thread cannot pick the connection); pairs counts decrypts
-- The thread count must be 1 (-t1): counters are per Lua state. done() prints
-- "BENCH_RESULT {json}" as wrk.lua does, plus "pairs" and the first non-2xx answers on stderr.
-- The shared result line (wrk-report.lua, next to this script).
local report = dofile((debug.getinfo(1, "S").source:sub(2):match("^(.*/)") or "./") .. "wrk-report.lua")

local threads = {}
function setup(thread)
  table.insert(threads, thread)
end

local mode, run_id, path, seq = nil, nil, nil, 0
local orgs, n_orgs = {}, 0
local audit_headers = {}
local context
local blobs, n_blobs = {}, 0
pairs_done = 0
local shown = 0

function init(args)
  mode = args[1]
  wrk.headers["Content-Type"] = "application/json"
  if mode == "audit" then
    run_id = args[2]
    for line in io.lines(args[3]) do
      if line ~= "" then n_orgs = n_orgs + 1; orgs[n_orgs] = line end
    end
    seq = tonumber(args[4])
    path = args[5]
    -- wrk.format takes a request's headers whole: the -H ones are copied once, the key set per request.
    for k, v in pairs(wrk.headers) do audit_headers[k] = v end
  elseif mode == "radar" then
    run_id = args[2]
    seq = tonumber(args[3])
    path = args[4]
  elseif mode == "vault-pairs" then
    context = args[2]
  else
    error("wrk-writes.lua: mode must be audit, radar or vault-pairs")
  end
end

local AUDIT = '{"organization_id":"%s","event":{"action":"document.updated","occurred_at":"%s","version":1,' ..
  '"actor":{"id":"user_%d","type":"user","name":"Jon Smith","metadata":{"role":"admin"}},' ..
  '"targets":[{"id":"doc_%d","type":"document","name":"Q3 plan"}],' ..
  '"context":{"location":"203.0.113.7","user_agent":"Mozilla/5.0 (bench)"},"metadata":{"bench":"%s-%d"}}}'
local BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36"
local RADAR = '{"ip_address":"10.%d.%d.%d","user_agent":"' .. BROWSER .. '","email":"b%d-%s@bench.example.com","auth_method":"Password","action":"sign-in"}'

function request()
  seq = seq + 1
  if mode == "audit" then
    local org = orgs[seq % n_orgs + 1]
    local body = string.format(AUDIT, org, os.date("!%Y-%m-%dT%H:%M:%S.000Z"), seq % 997, seq, run_id, seq)
    audit_headers["Idempotency-Key"] = "workos-node-" .. run_id .. "-" .. seq
    return wrk.format("POST", path, audit_headers, body)
  elseif mode == "radar" then
    -- The low bits pick the second octet, so consecutive attempts fall in different /24s.
    local body = string.format(RADAR, seq % 256, math.floor(seq / 256) % 256, math.floor(seq / 65536) % 256, seq, run_id)
    return wrk.format("POST", path, nil, body)
  end
  if n_blobs > 0 then
    local blob = blobs[n_blobs]
    blobs[n_blobs] = nil
    n_blobs = n_blobs - 1
    return wrk.format("POST", "/vault/v1/keys/decrypt", nil, '{"keys":"' .. blob .. '"}')
  end
  return wrk.format("POST", "/vault/v1/keys/data-key", nil, '{"context":' .. context .. '}')
end

function response(status, headers, body)
  if status >= 300 then
    if shown < 3 then
      shown = shown + 1
      io.stderr:write("non-2xx " .. status .. ": " .. string.sub(body, 1, 300) .. "\n")
    end
    return
  end
  if mode ~= "vault-pairs" then return end
  local blob = string.match(body, '"encrypted_keys":"([^"]+)"')
  if blob then
    n_blobs = n_blobs + 1
    blobs[n_blobs] = blob
  else
    pairs_done = pairs_done + 1
  end
end

function done(summary, latency, requests)
  report(summary, latency, string.format('"pairs":%d', threads[1]:get("pairs_done")))
end
