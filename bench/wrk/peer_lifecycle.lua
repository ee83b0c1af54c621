-- django-helpdesk's ticket lifecycle through its API: create → resolve (status 3) → close (status 4).
--   wrk -t8 -c8 -d10s -s peer_lifecycle.lua http://127.0.0.1:PORT -- TOKEN QUEUE_ID
dofile(debug.getinfo(1, "S").source:match("^@(.*/)") .. "lifecycle_common.lua")  -- setup, advance, done

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
  end
  advance(status, step == 0 and id or nil, 3)
end
