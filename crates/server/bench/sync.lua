-- wrk script: GET /prompts/sync pages of $LIMIT prompts, starting at
-- $CURSOR (empty: the beginning). The session token comes from $TOKEN.
local token = os.getenv("TOKEN")
local path = "/prompts/sync?limit=" .. (os.getenv("LIMIT") or "100")
local cursor = os.getenv("CURSOR") or ""
if cursor ~= "" then path = path .. "&cursor=" .. cursor end

function request()
  return wrk.format("GET", path, { ["Authorization"] = "Bearer " .. token })
end
