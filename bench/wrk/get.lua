-- Latency of one GET (headers from -H): p50/p95/p99 in ms, and every non-2xx/3xx answer counted.
--   wrk -t1 -c1 -d10s --latency -s get.lua -H "Authorization: Bearer T" http://127.0.0.1:PORT/path
function done(summary, latency, requests)
  local s = summary.errors
  io.write(string.format(
    "RESULT requests=%d status_errors=%d socket_errors=%d seconds=%.3f p50=%.2f p95=%.2f p99=%.2f\n",
    summary.requests, s.status, s.connect + s.read + s.write + s.timeout, summary.duration / 1e6,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000))
end
