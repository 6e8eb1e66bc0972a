-- Torch7 compatibility names (lua/torch/torch7*.lua): typed constructors, the default tensor
-- type, type names and checks, storages, Torch7's in-place tensor methods, per-element
-- callbacks, torch.class and torch.Timer.
--
-- Where the behaviour is PyTorch's too (typed constructors from data, x:type(), typename,
-- the samplers' streams) the expected values come from PyTorch 1.13; the Torch7-only parts
-- are checked against what Torch7's documentation says they do.
local torch = require 'torch'

local function sizes(t) return t:size():totable() end
local function values(t) return t:double():tolist() end

-- the error message of f(...) (asserting that it fails)
local function err(f, ...)
  local ok, e = pcall(f, ...)
  assert.is_false(ok, 'expected an error')
  return tostring(e)
end
local function has_error(f, text)
  local msg = err(f)
  assert(msg:find(text, 1, true), 'error message\n  ' .. msg .. '\ndoes not contain\n  ' .. text)
end

local TYPED = {
  FloatTensor = 'float32', DoubleTensor = 'float64', HalfTensor = 'float16',
  BFloat16Tensor = 'bfloat16', ByteTensor = 'uint8', CharTensor = 'int8', ShortTensor = 'int16',
  IntTensor = 'int32', LongTensor = 'int64', BoolTensor = 'bool',
}

describe('typed constructors', function()
  it('make every dtype from sizes, uninitialised, with the right type name', function()
    for name, dname in pairs(TYPED) do
      local x = torch[name](2, 3)
      assert.are.equal(torch[dname], x.dtype)
      assert.are.same({ 2, 3 }, sizes(x))
      assert.are.equal('torch.' .. name, x:type())
      assert.are.equal('torch.' .. name, torch.typename(x))
      assert.are.equal('torch.' .. name, tostring(torch[name]))
    end
  end)

  it('take nothing (an empty tensor of size (0), as PyTorch), a size table or strides', function()
    local e = torch.DoubleTensor()
    assert.are.same({ 0 }, sizes(e))
    assert.are.equal(1, e:dim())
    assert.are.same({ 0 }, sizes(torch.IntTensor(nil)))
    assert.are.same({ 2, 3 }, sizes(torch.FloatTensor(torch.LongStorage{ 2, 3 })))
    assert.are.same({ 4, 1 }, sizes(torch.ShortTensor(torch.Size{ 4, 1 })))
    local s = torch.FloatTensor(torch.LongStorage{ 2, 3 }, torch.LongStorage{ 1, 2 })
    assert.are.same({ 2, 3 }, sizes(s))
    assert.are.same({ 1, 2 }, s:stride())
    assert.are.same({ 0, 3 }, sizes(torch.LongTensor(0, 3)))
  end)

  it('copy the values of (nested) Lua tables, converted as PyTorch converts them', function()
    -- PyTorch 1.13: torch.LongTensor([1.7, -2.7]) -> [1, -2]; BoolTensor([1, 0, 2]) -> [T, F, T];
    -- HalfTensor([0.1]) -> 0.0999755859375; BFloat16Tensor([0.1]) -> 0.10009765625
    assert.are.same({ 1, 2, 3 }, torch.LongTensor{ 1, 2, 3 }:tolist())
    assert.are.same({ 1, -2 }, torch.LongTensor{ 1.7, -2.7 }:tolist())
    assert.are.same({ { 1, 2 }, { 3, 4 } }, torch.DoubleTensor{ { 1, 2 }, { 3, 4 } }:tolist())
    assert.are.same({ { 1, 2 }, { 3, 4 } }, torch.IntTensor{ { 1, 2 }, { 3, 4 } }:tolist())
    assert.are.same({ true, false, true }, torch.BoolTensor{ 1, 0, 2 }:tolist())
    assert.are.same({ -3, 5 }, torch.CharTensor{ -3, 5 }:tolist())
    assert.are.equal(0.0999755859375, torch.HalfTensor{ 0.1 }[1])
    assert.are.equal(0.10009765625, torch.BFloat16Tensor{ 0.1 }[1])
    assert.are.same({ 0 }, sizes(torch.FloatTensor({})))
    assert.are.equal(torch.int32, torch.IntTensor{ 1 }.dtype)
  end)

  it('view a tensor of their own type, sharing its memory', function()
    local x = torch.zeros(2, 3)
    local v = torch.FloatTensor(x)
    v[1][2] = 5
    assert.are.equal(5, x[1][2])
    assert.is_false(rawequal(v, x))
    local t = torch.zeros(3, 2):t()
    local tv = torch.FloatTensor(t)
    assert.are.same(t:stride(), tv:stride())
    assert.is_true(tv:isSetTo(t))
  end)

  it('refuse a tensor of another type, as PyTorch does', function()
    local d = torch.zeros(2, { dtype = torch.float64 })
    assert.are.equal("[FloatTensor] expected a torch.FloatTensor to view, got a torch.DoubleTensor "
      .. "(convert it with x:type('torch.FloatTensor'))", err(torch.FloatTensor, d):match('%[.*'))
    assert.are.same({ 0, 0 }, values(d))
  end)

  it('view a storage, with a 1-based offset, sizes and strides', function()
    local s = torch.FloatStorage{ 1, 2, 3, 4, 5, 6 }
    assert.are.same({ 1, 2, 3, 4, 5, 6 }, values(torch.FloatTensor(s)))
    assert.are.same({ 3, 4, 5, 6 }, values(torch.FloatTensor(s, 3)))
    assert.are.same({ { 2, 3 }, { 4, 5 } }, values(torch.FloatTensor(s, 2, torch.LongStorage{ 2, 2 })))
    assert.are.same({ { 1, 3 }, { 2, 4 } },
      values(torch.FloatTensor(s, 1, torch.LongStorage{ 2, 2 }, torch.LongStorage{ 1, 2 })))
    -- Torch7's interleaved form: size1, stride1, size2, stride2
    assert.are.same({ { 1, 2, 3 }, { 4, 5, 6 } }, values(torch.FloatTensor(s, 1, 2, 3, 3, 1)))
    local t = torch.FloatTensor(s, 2, torch.LongStorage{ 2 })
    t[1] = 20
    assert.are.equal(20, s[2])
    has_error(function() return torch.DoubleTensor(s) end,
      '[DoubleTensor] expected a torch.DoubleStorage, got a torch.FloatStorage')
    has_error(function() return torch.FloatTensor(s, 0) end,
      '[FloatTensor] storage offset 0 is out of range 1..7 (offsets are 1-based)')
    has_error(function() return torch.FloatTensor(s, 4, torch.LongStorage{ 4 }) end, 'reaches past the end')
  end)

  it('reject bad arguments with a clear message', function()
    has_error(function() return torch.FloatTensor(2, 'a') end,
      '[FloatTensor] expected sizes (numbers), a torch.LongStorage, a table of values, a tensor or a storage; argument 2 is a string')
    has_error(function() return torch.FloatTensor(-1, 2) end, 'negative size -1')
    has_error(function() return torch.LongTensor({ 1 }, 2) end,
      '[LongTensor] a table of values takes no further arguments')
    has_error(function() return torch.FloatTensor(torch.zeros(1), 2) end,
      '[FloatTensor] a tensor argument takes no further arguments')
    has_error(function() return torch.FloatTensor(torch.LongStorage{ 2, 2 }, torch.LongStorage{ 1 }) end,
      '[FloatTensor] 2 sizes but 1 strides')
  end)

  it('add methods for every tensor through the constructor table, and find them there', function()
    assert.are.equal(torch.Tensor.add, torch.FloatTensor.add)
    torch.DoubleTensor.torch7_spec_twice = function(x) return x * 2 end
    assert.are.same({ 4 }, values(torch.LongTensor{ 2 }:torch7_spec_twice()))
    torch.Tensor.torch7_spec_twice = nil
  end)
end)

describe('torch.Tensor(...)', function()
  it('takes the constructor forms in the default dtype', function()
    assert.are.equal(torch.float32, torch.Tensor(2, 3).dtype)
    assert.are.same({ 2, 3 }, sizes(torch.Tensor(2, 3)))
    assert.are.same({ 0 }, sizes(torch.Tensor()))
    assert.are.same({ 1, 2 }, values(torch.Tensor{ 1, 2 }))
    assert.are.equal(torch.float32, torch.Tensor{ 1, 2 }.dtype)
    assert.are.same({ 2, 3 }, sizes(torch.Tensor(torch.LongStorage{ 2, 3 })))
    assert.are.same({ 5, 1 }, torch.Tensor(torch.LongStorage{ 2, 5 }, torch.LongStorage{ 5, 1 }):stride())
    torch.setdefaulttensortype('torch.DoubleTensor')
    local ok, d = pcall(function() return torch.Tensor(2).dtype end)
    torch.setdefaulttensortype('torch.FloatTensor')
    assert.is_true(ok)
    assert.are.equal(torch.float64, d)
  end)

  it('views a tensor or a storage of any dtype (PyTorch: torch.Tensor(long_tensor) aliases it)', function()
    local l = torch.LongTensor{ 1, 2 }
    local v = torch.Tensor(l)
    assert.are.equal(torch.int64, v.dtype)
    v[1] = 7
    assert.are.equal(7, l[1])
    local s = torch.DoubleStorage{ 1, 2, 3 }
    local t = torch.Tensor(s, 2)
    assert.are.equal(torch.float64, t.dtype)
    assert.are.same({ 2, 3 }, values(t))
  end)
end)

describe('x.new', function()
  it('makes tensors of x\'s dtype, called with a dot or a colon', function()
    local x = torch.zeros(2, { dtype = torch.float64 })
    assert.are.same({ 0 }, sizes(x.new()))
    assert.are.same({ 0 }, sizes(x:new()))
    assert.are.equal(torch.float64, x.new().dtype)
    assert.are.same({ 2, 3 }, sizes(x.new(2, 3)))
    assert.are.same({ 2, 3 }, sizes(x:new(2, 3)))
    local d = x.new{ 1, 2 }
    assert.are.equal(torch.float64, d.dtype)
    assert.are.same({ 1, 2 }, values(d))
    local i = torch.IntTensor{ 1 }
    assert.are.equal(torch.int32, i.new(3).dtype)
  end)
end)

describe('default tensor type', function()
  after_each(function() torch.set_default_dtype(torch.float32) end)

  it('is torch.FloatTensor, and can be set to torch.DoubleTensor', function()
    assert.are.equal('torch.FloatTensor', torch.getdefaulttensortype())
    torch.setdefaulttensortype('torch.DoubleTensor')
    assert.are.equal('torch.DoubleTensor', torch.getdefaulttensortype())
    assert.are.equal(torch.float64, torch.get_default_dtype())
    assert.are.equal(torch.float64, torch.zeros(1).dtype)
    torch.setdefaulttensortype('torch.FloatTensor')
    assert.are.equal(torch.float32, torch.get_default_dtype())
  end)

  it('set_default_tensor_type takes a name or a constructor (PyTorch)', function()
    torch.set_default_tensor_type(torch.DoubleTensor)
    assert.are.equal(torch.float64, torch.get_default_dtype())
    torch.set_default_tensor_type('torch.FloatTensor')
    assert.are.equal(torch.float32, torch.get_default_dtype())
  end)

  it('refuses other types', function()
    has_error(function() torch.setdefaulttensortype('torch.LongTensor') end,
      '[setdefaulttensortype] the default tensor type must be torch.FloatTensor or torch.DoubleTensor, got torch.LongTensor')
    has_error(function() torch.setdefaulttensortype('float') end,
      "[setdefaulttensortype] unknown tensor type 'float' (expected a name like 'torch.DoubleTensor')")
    has_error(function() torch.set_default_tensor_type(3) end,
      '[set_default_tensor_type] unknown tensor type number')
    assert.are.equal(torch.float32, torch.get_default_dtype())
  end)
end)

describe('seeds', function()
  it('manualSeed and initialSeed are manual_seed and initial_seed', function()
    torch.manualSeed(123)
    assert.are.equal(123, torch.initialSeed())
    local a = torch.rand(3)
    torch.manual_seed(123)
    assert.is_true(a:equal(torch.rand(3)))
    assert.is_number(torch.seed())
  end)
end)

describe('type names and checks', function()
  it('typename and type', function()
    assert.are.equal('torch.ByteTensor', torch.typename(torch.ByteTensor(1)))
    assert.is_nil(torch.typename({}))
    assert.is_nil(torch.typename(3))
    assert.are.equal('number', torch.type(3))
    assert.are.equal('table', torch.type({}))
    assert.are.equal('torch.CharTensor', torch.type(torch.CharTensor(1)))
    assert.are.equal('torch.LongStorage', torch.type(torch.LongStorage(2)))
    assert.are.equal('torch.DoubleStorage', torch.type(torch.DoubleStorage(2)))
    assert.are.equal('torch.LongStorage', torch.type(torch.LongTensor(2):storage()))
    assert.are.equal('torch.Timer', torch.type(torch.Timer()))
  end)

  it('isTensor and isStorage', function()
    assert.is_true(torch.isTensor(torch.zeros(1)))
    assert.is_false(torch.isTensor({}))
    assert.is_false(torch.isTensor(torch.FloatStorage(1)))
    assert.is_true(torch.isStorage(torch.FloatStorage(1)))
    assert.is_true(torch.isStorage(torch.LongStorage(1)))
    assert.is_true(torch.isStorage(torch.zeros(2):storage()))
    assert.is_false(torch.isStorage(torch.zeros(2)))
    assert.is_false(torch.isStorage({ 1, 2 }))
  end)

  it('x:type() names, x:type(name or constructor) converts (both Torch7 and PyTorch)', function()
    local x = torch.zeros(2)
    assert.are.equal('torch.FloatTensor', x:type())
    assert.are.equal('torch.BFloat16Tensor', torch.zeros(1, { dtype = torch.bfloat16 }):type())
    assert.are.equal(torch.float64, x:type('torch.DoubleTensor').dtype)
    assert.are.equal(torch.float64, x:type(torch.DoubleTensor).dtype)
    assert.are.equal(torch.int32, x:type(torch.int32).dtype)
    assert.is_true(rawequal(x, x:type(torch.FloatTensor)))
    assert.are.equal(torch.float32, torch.LongTensor{ 1 }:type(torch.Tensor).dtype)
    assert.are.equal(torch.int8, x:typeAs(torch.CharTensor(1)).dtype)
  end)

  it('conversion methods', function()
    local x = torch.Tensor{ 1.5, -2 }
    assert.are.equal('torch.DoubleTensor', x:double():type())
    assert.are.equal('torch.FloatTensor', x:double():float():type())
    assert.are.same({ 1, -2 }, x:long():tolist())
    assert.are.same({ 1, -2 }, x:int():tolist())
    assert.are.same({ 1, -2 }, x:short():tolist())
    assert.are.same({ 1, -2 }, x:char():tolist())
    assert.are.same({ 1, 254 }, x:byte():tolist()) -- PyTorch 1.13: tensor([1.5, -2.]).byte() -> [1, 254]
    assert.are.equal('torch.HalfTensor', x:half():type())
    assert.are.same({ true, true }, x:bool():tolist())
  end)

  it('isTypeOf with names, patterns and constructors', function()
    local x = torch.zeros(1)
    assert.is_true(torch.isTypeOf(x, 'torch.FloatTensor'))
    assert.is_true(torch.isTypeOf(x, 'torch.*Tensor'))
    assert.is_false(torch.isTypeOf(x, 'torch.DoubleTensor'))
    assert.is_false(torch.isTypeOf(x, 'Tensor')) -- a plain name must match all of it
    assert.is_true(torch.isTypeOf(x, torch.FloatTensor))
    assert.is_false(torch.isTypeOf(x, torch.LongTensor))
    assert.is_true(torch.isTypeOf(torch.LongTensor(1), torch.Tensor))
    assert.is_true(torch.isTypeOf(torch.LongStorage(1), 'torch.LongStorage'))
    assert.is_true(torch.isTypeOf(torch.ByteStorage(1), torch.ByteStorage))
    assert.is_false(torch.isTypeOf({}, 'table'))
    has_error(function() return torch.isTypeOf(x, 3) end,
      '[isTypeOf] the type must be a name (a string, possibly a pattern) or a constructor, got number')
  end)
end)

describe('storages', function()
  it('torch.LongStorage is a size list usable wherever sizes are taken', function()
    local s = torch.LongStorage{ 2, 3 }
    assert.are.equal(2, #s)
    assert.are.equal(2, s:size())
    assert.are.equal(3, s[2])
    assert.are.same({ 2, 3 }, sizes(torch.zeros(s)))
    assert.are.same({ 3, 2 }, sizes(torch.arange(6):view(torch.LongStorage{ 3, 2 })))
    assert.is_true(s == torch.Size{ 2, 3 })
    assert.is_true(torch.zeros(2, 3):size() == s)
    assert.are.same({ 0, 0, 0 }, torch.LongStorage(3):totable())
    assert.are.same({ 1, -1 }, torch.LongStorage{ 1.7, -1.7 }:totable())
    assert.are.same({ 4, 4 }, torch.LongStorage(2):fill(4):totable())
    assert.are.same({ 1, 2, 0 }, torch.LongStorage{ 1, 2 }:resize(3):totable())
    assert.are.same({ 1 }, torch.LongStorage{ 1, 2 }:resize(1):totable())
    assert.are.same({ 5, 6 }, torch.LongStorage(2):copy({ 5, 6 }):totable())
    assert.are.same({ 7, 8 }, torch.LongStorage(torch.DoubleStorage{ 7, 8 }):totable())
    assert.are.equal(8, s:elementSize())
    assert.are.equal(' 2\n 3\n[torch.LongStorage of size 2]', tostring(s))
    assert.are.same({}, torch.LongStorage():totable())
  end)

  it('LongStorage rejects bad values', function()
    has_error(function() return torch.LongStorage(-1) end, '[LongStorage] size must be a non-negative integer, got -1')
    has_error(function() return torch.LongStorage{ 1, 'a' } end, '[LongStorage] element 2 is a string, expected a number')
    has_error(function() return torch.LongStorage{ 0 / 0 } end, 'does not fit in int64')
    has_error(function() return torch.LongStorage(2):copy({ 1 }) end,
      '[copy] size mismatch: the storage has 2 elements, the source 1')
  end)

  it('x:storage() views the whole storage; x:storageOffset() is 1-based', function()
    local base = torch.arange(10, { dtype = torch.float32 })
    local n = base:narrow(1, 3, 4)
    assert.are.equal(3, n:storageOffset())
    assert.are.equal(1, base:storageOffset())
    local s = n:storage()
    assert.are.equal(10, s:size())
    assert.are.equal(10, #s)
    assert.are.equal(2, s[3])
    s[1] = 42
    assert.are.equal(42, base[1])
    s:fill(1)
    assert.are.same({ 1, 1, 1, 1 }, values(n))
    assert.are.same({ 1, 1, 1, 1, 1, 1, 1, 1, 1, 1 }, s:totable())
    assert.are.equal(4, s:elementSize())
    assert.are.equal('torch.FloatStorage', torch.typename(s))
    for _, dname in ipairs({ 'float64', 'float16', 'bfloat16', 'int8', 'int16', 'int32', 'int64', 'uint8', 'bool' }) do
      local st = torch.zeros(3, { dtype = torch[dname] }):t():storage()
      assert.are.equal(3, #st)
      assert.are.equal(torch[dname].itemsize, st:elementSize())
    end
  end)

  it('typed storages hold new memory', function()
    local f = torch.FloatStorage(3)
    assert.are.same({ 0, 0, 0 }, f:totable())
    assert.are.same({ 1, 2 }, torch.IntStorage{ 1, 2 }:totable())
    assert.are.same({ true, false }, torch.BoolStorage{ true, false }:totable())
    assert.are.same({ 0 }, { torch.ByteStorage():size() })
    local d = torch.DoubleStorage(torch.LongStorage{ 3, 4 })
    assert.are.same({ 3, 4 }, d:totable())
    d:copy(torch.LongStorage{ 5, 6 })
    assert.are.same({ 5, 6 }, d:totable())
    d:copy(torch.Tensor{ { 7 }, { 8 } })
    assert.are.same({ 7, 8 }, d:totable())
    assert.are.equal(' 7.0000\n 8.0000\n[torch.DoubleStorage of size 2]', tostring(d))
    assert.are.equal(' true\n[torch.BoolStorage of size 1]', tostring(torch.BoolStorage{ true }))
    has_error(function() return torch.FloatStorage(1.5) end, '[FloatStorage] size must be a non-negative integer, got 1.5')
    has_error(function() return torch.FloatStorage('a') end, '[FloatStorage] expected a size, a table of numbers or a storage, got string')
    has_error(function() return d:resize(3) end, '[resize] a storage viewed by tensors cannot be resized')
    has_error(function() return d:copy(torch.zeros(3)) end, '[copy] size mismatch: the storage has 2 elements, the source 3')
    has_error(function() d.foo = 1 end, 'cannot set field "foo" of a torch.DoubleStorage')
  end)
end)

describe('in-place methods', function()
  it('nElement, nDimension, isContiguous, isSameSizeAs, isSize, isSetTo', function()
    local x = torch.zeros(2, 3)
    assert.are.equal(6, x:nElement())
    assert.are.equal(2, x:nDimension())
    assert.is_true(x:isContiguous())
    assert.is_false(x:t():isContiguous())
    assert.is_true(x:isSameSizeAs(torch.ones(2, 3)))
    assert.is_false(x:isSameSizeAs(torch.ones(3, 2)))
    assert.is_true(x:isSize(torch.LongStorage{ 2, 3 }))
    assert.is_true(x:isSize({ 2, 3 }))
    assert.is_false(x:isSize({ 2 }))
    assert.is_true(torch.FloatTensor(x):isSetTo(x))
    assert.is_false(x:clone():isSetTo(x))
    has_error(function() return x:isSize(2) end, '[isSize] expected a torch.Size, a torch.LongStorage or a table, got number')
    has_error(function() return x:isSameSizeAs(2) end, '[isSameSizeAs] the argument must be a Tensor, got number')
  end)

  it('zero and fill work in place on any dtype and layout, returning x', function()
    for _, dname in pairs(TYPED) do
      local x = torch.ones(3, 2, { dtype = torch[dname] }):t()
      assert.is_true(rawequal(x, x:zero()))
      assert.are.same({ { 0, 0, 0 }, { 0, 0, 0 } }, values(x))
      assert.is_true(rawequal(x, x:fill(1)))
      assert.are.same({ { 1, 1, 1 }, { 1, 1, 1 } }, values(x))
    end
    local base = torch.zeros(4)
    base:narrow(1, 2, 2):fill(3)
    assert.are.same({ 0, 3, 3, 0 }, values(base))
  end)

  it('copy converts, broadcasts, or pairs elements in order when only the counts match', function()
    local x = torch.zeros(2, 3)
    assert.is_true(rawequal(x, x:copy(torch.LongTensor{ 1, 2, 3 })))
    assert.are.same({ { 1, 2, 3 }, { 1, 2, 3 } }, values(x))
    x:copy(torch.arange(6))
    assert.are.same({ { 0, 1, 2 }, { 3, 4, 5 } }, values(x))
    x:copy(torch.arange(6):view(3, 2):t()) -- non-contiguous source, same count (Torch7)
    assert.are.same({ { 0, 2, 4 }, { 1, 3, 5 } }, values(x))
    local y = torch.zeros(3, 2)
    y:t():copy(torch.Tensor{ { 1, 2, 3 }, { 4, 5, 6 } }) -- non-contiguous destination
    assert.are.same({ { 1, 4 }, { 2, 5 }, { 3, 6 } }, values(y))
    has_error(function() return x:copy(torch.ones(5)) end,
      '[copy] shapes (2, 3) and (5,) neither broadcast nor have the same number of elements')
    assert.are.same({ { 0, 2, 4 }, { 1, 3, 5 } }, values(x))
    has_error(function() return x:copy(3) end, '[copy] the source must be a Tensor, got number')
  end)

  it('resize and resizeAs take sizes as numbers, a table, a torch.Size or a LongStorage', function()
    local x = torch.arange(6, { dtype = torch.float32 })
    assert.is_true(rawequal(x, x:resize(2, 3)))
    assert.are.same({ { 0, 1, 2 }, { 3, 4, 5 } }, values(x))
    x:resize({ 3 })
    assert.are.same({ 0, 1, 2 }, values(x))
    x:resize(torch.LongStorage{ 2, 2 })
    assert.are.same({ 2, 2 }, sizes(x))
    x:resize(torch.Size{ 1, 2 })
    assert.are.same({ 1, 2 }, sizes(x))
    assert.is_true(rawequal(x, x:resizeAs(torch.zeros(5, 1))))
    assert.are.same({ 5, 1 }, sizes(x))
    has_error(function() return x:resize(2, 'a') end,
      '[resize] sizes must be numbers, a table, a torch.Size or a LongStorage; argument 2 is a string')
    has_error(function() return x:resizeAs({ 2 }) end, '[resizeAs] the argument must be a Tensor, got table')
  end)

  it('set points x at a tensor or a storage', function()
    local x = torch.zeros(1)
    local y = torch.arange(4, { dtype = torch.float32 })
    assert.is_true(rawequal(x, x:set(y)))
    assert.is_true(x:isSetTo(y))
    local z = torch.zeros(3)
    z:set(torch.FloatStorage{ 1, 2, 3, 4 }, 2, torch.LongStorage{ 3 })
    assert.are.same({ 2, 3, 4 }, values(z))
    z:set(y:storage())
    assert.are.same({ 0, 1, 2, 3 }, values(z))
    z[1] = 9
    assert.are.equal(9, y[1])
    has_error(function() return z:set(3) end, '[set] expected a Tensor or a storage, got number')
  end)

  it('expandAs, viewAs, totable', function()
    local x = torch.Tensor{ 1, 2 }
    assert.are.same({ { 1, 2 }, { 1, 2 } }, values(x:expandAs(torch.zeros(2, 2))))
    assert.are.same({ { 1 }, { 2 } }, values(x:viewAs(torch.zeros(2, 1))))
    assert.are.same({ { 1, 2 }, { 3, 4 } }, torch.Tensor{ { 1, 2 }, { 3, 4 } }:totable())
  end)
end)

describe('apply, map, map2', function()
  it('apply replaces each element with what fn returns, in row-major order', function()
    local x = torch.arange(6, { dtype = torch.float64 }):view(2, 3):t() -- non-contiguous
    local seen = {}
    assert.is_true(rawequal(x, x:apply(function(v) seen[#seen + 1] = v; return v + 100 end)))
    assert.are.same({ 0, 3, 1, 4, 2, 5 }, seen)
    assert.are.same({ { 100, 103 }, { 101, 104 }, { 102, 105 } }, values(x))
  end)

  it('apply leaves elements alone when fn returns nothing (Torch7)', function()
    local x = torch.Tensor{ 1, -2, 3 }
    local sum = 0
    x:apply(function(v) sum = sum + v end)
    assert.are.equal(2, sum)
    x:apply(function(v) if v < 0 then return 0 end end)
    assert.are.same({ 1, 0, 3 }, values(x))
  end)

  it('apply passes booleans for bool tensors and converts results to the dtype', function()
    local b = torch.BoolTensor{ true, false }
    b:apply(function(v) return not v end)
    assert.are.same({ false, true }, b:tolist())
    local i = torch.IntTensor{ 1, 2 }
    i:apply(function(v) return v + 0.7 end) -- truncated, as fill_ does
    assert.are.same({ 1, 2 }, i:tolist())
    local h = torch.HalfTensor{ 1 }
    h:apply(function(v) return 0.1 end)
    assert.are.equal(0.0999755859375, h[1])
    local e = torch.zeros(0)
    e:apply(function() error('not called') end)
    local s = torch.tensor(5)
    s:apply(function(v) return v * 2 end)
    assert.are.equal(10, s:item())
  end)

  it('apply leaves x unchanged when fn fails or returns a value the dtype cannot hold', function()
    local u = torch.ByteTensor{ 1, 2 }
    assert.are.equal('[apply] the function returned 400 for element 2, which cannot be converted to type uint8 without overflow',
      err(function() return u:apply(function(v) return v * 200 end) end):match('%[.*'))
    assert.are.same({ 1, 2 }, u:tolist())
    has_error(function() u:apply(function(v) if v == 2 then error('boom') end return 9 end) end, 'boom')
    assert.are.same({ 1, 2 }, u:tolist())
    has_error(function() u:apply(function() return 'a' end) end,
      '[apply] the function must return a number, a boolean or nothing, got a string for element 1')
    has_error(function() u:apply(function() return 0 / 0 end) end, 'cannot be converted to type uint8')
    has_error(function() u:apply(3) end, '[apply] expected a function, got number')
    assert.are.same({ 1, 2 }, u:tolist())
  end)

  it('map and map2 pair elements in order; only the counts must match (Torch7)', function()
    local m = torch.zeros(2, 2)
    assert.is_true(rawequal(m, m:map(torch.arange(4), function(a, b) return a + b * 10 end)))
    assert.are.same({ { 0, 10 }, { 20, 30 } }, values(m))
    m:map2(torch.ones(4), torch.arange(4):view(2, 2):t(), function(a, b, c) return a + b + c end)
    assert.are.same({ { 1, 13 }, { 22, 34 } }, values(m))
    local flags = torch.BoolTensor{ true, false, true, false }
    m:map(flags, function(a, f) if f then return -a end end)
    assert.are.same({ { -1, 13 }, { -22, 34 } }, values(m))
    has_error(function() m:map(torch.arange(3), function(a) return a end) end,
      '[map] shapes (2, 2) and (3,) neither broadcast nor have the same number of elements')
    has_error(function() m:map2(torch.ones(4), torch.ones(5), function(a) return a end) end,
      '[map2] shapes (2, 2) and (5,) neither broadcast nor have the same number of elements')
    has_error(function() m:map(function() end) end, '[map] the second tensor must be a Tensor, got function')
    has_error(function() m:map2(torch.ones(4), torch.ones(4)) end, '[map2] expected a function, got nil')
    assert.are.same({ { -1, 13 }, { -22, 34 } }, values(m))
  end)

  it('map and map2 broadcast y and z (as PyTorch\'s map_)', function()
    local m = torch.zeros(2, 3)
    m:map(torch.Tensor{ 1, 2, 3 }, function(_, b) return b end)
    assert.are.same({ { 1, 2, 3 }, { 1, 2, 3 } }, values(m))
    m:map2(torch.Tensor{ { 10 }, { 20 } }, torch.tensor(5), function(a, b, c) return a + b + c end)
    assert.are.same({ { 16, 17, 18 }, { 26, 27, 28 } }, values(m))
  end)

  it('apply_ and map_ are PyTorch\'s names for apply and map', function()
    local x = torch.Tensor{ 1, 2 }
    assert.is_true(rawequal(x, x:apply_(function(v) return v * 3 end)))
    assert.are.same({ 3, 6 }, values(x))
    assert.is_true(rawequal(x, x:map_(torch.Tensor{ 1, 1 }, function(a, b) return a - b end)))
    assert.are.same({ 2, 5 }, values(x))
  end)
end)

describe('cmul, cdiv, csub, cpow, cmax, cmin', function()
  it('work in place on x, broadcasting y', function()
    -- PyTorch 1.13: ones(2,3).mul_(arange(6.).view(2,3)).div_(full((3,), 2.))
    --   -> [[0, 0.5, 1], [1.5, 2, 2.5]]
    local a = torch.ones(2, 3)
    assert.is_true(rawequal(a, a:cmul(torch.arange(6):float():view(2, 3))))
    assert.are.same({ { 0, 1, 2 }, { 3, 4, 5 } }, values(a))
    assert.is_true(rawequal(a, a:cdiv(torch.full({ 3 }, 2.0))))
    assert.are.same({ { 0, 0.5, 1 }, { 1.5, 2, 2.5 } }, values(a))
    a:csub(torch.Tensor{ 1, 1, 1 })
    assert.are.same({ { -1, -0.5, 0 }, { 0.5, 1, 1.5 } }, values(a))
    a:cmul(2)
    assert.are.same({ { -2, -1, 0 }, { 1, 2, 3 } }, values(a))
    a:cpow(2)
    assert.are.same({ { 4, 1, 0 }, { 1, 4, 9 } }, values(a))
    a:cmax(2)
    assert.are.same({ { 4, 2, 2 }, { 2, 4, 9 } }, values(a))
    a:cmin(torch.Tensor{ 3, 3, 5 })
    assert.are.same({ { 3, 2, 2 }, { 2, 3, 5 } }, values(a))
    a:cmin(2.5)
    assert.are.same({ { 2.5, 2, 2 }, { 2, 2.5, 2.5 } }, values(a))
    a:cmax(torch.full({ 2, 3 }, 2.25))
    assert.are.same({ { 2.5, 2.25, 2.25 }, { 2.25, 2.5, 2.5 } }, values(a))
  end)

  it('pair elements in order when shapes differ but counts match (Torch7)', function()
    local a = torch.ones(2, 3)
    a:cmul(torch.arange(6):float())
    assert.are.same({ { 0, 1, 2 }, { 3, 4, 5 } }, values(a))
    local t = torch.ones(3, 2):t() -- non-contiguous x
    t:cdiv(torch.Tensor{ 1, 2, 4, 1, 2, 4 })
    assert.are.same({ { 1, 0.5, 0.25 }, { 1, 0.5, 0.25 } }, values(t))
  end)

  it('x:cmul(a, b) puts a * b into x, resized', function()
    local r = torch.zeros(1)
    assert.is_true(rawequal(r, r:cmul(torch.ones(2, 2), torch.Tensor{ 3, 4 })))
    assert.are.same({ { 3, 4 }, { 3, 4 } }, values(r))
    r:cdiv(torch.Tensor{ 1, 2 }, torch.Tensor{ 4, 4 })
    assert.are.same({ 0.25, 0.5 }, values(r))
    r:cmax(torch.Tensor{ 1, 5 }, torch.Tensor{ 3, 2 })
    assert.are.same({ 3, 5 }, values(r))
    r:cmin(torch.Tensor{ 1, 5 }, torch.Tensor{ 3, 2 })
    assert.are.same({ 1, 2 }, values(r))
    r:csub(torch.Tensor{ 1, 5 }, torch.Tensor{ 3, 2 })
    assert.are.same({ -2, 3 }, values(r))
    r:cpow(torch.Tensor{ 2, 3 }, 2)
    assert.are.same({ 4, 9 }, values(r))
  end)

  it('torch.cmul and torch.cdiv return a new tensor, or fill res', function()
    local a, b = torch.ones(2), torch.full({ 2 }, 4.0)
    assert.are.same({ 4, 4 }, values(torch.cmul(a, b)))
    assert.are.same({ 0.25, 0.25 }, values(torch.cdiv(a, b)))
    assert.are.same({ 0.5, 0.5 }, values(torch.cdiv(a, 2)))
    assert.are.same({ 1, 1 }, values(a))
    local res = torch.zeros(5)
    assert.is_true(rawequal(res, torch.cmul(res, a, b)))
    assert.are.same({ 4, 4 }, values(res))
  end)

  it('reject mismatched shapes and leave x unchanged', function()
    local a = torch.ones(2, 3)
    has_error(function() a:cmul(torch.ones(4)) end,
      '[cmul] shapes (2, 3) and (4,) neither broadcast nor have the same number of elements')
    has_error(function() a:cdiv() end, '[cdiv] expected a tensor or a number')
    has_error(function() a:cmul(3, torch.ones(1)) end, '[cmul] the first operand must be a Tensor, got number')
    assert.are.same({ { 1, 1, 1 }, { 1, 1, 1 } }, values(a))
  end)
end)

describe('samplers', function()
  it('x:uniform(a, b) draws as x:uniform_(a, b) (PyTorch 1.13 stream)', function()
    -- torch.manual_seed(0); torch.empty(3).uniform_(-1, 1)
    --   -> [-0.007486820220947266, 0.5364435911178589, -0.8230451345443726]
    torch.manual_seed(0)
    local x = torch.FloatTensor(3)
    assert.is_true(rawequal(x, x:uniform(-1, 1)))
    local want = { -0.007486820220947266, 0.5364435911178589, -0.8230451345443726 }
    for i = 1, 3 do assert.is_true(math.abs(x[i] - want[i]) < 1e-7) end
    local u = torch.zeros(1000):uniform()
    assert.is_true(u:min():item() >= 0 and u:max():item() < 1)
  end)

  it('x:random(a, b) includes b; x:random(b) is 1..b (Torch7)', function()
    -- torch.manual_seed(0); torch.empty(4, dtype=torch.int64).random_(3, 6) -> [5, 3, 5, 3]
    torch.manual_seed(0)
    assert.are.same({ 5, 3, 5, 3 }, torch.LongTensor(4):random(3, 5):tolist())
    local r = torch.zeros(2000):random(3, 5)
    assert.are.same({ 3, 5 }, { r:min():item(), r:max():item() })
    local s = torch.zeros(2000):random(4)
    assert.are.same({ 1, 4 }, { s:min():item(), s:max():item() })
    local t = torch.zeros(100):random()
    assert.is_true(t:min():item() >= 0)
    has_error(function() torch.zeros(2):random(5, 3) end, '[random] expected a <= b, got a = 5, b = 3')
    has_error(function() torch.zeros(2):random('a') end, '[random] bounds must be numbers')
  end)

  it('normal, exponential, cauchy, logNormal, geometric are the _ samplers', function()
    local pairs_ = {
      { 'normal', 'normal_', { 2, 3 } }, { 'exponential', 'exponential_', { 2 } },
      { 'cauchy', 'cauchy_', { 1, 2 } }, { 'logNormal', 'log_normal_', { 1, 0.5 } },
      { 'geometric', 'geometric_', { 0.3 } },
    }
    for _, p in ipairs(pairs_) do
      torch.manual_seed(7)
      local a = torch.zeros(20)
      assert.is_true(rawequal(a, a[p[1]](a, unpack(p[3]))))
      torch.manual_seed(7)
      local b = torch.zeros(20)
      b[p[2]](b, unpack(p[3]))
      assert.is_true(a:equal(b), p[1])
      assert.is_false(a:equal(torch.zeros(20)), p[1])
    end
    torch.manual_seed(7)
    local n = torch.zeros(20):normal()
    torch.manual_seed(7)
    assert.is_true(n:equal(torch.zeros(20):normal_(0, 1)))
  end)
end)

describe('torch.Timer', function()
  it('counts real, user and sys seconds; stop, resume and reset', function()
    local t = torch.Timer()
    local s = 0
    for i = 1, 2e6 do s = s + i end
    local a = t:time()
    assert.is_true(a.real > 0 and a.user >= 0 and a.sys >= 0)
    assert.is_true(rawequal(t, t:stop()))
    local b = t:time()
    for i = 1, 2e6 do s = s + i end
    local c = t:time()
    assert.are.same(b, c)
    assert.is_true(rawequal(t, t:resume()))
    for i = 1, 2e6 do s = s + i end
    assert.is_true(t:time().real > c.real)
    t:stop()
    assert.is_true(rawequal(t, t:reset()))
    assert.are.same({ real = 0, user = 0, sys = 0 }, t:time()) -- stopped: stays at 0
    t:resume()
    assert.is_true(t:time().real >= 0)
  end)
end)

describe('torch.class', function()
  local saved = {}
  before_each(function()
    for _, k in ipairs({ 'T7A', 'T7B', 'T7Plain', 't7pkg' }) do saved[k] = rawget(_G, k) end
  end)
  after_each(function()
    for _, k in ipairs({ 'T7A', 'T7B', 'T7Plain', 't7pkg' }) do rawset(_G, k, saved[k]) end
  end)

  it('makes classes with __init, methods and inheritance', function()
    local A = torch.class('T7A')
    function A:__init(v) self.v = v end
    function A:get() return self.v end
    function A:name() return 'A' end
    local B, parent = torch.class('T7B', 'T7A')
    assert.are.equal(A, parent)
    function B:__init(v, w)
      parent.__init(self, v)
      self.w = w
    end
    function B:name() return 'B' end
    local b = T7B(1, 2)
    assert.are.equal(1, b:get())
    assert.are.equal(2, b.w)
    assert.are.equal('B', b:name())
    assert.are.equal('A', T7A(5):name())
    assert.are.equal(5, A(5):get()) -- the returned metatable is callable too
    assert.are.equal('T7B', torch.type(b))
    assert.are.equal('T7B', torch.typename(b))
    assert.is_nil(torch.typename(T7B)) -- the constructor is not an instance
    assert.are.equal(B, getmetatable(b))
    assert.is_true(torch.isTypeOf(b, 'T7A'))
    assert.is_true(torch.isTypeOf(b, T7A))
    assert.is_true(torch.isTypeOf(b, A))
    assert.is_false(torch.isTypeOf(T7A(1), 'T7B'))
    assert.is_true(torch.isTypeOf(b, 'T7.'))
    assert.are.equal(B, torch.getmetatable('T7B'))
    assert.are.equal(T7B, torch.getconstructortable('T7B'))
    assert.are.equal(torch.Tensor, torch.getmetatable('torch.FloatTensor'))
    assert.are.equal(torch.FloatTensor, torch.getconstructortable('torch.FloatTensor'))
    assert.is_nil(torch.getmetatable('NoSuchClass'))
    -- methods added through the constructor table land in the class
    function T7B:extra() return 'x' end
    assert.are.equal('x', b:extra())
    assert.are.equal(B.extra, T7B.extra)
  end)

  it('factory, setmetatable and new', function()
    local A = torch.class('T7A')
    function A:__init() self.inited = true end
    local f = torch.factory('T7A')()
    assert.are.equal('T7A', torch.type(f))
    assert.is_nil(f.inited)
    local o = torch.setmetatable({ x = 1 }, 'T7A')
    assert.are.equal('T7A', torch.type(o))
    assert.is_true(A.new().inited)
    assert.is_nil(torch.factory('NoSuchClass'))
    has_error(function() torch.setmetatable({}, 'NoSuchClass') end, '[setmetatable] unknown class NoSuchClass')
  end)

  it('operators come from __tostring__, __add__, __eq__, __call__ ..., inherited', function()
    local A = torch.class('T7A')
    function A:__init(v) self.v = v end
    function A.__add__(a, b) return T7A(a.v + b.v) end
    function A.__eq__(a, b) return a.v == b.v end
    function A:__tostring__() return 'T7A(' .. self.v .. ')' end
    function A:__call__(k) return self.v * k end
    function A:__unm__() return T7A(-self.v) end
    torch.class('T7B', 'T7A')
    local a, b = T7A(1), T7B(2)
    assert.are.equal(3, (a + b).v)
    assert.is_true(T7A(4) == T7A(4))
    assert.is_false(T7A(4) == T7A(5))
    assert.are.equal('T7A(2)', tostring(b))
    assert.are.equal(6, b(3))
    assert.are.equal(-2, (-b).v)
    has_error(function() return a * b end, 'both T7A and T7B have no multiplication operator')
    local C = torch.class('T7A') -- the same class again (a script run twice)
    assert.are.equal(A, C)
  end)

  it('a class without __tostring__ prints its name', function()
    torch.class('T7Plain')
    assert.are.equal('T7Plain', tostring(T7Plain()))
  end)

  it('puts pkg.Name classes into the package table, or into a given module', function()
    rawset(_G, 't7pkg', {})
    local M, parent = torch.class('t7pkg.Thing')
    assert.is_nil(parent)
    function M:__init(v) self.v = v end
    assert.are.equal(3, t7pkg.Thing(3).v)
    assert.are.equal('t7pkg.Thing', torch.type(t7pkg.Thing(1)))
    local mod = {}
    torch.class('t7pkg.Other', 't7pkg.Thing', mod)
    assert.are.equal(4, mod.Other(4).v)
    assert.is_nil(t7pkg.Other)
    local mod2 = {}
    torch.class('T7Mod', mod2) -- a module as the second argument
    assert.is_not_nil(mod2.T7Mod)
  end)

  it('rejects bad names, unknown parents and missing packages', function()
    has_error(function() torch.class('') end, '[class] the class name must be a non-empty string')
    has_error(function() torch.class(3) end, '[class] the class name must be a non-empty string like "Foo" or "pkg.Foo", got number')
    has_error(function() torch.class('T7A', 'NoSuchParent') end,
      '[class] unknown parent class NoSuchParent (create it with torch.class first)')
    has_error(function() torch.class('t7nopkg.Foo') end,
      '[class] cannot create class t7nopkg.Foo: t7nopkg is not a loaded package (a table)')
    has_error(function() torch.class('T7A', 3) end, '[class] the parent class must be given by its name, got number')
    torch.class('T7A')
    torch.class('T7B', 'T7A')
    torch.class('T7C', 'T7A')
    has_error(function() torch.class('T7B', 'T7C') end, '[class] class T7B already exists with parent T7A')
    has_error(function() torch.getmetatable(3) end, '[getmetatable] expected a class name (string), got number')
    rawset(_G, 'T7C', nil)
  end)
end)
