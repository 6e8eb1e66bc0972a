-- torch.cuda: the CUDA devices, their streams, events, memory and random seeds.
--
-- The C side is the module torch.cuda_core (lib/THC), loaded on first use: `require 'torch'`
-- stays as fast on a machine with CUDA as without, and a build or machine without CUDA only
-- makes is_available() false, with the reason as its second result.  Tensor ops on CUDA
-- tensors need nothing from here: they go through the same dispatch table as CPU tensors.
-- Device indices are 0-based, as in 'cuda:0'.
local torch = require 'torch'

local cuda = {}
local state = { loaded = false }

-- Loads and initialises the backend once; returns the C module or nil, reason.
local function backend()
  if state.loaded then return state.core, state.reason end
  state.loaded = true
  local ok, core = pcall(require, 'torch.cuda_core')
  if not ok then
    state.reason = 'this build has no CUDA backend (torch.cuda_core could not be loaded: '
      .. tostring(core):gsub('\n.*', '') .. ')'
    return nil, state.reason
  end
  local ready, reason = core.init()
  if not ready then
    state.reason = reason
    return nil, reason
  end
  state.core = core
  for _, fn in pairs(state.pending) do fn(core) end
  state.pending = {}
  return core
end
state.pending = {}

-- Runs fn(core) now when the backend is loaded, otherwise once it loads: settings made before
-- (torch.manual_seed's seed for every GPU, allow_tf32) wait, the last one of each `setting`,
-- so that a CPU-only script never loads the CUDA libraries just to pass them on.
function cuda._apply_when_loaded(setting, fn)
  if state.core then fn(state.core) else state.pending[setting] = fn end
end

function cuda._seed_all_when_loaded(seed)
  cuda._apply_when_loaded('seed', function(core) core.manual_seed(seed, -1) end)
end

-- The C module, or an error saying why CUDA can't be used.
local function need(fname, what)
  local core, reason = backend()
  if not core then
    torch._error(string.format('[%s] %s: %s', fname,
      what and what .. ' needs CUDA, which is not available' or 'CUDA is not available', reason))
  end
  return core
end
cuda._need = need

-- Initialises CUDA for a tensor on dev (a torch.device) and checks that the device exists.
function cuda._check_device(fname, dev)
  local core = need(fname)
  local n = core.device_count()
  if dev.index >= n then
    torch._error(string.format('[%s] invalid device %s: this machine has %d CUDA device%s', fname,
      tostring(dev), n, n == 1 and '' or 's'))
  end
end

-- a device argument: nil (the current device), an index, 'cuda:1' or a torch.device
local function device_index(fname, d)
  if d == nil then return -1 end
  if type(d) == 'number' then return d end
  local dev = torch.device(d)
  if dev.type ~= 'cuda' then
    torch._error(string.format('[%s] expected a CUDA device, got %s', fname, tostring(dev)))
  end
  return dev.index
end

function cuda.is_available()
  local core, reason = backend()
  if not core then return false, reason end
  return core.device_count() > 0
end

function cuda.is_initialized() return state.core ~= nil end
function cuda.init() need('init') end

function cuda.device_count()
  local core = backend()
  return core and core.device_count() or 0
end

function cuda.current_device() return need('current_device').current_device() end

function cuda.set_device(d)
  need('set_device').set_device(device_index('set_device', d))
end

function cuda.synchronize(d)
  need('synchronize').synchronize(device_index('synchronize', d))
end

function cuda.get_device_properties(d)
  return need('get_device_properties').properties(device_index('get_device_properties', d))
end

function cuda.get_device_name(d) return cuda.get_device_properties(d).name end

function cuda.get_device_capability(d)
  local p = cuda.get_device_properties(d)
  return p.major, p.minor
end

-- ---------------------------------------------------------------------------- memory
function cuda.memory_stats(d)
  return need('memory_stats').memory_stats(device_index('memory_stats', d))
end
function cuda.memory_allocated(d) return cuda.memory_stats(d).allocated end
function cuda.memory_reserved(d) return cuda.memory_stats(d).reserved end
function cuda.max_memory_allocated(d) return cuda.memory_stats(d).max_allocated end
function cuda.max_memory_reserved(d) return cuda.memory_stats(d).max_reserved end
function cuda.reset_peak_memory_stats(d)
  need('reset_peak_memory_stats').reset_peak_memory_stats(device_index('reset_peak_memory_stats', d))
end
function cuda.empty_cache() need('empty_cache').empty_cache() end

-- ---------------------------------------------------------------------------- seeds
function cuda.manual_seed(seed)
  local core = backend()
  if core then core.manual_seed(seed, core.current_device()) end -- silently ignored without CUDA, as PyTorch
end
function cuda.manual_seed_all(seed)
  local core = backend()
  if core then core.manual_seed(seed, -1) end
end
function cuda.initial_seed(d)
  return need('initial_seed').initial_seed(device_index('initial_seed', d))
end

-- ---------------------------------------------------------------------------- streams
local Stream = {}
Stream.__index = Stream
Stream.__tostring = function(s)
  return string.format('<torch.cuda.Stream device=cuda:%d cuda_stream=0x%x>', s.device.index, s.cuda_stream)
end
Stream.__eq = function(a, b) return a.cuda_stream == b.cuda_stream and a.device == b.device end

local function wrap_stream(handle)
  local device, id = state.core.stream_info(handle)
  return setmetatable({ _handle = handle, device = torch.device('cuda', device), cuda_stream = id }, Stream)
end

-- torch.cuda.Stream([{device =, priority =}]): a new stream (not synchronising with the default one)
function cuda.Stream(opts)
  opts = opts or {}
  local core = need('Stream')
  return wrap_stream(core.stream_new(device_index('Stream', opts.device), opts.priority or 0))
end
function Stream:synchronize() state.core.stream_synchronize(self._handle) end
function Stream:query() return state.core.stream_query(self._handle) end
function Stream:record_event(event)
  event = event or cuda.Event()
  event:record(self)
  return event
end
function Stream:wait_event(event) event:wait(self) end
function Stream:wait_stream(other) self:wait_event(other:record_event()) end

function cuda.current_stream(d)
  return wrap_stream(need('current_stream').stream_current(device_index('current_stream', d)))
end
function cuda.default_stream(d)
  return wrap_stream(need('default_stream').stream_default(device_index('default_stream', d)))
end
function cuda.set_stream(s) need('set_stream').stream_set(s._handle) end

local function pack(...) return { n = select('#', ...), ... } end

-- torch.cuda.stream(s, fn, ...): runs fn with s as its device's current stream, then restores
-- the previous one, also when fn raises (Lua's stand-in for PyTorch's `with` block).
function cuda.stream(s, fn, ...)
  local core = need('stream')
  local previous = core.stream_current(s.device.index)
  core.stream_set(s._handle)
  local result = pack(pcall(fn, ...))
  core.stream_set(previous)
  if not result[1] then error(result[2], 0) end
  return unpack(result, 2, result.n)
end

-- ---------------------------------------------------------------------------- events
local Event = {}
Event.__index = Event
Event.__tostring = function() return '<torch.cuda.Event>' end

-- torch.cuda.Event([{enable_timing =, blocking =, interprocess =}])
function cuda.Event(opts)
  opts = opts or {}
  local core = need('Event')
  return setmetatable({ _handle = core.event_new(opts.enable_timing, opts.blocking, opts.interprocess) }, Event)
end
function Event:record(stream) state.core.event_record(self._handle, stream and stream._handle) end
function Event:wait(stream) state.core.event_wait(self._handle, stream and stream._handle) end
function Event:query() return state.core.event_query(self._handle) end
function Event:synchronize() state.core.event_synchronize(self._handle) end
function Event:elapsed_time(finish) return state.core.event_elapsed(self._handle, finish._handle) end

return cuda
