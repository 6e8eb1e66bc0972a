-- Helpers shared by the specs (not a spec itself: the name does not end in _spec.lua).
--
--   local H = dofile('test/spec_helpers.lua')   -- specs run from the repository root
--
-- Comparisons raise their error at the caller's line (error level 2), as a local helper would.
local torch = require 'torch'
local assert = require 'luassert'

local H = {}

-- the values of t as a flat Lua list ({ t:item() } for a 0-dim tensor)
function H.flat(t)
  if t:dim() == 0 then return { t:item() } end
  return t:reshape(-1):tolist()
end

-- the numbers of a (nested) table or number, depth first, appended to out
function H.flatten(v, out)
  out = out or {}
  if type(v) ~= 'table' then
    out[#out + 1] = v
  else
    for _, e in ipairs(v) do H.flatten(e, out) end
  end
  return out
end

-- close(t, e): the values of t equal the (nested) table or number e within tol
-- (relative above 1)
function H.close_to(tol)
  return function(t, e)
    local got, exp = H.flat(t), H.flatten(e)
    assert.are.equal(#exp, #got, 'number of elements')
    for i = 1, #exp do
      if math.abs(got[i] - exp[i]) > tol * math.max(1, math.abs(exp[i])) then
        error(string.format('element %d: got %.17g, expected %.17g', i, got[i], exp[i]), 2)
      end
    end
  end
end

-- the values of a tensor (detached, as float64), a number or a nested table, as a flat list
function H.values(x)
  if torch.is_tensor(x) then x = x:detach():double():reshape(-1):tolist() end
  local out = {}
  local function walk(v)
    if type(v) == 'table' then for _, e in ipairs(v) do walk(e) end else out[#out + 1] = v end
  end
  walk(x)
  return out
end

-- close(got, want, tol): got and want (tensors, numbers or nested tables) agree within
-- tol * (1 + |want|), tol defaulting to opts.tol; opts.digits: digits in the message;
-- opts.nan_fails: a NaN (or a boolean expected value: not compared) counts as a mismatch
function H.close_within(opts)
  local fmt = string.format('element %%d: expected %%.%dg, got %%.%dg', opts.digits, opts.digits)
  return function(got, want, tol)
    tol = tol or opts.tol
    local g, w = H.values(got), H.values(want)
    assert.are.equal(#w, #g, 'number of elements')
    for i = 1, #w do
      local a, b = g[i], w[i]
      local bad
      if opts.nan_fails then
        bad = type(b) ~= 'boolean' and not (a == b or math.abs(a - b) <= tol * (1 + math.abs(b)))
      else
        bad = math.abs(a - b) > tol * (1 + math.abs(b))
      end
      if bad then error(string.format(fmt, i, b, a), 2) end
    end
  end
end

-- the message of the error f(...) raises, without its "file:line: " position
function H.err(f, ...)
  local ok, e = pcall(f, ...)
  assert.is_false(ok, 'expected an error')
  return (tostring(e):gsub('^[^\n]-:%d+: ', ''))
end

-- the autograd node name of t's grad_fn ('AddBackward0')
function H.node_name(t)
  assert(t.grad_fn, 'expected a grad_fn')
  return tostring(t.grad_fn):match('^<(%w+) object at')
end

function H.gc(fn, inputs) assert.is_true(torch.autograd.gradcheck(fn, inputs)) end
function H.ggc(fn, inputs) assert.is_true(torch.autograd.gradgradcheck(fn, inputs)) end
function H.both(fn, inputs)
  H.gc(fn, inputs)
  H.ggc(fn, inputs)
end

-- a tensor of the nested table t in float32 / float64
function H.T(t) return torch.tensor(t, { dtype = torch.float32 }) end
function H.D(t) return torch.tensor(t, { dtype = torch.float64 }) end

return H
