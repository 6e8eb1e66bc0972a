-- Tensors from Lua: creation, views and shapes, indexing, copies between dtypes, PyTorch's
-- type promotion for + - * / ^, 0-dim and empty tensors, strided inputs, broadcasting,
-- in-place forms, the out= / alpha / layout options, memory shared with LuaJIT FFI, and the
-- requires_grad flag.
--
-- Expected dtypes and values of the promotion tables come from PyTorch 1.13 (see the note
-- above the tables).
local torch = require 'torch'
local ffi = require 'ffi'

local DTYPES = { 'float32', 'float64', 'float16', 'bfloat16', 'int8', 'int16', 'int32', 'int64', 'uint8', 'bool' }

-- All elements as Lua numbers (bool as 0/1), through a float64 copy so that reading does
-- not depend on the 16-bit element getters.
local function numbers(t)
  if t.dtype == torch.bool then
    local v = t:tolist()
    local function conv(x)
      if type(x) == 'table' then
        local r = {}
        for i = 1, #x do r[i] = conv(x[i]) end
        return r
      end
      return x and 1 or 0
    end
    return conv(v)
  end
  return t:double():tolist()
end

local function sizes(t) return t:size():totable() end

local function near(a, b, rel)
  return a == b or math.abs(a - b) <= (rel or 0) * math.max(math.abs(a), math.abs(b))
end

describe('creation', function()
  it('zeros, ones, empty and full take sizes as numbers, a table or a torch.Size', function()
    local a = torch.zeros(2, 3)
    assert.are.equal(torch.float32, a.dtype)
    assert.are.same({ 2, 3 }, sizes(a))
    assert.are.same({ { 0, 0, 0 }, { 0, 0, 0 } }, a:tolist())
    local b = torch.ones({ 2, 3 }, { dtype = torch.int32 })
    assert.are.equal(torch.int32, b.dtype)
    assert.are.same({ { 1, 1, 1 }, { 1, 1, 1 } }, b:tolist())
    local c = torch.zeros(torch.Size({ 4, 1 }))
    assert.are.same({ 4, 1 }, sizes(c))
    assert.are.same({ 5, 6 }, sizes(torch.empty(5, 6)))
    assert.are.same({ 5, 6 }, sizes(torch.empty({ 5, 6 }, { dtype = 'float64' })))
    assert.are.equal(torch.float64, torch.ones(2, { dtype = 'torch.float64' }).dtype)
    assert.are.equal(torch.int16, torch.zeros(2, { dtype = 'short' }).dtype)
  end)

  it('full picks the dtype from the value like PyTorch', function()
    local i = torch.full({ 2 }, 7)
    assert.are.equal(torch.int64, i.dtype)
    assert.are.same({ 7, 7 }, i:tolist())
    assert.are.equal(torch.float32, torch.full({ 2 }, 2.5).dtype)
    local b = torch.full({ 2 }, true)
    assert.are.equal(torch.bool, b.dtype)
    assert.are.same({ true, true }, b:tolist())
    assert.are.same({ 2.5, 2.5 }, torch.full({ 2 }, 2.5, { dtype = torch.float64 }):tolist())
  end)

  it('tensor() infers int64, the default float dtype or bool from nested tables', function()
    local a = torch.tensor({ { 1, 2 }, { 3, 4 } })
    assert.are.equal(torch.int64, a.dtype)
    assert.are.same({ 2, 2 }, sizes(a))
    assert.are.same({ { 1, 2 }, { 3, 4 } }, a:tolist())
    local f = torch.tensor({ 1.5, 2 })
    assert.are.equal(torch.float32, f.dtype)
    assert.are.same({ 1.5, 2 }, f:tolist())
    local b = torch.tensor({ true, false })
    assert.are.equal(torch.bool, b.dtype)
    assert.are.same({ true, false }, b:tolist())
    local z = torch.tensor(3)
    assert.are.equal(0, z:dim())
    assert.are.equal(torch.int64, z.dtype)
    assert.are.equal(3, z:item())
    assert.are.equal(torch.float32, torch.tensor(2.5).dtype)
    assert.are.equal(torch.uint8, torch.tensor({ 1, 2 }, { dtype = torch.uint8 }).dtype)
    -- a tensor argument is copied
    local c = torch.tensor(a)
    c[1] = 9
    assert.are.same({ 1, 2 }, a[1]:tolist())
  end)

  it('integral numbers beyond the int64 range make float tensors, not wrapped integers', function()
    -- PyTorch: torch.tensor([1e20]).dtype and torch.full((1,), 1e20).dtype are float32
    local t = torch.tensor({ 1e20, 1 })
    assert.are.equal(torch.float32, t.dtype)
    assert.are.equal(100000002004087734272, t[1])
    local f = torch.full({ 1 }, 1e20)
    assert.are.equal(torch.float32, f.dtype)
    assert.are.equal(100000002004087734272, f[1])
    assert.are.equal(torch.float32, torch.tensor({ -2 ^ 64 }).dtype)
    -- the largest magnitudes that still fit stay int64
    assert.are.equal(torch.int64, torch.tensor({ -2 ^ 63 }).dtype)
    assert.are.equal(-2 ^ 63, torch.tensor({ -2 ^ 63 })[1])
    assert.are.equal(2 ^ 62, torch.tensor({ 2 ^ 62 })[1])
  end)

  it('torch.Tensor(table) is the default float dtype, torch.Tensor(sizes) uninitialised', function()
    local t = torch.Tensor({ 1, 2, 3 })
    assert.are.equal(torch.float32, t.dtype)
    assert.are.same({ 1, 2, 3 }, t:tolist())
    assert.are.same({ 2, 3 }, sizes(torch.Tensor(2, 3)))
  end)

  it('arange, linspace, logspace and eye', function()
    local a = torch.arange(5)
    assert.are.equal(torch.int64, a.dtype)
    assert.are.same({ 0, 1, 2, 3, 4 }, a:tolist())
    assert.are.same({ 2, 4, 6 }, torch.arange(2, 8, 2):tolist())
    local f = torch.arange(1, 2, 0.25)
    assert.are.equal(torch.float32, f.dtype)
    assert.are.same({ 1, 1.25, 1.5, 1.75 }, f:tolist())
    assert.are.same({ 5, 4, 3 }, torch.arange(5, 2, -1):tolist())
    assert.are.same({ 0, 0.25, 0.5, 0.75, 1 }, torch.linspace(0, 1, 5):tolist())
    assert.are.same({ 1, 10, 100 }, torch.logspace(0, 2, 3, { dtype = torch.float64 }):tolist())
    assert.are.same({ { 1, 0, 0 }, { 0, 1, 0 }, { 0, 0, 1 } }, torch.eye(3):tolist())
    assert.are.same({ { 1, 0, 0 }, { 0, 1, 0 } }, torch.eye(2, 3):tolist())
  end)

  it('the _like forms copy shape and dtype, and accept options', function()
    local x = torch.ones(2, 3, { dtype = torch.int16 })
    local z = torch.zeros_like(x)
    assert.are.equal(torch.int16, z.dtype)
    assert.are.same({ { 0, 0, 0 }, { 0, 0, 0 } }, z:tolist())
    local o = torch.ones_like(x, { dtype = torch.float64 })
    assert.are.equal(torch.float64, o.dtype)
    assert.are.same({ 2, 3 }, sizes(o))
    assert.are.same({ { 4, 4, 4 }, { 4, 4, 4 } }, torch.full_like(x, 4):tolist())
    assert.are.same({ 2, 3 }, sizes(torch.empty_like(x)))
  end)

  it('set_default_dtype changes what floats become', function()
    torch.set_default_dtype(torch.float64)
    local ok, err = pcall(function()
      assert.are.equal(torch.float64, torch.get_default_dtype())
      assert.are.equal(torch.float64, torch.tensor({ 1.5 }).dtype)
      assert.are.equal(torch.float64, torch.zeros(2).dtype)
      assert.are.equal(torch.float64, (torch.tensor({ 1, 2 }) / 2).dtype)
      assert.are.equal(torch.float16, (torch.ones(2, { dtype = torch.float16 }) * 2.5).dtype)
    end)
    torch.set_default_dtype(torch.float32)
    assert(ok, err)
    assert.are.equal(torch.float32, torch.zeros(2).dtype)
  end)
end)

describe('views and shapes', function()
  it('size, stride, dim, numel, shape and storage_offset', function()
    local x = torch.zeros(2, 3, 4)
    assert.are.same({ 2, 3, 4 }, sizes(x))
    assert.are.same({ 12, 4, 1 }, x:stride())
    assert.are.equal(3, x:size(2))
    assert.are.equal(4, x:size(-1))
    assert.are.equal(12, x:stride(1))
    assert.are.equal(3, x:dim())
    assert.are.equal(24, x:numel())
    assert.are.equal(3, x.ndim)
    assert.are.equal(torch.Size({ 2, 3, 4 }), x.shape)
    assert.are.equal(3, x.shape[2])
    assert.are.equal(0, x:storage_offset())
    assert.is_true(x:is_contiguous())
    assert.are.equal(2, #x)
  end)

  it('view shares memory and infers -1', function()
    local x = torch.arange(6)
    local v = x:view(2, 3)
    assert.are.same({ { 0, 1, 2 }, { 3, 4, 5 } }, v:tolist())
    assert.are.equal(x:data_ptr(), v:data_ptr())
    v[{ 2, 3 }] = 50
    assert.are.equal(50, x[6])
    assert.are.same({ 3, 2 }, sizes(x:view(-1, 2)))
    assert.are.same({ 6 }, sizes(v:view(-1)))
    assert.are.same({ 1, 6, 1 }, sizes(v:view({ 1, -1, 1 })))
    assert.are.same({ 2, 3 }, sizes(x:view_as(torch.zeros(2, 3))))
  end)

  it('reshape views when it can and copies when it must', function()
    local x = torch.arange(6):view(2, 3)
    local r = x:reshape(3, 2)
    assert.are.equal(x:data_ptr(), r:data_ptr())
    local t = x:t()
    local c = t:reshape(6)
    assert.are_not.equal(x:data_ptr(), c:data_ptr())
    assert.are.same({ 0, 3, 1, 4, 2, 5 }, c:tolist())
    assert.are.same({ 0, 3, 1, 4, 2, 5 }, torch.reshape(t, -1):tolist())
  end)

  it('transpose, t, T and permute', function()
    local x = torch.arange(24):view(2, 3, 4)
    local y = x:transpose(1, 3)
    assert.are.same({ 4, 3, 2 }, sizes(y))
    assert.are.same({ 1, 4, 12 }, y:stride())
    assert.is_false(y:is_contiguous())
    assert.are.equal(x[2][3][4], y[4][3][2])
    assert.are.same({ 2, 4, 3 }, sizes(x:transpose(-1, -2)))
    local p = x:permute(3, 1, 2)
    assert.are.same({ 4, 2, 3 }, sizes(p))
    assert.are.same({ 1, 12, 4 }, p:stride())
    assert.are.equal(x[2][1][3], p[3][2][1])
    assert.are.same({ 4, 3, 2 }, sizes(x.T))
    local m = torch.arange(6):view(2, 3)
    assert.are.same({ { 0, 3 }, { 1, 4 }, { 2, 5 } }, m:t():tolist())
    assert.are.same({ 3 }, sizes(torch.arange(3):t()))
  end)

  it('narrow, select, squeeze, unsqueeze, flatten, unfold', function()
    local x = torch.arange(12):view(3, 4)
    local n = x:narrow(2, 2, 2)
    assert.are.same({ { 1, 2 }, { 5, 6 }, { 9, 10 } }, n:tolist())
    assert.are.equal(1, n:storage_offset())
    assert.are.same({ 4, 5, 6, 7 }, x:select(1, 2):tolist())
    assert.are.same({ 3, 7, 11 }, x:select(2, -1):tolist())
    local u = x:unsqueeze(1)
    assert.are.same({ 1, 3, 4 }, sizes(u))
    assert.are.same({ 3, 4, 1 }, sizes(x:unsqueeze(-1)))
    assert.are.same({ 3, 1, 4 }, sizes(x:unsqueeze(2)))
    assert.are.same({ 3, 4 }, sizes(u:squeeze()))
    assert.are.same({ 3, 4 }, sizes(u:squeeze(1)))
    assert.are.same({ 1, 3, 4 }, sizes(u:squeeze(2)))
    assert.are.same({ 12 }, sizes(x:flatten()))
    local f = torch.zeros(2, 3, 4):flatten(2, 3)
    assert.are.same({ 2, 12 }, sizes(f))
    local w = torch.arange(7):unfold(1, 3, 2)
    assert.are.same({ { 0, 1, 2 }, { 2, 3, 4 }, { 4, 5, 6 } }, w:tolist())
  end)

  it('expand broadcasts with stride 0 and shares memory', function()
    local c = torch.tensor({ { 1 }, { 2 } })
    local e = c:expand(2, 3)
    assert.are.same({ { 1, 1, 1 }, { 2, 2, 2 } }, e:tolist())
    assert.are.same({ 1, 0 }, e:stride())
    local e3 = c:expand(4, -1, 3)
    assert.are.same({ 4, 2, 3 }, sizes(e3))
    assert.are.same({ 0, 1, 0 }, e3:stride())
    c[1][1] = 7
    assert.are.same({ 7, 7, 7 }, e[1]:tolist())
    assert.are.same({ 2, 3 }, sizes(c:expand_as(torch.zeros(2, 3))))
  end)

  it('as_strided makes arbitrary views', function()
    local x = torch.arange(10)
    local v = x:as_strided({ 3, 2 }, { 3, 1 }, 1)
    assert.are.same({ { 1, 2 }, { 4, 5 }, { 7, 8 } }, v:tolist())
  end)
end)

describe('indexing', function()
  it('x[i] is a number for 1-D tensors and a view otherwise; negatives count from the end', function()
    local v = torch.tensor({ 10, 20, 30 })
    assert.are.equal(10, v[1])
    assert.are.equal(30, v[3])
    assert.are.equal(30, v[-1])
    assert.are.equal(20, v[-2])
    local m = torch.arange(6):view(2, 3)
    local row = m[2]
    assert.is_true(torch.is_tensor(row))
    assert.are.same({ 3, 4, 5 }, row:tolist())
    assert.are.same({ 0, 1, 2 }, m[-2]:tolist())
    assert.are.equal(m:data_ptr() + 3 * 8, row:data_ptr())
    assert.are.equal(5, m[2][3])
    local b = torch.tensor({ true, false })
    assert.are.equal(false, b[2])
  end)

  it('x[{i, {a, b}}] selects and narrows (inclusive ranges, {} for all)', function()
    local m = torch.arange(12):view(3, 4)
    assert.are.same({ 5, 6 }, m[{ 2, { 2, 3 } }]:tolist())
    assert.are.same({ 1, 5, 9 }, m[{ {}, 2 }]:tolist())
    assert.are.same({ { 4, 5, 6, 7 } }, m[{ { 2 }, {} }]:tolist())
    assert.are.same({ { 6, 7 }, { 10, 11 } }, m[{ { 2, 3 }, { -2, -1 } }]:tolist())
    assert.are.same({ { 0, 1, 2, 3 }, { 4, 5, 6, 7 } }, m[{ { 1, 2 } }]:tolist())
    local s = m[{ 3, 4 }]
    assert.are.equal(0, s:dim())
    assert.are.equal(11, s:item())
    -- the result is a view
    local v = m[{ { 2, 3 }, { 2, 3 } }]
    assert.are.same({ 4, 1 }, v:stride())
    assert.are.equal(m:data_ptr() + 5 * 8, v:data_ptr())
  end)

  it('assignment through x[i] and x[{...}] writes in place', function()
    local v = torch.zeros(3)
    v[2] = 5
    assert.are.same({ 0, 5, 0 }, v:tolist())
    v[-1] = 7
    assert.are.same({ 0, 5, 7 }, v:tolist())
    local m = torch.zeros(2, 3, { dtype = torch.int32 })
    local before = m:data_ptr()
    m[1] = 4
    assert.are.same({ { 4, 4, 4 }, { 0, 0, 0 } }, m:tolist())
    m[{ {}, 2 }] = torch.tensor({ 8, 9 })
    assert.are.same({ { 4, 8, 4 }, { 0, 9, 0 } }, m:tolist())
    m[{ 2, { 1, 2 } }] = torch.tensor({ 1.9, -2.9 }) -- float into int32 truncates
    assert.are.same({ { 4, 8, 4 }, { 1, -2, 0 } }, m:tolist())
    m[{ 2, 3 }] = true
    assert.are.same({ 1, -2, 1 }, m[2]:tolist())
    m[2] = torch.tensor(6) -- a 0-dim tensor broadcasts
    assert.are.same({ 6, 6, 6 }, m[2]:tolist())
    assert.are.equal(before, m:data_ptr())
    assert.are.equal(torch.int32, m.dtype)
  end)
end)

describe('indexing assignment with leading size-1 dims', function()
  it('x[i] = t drops leading size-1 dims of t, as PyTorch\'s setitem does', function()
    -- PyTorch: x = torch.zeros(3); x[1] = torch.tensor([5.]) -> tensor([0., 5., 0.])
    local x = torch.zeros(3)
    x[2] = torch.tensor({ 5 })
    assert.are.same({ 0, 5, 0 }, x:tolist())
    -- m = torch.zeros(2, 3); m[0] = torch.ones(1, 3)
    local m = torch.zeros(2, 3)
    m[1] = torch.ones(1, 3)
    assert.are.same({ { 1, 1, 1 }, { 0, 0, 0 } }, m:tolist())
    m[{ 2, { 1, 2 } }] = torch.tensor({ { { 7, 8 } } })
    assert.are.same({ 7, 8, 0 }, m[2]:tolist())
  end)
end)

describe('copy_', function()
  local src_values = { 0, 1, 3, 100 }
  for _, from in ipairs(DTYPES) do
    for _, to in ipairs(DTYPES) do
      it(('from %s to %s'):format(from, to), function()
        local src
        if from == 'bool' then
          src = torch.tensor({ false, true, true, true })
        else
          src = torch.tensor(src_values, { dtype = from })
        end
        local dst = torch.zeros(4, { dtype = to })
        local r = dst:copy_(src)
        assert.is_true(rawequal(r, dst))
        assert.are.equal(to, dst.dtype.name)
        local want = {}
        for i, v in ipairs(src_values) do
          if from == 'bool' or to == 'bool' then want[i] = v ~= 0 and 1 or 0 else want[i] = v end
        end
        assert.are.same(want, numbers(dst))
        assert.are.same(from == 'bool' and { 0, 1, 1, 1 } or src_values, numbers(src))
      end)
    end
  end

  it('converts like PyTorch: floats truncate toward zero, integers wrap', function()
    assert.are.same({ 2, -2 }, torch.zeros(2, { dtype = torch.int32 }):copy_(torch.tensor({ 2.7, -2.7 })):tolist())
    assert.are.same({ 44 }, torch.zeros(1, { dtype = torch.int8 }):copy_(torch.tensor({ 300 }, { dtype = torch.int16 })):tolist())
    assert.are.same({ 255 }, torch.zeros(1, { dtype = torch.uint8 }):copy_(torch.tensor({ -1 }, { dtype = torch.int32 })):tolist())
    assert.are.same({ true, false }, torch.zeros(2, { dtype = torch.bool }):copy_(torch.tensor({ 0.5, 0 })):tolist())
    -- int64 values beyond 2^53 survive an int64 -> int64 copy and int32 -> int64 exactly
    local big = torch.tensor({ 2 ^ 40 + 1 }, { dtype = torch.int64 })
    assert.are.same({ 2 ^ 40 + 1 }, torch.zeros(1, { dtype = torch.int64 }):copy_(big):tolist())
    -- rounding to float16 / bfloat16
    assert.are.same({ 2048, 2052 }, numbers(torch.zeros(2, { dtype = torch.float16 }):copy_(torch.tensor({ 2049, 2051 }))))
    assert.are.same({ 65504 }, numbers(torch.zeros(1, { dtype = torch.float16 }):copy_(torch.tensor({ 65504.0 }))))
    assert.are.same({ 256, 260 }, numbers(torch.zeros(2, { dtype = torch.bfloat16 }):copy_(torch.tensor({ 257, 259 }))))
  end)

  it('broadcasts the source and writes into strided destinations', function()
    local dst = torch.zeros(2, 3)
    dst:copy_(torch.tensor({ 1, 2, 3 }))
    assert.are.same({ { 1, 2, 3 }, { 1, 2, 3 } }, dst:tolist())
    local base = torch.zeros(3, 2, { dtype = torch.float64 })
    base:t():copy_(torch.tensor({ { 1, 2, 3 }, { 4, 5, 6 } }, { dtype = torch.int16 }))
    assert.are.same({ { 1, 4 }, { 2, 5 }, { 3, 6 } }, base:tolist())
    local src = torch.arange(6):view(2, 3):t() -- strided source
    local d2 = torch.zeros(3, 2, { dtype = torch.float32 }):copy_(src)
    assert.are.same({ { 0, 3 }, { 1, 4 }, { 2, 5 } }, d2:tolist())
  end)

  it('copies large strided sources across dtypes (the multi-threaded path)', function()
    local n = 400
    local a = torch.arange(n * n):view(n, n):float()
    local d = torch.zeros(n, n, { dtype = torch.float64 }):copy_(a:t())
    for _, ij in ipairs({ { 1, 1 }, { 1, n }, { n, 1 }, { 17, 230 }, { n, n } }) do
      local i, j = ij[1], ij[2]
      assert.are.equal((j - 1) * n + (i - 1), d[i][j])
    end
    local h = torch.zeros(n, n, { dtype = torch.int32 }):copy_(a:t():narrow(1, 1, n))
    assert.are.equal((230 - 1) * n + 16, h[17][230])
  end)

  it('copies between overlapping views of one tensor as if through a temporary', function()
    local x = torch.tensor({ 1, 2, 3, 4 })
    x[{ { 2, 4 } }]:copy_(x[{ { 1, 3 } }])
    assert.are.same({ 1, 1, 2, 3 }, x:tolist())
    local m = torch.tensor({ { 1, 2 }, { 3, 4 } })
    m:copy_(m:t())
    assert.are.same({ { 1, 3 }, { 2, 4 } }, m:tolist())
  end)
end)

describe('clone and contiguous', function()
  it('clone copies the data into new memory', function()
    local x = torch.tensor({ { 1, 2 }, { 3, 4 } }, { dtype = torch.int16 })
    local c = x:clone()
    assert.are_not.equal(x:data_ptr(), c:data_ptr())
    assert.are.equal(torch.int16, c.dtype)
    assert.are.same(x:tolist(), c:tolist())
    c[1][1] = 9
    assert.are.equal(1, x[1][1])
    local tc = x:t():clone()
    assert.are.same({ { 1, 3 }, { 2, 4 } }, tc:tolist())
    assert.are.same({ { 1, 3 }, { 2, 4 } }, torch.clone(x:t()):tolist())
  end)

  it('contiguous returns the tensor itself when already contiguous, a copy otherwise', function()
    local x = torch.arange(6):view(2, 3)
    assert.is_true(rawequal(x, x:contiguous()))
    local t = x:t()
    local c = t:contiguous()
    assert.is_true(c:is_contiguous())
    assert.are.same({ 2, 1 }, c:stride())
    assert.are.same(t:tolist(), c:tolist())
    assert.are_not.equal(x:data_ptr(), c:data_ptr())
  end)
end)

describe('tolist and item', function()
  it('tolist gives nested tables; 0-dim gives a number; empty gives {}', function()
    assert.are.same({ { 1, 2 }, { 3, 4 } }, torch.tensor({ { 1, 2 }, { 3, 4 } }):tolist())
    assert.are.equal(5, torch.tensor(5):tolist())
    assert.are.same({}, torch.zeros(0):tolist())
    assert.are.same({ {}, {} }, torch.zeros(2, 0):tolist())
    assert.are.same({ { true }, { false } }, torch.tensor({ { true }, { false } }):tolist())
    assert.are.same({ 1.5, -0.25 }, torch.tensor({ 1.5, -0.25 }, { dtype = torch.float64 }):tolist())
  end)

  it('item reads the single element of any shape', function()
    assert.are.equal(7, torch.tensor(7):item())
    assert.are.equal(2.5, torch.tensor({ { 2.5 } }):item())
    assert.are.equal(true, torch.tensor({ true }):item())
    assert.are.equal(2 ^ 40 + 3, torch.tensor({ 2 ^ 40 + 3 }):item())
    assert.are.equal(-3, torch.tensor({ -3 }, { dtype = torch.int8 }):item())
    assert.are.equal(200, torch.tensor({ 200 }, { dtype = torch.uint8 }):item())
  end)

  it('item, tolist and x[i] read float16 and bfloat16 values (not bit patterns)', function()
    local h = torch.tensor({ 1.5, -2 }, { dtype = torch.float16 })
    assert.are.equal(1.5, h[1])
    assert.are.same({ 1.5, -2 }, h:tolist())
    assert.are.equal(-2, h[{ 2 }]:item())
    local b = torch.tensor({ 0.75 }, { dtype = torch.bfloat16 })
    assert.are.equal(0.75, b:item())
    assert.are.same({ 0.75 }, b:tolist())
  end)
end)

-- Result dtype and value of `a op b` for every pair of dtypes and for numbers on either side,
-- from PyTorch 1.13: a = tensor([3], dtype=A) (bool: [True]), b = tensor([2], dtype=B)
-- (bool: [True]); numbers 2, 2.5 and True.  'error' means PyTorch raises.  Lua numbers that
-- are integral count as integer wrapped numbers (2.0 behaves as PyTorch's 2).  For
-- number / tensor the value is the correctly rounded quotient (torch.div); PyTorch's `/`
-- operator computes it as reciprocal * number, which can differ in the last bit of a
-- 16-bit float.
local TT = {
  add = {
    float32 = {float32 = {'float32', 5.0}, float64 = {'float64', 5.0}, float16 = {'float32', 5.0}, bfloat16 = {'float32', 5.0}, int8 = {'float32', 5.0}, int16 = {'float32', 5.0}, int32 = {'float32', 5.0}, int64 = {'float32', 5.0}, uint8 = {'float32', 5.0}, bool = {'float32', 4.0}},
    float64 = {float32 = {'float64', 5.0}, float64 = {'float64', 5.0}, float16 = {'float64', 5.0}, bfloat16 = {'float64', 5.0}, int8 = {'float64', 5.0}, int16 = {'float64', 5.0}, int32 = {'float64', 5.0}, int64 = {'float64', 5.0}, uint8 = {'float64', 5.0}, bool = {'float64', 4.0}},
    float16 = {float32 = {'float32', 5.0}, float64 = {'float64', 5.0}, float16 = {'float16', 5.0}, bfloat16 = {'float32', 5.0}, int8 = {'float16', 5.0}, int16 = {'float16', 5.0}, int32 = {'float16', 5.0}, int64 = {'float16', 5.0}, uint8 = {'float16', 5.0}, bool = {'float16', 4.0}},
    bfloat16 = {float32 = {'float32', 5.0}, float64 = {'float64', 5.0}, float16 = {'float32', 5.0}, bfloat16 = {'bfloat16', 5.0}, int8 = {'bfloat16', 5.0}, int16 = {'bfloat16', 5.0}, int32 = {'bfloat16', 5.0}, int64 = {'bfloat16', 5.0}, uint8 = {'bfloat16', 5.0}, bool = {'bfloat16', 4.0}},
    int8 = {float32 = {'float32', 5.0}, float64 = {'float64', 5.0}, float16 = {'float16', 5.0}, bfloat16 = {'bfloat16', 5.0}, int8 = {'int8', 5.0}, int16 = {'int16', 5.0}, int32 = {'int32', 5.0}, int64 = {'int64', 5.0}, uint8 = {'int16', 5.0}, bool = {'int8', 4.0}},
    int16 = {float32 = {'float32', 5.0}, float64 = {'float64', 5.0}, float16 = {'float16', 5.0}, bfloat16 = {'bfloat16', 5.0}, int8 = {'int16', 5.0}, int16 = {'int16', 5.0}, int32 = {'int32', 5.0}, int64 = {'int64', 5.0}, uint8 = {'int16', 5.0}, bool = {'int16', 4.0}},
    int32 = {float32 = {'float32', 5.0}, float64 = {'float64', 5.0}, float16 = {'float16', 5.0}, bfloat16 = {'bfloat16', 5.0}, int8 = {'int32', 5.0}, int16 = {'int32', 5.0}, int32 = {'int32', 5.0}, int64 = {'int64', 5.0}, uint8 = {'int32', 5.0}, bool = {'int32', 4.0}},
    int64 = {float32 = {'float32', 5.0}, float64 = {'float64', 5.0}, float16 = {'float16', 5.0}, bfloat16 = {'bfloat16', 5.0}, int8 = {'int64', 5.0}, int16 = {'int64', 5.0}, int32 = {'int64', 5.0}, int64 = {'int64', 5.0}, uint8 = {'int64', 5.0}, bool = {'int64', 4.0}},
    uint8 = {float32 = {'float32', 5.0}, float64 = {'float64', 5.0}, float16 = {'float16', 5.0}, bfloat16 = {'bfloat16', 5.0}, int8 = {'int16', 5.0}, int16 = {'int16', 5.0}, int32 = {'int32', 5.0}, int64 = {'int64', 5.0}, uint8 = {'uint8', 5.0}, bool = {'uint8', 4.0}},
    bool = {float32 = {'float32', 3.0}, float64 = {'float64', 3.0}, float16 = {'float16', 3.0}, bfloat16 = {'bfloat16', 3.0}, int8 = {'int8', 3.0}, int16 = {'int16', 3.0}, int32 = {'int32', 3.0}, int64 = {'int64', 3.0}, uint8 = {'uint8', 3.0}, bool = {'bool', 1.0}},
  },
  sub = {
    float32 = {float32 = {'float32', 1.0}, float64 = {'float64', 1.0}, float16 = {'float32', 1.0}, bfloat16 = {'float32', 1.0}, int8 = {'float32', 1.0}, int16 = {'float32', 1.0}, int32 = {'float32', 1.0}, int64 = {'float32', 1.0}, uint8 = {'float32', 1.0}, bool = {'error'}},
    float64 = {float32 = {'float64', 1.0}, float64 = {'float64', 1.0}, float16 = {'float64', 1.0}, bfloat16 = {'float64', 1.0}, int8 = {'float64', 1.0}, int16 = {'float64', 1.0}, int32 = {'float64', 1.0}, int64 = {'float64', 1.0}, uint8 = {'float64', 1.0}, bool = {'error'}},
    float16 = {float32 = {'float32', 1.0}, float64 = {'float64', 1.0}, float16 = {'float16', 1.0}, bfloat16 = {'float32', 1.0}, int8 = {'float16', 1.0}, int16 = {'float16', 1.0}, int32 = {'float16', 1.0}, int64 = {'float16', 1.0}, uint8 = {'float16', 1.0}, bool = {'error'}},
    bfloat16 = {float32 = {'float32', 1.0}, float64 = {'float64', 1.0}, float16 = {'float32', 1.0}, bfloat16 = {'bfloat16', 1.0}, int8 = {'bfloat16', 1.0}, int16 = {'bfloat16', 1.0}, int32 = {'bfloat16', 1.0}, int64 = {'bfloat16', 1.0}, uint8 = {'bfloat16', 1.0}, bool = {'error'}},
    int8 = {float32 = {'float32', 1.0}, float64 = {'float64', 1.0}, float16 = {'float16', 1.0}, bfloat16 = {'bfloat16', 1.0}, int8 = {'int8', 1.0}, int16 = {'int16', 1.0}, int32 = {'int32', 1.0}, int64 = {'int64', 1.0}, uint8 = {'int16', 1.0}, bool = {'error'}},
    int16 = {float32 = {'float32', 1.0}, float64 = {'float64', 1.0}, float16 = {'float16', 1.0}, bfloat16 = {'bfloat16', 1.0}, int8 = {'int16', 1.0}, int16 = {'int16', 1.0}, int32 = {'int32', 1.0}, int64 = {'int64', 1.0}, uint8 = {'int16', 1.0}, bool = {'error'}},
    int32 = {float32 = {'float32', 1.0}, float64 = {'float64', 1.0}, float16 = {'float16', 1.0}, bfloat16 = {'bfloat16', 1.0}, int8 = {'int32', 1.0}, int16 = {'int32', 1.0}, int32 = {'int32', 1.0}, int64 = {'int64', 1.0}, uint8 = {'int32', 1.0}, bool = {'error'}},
    int64 = {float32 = {'float32', 1.0}, float64 = {'float64', 1.0}, float16 = {'float16', 1.0}, bfloat16 = {'bfloat16', 1.0}, int8 = {'int64', 1.0}, int16 = {'int64', 1.0}, int32 = {'int64', 1.0}, int64 = {'int64', 1.0}, uint8 = {'int64', 1.0}, bool = {'error'}},
    uint8 = {float32 = {'float32', 1.0}, float64 = {'float64', 1.0}, float16 = {'float16', 1.0}, bfloat16 = {'bfloat16', 1.0}, int8 = {'int16', 1.0}, int16 = {'int16', 1.0}, int32 = {'int32', 1.0}, int64 = {'int64', 1.0}, uint8 = {'uint8', 1.0}, bool = {'error'}},
    bool = {float32 = {'error'}, float64 = {'error'}, float16 = {'error'}, bfloat16 = {'error'}, int8 = {'error'}, int16 = {'error'}, int32 = {'error'}, int64 = {'error'}, uint8 = {'error'}, bool = {'error'}},
  },
  mul = {
    float32 = {float32 = {'float32', 6.0}, float64 = {'float64', 6.0}, float16 = {'float32', 6.0}, bfloat16 = {'float32', 6.0}, int8 = {'float32', 6.0}, int16 = {'float32', 6.0}, int32 = {'float32', 6.0}, int64 = {'float32', 6.0}, uint8 = {'float32', 6.0}, bool = {'float32', 3.0}},
    float64 = {float32 = {'float64', 6.0}, float64 = {'float64', 6.0}, float16 = {'float64', 6.0}, bfloat16 = {'float64', 6.0}, int8 = {'float64', 6.0}, int16 = {'float64', 6.0}, int32 = {'float64', 6.0}, int64 = {'float64', 6.0}, uint8 = {'float64', 6.0}, bool = {'float64', 3.0}},
    float16 = {float32 = {'float32', 6.0}, float64 = {'float64', 6.0}, float16 = {'float16', 6.0}, bfloat16 = {'float32', 6.0}, int8 = {'float16', 6.0}, int16 = {'float16', 6.0}, int32 = {'float16', 6.0}, int64 = {'float16', 6.0}, uint8 = {'float16', 6.0}, bool = {'float16', 3.0}},
    bfloat16 = {float32 = {'float32', 6.0}, float64 = {'float64', 6.0}, float16 = {'float32', 6.0}, bfloat16 = {'bfloat16', 6.0}, int8 = {'bfloat16', 6.0}, int16 = {'bfloat16', 6.0}, int32 = {'bfloat16', 6.0}, int64 = {'bfloat16', 6.0}, uint8 = {'bfloat16', 6.0}, bool = {'bfloat16', 3.0}},
    int8 = {float32 = {'float32', 6.0}, float64 = {'float64', 6.0}, float16 = {'float16', 6.0}, bfloat16 = {'bfloat16', 6.0}, int8 = {'int8', 6.0}, int16 = {'int16', 6.0}, int32 = {'int32', 6.0}, int64 = {'int64', 6.0}, uint8 = {'int16', 6.0}, bool = {'int8', 3.0}},
    int16 = {float32 = {'float32', 6.0}, float64 = {'float64', 6.0}, float16 = {'float16', 6.0}, bfloat16 = {'bfloat16', 6.0}, int8 = {'int16', 6.0}, int16 = {'int16', 6.0}, int32 = {'int32', 6.0}, int64 = {'int64', 6.0}, uint8 = {'int16', 6.0}, bool = {'int16', 3.0}},
    int32 = {float32 = {'float32', 6.0}, float64 = {'float64', 6.0}, float16 = {'float16', 6.0}, bfloat16 = {'bfloat16', 6.0}, int8 = {'int32', 6.0}, int16 = {'int32', 6.0}, int32 = {'int32', 6.0}, int64 = {'int64', 6.0}, uint8 = {'int32', 6.0}, bool = {'int32', 3.0}},
    int64 = {float32 = {'float32', 6.0}, float64 = {'float64', 6.0}, float16 = {'float16', 6.0}, bfloat16 = {'bfloat16', 6.0}, int8 = {'int64', 6.0}, int16 = {'int64', 6.0}, int32 = {'int64', 6.0}, int64 = {'int64', 6.0}, uint8 = {'int64', 6.0}, bool = {'int64', 3.0}},
    uint8 = {float32 = {'float32', 6.0}, float64 = {'float64', 6.0}, float16 = {'float16', 6.0}, bfloat16 = {'bfloat16', 6.0}, int8 = {'int16', 6.0}, int16 = {'int16', 6.0}, int32 = {'int32', 6.0}, int64 = {'int64', 6.0}, uint8 = {'uint8', 6.0}, bool = {'uint8', 3.0}},
    bool = {float32 = {'float32', 2.0}, float64 = {'float64', 2.0}, float16 = {'float16', 2.0}, bfloat16 = {'bfloat16', 2.0}, int8 = {'int8', 2.0}, int16 = {'int16', 2.0}, int32 = {'int32', 2.0}, int64 = {'int64', 2.0}, uint8 = {'uint8', 2.0}, bool = {'bool', 1.0}},
  },
  div = {
    float32 = {float32 = {'float32', 1.5}, float64 = {'float64', 1.5}, float16 = {'float32', 1.5}, bfloat16 = {'float32', 1.5}, int8 = {'float32', 1.5}, int16 = {'float32', 1.5}, int32 = {'float32', 1.5}, int64 = {'float32', 1.5}, uint8 = {'float32', 1.5}, bool = {'float32', 3.0}},
    float64 = {float32 = {'float64', 1.5}, float64 = {'float64', 1.5}, float16 = {'float64', 1.5}, bfloat16 = {'float64', 1.5}, int8 = {'float64', 1.5}, int16 = {'float64', 1.5}, int32 = {'float64', 1.5}, int64 = {'float64', 1.5}, uint8 = {'float64', 1.5}, bool = {'float64', 3.0}},
    float16 = {float32 = {'float32', 1.5}, float64 = {'float64', 1.5}, float16 = {'float16', 1.5}, bfloat16 = {'float32', 1.5}, int8 = {'float16', 1.5}, int16 = {'float16', 1.5}, int32 = {'float16', 1.5}, int64 = {'float16', 1.5}, uint8 = {'float16', 1.5}, bool = {'float16', 3.0}},
    bfloat16 = {float32 = {'float32', 1.5}, float64 = {'float64', 1.5}, float16 = {'float32', 1.5}, bfloat16 = {'bfloat16', 1.5}, int8 = {'bfloat16', 1.5}, int16 = {'bfloat16', 1.5}, int32 = {'bfloat16', 1.5}, int64 = {'bfloat16', 1.5}, uint8 = {'bfloat16', 1.5}, bool = {'bfloat16', 3.0}},
    int8 = {float32 = {'float32', 1.5}, float64 = {'float64', 1.5}, float16 = {'float16', 1.5}, bfloat16 = {'bfloat16', 1.5}, int8 = {'float32', 1.5}, int16 = {'float32', 1.5}, int32 = {'float32', 1.5}, int64 = {'float32', 1.5}, uint8 = {'float32', 1.5}, bool = {'float32', 3.0}},
    int16 = {float32 = {'float32', 1.5}, float64 = {'float64', 1.5}, float16 = {'float16', 1.5}, bfloat16 = {'bfloat16', 1.5}, int8 = {'float32', 1.5}, int16 = {'float32', 1.5}, int32 = {'float32', 1.5}, int64 = {'float32', 1.5}, uint8 = {'float32', 1.5}, bool = {'float32', 3.0}},
    int32 = {float32 = {'float32', 1.5}, float64 = {'float64', 1.5}, float16 = {'float16', 1.5}, bfloat16 = {'bfloat16', 1.5}, int8 = {'float32', 1.5}, int16 = {'float32', 1.5}, int32 = {'float32', 1.5}, int64 = {'float32', 1.5}, uint8 = {'float32', 1.5}, bool = {'float32', 3.0}},
    int64 = {float32 = {'float32', 1.5}, float64 = {'float64', 1.5}, float16 = {'float16', 1.5}, bfloat16 = {'bfloat16', 1.5}, int8 = {'float32', 1.5}, int16 = {'float32', 1.5}, int32 = {'float32', 1.5}, int64 = {'float32', 1.5}, uint8 = {'float32', 1.5}, bool = {'float32', 3.0}},
    uint8 = {float32 = {'float32', 1.5}, float64 = {'float64', 1.5}, float16 = {'float16', 1.5}, bfloat16 = {'bfloat16', 1.5}, int8 = {'float32', 1.5}, int16 = {'float32', 1.5}, int32 = {'float32', 1.5}, int64 = {'float32', 1.5}, uint8 = {'float32', 1.5}, bool = {'float32', 3.0}},
    bool = {float32 = {'float32', 0.5}, float64 = {'float64', 0.5}, float16 = {'float16', 0.5}, bfloat16 = {'bfloat16', 0.5}, int8 = {'float32', 0.5}, int16 = {'float32', 0.5}, int32 = {'float32', 0.5}, int64 = {'float32', 0.5}, uint8 = {'float32', 0.5}, bool = {'float32', 1.0}},
  },
  pow = {
    float32 = {float32 = {'float32', 9.0}, float64 = {'float64', 9.0}, float16 = {'float32', 9.0}, bfloat16 = {'float32', 9.0}, int8 = {'float32', 9.0}, int16 = {'float32', 9.0}, int32 = {'float32', 9.0}, int64 = {'float32', 9.0}, uint8 = {'float32', 9.0}, bool = {'float32', 3.0}},
    float64 = {float32 = {'float64', 9.0}, float64 = {'float64', 9.0}, float16 = {'float64', 9.0}, bfloat16 = {'float64', 9.0}, int8 = {'float64', 9.0}, int16 = {'float64', 9.0}, int32 = {'float64', 9.0}, int64 = {'float64', 9.0}, uint8 = {'float64', 9.0}, bool = {'float64', 3.0}},
    float16 = {float32 = {'float32', 9.0}, float64 = {'float64', 9.0}, float16 = {'float16', 9.0}, bfloat16 = {'float32', 9.0}, int8 = {'float16', 9.0}, int16 = {'float16', 9.0}, int32 = {'float16', 9.0}, int64 = {'float16', 9.0}, uint8 = {'float16', 9.0}, bool = {'float16', 3.0}},
    bfloat16 = {float32 = {'float32', 9.0}, float64 = {'float64', 9.0}, float16 = {'float32', 9.0}, bfloat16 = {'bfloat16', 9.0}, int8 = {'bfloat16', 9.0}, int16 = {'bfloat16', 9.0}, int32 = {'bfloat16', 9.0}, int64 = {'bfloat16', 9.0}, uint8 = {'bfloat16', 9.0}, bool = {'bfloat16', 3.0}},
    int8 = {float32 = {'float32', 9.0}, float64 = {'float64', 9.0}, float16 = {'float16', 9.0}, bfloat16 = {'bfloat16', 9.0}, int8 = {'int8', 9.0}, int16 = {'int16', 9.0}, int32 = {'int32', 9.0}, int64 = {'int64', 9.0}, uint8 = {'int16', 9.0}, bool = {'int8', 3.0}},
    int16 = {float32 = {'float32', 9.0}, float64 = {'float64', 9.0}, float16 = {'float16', 9.0}, bfloat16 = {'bfloat16', 9.0}, int8 = {'int16', 9.0}, int16 = {'int16', 9.0}, int32 = {'int32', 9.0}, int64 = {'int64', 9.0}, uint8 = {'int16', 9.0}, bool = {'int16', 3.0}},
    int32 = {float32 = {'float32', 9.0}, float64 = {'float64', 9.0}, float16 = {'float16', 9.0}, bfloat16 = {'bfloat16', 9.0}, int8 = {'int32', 9.0}, int16 = {'int32', 9.0}, int32 = {'int32', 9.0}, int64 = {'int64', 9.0}, uint8 = {'int32', 9.0}, bool = {'int32', 3.0}},
    int64 = {float32 = {'float32', 9.0}, float64 = {'float64', 9.0}, float16 = {'float16', 9.0}, bfloat16 = {'bfloat16', 9.0}, int8 = {'int64', 9.0}, int16 = {'int64', 9.0}, int32 = {'int64', 9.0}, int64 = {'int64', 9.0}, uint8 = {'int64', 9.0}, bool = {'int64', 3.0}},
    uint8 = {float32 = {'float32', 9.0}, float64 = {'float64', 9.0}, float16 = {'float16', 9.0}, bfloat16 = {'bfloat16', 9.0}, int8 = {'int16', 9.0}, int16 = {'int16', 9.0}, int32 = {'int32', 9.0}, int64 = {'int64', 9.0}, uint8 = {'uint8', 9.0}, bool = {'uint8', 3.0}},
    bool = {float32 = {'float32', 1.0}, float64 = {'float64', 1.0}, float16 = {'float16', 1.0}, bfloat16 = {'bfloat16', 1.0}, int8 = {'int8', 1.0}, int16 = {'int16', 1.0}, int32 = {'int32', 1.0}, int64 = {'int64', 1.0}, uint8 = {'uint8', 1.0}, bool = {'error'}},
  },
}
-- tensor op number and number op tensor: TS[op][a] = {int = {right, left}, float = ..., bool = ...}
local TS = {
  add = {
    float32 = {int = {{'float32', 5.0}, {'float32', 5.0}}, float = {{'float32', 5.5}, {'float32', 5.5}}, bool = {{'float32', 4.0}, {'float32', 4.0}}},
    float64 = {int = {{'float64', 5.0}, {'float64', 5.0}}, float = {{'float64', 5.5}, {'float64', 5.5}}, bool = {{'float64', 4.0}, {'float64', 4.0}}},
    float16 = {int = {{'float16', 5.0}, {'float16', 5.0}}, float = {{'float16', 5.5}, {'float16', 5.5}}, bool = {{'float16', 4.0}, {'float16', 4.0}}},
    bfloat16 = {int = {{'bfloat16', 5.0}, {'bfloat16', 5.0}}, float = {{'bfloat16', 5.5}, {'bfloat16', 5.5}}, bool = {{'bfloat16', 4.0}, {'bfloat16', 4.0}}},
    int8 = {int = {{'int8', 5.0}, {'int8', 5.0}}, float = {{'float32', 5.5}, {'float32', 5.5}}, bool = {{'int8', 4.0}, {'int8', 4.0}}},
    int16 = {int = {{'int16', 5.0}, {'int16', 5.0}}, float = {{'float32', 5.5}, {'float32', 5.5}}, bool = {{'int16', 4.0}, {'int16', 4.0}}},
    int32 = {int = {{'int32', 5.0}, {'int32', 5.0}}, float = {{'float32', 5.5}, {'float32', 5.5}}, bool = {{'int32', 4.0}, {'int32', 4.0}}},
    int64 = {int = {{'int64', 5.0}, {'int64', 5.0}}, float = {{'float32', 5.5}, {'float32', 5.5}}, bool = {{'int64', 4.0}, {'int64', 4.0}}},
    uint8 = {int = {{'uint8', 5.0}, {'uint8', 5.0}}, float = {{'float32', 5.5}, {'float32', 5.5}}, bool = {{'uint8', 4.0}, {'uint8', 4.0}}},
    bool = {int = {{'int64', 3.0}, {'int64', 3.0}}, float = {{'float32', 3.5}, {'float32', 3.5}}, bool = {{'bool', 1.0}, {'bool', 1.0}}},
  },
  sub = {
    float32 = {int = {{'float32', 1.0}, {'float32', -1.0}}, float = {{'float32', 0.5}, {'float32', -0.5}}, bool = {{'error'}, {'error'}}},
    float64 = {int = {{'float64', 1.0}, {'float64', -1.0}}, float = {{'float64', 0.5}, {'float64', -0.5}}, bool = {{'error'}, {'error'}}},
    float16 = {int = {{'float16', 1.0}, {'float16', -1.0}}, float = {{'float16', 0.5}, {'float16', -0.5}}, bool = {{'error'}, {'error'}}},
    bfloat16 = {int = {{'bfloat16', 1.0}, {'bfloat16', -1.0}}, float = {{'bfloat16', 0.5}, {'bfloat16', -0.5}}, bool = {{'error'}, {'error'}}},
    int8 = {int = {{'int8', 1.0}, {'int8', -1.0}}, float = {{'float32', 0.5}, {'float32', -0.5}}, bool = {{'error'}, {'error'}}},
    int16 = {int = {{'int16', 1.0}, {'int16', -1.0}}, float = {{'float32', 0.5}, {'float32', -0.5}}, bool = {{'error'}, {'error'}}},
    int32 = {int = {{'int32', 1.0}, {'int32', -1.0}}, float = {{'float32', 0.5}, {'float32', -0.5}}, bool = {{'error'}, {'error'}}},
    int64 = {int = {{'int64', 1.0}, {'int64', -1.0}}, float = {{'float32', 0.5}, {'float32', -0.5}}, bool = {{'error'}, {'error'}}},
    uint8 = {int = {{'uint8', 1.0}, {'uint8', 255.0}}, float = {{'float32', 0.5}, {'float32', -0.5}}, bool = {{'error'}, {'error'}}},
    bool = {int = {{'error'}, {'error'}}, float = {{'error'}, {'error'}}, bool = {{'error'}, {'error'}}},
  },
  mul = {
    float32 = {int = {{'float32', 6.0}, {'float32', 6.0}}, float = {{'float32', 7.5}, {'float32', 7.5}}, bool = {{'float32', 3.0}, {'float32', 3.0}}},
    float64 = {int = {{'float64', 6.0}, {'float64', 6.0}}, float = {{'float64', 7.5}, {'float64', 7.5}}, bool = {{'float64', 3.0}, {'float64', 3.0}}},
    float16 = {int = {{'float16', 6.0}, {'float16', 6.0}}, float = {{'float16', 7.5}, {'float16', 7.5}}, bool = {{'float16', 3.0}, {'float16', 3.0}}},
    bfloat16 = {int = {{'bfloat16', 6.0}, {'bfloat16', 6.0}}, float = {{'bfloat16', 7.5}, {'bfloat16', 7.5}}, bool = {{'bfloat16', 3.0}, {'bfloat16', 3.0}}},
    int8 = {int = {{'int8', 6.0}, {'int8', 6.0}}, float = {{'float32', 7.5}, {'float32', 7.5}}, bool = {{'int8', 3.0}, {'int8', 3.0}}},
    int16 = {int = {{'int16', 6.0}, {'int16', 6.0}}, float = {{'float32', 7.5}, {'float32', 7.5}}, bool = {{'int16', 3.0}, {'int16', 3.0}}},
    int32 = {int = {{'int32', 6.0}, {'int32', 6.0}}, float = {{'float32', 7.5}, {'float32', 7.5}}, bool = {{'int32', 3.0}, {'int32', 3.0}}},
    int64 = {int = {{'int64', 6.0}, {'int64', 6.0}}, float = {{'float32', 7.5}, {'float32', 7.5}}, bool = {{'int64', 3.0}, {'int64', 3.0}}},
    uint8 = {int = {{'uint8', 6.0}, {'uint8', 6.0}}, float = {{'float32', 7.5}, {'float32', 7.5}}, bool = {{'uint8', 3.0}, {'uint8', 3.0}}},
    bool = {int = {{'int64', 2.0}, {'int64', 2.0}}, float = {{'float32', 2.5}, {'float32', 2.5}}, bool = {{'bool', 1.0}, {'bool', 1.0}}},
  },
  div = {
    float32 = {int = {{'float32', 1.5}, {'float32', 0.6666666865348816}}, float = {{'float32', 1.2000000476837158}, {'float32', 0.8333333134651184}}, bool = {{'float32', 3.0}, {'float32', 0.3333333432674408}}},
    float64 = {int = {{'float64', 1.5}, {'float64', 0.6666666666666666}}, float = {{'float64', 1.2}, {'float64', 0.8333333333333334}}, bool = {{'float64', 3.0}, {'float64', 0.3333333333333333}}},
    float16 = {int = {{'float16', 1.5}, {'float16', 0.66650390625}}, float = {{'float16', 1.2001953125}, {'float16', 0.83349609375}}, bool = {{'float16', 3.0}, {'float16', 0.333251953125}}},
    bfloat16 = {int = {{'bfloat16', 1.5}, {'bfloat16', 0.66796875}}, float = {{'bfloat16', 1.203125}, {'bfloat16', 0.83203125}}, bool = {{'bfloat16', 3.0}, {'bfloat16', 0.333984375}}},
    int8 = {int = {{'float32', 1.5}, {'float32', 0.6666666865348816}}, float = {{'float32', 1.2000000476837158}, {'float32', 0.8333333134651184}}, bool = {{'float32', 3.0}, {'float32', 0.3333333432674408}}},
    int16 = {int = {{'float32', 1.5}, {'float32', 0.6666666865348816}}, float = {{'float32', 1.2000000476837158}, {'float32', 0.8333333134651184}}, bool = {{'float32', 3.0}, {'float32', 0.3333333432674408}}},
    int32 = {int = {{'float32', 1.5}, {'float32', 0.6666666865348816}}, float = {{'float32', 1.2000000476837158}, {'float32', 0.8333333134651184}}, bool = {{'float32', 3.0}, {'float32', 0.3333333432674408}}},
    int64 = {int = {{'float32', 1.5}, {'float32', 0.6666666865348816}}, float = {{'float32', 1.2000000476837158}, {'float32', 0.8333333134651184}}, bool = {{'float32', 3.0}, {'float32', 0.3333333432674408}}},
    uint8 = {int = {{'float32', 1.5}, {'float32', 0.6666666865348816}}, float = {{'float32', 1.2000000476837158}, {'float32', 0.8333333134651184}}, bool = {{'float32', 3.0}, {'float32', 0.3333333432674408}}},
    bool = {int = {{'float32', 0.5}, {'float32', 2.0}}, float = {{'float32', 0.4000000059604645}, {'float32', 2.5}}, bool = {{'float32', 1.0}, {'float32', 1.0}}},
  },
  pow = {
    float32 = {int = {{'float32', 9.0}, {'float32', 8.0}}, float = {{'float32', 15.588457107543945}, {'float32', 15.625}}, bool = {{'float32', 3.0}, {'float32', 1.0}}},
    float64 = {int = {{'float64', 9.0}, {'float64', 8.0}}, float = {{'float64', 15.588457268119896}, {'float64', 15.625}}, bool = {{'float64', 3.0}, {'float64', 1.0}}},
    float16 = {int = {{'float16', 9.0}, {'float16', 8.0}}, float = {{'float16', 15.5859375}, {'float16', 15.625}}, bool = {{'float16', 3.0}, {'float16', 1.0}}},
    bfloat16 = {int = {{'bfloat16', 9.0}, {'bfloat16', 8.0}}, float = {{'bfloat16', 15.5625}, {'bfloat16', 15.625}}, bool = {{'bfloat16', 3.0}, {'bfloat16', 1.0}}},
    int8 = {int = {{'int8', 9.0}, {'int8', 8.0}}, float = {{'float32', 15.588457107543945}, {'float32', 15.625}}, bool = {{'int8', 3.0}, {'int8', 1.0}}},
    int16 = {int = {{'int16', 9.0}, {'int16', 8.0}}, float = {{'float32', 15.588457107543945}, {'float32', 15.625}}, bool = {{'int16', 3.0}, {'int16', 1.0}}},
    int32 = {int = {{'int32', 9.0}, {'int32', 8.0}}, float = {{'float32', 15.588457107543945}, {'float32', 15.625}}, bool = {{'int32', 3.0}, {'int32', 1.0}}},
    int64 = {int = {{'int64', 9.0}, {'int64', 8.0}}, float = {{'float32', 15.588457107543945}, {'float32', 15.625}}, bool = {{'int64', 3.0}, {'int64', 1.0}}},
    uint8 = {int = {{'uint8', 9.0}, {'uint8', 8.0}}, float = {{'float32', 15.588457107543945}, {'float32', 15.625}}, bool = {{'uint8', 3.0}, {'uint8', 1.0}}},
    bool = {int = {{'int64', 1.0}, {'int64', 2.0}}, float = {{'float32', 1.0}, {'float32', 2.5}}, bool = {{'error'}, {'error'}}},
  },
}

local OPS = {
  add = function(a, b) return a + b end,
  sub = function(a, b) return a - b end,
  mul = function(a, b) return a * b end,
  div = function(a, b) return a / b end,
  pow = function(a, b) return a ^ b end,
}
local TOL = { float16 = 1e-3, bfloat16 = 1e-2, float32 = 1e-6, float64 = 1e-12 }

local function operand(name, v)
  if name == 'bool' then return torch.tensor({ true }) end
  return torch.tensor({ v }, { dtype = name })
end

local function check_result(label, expected, ok, r)
  if expected[1] == 'error' then
    assert(not ok, label .. ': PyTorch raises an error, got a result of dtype ' .. (ok and tostring(r.dtype) or ''))
    return
  end
  assert(ok, label .. ': unexpected error: ' .. tostring(r))
  assert.are.equal(expected[1], r.dtype.name, label .. ': dtype')
  assert.are.same({ 1 }, sizes(r), label .. ': shape')
  local v = numbers(r)[1]
  assert(near(v, expected[2], TOL[expected[1]] or 0),
    ('%s: value %.17g, expected %.17g'):format(label, v, expected[2]))
end

describe('type promotion', function()
  for _, op in ipairs({ 'add', 'sub', 'mul', 'div', 'pow' }) do
    for _, a in ipairs(DTYPES) do
      it(('%s: %s tensor with every dtype'):format(op, a), function()
        for _, b in ipairs(DTYPES) do
          local x, y = operand(a, 3), operand(b, 2)
          local xs, ys = numbers(x), numbers(y)
          local ok, r = pcall(OPS[op], x, y)
          check_result(('%s(%s, %s)'):format(op, a, b), TT[op][a][b], ok, r)
          -- the operands are never changed
          assert.are.same(xs, numbers(x))
          assert.are.same(ys, numbers(y))
          assert.are.equal(a, x.dtype.name)
        end
      end)
      it(('%s: %s tensor with numbers on either side'):format(op, a), function()
        for kind, s in pairs({ int = 2, float = 2.5, bool = true }) do
          local x = operand(a, 3)
          local ok, r = pcall(OPS[op], x, s)
          check_result(('%s(%s tensor, %s %s)'):format(op, a, kind, tostring(s)), TS[op][a][kind][1], ok, r)
          ok, r = pcall(OPS[op], s, x)
          check_result(('%s(%s %s, %s tensor)'):format(op, kind, tostring(s), a), TS[op][a][kind][2], ok, r)
        end
      end)
    end
  end

  it('the method and function forms promote the same way', function()
    local i8 = torch.tensor({ 3 }, { dtype = torch.int8 })
    local u8 = torch.tensor({ 2 }, { dtype = torch.uint8 })
    assert.are.equal(torch.int16, i8:add(u8).dtype)
    assert.are.equal(torch.int16, torch.add(i8, u8).dtype)
    assert.are.equal(torch.float32, torch.div(i8, u8).dtype)
    assert.are.equal(torch.float32, i8:mul(1.5).dtype)
    assert.are.equal(torch.int8, i8:pow(2).dtype)
    assert.are.equal(torch.int8, torch.result_type(i8, 2))
    assert.are.equal(torch.float32, torch.result_type(i8, 2.5))
    assert.are.equal(torch.int16, torch.promote_types(torch.int8, torch.uint8))
    assert.are.equal(torch.float32, torch.promote_types('bfloat16', 'float16'))
  end)

  it('neg keeps the dtype', function()
    for _, d in ipairs(DTYPES) do
      if d ~= 'bool' then
        local x = torch.tensor({ 3, 0 }, { dtype = d })
        local r = -x
        assert.are.equal(d, r.dtype.name)
        if d == 'uint8' then
          assert.are.same({ 253, 0 }, numbers(r))
        else
          assert.are.same({ -3, 0 }, numbers(r))
        end
        assert.are.same({ 3, 0 }, numbers(x))
      end
    end
  end)

  it('integer arithmetic wraps around', function()
    assert.are.same({ -128 }, (torch.tensor({ 127 }, { dtype = torch.int8 }) + 1):tolist())
    assert.are.same({ 0 }, (torch.tensor({ 255 }, { dtype = torch.uint8 }) + 1):tolist())
    assert.are.same({ 44 }, (torch.tensor({ 100 }, { dtype = torch.uint8 }) * 3):tolist())
  end)
end)

-- In place: IP[op][a][b] = value of a after a:op_(b), a = [3] of dtype A (bool: [true]),
-- b = [2] of dtype B (bool: [true]) or the number 2, 2.5, true; 'error' where PyTorch raises.
local IP = {
  add = {
    float32 = {float32 = 5.0, float64 = 5.0, float16 = 5.0, bfloat16 = 5.0, int8 = 5.0, int16 = 5.0, int32 = 5.0, int64 = 5.0, uint8 = 5.0, bool = 4.0, n_int = 5.0, n_float = 5.5, n_true = 4.0},
    float64 = {float32 = 5.0, float64 = 5.0, float16 = 5.0, bfloat16 = 5.0, int8 = 5.0, int16 = 5.0, int32 = 5.0, int64 = 5.0, uint8 = 5.0, bool = 4.0, n_int = 5.0, n_float = 5.5, n_true = 4.0},
    float16 = {float32 = 5.0, float64 = 5.0, float16 = 5.0, bfloat16 = 5.0, int8 = 5.0, int16 = 5.0, int32 = 5.0, int64 = 5.0, uint8 = 5.0, bool = 4.0, n_int = 5.0, n_float = 5.5, n_true = 4.0},
    bfloat16 = {float32 = 5.0, float64 = 5.0, float16 = 5.0, bfloat16 = 5.0, int8 = 5.0, int16 = 5.0, int32 = 5.0, int64 = 5.0, uint8 = 5.0, bool = 4.0, n_int = 5.0, n_float = 5.5, n_true = 4.0},
    int8 = {float32 = 'error', float64 = 'error', float16 = 'error', bfloat16 = 'error', int8 = 5.0, int16 = 5.0, int32 = 5.0, int64 = 5.0, uint8 = 5.0, bool = 4.0, n_int = 5.0, n_float = 'error', n_true = 4.0},
    int16 = {float32 = 'error', float64 = 'error', float16 = 'error', bfloat16 = 'error', int8 = 5.0, int16 = 5.0, int32 = 5.0, int64 = 5.0, uint8 = 5.0, bool = 4.0, n_int = 5.0, n_float = 'error', n_true = 4.0},
    int32 = {float32 = 'error', float64 = 'error', float16 = 'error', bfloat16 = 'error', int8 = 5.0, int16 = 5.0, int32 = 5.0, int64 = 5.0, uint8 = 5.0, bool = 4.0, n_int = 5.0, n_float = 'error', n_true = 4.0},
    int64 = {float32 = 'error', float64 = 'error', float16 = 'error', bfloat16 = 'error', int8 = 5.0, int16 = 5.0, int32 = 5.0, int64 = 5.0, uint8 = 5.0, bool = 4.0, n_int = 5.0, n_float = 'error', n_true = 4.0},
    uint8 = {float32 = 'error', float64 = 'error', float16 = 'error', bfloat16 = 'error', int8 = 5.0, int16 = 5.0, int32 = 5.0, int64 = 5.0, uint8 = 5.0, bool = 4.0, n_int = 5.0, n_float = 'error', n_true = 4.0},
    bool = {float32 = 'error', float64 = 'error', float16 = 'error', bfloat16 = 'error', int8 = 'error', int16 = 'error', int32 = 'error', int64 = 'error', uint8 = 'error', bool = 1.0, n_int = 'error', n_float = 'error', n_true = 1.0},
  },
  sub = {
    float32 = {float32 = 1.0, float64 = 1.0, float16 = 1.0, bfloat16 = 1.0, int8 = 1.0, int16 = 1.0, int32 = 1.0, int64 = 1.0, uint8 = 1.0, bool = 'error', n_int = 1.0, n_float = 0.5, n_true = 'error'},
    float64 = {float32 = 1.0, float64 = 1.0, float16 = 1.0, bfloat16 = 1.0, int8 = 1.0, int16 = 1.0, int32 = 1.0, int64 = 1.0, uint8 = 1.0, bool = 'error', n_int = 1.0, n_float = 0.5, n_true = 'error'},
    float16 = {float32 = 1.0, float64 = 1.0, float16 = 1.0, bfloat16 = 1.0, int8 = 1.0, int16 = 1.0, int32 = 1.0, int64 = 1.0, uint8 = 1.0, bool = 'error', n_int = 1.0, n_float = 0.5, n_true = 'error'},
    bfloat16 = {float32 = 1.0, float64 = 1.0, float16 = 1.0, bfloat16 = 1.0, int8 = 1.0, int16 = 1.0, int32 = 1.0, int64 = 1.0, uint8 = 1.0, bool = 'error', n_int = 1.0, n_float = 0.5, n_true = 'error'},
    int8 = {float32 = 'error', float64 = 'error', float16 = 'error', bfloat16 = 'error', int8 = 1.0, int16 = 1.0, int32 = 1.0, int64 = 1.0, uint8 = 1.0, bool = 'error', n_int = 1.0, n_float = 'error', n_true = 'error'},
    int16 = {float32 = 'error', float64 = 'error', float16 = 'error', bfloat16 = 'error', int8 = 1.0, int16 = 1.0, int32 = 1.0, int64 = 1.0, uint8 = 1.0, bool = 'error', n_int = 1.0, n_float = 'error', n_true = 'error'},
    int32 = {float32 = 'error', float64 = 'error', float16 = 'error', bfloat16 = 'error', int8 = 1.0, int16 = 1.0, int32 = 1.0, int64 = 1.0, uint8 = 1.0, bool = 'error', n_int = 1.0, n_float = 'error', n_true = 'error'},
    int64 = {float32 = 'error', float64 = 'error', float16 = 'error', bfloat16 = 'error', int8 = 1.0, int16 = 1.0, int32 = 1.0, int64 = 1.0, uint8 = 1.0, bool = 'error', n_int = 1.0, n_float = 'error', n_true = 'error'},
    uint8 = {float32 = 'error', float64 = 'error', float16 = 'error', bfloat16 = 'error', int8 = 1.0, int16 = 1.0, int32 = 1.0, int64 = 1.0, uint8 = 1.0, bool = 'error', n_int = 1.0, n_float = 'error', n_true = 'error'},
    bool = {float32 = 'error', float64 = 'error', float16 = 'error', bfloat16 = 'error', int8 = 'error', int16 = 'error', int32 = 'error', int64 = 'error', uint8 = 'error', bool = 'error', n_int = 'error', n_float = 'error', n_true = 'error'},
  },
  mul = {
    float32 = {float32 = 6.0, float64 = 6.0, float16 = 6.0, bfloat16 = 6.0, int8 = 6.0, int16 = 6.0, int32 = 6.0, int64 = 6.0, uint8 = 6.0, bool = 3.0, n_int = 6.0, n_float = 7.5, n_true = 3.0},
    float64 = {float32 = 6.0, float64 = 6.0, float16 = 6.0, bfloat16 = 6.0, int8 = 6.0, int16 = 6.0, int32 = 6.0, int64 = 6.0, uint8 = 6.0, bool = 3.0, n_int = 6.0, n_float = 7.5, n_true = 3.0},
    float16 = {float32 = 6.0, float64 = 6.0, float16 = 6.0, bfloat16 = 6.0, int8 = 6.0, int16 = 6.0, int32 = 6.0, int64 = 6.0, uint8 = 6.0, bool = 3.0, n_int = 6.0, n_float = 7.5, n_true = 3.0},
    bfloat16 = {float32 = 6.0, float64 = 6.0, float16 = 6.0, bfloat16 = 6.0, int8 = 6.0, int16 = 6.0, int32 = 6.0, int64 = 6.0, uint8 = 6.0, bool = 3.0, n_int = 6.0, n_float = 7.5, n_true = 3.0},
    int8 = {float32 = 'error', float64 = 'error', float16 = 'error', bfloat16 = 'error', int8 = 6.0, int16 = 6.0, int32 = 6.0, int64 = 6.0, uint8 = 6.0, bool = 3.0, n_int = 6.0, n_float = 'error', n_true = 3.0},
    int16 = {float32 = 'error', float64 = 'error', float16 = 'error', bfloat16 = 'error', int8 = 6.0, int16 = 6.0, int32 = 6.0, int64 = 6.0, uint8 = 6.0, bool = 3.0, n_int = 6.0, n_float = 'error', n_true = 3.0},
    int32 = {float32 = 'error', float64 = 'error', float16 = 'error', bfloat16 = 'error', int8 = 6.0, int16 = 6.0, int32 = 6.0, int64 = 6.0, uint8 = 6.0, bool = 3.0, n_int = 6.0, n_float = 'error', n_true = 3.0},
    int64 = {float32 = 'error', float64 = 'error', float16 = 'error', bfloat16 = 'error', int8 = 6.0, int16 = 6.0, int32 = 6.0, int64 = 6.0, uint8 = 6.0, bool = 3.0, n_int = 6.0, n_float = 'error', n_true = 3.0},
    uint8 = {float32 = 'error', float64 = 'error', float16 = 'error', bfloat16 = 'error', int8 = 6.0, int16 = 6.0, int32 = 6.0, int64 = 6.0, uint8 = 6.0, bool = 3.0, n_int = 6.0, n_float = 'error', n_true = 3.0},
    bool = {float32 = 'error', float64 = 'error', float16 = 'error', bfloat16 = 'error', int8 = 'error', int16 = 'error', int32 = 'error', int64 = 'error', uint8 = 'error', bool = 1.0, n_int = 'error', n_float = 'error', n_true = 1.0},
  },
  div = {
    float32 = {float32 = 1.5, float64 = 1.5, float16 = 1.5, bfloat16 = 1.5, int8 = 1.5, int16 = 1.5, int32 = 1.5, int64 = 1.5, uint8 = 1.5, bool = 3.0, n_int = 1.5, n_float = 1.2000000476837158, n_true = 3.0},
    float64 = {float32 = 1.5, float64 = 1.5, float16 = 1.5, bfloat16 = 1.5, int8 = 1.5, int16 = 1.5, int32 = 1.5, int64 = 1.5, uint8 = 1.5, bool = 3.0, n_int = 1.5, n_float = 1.2, n_true = 3.0},
    float16 = {float32 = 1.5, float64 = 1.5, float16 = 1.5, bfloat16 = 1.5, int8 = 1.5, int16 = 1.5, int32 = 1.5, int64 = 1.5, uint8 = 1.5, bool = 3.0, n_int = 1.5, n_float = 1.2001953125, n_true = 3.0},
    bfloat16 = {float32 = 1.5, float64 = 1.5, float16 = 1.5, bfloat16 = 1.5, int8 = 1.5, int16 = 1.5, int32 = 1.5, int64 = 1.5, uint8 = 1.5, bool = 3.0, n_int = 1.5, n_float = 1.203125, n_true = 3.0},
    int8 = {float32 = 'error', float64 = 'error', float16 = 'error', bfloat16 = 'error', int8 = 'error', int16 = 'error', int32 = 'error', int64 = 'error', uint8 = 'error', bool = 'error', n_int = 'error', n_float = 'error', n_true = 'error'},
    int16 = {float32 = 'error', float64 = 'error', float16 = 'error', bfloat16 = 'error', int8 = 'error', int16 = 'error', int32 = 'error', int64 = 'error', uint8 = 'error', bool = 'error', n_int = 'error', n_float = 'error', n_true = 'error'},
    int32 = {float32 = 'error', float64 = 'error', float16 = 'error', bfloat16 = 'error', int8 = 'error', int16 = 'error', int32 = 'error', int64 = 'error', uint8 = 'error', bool = 'error', n_int = 'error', n_float = 'error', n_true = 'error'},
    int64 = {float32 = 'error', float64 = 'error', float16 = 'error', bfloat16 = 'error', int8 = 'error', int16 = 'error', int32 = 'error', int64 = 'error', uint8 = 'error', bool = 'error', n_int = 'error', n_float = 'error', n_true = 'error'},
    uint8 = {float32 = 'error', float64 = 'error', float16 = 'error', bfloat16 = 'error', int8 = 'error', int16 = 'error', int32 = 'error', int64 = 'error', uint8 = 'error', bool = 'error', n_int = 'error', n_float = 'error', n_true = 'error'},
    bool = {float32 = 'error', float64 = 'error', float16 = 'error', bfloat16 = 'error', int8 = 'error', int16 = 'error', int32 = 'error', int64 = 'error', uint8 = 'error', bool = 'error', n_int = 'error', n_float = 'error', n_true = 'error'},
  },
  pow = {
    float32 = {float32 = 9.0, float64 = 9.0, float16 = 9.0, bfloat16 = 9.0, int8 = 9.0, int16 = 9.0, int32 = 9.0, int64 = 9.0, uint8 = 9.0, bool = 3.0, n_int = 9.0, n_float = 15.588457107543945, n_true = 3.0},
    float64 = {float32 = 9.0, float64 = 9.0, float16 = 9.0, bfloat16 = 9.0, int8 = 9.0, int16 = 9.0, int32 = 9.0, int64 = 9.0, uint8 = 9.0, bool = 3.0, n_int = 9.0, n_float = 15.588457268119896, n_true = 3.0},
    float16 = {float32 = 9.0, float64 = 9.0, float16 = 9.0, bfloat16 = 9.0, int8 = 9.0, int16 = 9.0, int32 = 9.0, int64 = 9.0, uint8 = 9.0, bool = 3.0, n_int = 9.0, n_float = 15.5859375, n_true = 3.0},
    bfloat16 = {float32 = 9.0, float64 = 9.0, float16 = 9.0, bfloat16 = 9.0, int8 = 9.0, int16 = 9.0, int32 = 9.0, int64 = 9.0, uint8 = 9.0, bool = 3.0, n_int = 9.0, n_float = 15.5625, n_true = 3.0},
    int8 = {float32 = 'error', float64 = 'error', float16 = 'error', bfloat16 = 'error', int8 = 9.0, int16 = 9.0, int32 = 9.0, int64 = 9.0, uint8 = 9.0, bool = 3.0, n_int = 9.0, n_float = 'error', n_true = 3.0},
    int16 = {float32 = 'error', float64 = 'error', float16 = 'error', bfloat16 = 'error', int8 = 9.0, int16 = 9.0, int32 = 9.0, int64 = 9.0, uint8 = 9.0, bool = 3.0, n_int = 9.0, n_float = 'error', n_true = 3.0},
    int32 = {float32 = 'error', float64 = 'error', float16 = 'error', bfloat16 = 'error', int8 = 9.0, int16 = 9.0, int32 = 9.0, int64 = 9.0, uint8 = 9.0, bool = 3.0, n_int = 9.0, n_float = 'error', n_true = 3.0},
    int64 = {float32 = 'error', float64 = 'error', float16 = 'error', bfloat16 = 'error', int8 = 9.0, int16 = 9.0, int32 = 9.0, int64 = 9.0, uint8 = 9.0, bool = 3.0, n_int = 9.0, n_float = 'error', n_true = 3.0},
    uint8 = {float32 = 'error', float64 = 'error', float16 = 'error', bfloat16 = 'error', int8 = 9.0, int16 = 9.0, int32 = 9.0, int64 = 9.0, uint8 = 9.0, bool = 3.0, n_int = 9.0, n_float = 'error', n_true = 3.0},
    bool = {float32 = 'error', float64 = 'error', float16 = 'error', bfloat16 = 'error', int8 = 'error', int16 = 'error', int32 = 'error', int64 = 'error', uint8 = 'error', bool = 'error', n_int = 'error', n_float = 'error', n_true = 'error'},
  },
}

describe('in-place type rules', function()
  -- the result type of a op b must cast to a's dtype (no float -> integer, nothing -> bool);
  -- a keeps its dtype and memory, and on error its value
  local NUMBERS = { n_int = 2, n_float = 2.5, n_true = true }
  for _, op in ipairs({ 'add', 'sub', 'mul', 'div', 'pow' }) do
    for _, a in ipairs(DTYPES) do
      it(('%s_ into %s'):format(op, a), function()
        local others = {}
        for _, b in ipairs(DTYPES) do others[#others + 1] = { b, operand(b, 2) } end
        for _, k in ipairs({ 'n_int', 'n_float', 'n_true' }) do others[#others + 1] = { k, NUMBERS[k] } end
        for _, o in ipairs(others) do
          local label = ('%s(%s, %s)'):format(op .. '_', a, o[1])
          local x = operand(a, 3)
          local ptr, before = x:data_ptr(), numbers(x)
          local ok, r = pcall(x[op .. '_'], x, o[2])
          local want = IP[op][a][o[1]]
          if want == 'error' then
            assert(not ok, label .. ': PyTorch raises an error, this succeeded')
            assert.are.same(before, numbers(x), label .. ': changed by the failed call')
          else
            assert(ok, label .. ': unexpected error: ' .. tostring(r))
            assert(rawequal(r, x), label .. ': returns the tensor itself')
            assert.are.equal(a, x.dtype.name, label .. ': dtype')
            assert.are.equal(ptr, x:data_ptr(), label .. ': memory')
            local v = numbers(x)[1]
            assert(near(v, want, TOL[a] or 0), ('%s: value %.17g, expected %.17g'):format(label, v, want))
          end
        end
      end)
    end
  end
end)

describe('0-dim and empty tensors', function()
  it('0-dim tensors combine into 0-dim results and broadcast against others', function()
    local a, b = torch.tensor(2), torch.tensor(3)
    local s = a + b
    assert.are.equal(0, s:dim())
    assert.are.equal(5, s:item())
    assert.are.same({}, sizes(s))
    local v = torch.tensor({ 1, 2, 3 }) * a
    assert.are.same({ 2, 4, 6 }, v:tolist())
    assert.are.equal(0, (a * 2.5):dim())
    assert.are.equal(5, (a * 2.5):item())
  end)

  it('0-dim tensors rank below dimensioned ones in promotion', function()
    assert.are.equal(torch.float16, (torch.ones(2, { dtype = torch.float16 }) + torch.tensor(1, { dtype = torch.float64 })).dtype)
    assert.are.equal(torch.float64, (torch.ones(2, { dtype = torch.int32 }) + torch.tensor(1.5, { dtype = torch.float64 })).dtype)
    assert.are.equal(torch.int32, (torch.ones(2, { dtype = torch.int32 }) + torch.tensor(1, { dtype = torch.int64 })).dtype)
    assert.are.equal(torch.int16, (torch.tensor(1, { dtype = torch.int8 }) + torch.tensor(1, { dtype = torch.int16 })).dtype)
    assert.are.equal(torch.int8, (torch.tensor(1, { dtype = torch.int64 }) + torch.ones(2, { dtype = torch.int8 })).dtype)
  end)

  it('views of 0-dim and one-element tensors', function()
    local z = torch.tensor(4)
    assert.are.same({ 1 }, sizes(z:view(1)))
    assert.are.same({ 1, 1 }, sizes(z:view(1, 1)))
    assert.are.same({}, sizes(torch.tensor({ 4 }):view({})))
    assert.are.same({}, sizes(torch.tensor({ { 4 } }):reshape({})))
    assert.are.same({ 1 }, sizes(z:unsqueeze(1)))
    assert.are.same({}, sizes(torch.zeros(1, 1):squeeze()))
    assert.are.equal(1, z:numel())
  end)

  it('empty tensors have shape and take part in ops', function()
    local e = torch.zeros(0)
    assert.are.equal(0, e:numel())
    assert.are.same({ 0 }, sizes(e))
    assert.are.same({ 0 }, sizes(e + 1))
    local e2 = torch.zeros(0, 3)
    assert.are.same({ 0, 3 }, sizes(e2 + torch.ones(3)))
    assert.are.same({ 0, 3 }, sizes(e2 * torch.ones(1, 3)))
    assert.are.same({ 3, 0 }, sizes(e2:t()))
    assert.are.same({ 0, 3 }, sizes(e2:clone()))
    assert.are.same({ 3, 0 }, sizes(e2:view(3, 0)))
    assert.are.same({ 0 }, sizes(torch.arange(0)))
    assert.are.same({ 0 }, sizes(torch.tensor({})))
    assert.are.equal(torch.float32, torch.tensor({}).dtype)
    local before = e2:data_ptr()
    e2:add_(5)
    assert.are.equal(before, e2:data_ptr())
    assert.are.same({ 0, 3 }, sizes(e2))
    assert.are.same({ 0 }, sizes(torch.zeros(5)[{ { 3, 2 } }]))
  end)
end)

describe('non-contiguous inputs', function()
  local function mat(r, c)
    local t = {}
    for i = 1, r do
      t[i] = {}
      for j = 1, c do t[i][j] = (i - 1) * c + (j - 1) end
    end
    return t
  end

  it('transposed operands', function()
    local a = torch.tensor(mat(3, 4), { dtype = torch.float32 })
    local at = a:t()
    local r = at + at
    for i = 1, 4 do
      for j = 1, 3 do assert.are.equal(2 * ((j - 1) * 4 + (i - 1)), r[i][j]) end
    end
    local b = torch.tensor(mat(4, 3), { dtype = torch.float64 })
    local s = at * b
    assert.are.equal(torch.float64, s.dtype)
    for i = 1, 4 do
      for j = 1, 3 do assert.are.equal(((j - 1) * 4 + (i - 1)) * ((i - 1) * 3 + (j - 1)), s[i][j]) end
    end
    assert.are.same(mat(3, 4), a:tolist())
  end)

  it('narrowed, stepped and expanded operands', function()
    local x = torch.arange(12):view(3, 4)
    local n = x[{ { 2, 3 }, { 2, 3 } }]
    assert.are.same({ { 15, 16 }, { 19, 20 } }, (n + 10):tolist())
    local stepped = torch.arange(10):as_strided({ 5 }, { 2 })
    assert.are.same({ 1, 3, 5, 7, 9 }, (stepped + 1):tolist())
    assert.are.same({ 0, 4, 16, 36, 64 }, (stepped * stepped):tolist())
    local e = torch.tensor({ { 1 }, { 2 }, { 3 } }):expand(3, 4)
    assert.are.same({ { 1, 2, 3, 4 }, { 6, 7, 8, 9 }, { 11, 12, 13, 14 } }, (e + x[{ {}, {} }]):tolist())
    assert.are.same({ { 0, 2, 4, 6 }, { 8, 10, 12, 14 }, { 16, 18, 20, 22 } }, (x:t():t() * 2):tolist())
  end)

  it('strided operands of different dtypes', function()
    local x = torch.arange(6):view(2, 3)
    local r = x:t():int() + x:t():double() * 0.5
    assert.are.equal(torch.float64, r.dtype)
    assert.are.same({ { 0, 4.5 }, { 1.5, 6 }, { 3, 7.5 } }, r:tolist())
  end)

  it('large strided operands (the multi-threaded path)', function()
    local n = 300
    local x = torch.arange(n * n):view(n, n):float()
    local r = x:t() + x
    -- r[i][j] = x[j][i] + x[i][j] = (j-1)*n + (i-1) + (i-1)*n + (j-1)
    for _, ij in ipairs({ { 1, 1 }, { 1, n }, { n, 1 }, { 17, 230 }, { n, n } }) do
      local i, j = ij[1], ij[2]
      assert.are.equal((j - 1) * n + (i - 1) + (i - 1) * n + (j - 1), r[i][j])
    end
  end)
end)

describe('broadcasting', function()
  it('(3, 1) with (1, 4), (2, 3) with (3,), (2, 1, 3) with (4, 1)', function()
    local a = torch.tensor({ { 0 }, { 1 }, { 2 } })
    local b = torch.tensor({ { 0, 10, 20, 30 } })
    assert.are.same({ { 0, 10, 20, 30 }, { 1, 11, 21, 31 }, { 2, 12, 22, 32 } }, (a + b):tolist())
    local m = torch.tensor({ { 1, 2, 3 }, { 4, 5, 6 } })
    assert.are.same({ { 2, 4, 6 }, { 5, 7, 9 } }, (m + torch.tensor({ 1, 2, 3 })):tolist())
    local c = torch.ones(2, 1, 3) * torch.tensor({ { 1 }, { 2 }, { 3 }, { 4 } })
    assert.are.same({ 2, 4, 3 }, sizes(c))
    assert.are.same({ 3, 3, 3 }, c[2][3]:tolist())
    assert.are.same({ 3, 1 }, sizes(torch.ones(3, 1) - torch.ones(1)))
  end)

  it('broadcasts size-0 dims against size 1', function()
    assert.are.same({ 3, 0 }, sizes(torch.ones(3, 1) + torch.ones(0)))
  end)
end)

describe('in-place forms', function()
  it('return the tensor itself and keep its dtype and memory', function()
    local x = torch.tensor({ 1, 2, 3 }, { dtype = torch.float32 })
    local p = x:data_ptr()
    assert.is_true(rawequal(x, x:add_(1)))
    assert.are.same({ 2, 3, 4 }, x:tolist())
    assert.is_true(rawequal(x, x:sub_(torch.tensor({ 1, 1, 1 }))))
    assert.are.same({ 1, 2, 3 }, x:tolist())
    x:mul_(torch.tensor({ 2 }, { dtype = torch.int64 }))
    assert.are.same({ 2, 4, 6 }, x:tolist())
    x:div_(4)
    assert.are.same({ 0.5, 1, 1.5 }, x:tolist())
    x:pow_(2)
    assert.are.same({ 0.25, 1, 2.25 }, x:tolist())
    x:neg_()
    assert.are.same({ -0.25, -1, -2.25 }, x:tolist())
    assert.are.equal(torch.float32, x.dtype)
    assert.are.equal(p, x:data_ptr())
  end)

  it('integer in-place ops stay integer', function()
    local i = torch.tensor({ 5, 7 }, { dtype = torch.int16 })
    i:add_(torch.tensor({ true, false }))
    assert.are.same({ 6, 7 }, i:tolist())
    i:mul_(3):sub_(1)
    assert.are.same({ 17, 20 }, i:tolist())
    i:pow_(2)
    assert.are.same({ 289, 400 }, i:tolist())
    assert.are.equal(torch.int16, i.dtype)
  end)

  it('broadcast the other operand and write through views', function()
    local m = torch.zeros(2, 3)
    m:add_(torch.tensor({ 1, 2, 3 }))
    assert.are.same({ { 1, 2, 3 }, { 1, 2, 3 } }, m:tolist())
    m:t():mul_(torch.tensor({ 10, 20, 30 }):view(3, 1))
    assert.are.same({ { 10, 40, 90 }, { 10, 40, 90 } }, m:tolist())
    m[2]:zero_()
    assert.are.same({ { 10, 40, 90 }, { 0, 0, 0 } }, m:tolist())
    m[{ {}, { 2, 3 } }]:fill_(-1)
    assert.are.same({ { 10, -1, -1 }, { 0, -1, -1 } }, m:tolist())
  end)

  it('an operand may alias the result', function()
    local x = torch.tensor({ 1, 2, 3 })
    x:add_(x)
    assert.are.same({ 2, 4, 6 }, x:tolist())
    x:mul_(x)
    assert.are.same({ 4, 16, 36 }, x:tolist())
    local m = torch.tensor({ { 1, 2 }, { 3, 4 } })
    m:add_(m:t())
    assert.are.same({ { 2, 5 }, { 5, 8 } }, m:tolist())
  end)

  it('fill_ on an expanded tensor is allowed (as in PyTorch)', function()
    local base = torch.zeros(1)
    base:expand(3):fill_(2)
    assert.are.same({ 2 }, base:tolist())
  end)
end)

describe('the out= option', function()
  it('writes into out, resizing it, and returns it', function()
    local a, b = torch.ones(2, 3), torch.full({ 2, 3 }, 2.0)
    local out = torch.zeros(1)
    local r = torch.add(a, b, { out = out })
    assert.is_true(rawequal(r, out))
    assert.are.same({ 2, 3 }, sizes(out))
    assert.are.same({ { 3, 3, 3 }, { 3, 3, 3 } }, out:tolist())
    r = a:mul(b, { out = out })
    assert.is_true(rawequal(r, out))
    assert.are.same({ { 2, 2, 2 }, { 2, 2, 2 } }, out:tolist())
    torch.div(a, 4, { out = out })
    assert.are.same({ { 0.25, 0.25, 0.25 }, { 0.25, 0.25, 0.25 } }, out:tolist())
    torch.sub(a, b, { out = out, alpha = 2 })
    assert.are.same({ { -3, -3, -3 }, { -3, -3, -3 } }, out:tolist())
    torch.pow(b, 3, { out = out })
    assert.are.same({ { 8, 8, 8 }, { 8, 8, 8 } }, out:tolist())
    torch.neg(b, { out = out })
    assert.are.same({ { -2, -2, -2 }, { -2, -2, -2 } }, out:tolist())
  end)

  it('out may have a wider dtype than the result', function()
    local a = torch.tensor({ 1, 2 }, { dtype = torch.int32 })
    local out = torch.zeros(2, { dtype = torch.float64 })
    torch.add(a, a, { out = out })
    assert.are.equal(torch.float64, out.dtype)
    assert.are.same({ 2, 4 }, out:tolist())
    local iout = torch.zeros(2, { dtype = torch.int64 })
    torch.mul(a, torch.tensor({ 3, 3 }, { dtype = torch.uint8 }), { out = iout })
    assert.are.same({ 3, 6 }, iout:tolist())
  end)

  it('out may be a strided view, or one of the inputs', function()
    local base = torch.zeros(3, 2)
    local view = base:t()
    torch.add(torch.tensor({ { 1, 2, 3 }, { 4, 5, 6 } }), 10, { out = view })
    assert.are.same({ { 11, 14 }, { 12, 15 }, { 13, 16 } }, base:tolist())
    local a = torch.tensor({ 1, 2, 3 })
    torch.add(a, torch.tensor({ 10, 20, 30 }), { out = a })
    assert.are.same({ 11, 22, 33 }, a:tolist())
  end)

  it('creation functions take out= too', function()
    local out = torch.zeros(1, { dtype = torch.float64 })
    local r = torch.ones(2, 2, { out = out })
    assert.is_true(rawequal(r, out))
    assert.are.same({ { 1, 1 }, { 1, 1 } }, out:tolist())
    torch.arange(3, { out = out })
    assert.are.same({ 0, 1, 2 }, out:tolist())
  end)
end)

describe('the alpha option', function()
  it('scales the second operand of add and sub', function()
    local a, b = torch.tensor({ 1, 2 }), torch.tensor({ 10, 20 })
    assert.are.same({ 21, 42 }, torch.add(a, b, { alpha = 2 }):tolist())
    assert.are.same({ -29, -58 }, a:sub(b, { alpha = 3 }):tolist())
    assert.are.same({ 1, 2 }, a:tolist())
    a:add_(b, { alpha = -1 })
    assert.are.same({ -9, -18 }, a:tolist())
    local f = torch.tensor({ 1, 2 }, { dtype = torch.float64 })
    assert.are.same({ 6, 12 }, f:add(b, { alpha = 0.5 }):tolist())
    assert.are.same({ 3, 4 }, torch.add(f, 1, { alpha = 2 }):tolist())
    assert.are.equal(torch.int64, torch.add(a, b, { alpha = 2 }).dtype)
  end)
end)

describe('the layout option', function()
  it('accepts torch.strided, and tensors report it', function()
    local x = torch.zeros(2, { layout = torch.strided })
    assert.are.equal(torch.strided, x.layout)
    assert.are.equal('torch.strided', tostring(torch.strided))
    assert.are.equal(torch.strided, torch.ones_like(x, { layout = torch.strided }).layout)
    assert.are.equal(torch.strided, torch.arange(3).layout)
  end)
end)

describe('from_pointer and data_ptr (LuaJIT FFI)', function()
  it('shares an FFI array both ways without copying', function()
    local buf = ffi.new('float[6]', { 1, 2, 3, 4, 5, 6 })
    local t = torch.from_pointer(buf, { 2, 3 }, { dtype = torch.float32 })
    assert.are.equal(torch.float32, t.dtype)
    assert.are.same({ { 1, 2, 3 }, { 4, 5, 6 } }, t:tolist())
    assert.are.equal(tonumber(ffi.cast('uintptr_t', buf)), t:data_ptr())
    buf[4] = 50 -- FFI -> tensor
    assert.are.equal(50, t[2][2])
    t[1][3] = -7 -- tensor -> FFI
    assert.are.equal(-7, buf[2])
    t:mul_(2)
    assert.are.equal(2, buf[0])
    assert.are.equal(100, buf[4])
    t[{ 2, { 1, 2 } }]:copy_(torch.tensor({ 9, 8 }))
    assert.are.equal(9, buf[3])
    assert.are.equal(8, buf[4])
  end)

  it('takes strides and other dtypes', function()
    local buf = ffi.new('int64_t[6]', { 0, 1, 2, 3, 4, 5 })
    local t = torch.from_pointer(buf, { 3, 2 }, { dtype = torch.int64, strides = { 1, 3 } })
    assert.are.same({ { 0, 3 }, { 1, 4 }, { 2, 5 } }, t:tolist())
    assert.are.same({ 1, 3 }, t:stride())
    local d = ffi.new('double[3]', { 0.5, 1.5, 2.5 })
    local p = ffi.cast('double *', d)
    local td = torch.from_pointer(p, 3, { dtype = torch.float64, owner = d })
    assert.are.same({ 0.5, 1.5, 2.5 }, td:tolist())
    local u = ffi.new('uint8_t[2]', { 200, 7 })
    assert.are.same({ 200, 7 }, torch.from_pointer(u, { 2 }, { dtype = 'uint8' }):tolist())
    local h = ffi.new('uint16_t[2]', { 0x3c00, 0xc000 }) -- float16 1 and -2
    assert.are.same({ 1, -2 }, torch.from_pointer(h, { 2 }, { dtype = torch.float16 }):double():tolist())
  end)

  it('keeps the FFI owner alive while a tensor views it, and lets it go afterwards', function()
    local weak = setmetatable({}, { __mode = 'v' })
    local t
    do
      local buf = ffi.new('double[4]', { 1, 2, 3, 4 })
      weak[1] = buf
      t = torch.from_pointer(buf, { 4 }, { dtype = torch.float64 })
    end
    collectgarbage()
    collectgarbage()
    assert.is_not_nil(weak[1])
    for _ = 1, 100 do local _ = ffi.new('double[4]', { 9, 9, 9, 9 }) end
    assert.are.same({ 1, 2, 3, 4 }, t:tolist())
    local v = t[{ { 2, 3 } }]
    t = nil
    collectgarbage()
    collectgarbage()
    assert.is_not_nil(weak[1])
    assert.are.same({ 2, 3 }, v:tolist())
    v = nil
    collectgarbage()
    collectgarbage()
    collectgarbage()
    assert.is_nil(weak[1])
  end)

  it('data_ptr gives a tensor\'s memory to the FFI', function()
    local x = torch.zeros(4, { dtype = torch.int32 })
    local p = ffi.cast('int32_t *', x:data_ptr())
    p[2] = 42
    assert.are.equal(42, x[3])
    x[1] = 7
    assert.are.equal(7, p[0])
    local m = torch.zeros(3, 4, { dtype = torch.float64 })
    assert.are.equal(m:data_ptr() + (4 + 1) * 8, m[{ { 2, 3 }, { 2, 4 } }]:data_ptr())
    assert.are.equal(m:data_ptr() + 2 * 8, m:select(2, 3):data_ptr())
    -- a tensor over another tensor's memory
    local y = torch.from_pointer(m:data_ptr(), { 12 }, { dtype = torch.float64, owner = m })
    y[12] = 5
    assert.are.equal(5, m[3][4])
  end)

  it('stores requires_grad', function()
    local buf = ffi.new('float[2]')
    local t = torch.from_pointer(buf, { 2 }, { dtype = torch.float32, requires_grad = true })
    assert.is_true(t.requires_grad)
  end)
end)

describe('requires_grad', function()
  it('is stored from options, the field and requires_grad_()', function()
    assert.is_false(torch.zeros(2).requires_grad)
    assert.is_true(torch.zeros(2, { requires_grad = true }).requires_grad)
    assert.is_true(torch.ones(2, 2, { dtype = torch.float64, requires_grad = true }).requires_grad)
    assert.is_true(torch.tensor({ 1.5 }, { requires_grad = true }).requires_grad)
    assert.is_true(torch.full({ 2 }, 1.5, { requires_grad = true }).requires_grad)
    assert.is_true(torch.zeros_like(torch.ones(2), { requires_grad = true }).requires_grad)
    local x = torch.zeros(3)
    x.requires_grad = true
    assert.is_true(x.requires_grad)
    x.requires_grad = false
    assert.is_false(x.requires_grad)
    assert.is_true(rawequal(x, x:requires_grad_()))
    assert.is_true(x.requires_grad)
    x:requires_grad_(false)
    assert.is_false(x.requires_grad)
    local h = torch.zeros(2, { dtype = torch.float16, requires_grad = true })
    assert.is_true(h.requires_grad)
  end)
end)
