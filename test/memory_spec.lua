-- Memory stays bounded without the user calling collectgarbage(): tensor bytes live outside
-- the Lua heap, so the binding must make the garbage collector feel them.  Peak memory is
-- read from /proc/self/status (VmHWM, the process's resident high-water mark).
--
-- The main loop allocates a 1 MiB tensor a million times (about 5 s here) and touches one
-- element per 4 KiB page of each, so that every block handed out really becomes resident:
-- an untouched block would never show in the resident set, whatever the allocator did.
local torch = require 'torch'

local MiB = 1024 * 1024

local function status_kb(field)
  local f = assert(io.open('/proc/self/status', 'r'))
  local s = f:read('*a')
  f:close()
  local v = s:match(field .. ':%s*(%d+) kB')
  return assert(tonumber(v), 'no ' .. field .. ' in /proc/self/status')
end
local function hwm() return status_kb('VmHWM') * 1024 end
local function rss() return status_kb('VmRSS') * 1024 end

-- AddressSanitizer keeps freed memory in quarantine and adds shadow memory: resident-set
-- limits mean nothing there (`make sanitize-check` preloads the runtime).
local sanitized = (os.getenv('LD_PRELOAD') or ''):find('asan', 1, true) ~= nil

local function mib(bytes) return ('%.1f MiB'):format(bytes / MiB) end

describe('memory', function()
  if sanitized then
    it('is measured only without AddressSanitizer', function() pending('RSS limits do not apply under ASan') end)
    return
  end

  it('a million 1 MiB tensors without collectgarbage() keep the peak RSS under 64 MiB', function()
    local limit = 64 * MiB
    local start = hwm()
    assert(start < 32 * MiB, 'the process already peaked at ' .. mib(start) .. ' before the loop')
    local empty = torch.empty
    for i = 1, 1000000 do
      local x = empty(262144) -- 1 MiB of float32
      -- one write per 4 KiB page: the block is resident from here on
      x:as_strided({ 256 }, { 1024 }):fill_(1)
      if i % 4096 == 0 then
        -- stop early rather than run the machine out of memory when collection is broken
        local now = rss()
        assert(now < limit, ('resident set reached %s after %d tensors'):format(mib(now), i))
      end
    end
    local peak = hwm()
    assert(peak < limit, ('peak RSS %s (started at %s), limit %s'):format(mib(peak), mib(start), mib(limit)))
    local live = torch.memory_stats().allocated
    assert(live < 48 * MiB, 'tensor bytes still live after the loop: ' .. mib(live))
  end)

  it('100k small a + b stay flat', function()
    local a, b = torch.ones(4), torch.ones(4)
    for _ = 1, 1000 do local _ = a + b end -- warm up
    local start_hwm, start_live = hwm(), torch.memory_stats().allocated
    local lua_peak = 0
    for i = 1, 100000 do
      local c = a + b
      if i % 1000 == 0 then
        local kb = collectgarbage('count')
        if kb > lua_peak then lua_peak = kb end
        assert.are.equal(2, c[1])
      end
    end
    local growth = hwm() - start_hwm
    assert(growth < 8 * MiB, 'peak RSS grew by ' .. mib(growth))
    local live = torch.memory_stats().allocated - start_live
    assert(live < 4 * MiB, 'tensor bytes grew by ' .. mib(live))
    assert(lua_peak < 16 * 1024, ('the Lua heap reached %.0f KiB'):format(lua_peak))
  end)

  it('100k a + b of 4 KiB tensors stay flat', function()
    local a, b = torch.ones(1024), torch.ones(1024)
    for _ = 1, 1000 do local _ = a + b end
    local start_hwm = hwm()
    for i = 1, 100000 do
      local c = a + b
      if i % 10000 == 0 then assert.are.equal(2, c[1024]) end
    end
    local growth = hwm() - start_hwm
    assert(growth < 48 * MiB, 'peak RSS grew by ' .. mib(growth))
    assert(torch.memory_stats().allocated < 48 * MiB,
      'tensor bytes live: ' .. mib(torch.memory_stats().allocated))
  end)

  it('100k in-place ops and views allocate nothing that stays', function()
    local x = torch.zeros(1000)
    local start_hwm, start_live = hwm(), torch.memory_stats().allocated
    for _ = 1, 100000 do
      x:add_(1)
      local v = x:view(10, 100):t()
      local _ = v[{ { 2, 3 }, 4 }]
    end
    assert.are.equal(100000, x[1000])
    local growth = hwm() - start_hwm
    assert(growth < 8 * MiB, 'peak RSS grew by ' .. mib(growth))
    assert(torch.memory_stats().allocated - start_live < MiB, 'tensor bytes grew')
  end)
end)
