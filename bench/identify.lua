-- wrk script for POST /identify: multipart uploads of real LFW photos, rotating over a set of files.
--
--   wrk -t2 -c16 -d20s --latency -s bench/identify.lua http://127.0.0.1:PORT/identify -- LIST [LIMIT]
--
-- LIST: a text file with one JPEG path per line (bench/serve.sh writes ~50 of them). Every file is read and
-- its multipart request built once, in init(); request() only hands out the next prebuilt request.
-- LIMIT (optional, > 0): each thread stops after that many responses and prints WRK_THREAD_DONE; wrk's main
-- thread still sleeps until -d, so the runner (bench/lib/benchlib.py) sends it SIGINT once all threads are
-- done: a run then ends after about threads x LIMIT requests (or at -d, whichever comes first).
-- done() prints one "WRK_JSON {...}" line with exact counts and latency percentiles for the runner to parse.

local boundary = "----VisageBenchBoundary7MA4YWxkTrZu0gW"
local requests = {}
local index = 0
local limit = 0
local responses = 0
local thread_count = 0

local function multipart(name, data)
   return "--" .. boundary .. "\r\n"
      .. 'Content-Disposition: form-data; name="image"; filename="' .. name .. '"\r\n'
      .. "Content-Type: image/jpeg\r\n\r\n"
      .. data .. "\r\n"
      .. "--" .. boundary .. "--\r\n"
end

function setup(thread)
   thread_count = thread_count + 1
   thread:set("id", thread_count)
end

function init(args)
   local list = args[1]
   if list == nil then
      error("usage: -s identify.lua URL -- LIST_OF_JPEGS [LIMIT]")
   end
   limit = tonumber(args[2] or "0") or 0
   for path in io.lines(list) do
      if path ~= "" then
         local f = assert(io.open(path, "rb"))
         local data = f:read("*a")
         f:close()
         local name = path:match("([^/]+)$")
         local headers = { ["Content-Type"] = "multipart/form-data; boundary=" .. boundary }
         requests[#requests + 1] = wrk.format("POST", nil, headers, multipart(name, data))
      end
   end
   if #requests == 0 then
      error("no images listed in " .. list)
   end
   -- Threads start at different files.
   local id = tonumber(wrk.thread:get("id")) or 1
   index = ((id - 1) * 17) % #requests
   if limit > 0 then
      response = function(status, headers, body)
         responses = responses + 1
         if responses == limit then
            -- wrk itself sleeps for the whole -d; the runner sends SIGINT once every thread said this.
            io.write("WRK_THREAD_DONE\n")
            io.flush()
            wrk.thread:stop()
         end
      end
   end
end

function request()
   index = index % #requests + 1
   return requests[index]
end

function done(summary, latency, requests_)
   local e = summary.errors
   io.write(string.format(
      'WRK_JSON {"requests":%d,"duration_us":%d,"bytes":%d,'
         .. '"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d},'
         .. '"latency_us":{"mean":%.1f,"max":%d,"p50":%d,"p90":%d,"p99":%d,"p99_9":%d}}\n',
      summary.requests, summary.duration, summary.bytes,
      e.connect, e.read, e.write, e.status, e.timeout,
      latency.mean, latency.max, latency:percentile(50), latency:percentile(90),
      latency:percentile(99), latency:percentile(99.9)))
end
