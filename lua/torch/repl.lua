-- The interactive torch shell started by `./th` with no arguments.
--
--   > x = torch.ones(2, 2)
--   > x + 1
--   tensor([[2., 2.],
--           [2., 2.]])
--   > =x:sum()            (Lua 5.1 style: a leading = means "return")
--   > for i = 1, 2 do     (incomplete input continues on the next line)
--   >>   print(i)
--   >> end
--
-- Each input is first tried as an expression (`return <input>`), then as a statement.  The
-- values it returns are printed with tostring (tensors therefore print like PyTorch).
-- Errors print their message, without a traceback, and the shell carries on.  Ctrl-D (end
-- of input) or os.exit() leaves.  When standard input is not a terminal (`echo 'x' | ./th`)
-- there is no banner and no prompt, so the output is only the results.
--
-- Line editing is whatever the terminal provides: no readline dependency (run it under
-- `rlwrap ./th` for history and editing).

local function safe_tostring(v)
  local ok, s = pcall(tostring, v)
  if ok and type(s) == 'string' then return s end
  local ok2, msg = pcall(tostring, s)
  return string.format('<%s: error in __tostring: %s>', type(v), ok2 and msg or '?')
end

local function is_interactive()
  local env = os.getenv('TORCH_REPL_INTERACTIVE')
  if env == '1' then return true elseif env == '0' then return false end
  local ok, ffi = pcall(require, 'ffi')
  if not ok then return true end
  pcall(ffi.cdef, 'int isatty(int fd);')
  local ok2, r = pcall(function() return ffi.C.isatty(0) end)
  if not ok2 then return true end
  return r ~= 0
end

local interactive = is_interactive()

local function write_err(msg)
  io.stdout:flush()
  io.stderr:write(msg, '\n')
  io.stderr:flush()
end

-- ---------------------------------------------------------------------------- globals
local ok_torch, torch_or_err = pcall(require, 'torch')
if ok_torch then
  _G.torch = torch_or_err
  for _, name in ipairs({ 'nn', 'optim' }) do
    local ok, mod = pcall(require, name)
    if ok and mod ~= nil then _G[name] = mod end
  end
end

if interactive then
  local version = ok_torch and (torch_or_err.__version__ or torch_or_err._VERSION) or nil
  io.write('Torch', version and (' ' .. tostring(version)) or '', ' on ',
    jit and jit.version or _VERSION, '\n',
    'Lua expressions print their value; Ctrl-D exits.\n')
end
if not ok_torch then
  write_err('warning: require "torch" failed: ' .. safe_tostring(torch_or_err))
end

-- ---------------------------------------------------------------------------- evaluation
local chunkname = '=stdin'

local function at_eof(msg)
  return msg ~= nil and msg:find("<eof>'?$") ~= nil
end

-- Compiles the input: as an expression first, then as statements.  Returns the function, or
-- nil, the error message of the statement form, and whether the input looks unfinished
-- (either form stopped at the end of the input).
local function compile(src)
  local body = src
  if body:sub(1, 1) == '=' then body = 'return ' .. body:sub(2) end
  local f, experr = loadstring('return ' .. body, chunkname)
  if f then return f end
  local g, err = loadstring(body, chunkname)
  if g then return g end
  return nil, err, at_eof(err) or at_eof(experr)
end

local function print_results(n, ...)
  if n == 0 then return end
  local parts = {}
  for i = 1, n do parts[i] = safe_tostring((select(i, ...))) end
  io.write(table.concat(parts, '\t'), '\n')
  io.flush()
end

local function report(ok, ...)
  if not ok then
    write_err(safe_tostring((...)))
    return
  end
  local n = select('#', ...)
  local ok2, err = pcall(print_results, n, ...)
  if not ok2 then write_err(safe_tostring(err)) end
end

local function handler(err)
  -- keep the message, drop the traceback
  return err
end

local function prompt(p)
  if interactive then
    io.write(p)
    io.flush()
  end
end

-- ---------------------------------------------------------------------------- loop
local buffer = nil
while true do
  prompt(buffer and '>> ' or '> ')
  local line = io.read('*l')
  if line == nil then
    if buffer then
      -- end of input inside an unfinished chunk: report why it is unfinished
      local _, err = compile(buffer)
      if err then write_err(err) end
    end
    if interactive then io.write('\n') end
    break
  end
  if buffer then
    buffer = buffer .. '\n' .. line
  elseif line:match('^%s*$') then
    buffer = nil
  else
    buffer = line
  end
  if buffer then
    local f, err, unfinished = compile(buffer)
    if f then
      buffer = nil
      report(xpcall(f, handler))
    elseif unfinished then
      -- keep reading: the chunk continues on the next line
    else
      buffer = nil
      write_err(err)
    end
  end
end
