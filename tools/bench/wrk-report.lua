-- The result line every wrk script of tools/bench prints from done() (tools/bench/lib.mjs runWrk
-- reads it): "BENCH_RESULT {json}", latencies in microseconds, `extra` (a JSON fragment such as
-- '"pairs":12') appended to the object. Loaded with dofile by wrk.lua, authkit.lua, wrk-writes.lua.
return function(summary, latency, extra)
  local e = summary.errors
  io.write(string.format(
    'BENCH_RESULT {"requests":%d,"duration_us":%d,"connect":%d,"read":%d,"write":%d,"timeout":%d,"status":%d,' ..
    '"p50_us":%.1f,"p99_us":%.1f,"max_us":%.1f,"mean_us":%.1f%s}\n',
    summary.requests, summary.duration, e.connect, e.read, e.write, e.timeout, e.status,
    latency:percentile(50), latency:percentile(99), latency.max, latency.mean, extra and ("," .. extra) or ""))
end
