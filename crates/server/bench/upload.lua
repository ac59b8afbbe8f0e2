-- wrk script: POST /prompts/upload with batches of 10 fresh public prompts.
-- The session token comes from $TOKEN.
local token = os.getenv("TOKEN")
local counter = 0

function setup(thread)
  thread:set("tid", counter)
  counter = counter + 1
end

function init(args)
  math.randomseed(os.time() * 1000 + tid * 7919)
end

local function uuid()
  return (string.gsub("xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx", "[xy]", function(c)
    local v = (c == "x") and math.random(0, 15) or math.random(8, 11)
    return string.format("%x", v)
  end))
end

function request()
  local items = {}
  for i = 1, 10 do
    items[i] = string.format(
      '{"id":"%s","content":"Benchmark prompt %d: summarise the following text in three bullet points, keeping the author\'s tone and any numbers exactly as written.","synopsis":"bench","tags":["bench","load"],"score":70,"is_private":false,"created_at":"2025-01-01T00:00:00Z","updated_at":"2025-01-01T00:00:00Z"}',
      uuid(), i)
  end
  local body = '{"prompts":[' .. table.concat(items, ",") .. "]}"
  return wrk.format("POST", "/prompts/upload",
    { ["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. token }, body)
end
