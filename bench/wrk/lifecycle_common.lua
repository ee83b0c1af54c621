-- What both lifecycle scripts (ours and django-helpdesk's) share: one Lua state per client thread that
-- counts its lifecycles, created records and errors, and the RESULT line the harness parses.
-- Loaded with dofile() from the script's own folder.
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

-- After the answer to step `step` of `steps` (step 0 creates; `key` is what it returned or nil).
function advance(status, key, steps)
  if step == 0 then
    if key then
      created, step = created + 1, 1
    else
      errors = errors + 1
    end
  elseif status == 200 then
    step = step + 1
    if step == steps then
      lifecycles, step = lifecycles + 1, 0
    end
  else
    errors, step = errors + 1, 0
  end
end

function done(summary, latency, requests)
  local n, c, e = 0, 0, 0
  for _, t in ipairs(threads) do
    n, c, e = n + t:get("lifecycles"), c + t:get("created"), e + t:get("errors")
  end
  local s = summary.errors
  io.write(string.format(
    "RESULT lifecycles=%d created=%d errors=%d socket_errors=%d requests=%d seconds=%.3f p50=%.2f p95=%.2f p99=%.2f\n",
    n, c, e, s.connect + s.read + s.write + s.timeout, summary.requests, summary.duration / 1e6,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000))
end
