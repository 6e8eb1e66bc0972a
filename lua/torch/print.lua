-- torch.print: tostring(x) for tensors, matching PyTorch's repr (torch/_tensor_str.py).
--
--   tensor(5.)                      tensor([1., 2., 3.])
--   tensor([[1., 2.],               tensor([1.0000e-05, 1.0000e+00])
--           [3., 4.]])              tensor([1, 2], dtype=torch.int32)
--   tensor([0.5000], requires_grad=True)
--   tensor([2.], grad_fn=<AddBackward0>)
--
-- Rules, as in PyTorch:
--   * One formatter per tensor decides the layout of every element.  Integer and bool
--     tensors print each value as is, right-aligned to the widest.  A floating tensor whose
--     nonzero finite values are all integral prints them as `1.`; otherwise with `precision`
--     decimals; scientific notation (`1.0000e-05`) is used when max/min of the absolute
--     nonzero finite values exceeds 1000, max exceeds 1e8, or (non-integral case) min is
--     below 1e-4.  nan, inf and -inf print as such.
--   * A tensor with more than `threshold` (1000) elements is summarized: every dimension
--     longer than 2 * `edgeitems` shows its first and last `edgeitems` entries around `...`;
--     the formatter then looks only at the values shown.
--   * Rows wrap at `linewidth` (80) columns; blocks of 3-D and higher tensors are separated
--     by blank lines; nested rows are indented under their opening bracket.
--   * Suffixes, in order: device (when not on the CPU), size (empty tensors that are not
--     1-D), dtype (unless it is the default dtype, int64 or bool -- empty tensors show any
--     dtype but the default), then grad_fn or requires_grad.
--
-- Numbers are formatted with round-half-to-even on exact ties, as Python does (LuaJIT's
-- string.format rounds ties away from zero: "%.4f" of 0.03125 gives 0.0313, Python 0.0312).
local M = {}

local floor, abs, huge = math.floor, math.abs, math.huge
local sformat, srep, concat = string.format, string.rep, table.concat

-- Print options (torch.set_printoptions in PyTorch).
local defaults = { precision = 4, threshold = 1000, edgeitems = 3, linewidth = 80, sci_mode = nil }
local opts = {}
for k, v in pairs(defaults) do opts[k] = v end
M.options = opts

local profiles = {
  default = { precision = 4, threshold = 1000, edgeitems = 3, linewidth = 80 },
  short = { precision = 2, threshold = 1000, edgeitems = 2, linewidth = 80 },
  full = { precision = 4, threshold = huge, edgeitems = 3, linewidth = 80 },
}

-- set_printoptions{precision =, threshold =, edgeitems =, linewidth =, profile =, sci_mode =}
-- As in PyTorch, sci_mode is reset to automatic (nil) unless given.
function M.set_printoptions(o)
  o = o or {}
  if o.profile ~= nil then
    local p = profiles[o.profile]
    if not p then
      error(sformat('[set_printoptions] unknown profile "%s" (expected default, short or full)',
        tostring(o.profile)), 2)
    end
    for k, v in pairs(p) do opts[k] = v end
  end
  for _, k in ipairs({ 'precision', 'threshold', 'edgeitems', 'linewidth' }) do
    local v = o[k]
    if v ~= nil then
      if type(v) ~= 'number' or v < 0 or (v ~= floor(v) and v ~= huge) then
        error(sformat('[set_printoptions] %s must be a non-negative integer, got %s', k, tostring(v)), 2)
      end
      opts[k] = v
    end
  end
  if o.sci_mode ~= nil and type(o.sci_mode) ~= 'boolean' then
    error('[set_printoptions] sci_mode must be a boolean or nil, got ' .. type(o.sci_mode), 2)
  end
  opts.sci_mode = o.sci_mode
end

-- ============================================================================ numbers

local function isfinite(v) return v == v and v ~= huge and v ~= -huge end

-- Python's text for a non-finite float ('nan' whatever the sign bit, 'inf', '-inf').
local function nonfinite(v)
  if v ~= v then return 'nan' end
  return v > 0 and 'inf' or '-inf'
end

-- v = m * 2^e with m an odd integer (v finite, nonzero): returns m, e.
local function odd_mantissa(v)
  local f, e = math.frexp(abs(v))
  local m = f * 2 ^ 53 -- exact integer < 2^53
  e = e - 53
  while m % 2 == 0 do
    m = m / 2
    e = e + 1
  end
  return m, e
end

-- Is v * 10^q exactly an odd multiple of 1/2 (a rounding tie)?  v = m * 2^e, m odd, so
-- v * 10^q = m * 5^q * 2^(e+q): for q >= 0 that is a half-integer iff e + q == -1; for
-- q < 0 the factor 5^-q must also divide m.
local function is_tie(v, q)
  if v == 0 or not isfinite(v) then return false end
  local m, e = odd_mantissa(v)
  if e + q ~= -1 then return false end
  if q < 0 then
    if -q > 22 then return false end -- 5^23 > 2^53 > m
    return m % (5 ^ -q) == 0
  end
  return true
end

-- Python's '{:.<p>f}'.format(v).
local function fmt_fixed(v, p)
  if not isfinite(v) then return nonfinite(v) end
  if is_tie(v, p) then
    -- the exact value has p + 1 decimals ending in 5: keep the even neighbour
    local t = sformat('%.' .. (p + 1) .. 'f', v)
    local keep = p == 0 and t:sub(1, -3) or t:sub(1, -2)
    local last = tonumber(keep:sub(-1))
    if last % 2 == 0 then return keep end
  end
  return sformat('%.' .. p .. 'f', v)
end

-- Python's '{:.<p>e}'.format(v).
local function fmt_sci(v, p)
  if not isfinite(v) then return nonfinite(v) end
  if v ~= 0 then
    -- decimal exponent of v: 30 digits can't all be 9s for a double, so no carry here
    local k = tonumber(sformat('%.30e', v):match('e([-+]%d+)$'))
    if is_tie(v, p - k) then
      local t = sformat('%.' .. (p + 1) .. 'e', v)
      local mant, ex = t:match('^(.-)(e.*)$')
      local keep = p == 0 and mant:sub(1, -3) or mant:sub(1, -2)
      local last = tonumber(keep:sub(-1))
      if last % 2 == 0 then return keep .. ex end
    end
  end
  return sformat('%.' .. p .. 'e', v)
end
M._fmt_fixed, M._fmt_sci = fmt_fixed, fmt_sci

-- Python's str() of an integer tensor element / a bool.
local function int_str(v)
  local tv = type(v)
  if tv == 'boolean' then return v and 'True' or 'False' end
  if tv == 'number' then
    if v == floor(v) and abs(v) <= 2 ^ 63 then return sformat('%.0f', v) end
    if not isfinite(v) then return nonfinite(v) end
    return tostring(v)
  end
  -- boxed 64-bit integers (cdata) print as 123LL / 123ULL
  return (tostring(v):gsub('U?LL$', ''))
end

local function pad(s, w)
  local n = w - #s
  if n > 0 then return srep(' ', n) .. s end
  return s
end

-- ============================================================================ formatter

-- The formatter for a list of element values (the ones that will be shown).
local function Formatter(vals, floating)
  local F = { floating = floating, int_mode = true, sci_mode = false, max_width = 1 }
  local prec = opts.precision
  if not floating then
    local w = 1
    for i = 1, #vals do
      local n = #int_str(vals[i])
      if n > w then w = n end
    end
    F.max_width = w
  else
    local nz = {}
    for i = 1, #vals do
      local v = vals[i]
      if v ~= 0 and isfinite(v) then nz[#nz + 1] = v end
    end
    if #nz > 0 then -- (with none, PyTorch keeps int mode and ignores sci_mode)
      local mn, mx = huge, 0
      for i = 1, #nz do
        local a = abs(nz[i])
        if a < mn then mn = a end
        if a > mx then mx = a end
        if F.int_mode and nz[i] ~= math.ceil(nz[i]) then F.int_mode = false end
      end
      local w = 1
      if F.int_mode then
        if mx / mn > 1000 or mx > 1e8 then
          F.sci_mode = true
          for i = 1, #nz do w = math.max(w, #fmt_sci(nz[i], prec)) end
        else
          for i = 1, #nz do w = math.max(w, #fmt_fixed(nz[i], 0) + 1) end
        end
      else
        if mx / mn > 1000 or mx > 1e8 or mn < 1e-4 then
          F.sci_mode = true
          for i = 1, #nz do w = math.max(w, #fmt_sci(nz[i], prec)) end
        else
          for i = 1, #nz do w = math.max(w, #fmt_fixed(nz[i], prec)) end
        end
      end
      F.max_width = w
      if opts.sci_mode ~= nil then F.sci_mode = opts.sci_mode end
    end
  end

  function F.format(v)
    local s
    if F.floating then
      if F.sci_mode then
        s = fmt_sci(v, prec)
      elseif F.int_mode then
        s = fmt_fixed(v, 0)
        if isfinite(v) then s = s .. '.' end
      else
        s = fmt_fixed(v, prec)
      end
    else
      s = int_str(v)
    end
    return pad(s, F.max_width)
  end
  return F
end

-- ============================================================================ data

-- The elements to show, as a nested table per dimension (a plain value for 0-dim);
-- ELLIPSIS marks where summarization left entries out.
local ELLIPSIS = setmetatable({}, { __tostring = function() return '...' end })

local core -- torch.core, loaded on first use

local function gather_all(x, sizes)
  local flat = core.values(x)
  local nd = #sizes
  if nd == 0 then return flat[1] end
  local pos = 0
  local function build(d)
    local t = {}
    local n = sizes[d]
    if d == nd then
      for i = 1, n do t[i] = flat[pos + i] end
      pos = pos + n
    else
      for i = 1, n do t[i] = build(d + 1) end
    end
    return t
  end
  return build(1)
end

-- Summarized: fetch only the edge items, through views.
local function gather_summary(x, nd, edge)
  local n = core.size(x, 1)
  local long = n > 2 * edge
  if nd == 1 then
    if not long then return core.values(x) end
    local t = core.values(core.narrow(x, 1, 1, edge))
    t[#t + 1] = ELLIPSIS
    local tail = core.values(core.narrow(x, 1, n - edge + 1, edge))
    for i = 1, #tail do t[#t + 1] = tail[i] end
    return t
  end
  local t = {}
  if long then
    for i = 1, edge do t[#t + 1] = gather_summary(core.select(x, 1, i), nd - 1, edge) end
    t[#t + 1] = ELLIPSIS
    for i = n - edge + 1, n do t[#t + 1] = gather_summary(core.select(x, 1, i), nd - 1, edge) end
  else
    for i = 1, n do t[i] = gather_summary(core.select(x, 1, i), nd - 1, edge) end
  end
  return t
end

local function collect(node, nd, out)
  if nd == 0 then
    out[#out + 1] = node
    return out
  end
  for i = 1, #node do
    local c = node[i]
    if c ~= ELLIPSIS then
      if nd == 1 then out[#out + 1] = c else collect(c, nd - 1, out) end
    end
  end
  return out
end

-- ============================================================================ layout

local function vector_str(node, indent, F)
  local element_length = F.max_width + 2
  local per_line = math.max(1, floor((opts.linewidth - indent) / element_length))
  local data = {}
  for i = 1, #node do
    local v = node[i]
    data[i] = v == ELLIPSIS and ' ...' or F.format(v)
  end
  local lines = {}
  for i = 1, #data, per_line do
    local last = math.min(i + per_line - 1, #data)
    lines[#lines + 1] = concat(data, ', ', i, last)
  end
  return '[' .. concat(lines, ',\n' .. srep(' ', indent + 1)) .. ']'
end

local function tensor_str(node, nd, indent, F)
  if nd == 0 then return F.format(node) end
  if nd == 1 then return vector_str(node, indent, F) end
  local slices = {}
  for i = 1, #node do
    local c = node[i]
    slices[i] = c == ELLIPSIS and '...' or tensor_str(c, nd - 1, indent + 1, F)
  end
  return '[' .. concat(slices, ',' .. srep('\n', nd - 1) .. srep(' ', indent + 1)) .. ']'
end

local function add_suffixes(s, suffixes, indent)
  local parts = { s }
  local nl = 0
  local p = s:find('\n', 1, true)
  while p do
    nl = p
    p = s:find('\n', p + 1, true)
  end
  -- Python: len(s) - s.rfind('\n') + 1 (rfind is 0-based, -1 when absent)
  local last_line_len = #s - nl + 2
  for _, suffix in ipairs(suffixes) do
    if last_line_len + #suffix + 2 > opts.linewidth then
      parts[#parts + 1] = ',\n' .. srep(' ', indent) .. suffix
      last_line_len = indent + #suffix
    else
      parts[#parts + 1] = ', ' .. suffix
      last_line_len = last_line_len + #suffix + 2
    end
  end
  parts[#parts + 1] = ')'
  return concat(parts)
end

-- ============================================================================ format

local function field(x, k)
  local ok, v = pcall(function() return x[k] end)
  if ok then return v end
  return nil
end

local function default_dtype_name()
  local torch = package.loaded.torch
  if torch and torch.get_default_dtype then
    local ok, d = pcall(torch.get_default_dtype)
    if ok and d then return d.name end
  end
  return 'float32'
end

local function dtype_str(d)
  local s = tostring(d)
  if s:sub(1, 6) ~= 'torch.' then s = 'torch.' .. tostring(d.name) end
  return s
end

local function tuple_str(sizes)
  local parts = {}
  for i = 1, #sizes do parts[i] = int_str(sizes[i]) end
  if #parts == 1 then return '(' .. parts[1] .. ',)' end
  return '(' .. concat(parts, ', ') .. ')'
end

local function grad_fn_name(g)
  local s = tostring(g)
  return s:match('^<([^>%s]+)') or s:match('([%w_]+Backward%w*)') or s
end

-- format(x) -> PyTorch's repr of tensor x
function M.format(x)
  core = core or require('torch.core')
  local prefix = 'tensor('
  local indent = #prefix
  local suffixes = {}

  local device = field(x, 'device')
  local data = x
  if device ~= nil and device.type ~= nil and device.type ~= 'cpu' then
    suffixes[#suffixes + 1] = "device='" .. tostring(device) .. "'"
    data = x.cpu and x:cpu() or x:to("cpu")
  end

  local dtype = field(x, 'dtype')
  local dname = dtype and dtype.name or 'float32'
  local default = default_dtype_name()
  local default_complex = default == 'float64' and 'complex128' or 'complex64'
  local has_default_dtype = dname == default or dname == default_complex or dname == 'int64'
    or dname == 'bool'
  local floating = dtype == nil or dtype.is_floating_point == true

  -- half precision prints through float32, as in PyTorch
  if dname == 'float16' or dname == 'bfloat16' then data = data:float() end

  local sizes = core.size(data)
  local nd = #sizes
  local numel = 1
  for i = 1, nd do numel = numel * sizes[i] end

  local body
  if numel == 0 then
    if nd ~= 1 then suffixes[#suffixes + 1] = 'size=' .. tuple_str(sizes) end
    if dname ~= default then suffixes[#suffixes + 1] = 'dtype=' .. dtype_str(dtype) end
    body = '[]'
  else
    if not has_default_dtype then suffixes[#suffixes + 1] = 'dtype=' .. dtype_str(dtype) end
    local node
    if numel > opts.threshold and nd > 0 then
      node = gather_summary(data, nd, opts.edgeitems)
    else
      node = gather_all(data, sizes)
    end
    local F = Formatter(collect(node, nd, {}), floating)
    body = tensor_str(node, nd, indent, F)
  end

  local grad_fn = field(x, 'grad_fn')
  if grad_fn ~= nil and grad_fn ~= false then
    suffixes[#suffixes + 1] = 'grad_fn=<' .. grad_fn_name(grad_fn) .. '>'
  elseif field(x, 'requires_grad') == true then
    suffixes[#suffixes + 1] = 'requires_grad=True'
  end

  return add_suffixes(prefix .. body, suffixes, indent)
end

return M
