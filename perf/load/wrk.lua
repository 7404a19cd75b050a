-- wrk script shared by every scenario of perf/load/run: the same request (GET, keep-alive, no body) with the
-- access token, taken from the environment so it stays out of the process listing.
wrk.headers["Authorization"] = "Bearer " .. assert(os.getenv("LOAD_TOKEN"), "LOAD_TOKEN is not set")

-- One machine-readable line for the script. wrk's summary.errors.status counts only responses with status > 399
-- (wrk.c: "if (status > 399)"), so 1xx/3xx would pass unseen; the script therefore also checks one response's
-- exact status and body with curl before every run. Latencies are in microseconds.
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "RESULT requests=%d duration_us=%d rps=%.1f p50_us=%d p99_us=%d status_errors=%d socket_errors=%d\n",
    summary.requests, summary.duration, summary.requests / summary.duration * 1e6,
    latency:percentile(50), latency:percentile(99), e.status, e.connect + e.read + e.write + e.timeout))
end
