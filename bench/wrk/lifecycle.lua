-- One full case lifecycle per loop on each connection: intake (clerk) → accept (clerk) →
-- complete (approver) → deliver (clerk). Run with as many threads as connections (-t N -c N): a
-- thread's Lua state is its one client's state machine.
--   wrk -t8 -c8 -d10s -s lifecycle.lua http://127.0.0.1:PORT -- CLERK_TOKEN APPROVER_TOKEN BODY_FILE
dofile(debug.getinfo(1, "S").source:match("^@(.*/)") .. "lifecycle_common.lua")  -- setup, advance, done

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
  end
  advance(status, step == 0 and number or nil, 4)
end
