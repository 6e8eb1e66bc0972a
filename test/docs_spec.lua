-- The documentation is tested: every example in README.md and docs/*.md runs here.
--
-- Conventions for the examples (README.md "Documentation" points here):
--
--   ```lua             The block runs, in a fresh environment that already has `torch`
--                      (require 'torch'); globals it sets do not reach the next block.  An
--                      error fails the test, named by file, block number and line.
--   ```lua -- norun    A fragment (or code that needs what a test run lacks): compiled to
--                      check its syntax, not run.
--   print(EXPR) --> TEXT
--                      On one line: the line printed must equal TEXT (trailing spaces
--                      ignored).  Lua separates the values of print(a, b) with a tab; write
--                      one space for it.  A TEXT that starts with `...` need only match the
--                      end of the line (for error messages that begin with a file:line
--                      position).  Multi-line output is written as plain `--` comments and is
--                      not checked.
--   ```c               A complete C program (one with main) is compiled against lib/TH and
--                      the build tree's libTH.so, run, and must exit with status 0.
--                      `// --> TEXT` comments give, in order, the lines it must print.
--   ```c -- norun      A C fragment: not compiled.
--
-- Other fences (sh, text, ...) are not looked at.  Before each block the garbage collector
-- runs; after it the default dtype, the thread count and the print options are restored.
--
-- One more check keeps the reference complete: every public function of `torch` and every
-- tensor method and field has a heading in the docs that names it (`### torch.zeros`,
-- `### x:view`, `### x.shape`).

local torch = require 'torch'

-- ---------------------------------------------------------------------------- files
local function script_dir()
  local src = debug.getinfo(1, 'S').source
  local dir = src:match('^@(.*)/[^/]*$')
  return dir or '.'
end
local root = script_dir() .. '/..'
do -- prefer a clean relative root when run from the repository (as ctest does)
  local f = io.open('test/docs_spec.lua', 'r')
  if f then f:close(); root = '.' end
end

local function read(path)
  local f = assert(io.open(root .. '/' .. path, 'r'), 'cannot open ' .. path)
  local s = f:read('*a')
  f:close()
  return s
end

local function doc_files()
  local files = { 'README.md' }
  local p = io.popen('ls -1 "' .. root .. '/docs" 2>/dev/null')
  local names = {}
  for name in p:read('*a'):gmatch('[^\n]+') do
    if name:match('%.md$') then names[#names + 1] = 'docs/' .. name end
  end
  p:close()
  table.sort(names)
  for _, n in ipairs(names) do files[#files + 1] = n end
  return files
end

-- Fenced blocks: {lang =, norun =, line = (fence line), code =}
local function blocks_of(text)
  local blocks, cur = {}, nil
  local n = 0
  for line in (text .. '\n'):gmatch('([^\n]*)\n') do
    n = n + 1
    if cur then
      if line:match('^%s*```%s*$') then
        cur.code = table.concat(cur.lines, '\n')
        blocks[#blocks + 1] = cur
        cur = nil
      else
        cur.lines[#cur.lines + 1] = line
      end
    else
      local info = line:match('^%s*```(.*)$')
      if info then
        local lang = info:match('^(%w+)') or ''
        cur = { lang = lang, norun = info:match('%-%-%s*norun') ~= nil, line = n, lines = {} }
      end
    end
  end
  assert(cur == nil, 'unclosed ``` fence opened at line ' .. tostring(cur and cur.line))
  return blocks
end

-- ---------------------------------------------------------------------------- lua blocks
local function trim(s) return (s:gsub('%s+$', '')) end

-- Rewrites `print(EXPR) --> TEXT` lines into `__expect(line, TEXT); print(EXPR) ...` (on the
-- same line, so line numbers are kept).
local function instrument(code, first_line)
  local out, k = {}, 0
  for line in (code .. '\n'):gmatch('([^\n]*)\n') do
    k = k + 1
    local call, expected = line:match('^(%s*print%(.-%))%s*%-%->%s?(.*)$')
    if call then
      line = string.format('__expect(%d, %q); %s', first_line + k - 1, trim(expected), line)
    end
    out[k] = line
  end
  return table.concat(out, '\n')
end

local saved_threads = torch.get_num_threads()

local function restore_state()
  torch.set_default_dtype(torch.float32)
  torch.set_num_threads(saved_threads)
  if torch.set_printoptions then torch.set_printoptions({ profile = 'default' }) end
end

local function run_lua(file, index, block)
  local first = block.line + 1
  local label = string.format('%s block %d (line %d)', file, index, block.line)
  local src = string.rep('\n', block.line) .. instrument(block.code, first)
  local f, err = loadstring(src, '@' .. file)
  if not f then error(label .. ': does not compile: ' .. err, 0) end
  if block.norun then return end

  local output, pending = {}, nil
  local env = setmetatable({ torch = torch }, { __index = _G })
  local function fail(msg)
    error(string.format('%s: %s\n-- printed so far:\n%s', label, msg, table.concat(output, '\n')), 0)
  end
  -- a failed expectation is raised as a table, so that it passes the handler untouched
  local function mismatch(msg) error({ doc_failure = msg }, 0) end
  -- the message plus the traceback's part inside the block (up to the spec's xpcall)
  local function handler(e)
    if type(e) == 'table' and e.doc_failure then return e end
    local lines = { tostring(e) }
    for l in debug.traceback('', 2):gmatch('[^\n]+') do
      if l:find("in function 'xpcall'", 1, true) then break end
      if not l:match('^stack traceback') and l:match('%S') then lines[#lines + 1] = l end
    end
    return table.concat(lines, '\n')
  end
  env.__expect = function(line, text)
    if pending then mismatch(string.format('%s:%d: the print on that line never ran', file, pending.line)) end
    pending = { line = line, text = text }
  end
  env.print = function(...)
    local n = select('#', ...)
    local parts = {}
    for i = 1, n do parts[i] = tostring((select(i, ...))) end
    local s = table.concat(parts, '\t')
    output[#output + 1] = s
    if pending then
      local want, got = pending.text, trim((s:gsub('\t', ' ')))
      local line = pending.line
      pending = nil
      if got:find('\n', 1, true) then
        mismatch(string.format('%s:%d: printed several lines; show multi-line output as plain comments:\n%s',
          file, line, got))
      end
      local ok
      if want:sub(1, 3) == '...' then
        local tail = want:sub(4)
        ok = #got >= #tail and got:sub(#got - #tail + 1) == tail
      else
        ok = got == want
      end
      if not ok then
        mismatch(string.format('%s:%d: printed\n  %s\nbut the docs say\n  %s', file, line, got, want))
      end
    end
  end
  setfenv(f, env)
  collectgarbage('collect')
  local ok, e = xpcall(f, handler)
  restore_state()
  if not ok then fail(type(e) == 'table' and e.doc_failure or tostring(e)) end
  if pending then fail(string.format('%s:%d: the print on that line never ran', file, pending.line)) end
end

-- ---------------------------------------------------------------------------- C blocks
local build_dir = os.getenv('TORCH_BUILD_DIR') or (root .. '/build')

local function file_exists(p)
  local f = io.open(p, 'r')
  if f then f:close() end
  return f ~= nil
end

local function sh_quote(s) return "'" .. s:gsub("'", "'\\''") .. "'" end

local have_cc = os.execute('command -v cc >/dev/null 2>&1') == 0
local have_libth = file_exists(build_dir .. '/libTH.so')

local function slurp(p)
  local f = io.open(p, 'r')
  if not f then return '' end
  local s = f:read('*a')
  f:close()
  return s
end

local function run_c(file, index, block)
  local label = string.format('%s C block %d (line %d)', file, index, block.line)
  local base = os.tmpname()
  local c, exe, log = base .. '.c', base .. '.bin', base .. '.log'
  local f = assert(io.open(c, 'w'))
  -- a #line directive makes compiler messages point into the markdown file
  f:write(string.format('#line %d "%s"\n', block.line + 1, file), block.code, '\n')
  f:close()
  local inc = root .. '/lib/TH'
  -- the compiler must not run under a preloaded sanitizer runtime (its leaks would fail it)
  local cmd = string.format('env -u LD_PRELOAD cc -std=c11 -Wall -Wextra -Werror -I%s -o %s %s -L%s -lTH -Wl,-rpath,%s >%s 2>&1',
    sh_quote(inc), sh_quote(exe), sh_quote(c), sh_quote(build_dir), sh_quote(build_dir), sh_quote(log))
  local rc = os.execute(cmd)
  local function cleanup() os.remove(base); os.remove(c); os.remove(exe); os.remove(log) end
  if rc ~= 0 then
    local msg = slurp(log)
    cleanup()
    error(label .. ': does not compile:\n' .. msg, 0)
  end
  rc = os.execute(string.format('%s >%s 2>&1', sh_quote(exe), sh_quote(log)))
  local out = slurp(log)
  cleanup()
  if rc ~= 0 then error(string.format('%s: exited with status %d:\n%s', label, rc >= 256 and rc / 256 or rc, out), 0) end
  local want = {}
  for text in block.code:gmatch('//%s*%-%->%s?([^\n]*)') do want[#want + 1] = trim(text) end
  if #want > 0 then
    local got = {}
    for l in out:gmatch('([^\n]*)\n') do got[#got + 1] = trim(l) end
    for i = 1, math.max(#want, #got) do
      if want[i] ~= got[i] then
        error(string.format('%s: output line %d is\n  %s\nbut the docs say\n  %s\n-- whole output:\n%s',
          label, i, tostring(got[i]), tostring(want[i]), out), 0)
      end
    end
  end
end

-- ---------------------------------------------------------------------------- the specs
local files = doc_files()
local all_text = {}
local executed = 0

describe('docs', function()
  it('has README.md and docs/*.md', function()
    assert.is_true(#files >= 2, 'expected README.md and at least one docs/*.md')
  end)

  for _, file in ipairs(files) do
    local text = read(file)
    all_text[#all_text + 1] = text
    local blocks = blocks_of(text)
    describe(file, function()
      local nlua, nc = 0, 0
      for _, b in ipairs(blocks) do
        if b.lang == 'lua' then
          nlua = nlua + 1
          local i = nlua
          it(string.format('lua block %d (line %d)%s', i, b.line, b.norun and ' [norun]' or ''), function()
            run_lua(file, i, b)
            if not b.norun then executed = executed + 1 end
          end)
        elseif b.lang == 'c' then
          nc = nc + 1
          local i = nc
          if b.norun or not b.code:match('int%s+main%s*%(') then
            -- a fragment: nothing to run
          elseif not (have_cc and have_libth) then
            pending(string.format('%s C block %d (line %d): needs cc and %s/libTH.so', file, i, b.line, build_dir))
          else
            it(string.format('C block %d (line %d)', i, b.line), function() run_c(file, i, b) end)
          end
        end
      end
      it('has examples', function()
        assert.is_true(nlua + nc > 0, file .. ' has no ```lua or ```c blocks')
      end)
    end)
  end

  it('ran examples', function()
    assert.is_true(executed > 0, 'no lua block was executed')
  end)

  it('names every public function and field in a heading', function()
    local headings = {}
    for _, text in ipairs(all_text) do
      for line in (text .. '\n'):gmatch('([^\n]*)\n') do
        if line:match('^#+%s') then headings[#headings + 1] = line end
      end
    end
    local h = table.concat(headings, '\n')
    local missing = {}
    local function need(pattern, what)
      if not h:find(pattern) then missing[#missing + 1] = what end
    end
    local function esc(s) return (s:gsub('[%^%$%(%)%%%.%[%]%*%+%-%?]', '%%%0')) end
    for name, v in pairs(torch) do
      if type(v) == 'function' and not name:match('^_') then
        need('torch%.' .. esc(name) .. '%f[^%w_]', 'torch.' .. name)
      end
    end
    for name, v in pairs(torch.Tensor) do
      if type(v) == 'function' and not name:match('^_') then
        need(':' .. esc(name) .. '%f[^%w_]', 'x:' .. name)
      end
    end
    for name in pairs(torch.Tensor._getters or {}) do
      need('%.' .. esc(name) .. '%f[^%w_]', 'x.' .. name)
    end
    table.sort(missing)
    assert(#missing == 0, 'no heading in README.md or docs/*.md names: ' .. table.concat(missing, ', ')
      .. '\n(add a heading such as "### x:name(...)" with an example)')
  end)
end)
