-- Bad input: every call below must fail with a Lua error whose message names the problem
-- (the shapes, the dimension, the option, the dtypes involved), never crash, and leave every
-- tensor passed in exactly as it was (dtype, shape, strides, offset, memory and values).
local torch = require 'torch'
local ffi = require 'ffi'

local has_cuda = type(torch.cuda) == 'table' and type(torch.cuda.is_available) == 'function'
  and torch.cuda.is_available()

-- Everything observable about a tensor.
local function snapshot(t)
  local values
  if t.dtype == torch.bool then
    values = t:clone():view(-1):tolist()
  else
    values = t:double():reshape(-1):tolist() -- through float64: independent of 16-bit reads
  end
  return {
    dtype = t.dtype.name,
    size = t:size():totable(),
    stride = t:stride(),
    offset = t:storage_offset(),
    ptr = t:data_ptr(),
    requires_grad = t.requires_grad,
    values = values,
  }
end

-- Calls fn, which must fail with a message containing every string in `words`
-- (case-insensitive, plain text); the tensors in `inputs` must be unchanged afterwards.
local function expect_error(fn, inputs, words)
  local before = {}
  for i, t in ipairs(inputs) do before[i] = snapshot(t) end
  local ok, err = pcall(fn)
  assert(not ok, 'expected an error, the call succeeded')
  local msg = tostring(err)
  local lower = msg:lower()
  for _, w in ipairs(words) do
    assert(lower:find(w:lower(), 1, true), ('error message %q should mention %q'):format(msg, w))
  end
  for i, t in ipairs(inputs) do
    assert.are.same(before[i], snapshot(t), ('input %d changed by the failing call'):format(i))
  end
  return msg
end

local function m23() return torch.arange(6):view(2, 3) end        -- int64 {{0,1,2},{3,4,5}}
local function f23() return torch.arange(6):view(2, 3):float() end

describe('shape errors', function()
  it('broadcasting names both shapes', function()
    local a, b = torch.ones(2, 3), torch.ones(4)
    expect_error(function() return a + b end, { a, b }, { '(2, 3)', '(4,)' })
  end)

  it('broadcasting in a method with options names both shapes', function()
    local a, b = torch.ones(5, 1, 2), torch.ones(3, 3)
    expect_error(function() return a:mul(b) end, { a, b }, { '(5, 1, 2)', '(3, 3)' })
  end)

  it('in-place result shape must be the first operand\'s shape', function()
    local a, b = torch.ones(3), torch.ones(2, 3)
    expect_error(function() return a:add_(b) end, { a, b }, { '(3,)', '(2, 3)' })
  end)

  it('copy_ names the source and destination shapes', function()
    local dst, src = torch.zeros(2), torch.ones(3)
    expect_error(function() return dst:copy_(src) end, { dst, src }, { '(3,)', '(2,)' })
  end)

  it('assigning a tensor of the wrong shape through x[{...}]', function()
    local x, v = f23(), torch.ones(3)
    expect_error(function() x[{ {}, 2 }] = v end, { x, v }, { '(3,)', '(2,)' })
  end)

  it('view to a different number of elements', function()
    local x = m23()
    expect_error(function() return x:view(4, 4) end, { x }, { '(4, 4)', '6' })
  end)

  it('view with two inferred dimensions', function()
    local x = m23()
    expect_error(function() return x:view(-1, -1) end, { x }, { 'only one dimension can be inferred' })
  end)

  it('view on incompatible strides suggests reshape', function()
    local x = m23()
    local t = x:t()
    expect_error(function() return t:view(6) end, { x, t }, { 'view', '(3, 2)', 'reshape' })
  end)

  it('expand to a mismatched size names both sizes', function()
    local x = torch.ones(3, 1)
    expect_error(function() return x:expand(4, 4) end, { x }, { '(4, 4)', '(3, 1)' })
  end)

  it('expand to fewer dimensions', function()
    local x = m23()
    expect_error(function() return x:expand(3) end, { x }, { 'number of sizes' })
  end)

  it('t() of a 3-D tensor', function()
    local x = torch.zeros(2, 3, 4)
    expect_error(function() return x:t() end, { x }, { '<= 2 dimensions', '(2, 3, 4)' })
  end)

  it('permute with a repeated dimension', function()
    local x = m23()
    expect_error(function() return x:permute(1, 1) end, { x }, { 'repeat' })
  end)

  it('permute with the wrong number of dimensions', function()
    local x = m23()
    expect_error(function() return x:permute(1) end, { x }, { "number of dims don't match" })
  end)

  it('flatten with start after end', function()
    local x = torch.zeros(2, 3, 4)
    expect_error(function() return x:flatten(3, 2) end, { x }, { 'start_dim (3)', 'end_dim (2)' })
  end)

  it('unfold larger than the dimension', function()
    local x = torch.ones(3)
    expect_error(function() return x:unfold(1, 5, 1) end, { x }, { 'maximum size', '5' })
  end)

  it('unfold with step 0', function()
    local x = torch.ones(3)
    expect_error(function() return x:unfold(1, 2, 0) end, { x }, { 'step' })
  end)

  it('as_strided reaching past the end of the storage', function()
    local x = torch.ones(3)
    expect_error(function() return x:as_strided({ 10 }, { 1 }) end, { x }, { 'past the end' })
  end)

  it('len() of a 0-dim tensor', function()
    local x = torch.tensor(5)
    expect_error(function() return #x end, { x }, { '0-d' })
  end)
end)

describe('dimension and index errors', function()
  it('size(d) beyond the dimensions: dimension out of range, in 1-based terms', function()
    local x = m23()
    expect_error(function() return x:size(3) end, { x }, { 'dimension out of range', 'got 3' })
  end)

  it('stride(-3) of a 2-D tensor', function()
    local x = m23()
    expect_error(function() return x:stride(-3) end, { x }, { 'dimension out of range', 'got -3' })
  end)

  it('transpose with a dimension out of range', function()
    local x = m23()
    expect_error(function() return x:transpose(1, 3) end, { x }, { 'dimension out of range', 'got 3' })
  end)

  it('select with a dimension out of range', function()
    local x = m23()
    expect_error(function() return x:select(3, 1) end, { x }, { 'dimension out of range', 'got 3' })
  end)

  it('squeeze with a dimension out of range', function()
    local x = m23()
    expect_error(function() return x:squeeze(3) end, { x }, { 'dimension out of range', 'got 3' })
  end)

  it('unsqueeze past the new last position', function()
    local x = m23()
    expect_error(function() return x:unsqueeze(4) end, { x }, { 'dimension out of range', 'got 4' })
  end)

  it('dimension 0 is invalid (dimensions are 1-based)', function()
    local x = m23()
    expect_error(function() return x:size(0) end, { x }, { 'dimension 0 is invalid', '1-based' })
  end)

  it('index 0 is invalid (indices are 1-based)', function()
    local x = m23()
    expect_error(function() return x[0] end, { x }, { 'index 0 is invalid', '1-based' })
  end)

  it('narrow start 0 is invalid', function()
    local x = m23()
    expect_error(function() return x:narrow(1, 0, 1) end, { x }, { 'index 0 is invalid' })
  end)

  it('reading past the end with x[i] names the index as given', function()
    local x = m23()
    expect_error(function() return x[3] end, { x }, { 'out of range', 'index 3', 'size 2' })
  end)

  it('reading past the end of a 1-D tensor with x[{i}]', function()
    local v = torch.tensor({ 1, 2, 3 })
    expect_error(function() return v[{ 5 }] end, { v }, { 'out of range', 'index 5', 'size 3' })
  end)

  it('a negative index past the start', function()
    local x = m23()
    expect_error(function() return x[-3] end, { x }, { 'out of range', '-3' })
  end)

  it('a range reaching past the end', function()
    local x = m23()
    expect_error(function() return x[{ 1, { 2, 5 } }] end, { x }, { 'out of bounds', '{2, 5}', 'size 3' })
  end)

  it('narrow past the end names the start as given', function()
    local x = m23()
    expect_error(function() return x:narrow(2, 2, 5) end, { x }, { 'out of range', 'start 2', 'length 5' })
  end)

  it('writing past the end with x[i] = v', function()
    local v = torch.tensor({ 1, 2, 3 })
    expect_error(function() v[5] = 1 end, { v }, { 'out of range', 'index 5' })
  end)

  it('more indices than dimensions', function()
    local x = m23()
    expect_error(function() return x[{ 1, 2, 3 }] end, { x }, { 'too many indices' })
  end)

  it('indexing a 0-dim tensor', function()
    local x = torch.tensor(5)
    expect_error(function() return x[1] end, { x }, { '0-dim' })
  end)

  it('a non-integer index', function()
    local v = torch.tensor({ 1, 2, 3 })
    expect_error(function() return v[1.5] end, { v }, { 'integer', '1.5' })
  end)

  it('an index entry of the wrong type', function()
    local x = m23()
    expect_error(function() return x[{ 'a' }] end, { x }, { 'index entries must be numbers', 'string' })
  end)

  it('assigning a string through x[i]', function()
    local v = torch.tensor({ 1, 2, 3 })
    expect_error(function() v[1] = 'a' end, { v }, { 'number or a tensor', 'string' })
  end)

  it('setting an unknown field', function()
    local v = torch.tensor({ 1, 2, 3 })
    expect_error(function() v.foo = 1 end, { v }, { 'foo' })
  end)

  it('item() of a tensor with more than one element names the count and shape', function()
    local x = m23()
    expect_error(function() return x:item() end, { x }, { 'item', '6 elements', '(2, 3)' })
  end)
end)

describe('size and creation errors', function()
  it('a negative size', function()
    expect_error(function() return torch.zeros(2, -1) end, {}, { 'negative size', '-1' })
  end)

  it('no sizes at all', function()
    expect_error(function() return torch.zeros() end, {}, { 'size' })
  end)

  it('a negative size in view', function()
    local x = m23()
    expect_error(function() return x:view(-2, 3) end, { x }, { '-2' })
  end)

  it('a non-integer size', function()
    expect_error(function() return torch.zeros(2.5) end, {}, { 'integer', '2.5' })
  end)

  it('sizes of the wrong type', function()
    expect_error(function() return torch.zeros('a') end, {}, { 'sizes', 'string' })
  end)

  it('a size table holding a string', function()
    expect_error(function() return torch.zeros({ 2, 'a' }) end, {}, { 'size 2', 'string' })
  end)

  it('sizes of the wrong type for view', function()
    local x = m23()
    expect_error(function() return x:view('a') end, { x }, { 'sizes', 'string' })
  end)

  it('more than 16 dimensions', function()
    expect_error(function() return torch.zeros(1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1) end, {},
      { '16', '17' })
  end)

  it('an unknown creation option', function()
    expect_error(function() return torch.zeros(2, { bogus = 1 }) end, {}, { 'unknown option', 'bogus' })
  end)

  it('an unknown dtype', function()
    expect_error(function() return torch.zeros(2, { dtype = 'float8' }) end, {}, { 'unknown dtype', 'float8' })
  end)

  it('an unknown device', function()
    expect_error(function() return torch.zeros(2, { device = 'tpu' }) end, {}, { 'unknown device', 'tpu' })
  end)

  it('a CUDA device in a build without one names CUDA', function()
    if has_cuda then return pending('CUDA is available here') end
    expect_error(function() return torch.zeros(2, { device = 'cuda' }) end, {}, { 'cuda' })
  end)

  it('moving to CUDA in a build without one', function()
    if has_cuda then return pending('CUDA is available here') end
    local v = torch.ones(2)
    expect_error(function() return v:to('cuda') end, { v }, { 'cuda' })
  end)

  it('pin_memory without CUDA', function()
    if has_cuda then return pending('CUDA is available here') end
    expect_error(function() return torch.zeros(2, { pin_memory = true }) end, {}, { 'pin_memory' })
  end)

  it('the sparse layout is not supported', function()
    expect_error(function() return torch.zeros(2, { layout = torch.sparse_coo }) end, {},
      { 'sparse_coo', 'not supported' })
  end)

  it('creation out= of another dtype than requested', function()
    local out = torch.zeros(2)
    expect_error(function() return torch.zeros(3, { dtype = torch.float64, out = out }) end, { out },
      { 'float64', 'float32' })
  end)

  it('tensor() does not take out=', function()
    local out = torch.zeros(1)
    expect_error(function() return torch.tensor({ 1 }, { out = out }) end, { out }, { 'out' })
  end)

  it('tensor() from a ragged table', function()
    expect_error(function() return torch.tensor({ { 1, 2 }, { 3 } }) end, {}, { 'length 2', 'dimension 2' })
  end)

  it('tensor() with a string element', function()
    expect_error(function() return torch.tensor({ 1, 'a' }) end, {}, { 'numbers or booleans', 'string' })
  end)

  it('full() with a string fill value', function()
    expect_error(function() return torch.full({ 2 }, 'a') end, {}, { 'fill_value', 'string' })
  end)

  it('arange with step 0', function()
    expect_error(function() return torch.arange(0, 5, 0) end, {}, { 'step must be nonzero' })
  end)

  it('arange whose step points away from the end', function()
    expect_error(function() return torch.arange(1, 5, -1) end, {}, { 'step sign' })
  end)

  it('linspace with a negative number of steps', function()
    expect_error(function() return torch.linspace(0, 1, -1) end, {}, { 'non-negative', '-1' })
  end)

  it('eye with a negative size', function()
    expect_error(function() return torch.eye(-1) end, {}, { 'non-negative' })
  end)

  it('set_default_dtype to an integer dtype', function()
    expect_error(function() torch.set_default_dtype(torch.int32) end, {}, { 'float32', 'float64', 'int32' })
    assert.are.equal(torch.float32, torch.get_default_dtype())
  end)

  it('an unknown option of to()', function()
    local v = torch.ones(2)
    expect_error(function() return v:to(torch.float64, { bogus = 1 }) end, { v }, { 'unknown option', 'bogus' })
  end)

  it('converting to an unknown legacy type name', function()
    local v = torch.ones(2)
    expect_error(function() return v:type('torch.FooTensor') end, { v }, { 'FooTensor' })
  end)
end)

describe('dtype and operator errors', function()
  it('an integer tensor to a negative integer power', function()
    local x = torch.tensor({ 2, 3 })
    expect_error(function() return x ^ -1 end, { x }, { 'negative integer powers' })
  end)

  it('an integer tensor to a negative integer power, in place', function()
    local x = torch.tensor({ 2, 3 }, { dtype = torch.int16 })
    expect_error(function() return x:pow_(-2) end, { x }, { 'negative integer powers' })
  end)

  it('a uint8 tensor to a negative integer power', function()
    local x = torch.tensor({ 2 }, { dtype = torch.uint8 })
    expect_error(function() return x ^ -2 end, { x }, { 'negative integer powers' })
  end)

  it('subtracting two bool tensors', function()
    local a, b = torch.tensor({ true, false }), torch.tensor({ false, false })
    expect_error(function() return a - b end, { a, b }, { 'subtraction', 'bool' })
  end)

  it('subtracting with one bool tensor (as PyTorch)', function()
    local a, b = torch.tensor({ 1.5, 2 }), torch.tensor({ true, false })
    expect_error(function() return a - b end, { a, b }, { 'subtraction', 'bool' })
  end)

  it('a bool tensor minus a number (as PyTorch)', function()
    local b = torch.tensor({ true, false })
    expect_error(function() return b - 1 end, { b }, { 'subtraction', 'bool' })
  end)

  it('negating a bool tensor', function()
    local b = torch.tensor({ true })
    expect_error(function() return -b end, { b }, { 'negation', 'bool' })
  end)

  it('div_ of an integer tensor cannot store its float result', function()
    local x = torch.tensor({ 1, 2 })
    expect_error(function() return x:div_(2) end, { x }, { 'float32', 'int64' })
  end)

  it('add_ of a float number to an integer tensor', function()
    local x = torch.tensor({ 1, 2 }, { dtype = torch.int32 })
    expect_error(function() return x:add_(1.5) end, { x }, { 'float32', 'int32' })
  end)

  it('mul_ of an integer tensor by a float tensor', function()
    local x, y = torch.tensor({ 1, 2 }, { dtype = torch.int8 }), torch.tensor({ 0.5, 0.5 }, { dtype = torch.float64 })
    expect_error(function() return x:mul_(y) end, { x, y }, { 'float64', 'int8' })
  end)

  it('add_ of a number to a bool tensor', function()
    local b = torch.tensor({ true, false })
    expect_error(function() return b:add_(1) end, { b }, { 'int64', 'bool' })
  end)

  it('out= of a dtype the result cannot be cast to, leaving out as it was', function()
    local a, b = torch.tensor({ { 1, 2 }, { 3, 4 } }), torch.tensor({ 2, 2 })
    local out = torch.tensor({ 7, 8, 9 })
    expect_error(function() return torch.div(a, b, { out = out }) end, { a, b, out }, { 'float32', 'int64' })
  end)

  it('in-place write into an expanded tensor', function()
    local base = torch.zeros(1)
    local e = base:expand(3)
    expect_error(function() return e:add_(1) end, { base, e }, { 'more than one element', 'clone' })
  end)

  it('copy_ into an expanded tensor', function()
    local base, src = torch.zeros(2, 1), torch.ones(2, 3)
    local e = base:expand(2, 3)
    expect_error(function() return e:copy_(src) end, { base, e, src }, { 'more than one element' })
  end)

  it('assigning through x[{...}] into an expanded tensor', function()
    local base = torch.zeros(1)
    local e = base:expand(3)
    local src = torch.tensor({ 1, 2, 3 })
    expect_error(function() e[{ { 1, 3 } }] = src end, { base, e, src }, { 'more than one element' })
  end)

  it('fill_ with a value that overflows int64 (as PyTorch)', function()
    local x = torch.tensor({ 1, 2 })
    expect_error(function() return x:fill_(1e20) end, { x }, { 'overflow', 'int64' })
  end)

  it('fill_ with a value that overflows int8 (as PyTorch)', function()
    local x = torch.tensor({ 1, 2 }, { dtype = torch.int8 })
    expect_error(function() return x:fill_(300) end, { x }, { 'overflow', 'int8' })
  end)

  it('a float alpha with integer tensors', function()
    local a = torch.tensor({ 1, 2 })
    expect_error(function() return torch.add(a, a, { alpha = 0.5 }) end, { a }, { 'alpha', 'floating point' })
  end)

  it('a float alpha with integer tensors, in place', function()
    local a, b = torch.tensor({ 1, 2 }), torch.tensor({ 3, 4 })
    expect_error(function() return a:sub_(b, { alpha = 1.5 }) end, { a, b }, { 'alpha' })
  end)
end)

describe('argument type and option errors', function()
  it('a string operand', function()
    local v = torch.ones(3)
    expect_error(function() return v:add('s') end, { v }, { 'tensor expected', 'string' })
  end)

  it('a table operand to an operator', function()
    local v = torch.ones(3)
    expect_error(function() return v + {} end, { v }, { 'tensor expected', 'table' })
  end)

  it('a string dimension', function()
    local x = m23()
    expect_error(function() return x:transpose('a', 1) end, { x }, { 'number expected', 'string' })
  end)

  it('an unknown option of an op', function()
    local a = torch.ones(2)
    expect_error(function() return torch.add(a, a, { bogus = 2 }) end, { a }, { 'unknown option', 'bogus' })
  end)

  it('alpha is not an option of mul', function()
    local a = torch.ones(2)
    expect_error(function() return torch.mul(a, a, { alpha = 2 }) end, { a }, { 'unknown option', 'alpha', 'mul' })
  end)

  it('options that are not a table', function()
    local a = torch.ones(2)
    expect_error(function() return a:add(a, 5) end, { a }, { 'options table expected', 'number' })
  end)

  it('out= that is not a tensor', function()
    local a = torch.ones(2)
    expect_error(function() return torch.add(a, a, { out = 5 }) end, { a }, { 'out', 'tensor' })
  end)

  it('alpha that is not a number', function()
    local a = torch.ones(2)
    expect_error(function() return torch.add(a, a, { alpha = 'x' }) end, { a }, { 'alpha', 'number' })
  end)

  it('fill_ with a string', function()
    local v = torch.ones(3)
    expect_error(function() return v:fill_('a') end, { v }, { 'number expected', 'string' })
  end)

  it('fill_ with a 1-D tensor', function()
    local v, w = torch.ones(3), torch.ones(2)
    expect_error(function() return v:fill_(w) end, { v, w }, { '0-dim', '1 dim' })
  end)

  it('requires_grad on an integer tensor', function()
    expect_error(function() return torch.zeros(2, { dtype = torch.int64, requires_grad = true }) end, {},
      { 'floating point', 'int64' })
  end)

  it('setting requires_grad on an integer tensor', function()
    local t = torch.zeros(2, { dtype = torch.int32 })
    expect_error(function() t.requires_grad = true end, { t }, { 'floating point', 'int32' })
  end)

  it('requires_grad set to a non-boolean', function()
    local t = torch.zeros(2)
    expect_error(function() t.requires_grad = 1 end, { t }, { 'requires_grad', 'boolean' })
  end)

  it('requires_grad option of the wrong type', function()
    expect_error(function() return torch.ones(2, { requires_grad = 'yes' }) end, {}, { 'requires_grad', 'boolean' })
  end)
end)

describe('external memory errors', function()
  it('from_pointer of NULL with elements', function()
    expect_error(function() return torch.from_pointer(0, { 3 }) end, {}, { 'null' })
  end)

  it('from_pointer of something that is not a pointer', function()
    expect_error(function() return torch.from_pointer('abc', { 3 }) end, {}, { 'pointer', 'string' })
  end)

  it('from_pointer with negative strides', function()
    local buf = ffi.new('float[4]', { 1, 2, 3, 4 })
    expect_error(function() return torch.from_pointer(buf, { 2 }, { dtype = torch.float32, strides = { -1 } }) end, {},
      { 'negative strides' })
    assert.are.same({ 1, 2, 3, 4 }, { buf[0], buf[1], buf[2], buf[3] })
  end)

  it('from_pointer with an unknown option', function()
    local buf = ffi.new('float[4]')
    expect_error(function() return torch.from_pointer(buf, { 2 }, { bogus = 1 }) end, {}, { 'unknown option', 'bogus' })
  end)

  it('growing a tensor over external memory', function()
    local buf = ffi.new('float[4]', { 1, 2, 3, 4 })
    local t = torch.from_pointer(buf, { 4 }, { dtype = torch.float32 })
    expect_error(function() return t:resize_(100) end, { t }, { 'external memory' })
    assert.are.same({ 1, 2, 3, 4 }, { buf[0], buf[1], buf[2], buf[3] })
  end)
end)
