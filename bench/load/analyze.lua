-- wrk script for bench/load/run: POSTs one statement to /v1/analyze with an API key, and prints
-- one machine-readable line at the end (wrk's own report stays above it, for the human).
--
-- Environment: LEDGERLENS_KEY (the X-API-Key), LEDGERLENS_STATEMENT (path of the statement),
-- LEDGERLENS_CONTENT_TYPE (default application/json),
-- LEDGERLENS_CONNECTIONS (only echoed in the result line).

local path = os.getenv("LEDGERLENS_STATEMENT")
local file = assert(io.open(path, "rb"), "cannot open " .. tostring(path))
wrk.method = "POST"
wrk.body = file:read("*a")
file:close()
wrk.headers["X-API-Key"] = assert(os.getenv("LEDGERLENS_KEY"), "LEDGERLENS_KEY is not set")
wrk.headers["Content-Type"] = os.getenv("LEDGERLENS_CONTENT_TYPE") or "application/json"

function done(summary, latency, requests)
  local errors = summary.errors
  local seconds = summary.duration / 1e6
  io.write(string.format(
    "RESULT connections=%s requests=%d seconds=%.1f rps=%.1f p50_ms=%.1f p90_ms=%.1f p99_ms=%.1f max_ms=%.1f non2xx=%d socket_errors=%d\n",
    os.getenv("LEDGERLENS_CONNECTIONS") or "?", summary.requests, seconds, summary.requests / seconds,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000, errors.status, errors.connect + errors.read + errors.write + errors.timeout))
end
