-- wrk script shared by every run of perf/load/run: the same request (GET, keep-alive, no body) with the access
-- token, taken from the environment so it stays out of the process listing.
wrk.headers["Authorization"] = "Bearer " .. assert(os.getenv("LOAD_TOKEN"), "LOAD_TOKEN is not set")

-- wrk's own summary.errors.status counts only statuses > 399 (wrk.c: "if (status > 399)", despite its
-- "Non-2xx or 3xx" label). An exact non-2xx count needs a response() hook, which makes wrk hand every response
-- to Lua and cost 10-30% of its throughput here: so only runs with LOAD_COUNT_NON2XX set (the warm-ups) count.
if os.getenv("LOAD_COUNT_NON2XX") then
  non2xx = 0 -- global: done() reads it from each thread with thread:get
  function response(status)
    if status < 200 or status > 299 then non2xx = non2xx + 1 end
  end
end

local threads = {}
function setup(thread) table.insert(threads, thread) end

-- One machine-readable line for the script; latencies in microseconds; non2xx=-1 when not counted.
function done(summary, latency, requests)
  local non2xx = -1
  for _, thread in ipairs(threads) do
    local n = thread:get("non2xx")
    if n then non2xx = math.max(non2xx, 0) + n end
  end
  local e = summary.errors
  io.write(string.format(
    "RESULT requests=%d duration_us=%d rps=%.1f p50_us=%d p99_us=%d status_errors=%d socket_errors=%d non2xx=%d\n",
    summary.requests, summary.duration, summary.requests / summary.duration * 1e6,
    latency:percentile(50), latency:percentile(99), e.status, e.connect + e.read + e.write + e.timeout, non2xx))
end
