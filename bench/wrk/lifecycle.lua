-- One full case lifecycle per loop on each connection: intake (clerk) → accept (clerk) →
-- complete (approver) → deliver (clerk). Run with as many threads as connections (-t N -c N): a
-- thread's Lua state is its one client's state machine.
--   wrk -t8 -c8 -d10s -s lifecycle.lua http://127.0.0.1:PORT -- CLERK_TOKEN APPROVER_TOKEN BODY_FILE
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  clerk = "Bearer " .. args[1]
  approver = "Bearer " .. args[2]
  local f = assert(io.open(args[3], "r"))
  body = f:read("*a")
  f:close()
  step, number, lifecycles, created, errors = 0, nil, 0, 0, 0
end

local function post(path, token, data)
  return wrk.format("POST", path, {["Content-Type"] = "application/json", ["Authorization"] = token}, data)
end

function request()
  if step == 0 then
    return post("/api/v1/cases", clerk, body)
  elseif step == 1 then
    return post("/api/v1/cases/" .. number .. "/actions/accept", clerk, "{}")
  elseif step == 2 then
    return post("/api/v1/cases/" .. number .. "/actions/complete", approver, '{"outcome": "approved"}')
  end
  return post("/api/v1/cases/" .. number .. "/actions/deliver", clerk, '{"method": "window"}')
end

function response(status, headers, answer)
  if step == 0 then
    number = status == 201 and answer:match('"number"%s*:%s*"([^"]+)"') or nil
    if number then
      created, step = created + 1, 1
    else
      errors = errors + 1
    end
  elseif status == 200 then
    step = step + 1
    if step == 4 then
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
