-- Lets a replica into the balancer only once its readiness says UP. HAProxy 2.6 puts a server that (re)appears in
-- Docker's DNS into service at once, before its first health check ("init-state" came in 3.1), so every server
-- starts in maintenance (haproxy.cfg: "disabled") and this task takes it out when a readiness request to its
-- management port answers 200. A server that HAProxy's own checks find DOWN goes back into maintenance, so that
-- the replica that next gets its address (a restart, a scale-up) waits for its readiness too.
local BACKEND = "visage"
local MANAGEMENT_PORT = 8081
local EVERY_MS = 200

local function ready(address)
    local socket = core.tcp()
    socket:settimeout(1)
    local ok = socket:connect(address, MANAGEMENT_PORT)
    if ok then
        socket:send("GET /actuator/health/readiness HTTP/1.0\r\nHost: lb\r\n\r\n")
        local status = socket:receive("*l")
        ok = status ~= nil and status:match("^HTTP/1%.%d 200 ") ~= nil
    end
    socket:close()
    return ok
end

core.register_task(function()
    while true do
        for _, server in pairs(core.backends[BACKEND].servers) do
            local status = server:get_stats()["status"]
            local address = server:get_addr():match("^(%d+%.%d+%.%d+%.%d+):%d+$")
            if status:find("^DOWN") then
                server:set_maint()
            elseif status == "MAINT" and address ~= nil and address ~= "0.0.0.0" and ready(address) then
                server:set_ready()
            end
        end
        core.msleep(EVERY_MS)
    end
end)
