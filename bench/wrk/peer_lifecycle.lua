-- django-helpdesk's ticket lifecycle through its API: create → resolve (status 3) → close (status 4).
--   wrk -t8 -c8 -d10s -s peer_lifecycle.lua http://127.0.0.1:PORT -- TOKEN QUEUE_ID
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  auth = "Token " .. args[1]
  body = '{"queue": ' .. args[2] .. ', "title": "申请", "description": "生活困难", '
    .. '"submitter_email": "a@example.org", "priority": 3}'
  step, id, lifecycles, created, errors = 0, nil, 0, 0, 0
end

function request()
  local headers = {["Content-Type"] = "application/json", ["Authorization"] = auth}
  if step == 0 then
    return wrk.format("POST", "/api/tickets/", headers, body)
  end
  return wrk.format("PATCH", "/api/tickets/" .. id .. "/", headers, step == 1 and '{"status": 3}' or '{"status": 4}')
end

function response(status, headers, answer)
  if step == 0 then
    id = status == 201 and answer:match('^{"id":(%d+)') or nil
    if id then created, step = created + 1, 1 else errors = errors + 1 end
  elseif status == 200 then
    step = step + 1
    if step == 3 then lifecycles, step = lifecycles + 1, 0 end
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
