-- A tour of tensor creation and manipulation: the first part of the tutorial, in Lua.
-- Run it with `./th examples/tour.lua` (or `make tour`).
local torch = require 'torch'
local ffi = require 'ffi'

local function show(title, x)
  print('-- ' .. title)
  print(x)
end

-- torch.tensor: from data (nested tables); integer literals give int64, others float32
show('torch.tensor({{1, 2}, {3, 4}})', torch.tensor({ { 1, 2 }, { 3, 4 } }))
show('torch.tensor({1.5, 2}, {dtype = torch.float64, requires_grad = true})',
  torch.tensor({ 1.5, 2 }, { dtype = torch.float64, requires_grad = true }))

-- Sharing memory with a buffer (like from_numpy): a write through either side shows in both
local buf = ffi.new('double[6]', { 1, 2, 3, 4, 5, 6 })
local shared = torch.from_pointer(buf, { 2, 3 }, { dtype = torch.float64 })
buf[0] = 100
shared[{ 2, 3 }] = -1
show('from_pointer over an FFI array after buf[0] = 100 and t[{2, 3}] = -1', shared)
print('buf[5] = ' .. buf[5])

-- Filled tensors
show('torch.zeros({3, 3})', torch.zeros({ 3, 3 }))
local out = torch.tensor({ 1 })
local z = torch.zeros({ 2, 2 }, { out = out, dtype = torch.int64 })
print('-- torch.zeros({2, 2}, {out = t}) returns t itself: ' .. tostring(rawequal(z, out)))
show('torch.zeros_like(x)', torch.zeros_like(torch.tensor({ { 1, 2, 3 } })))
show('torch.ones(2, 3)', torch.ones(2, 3))
show('torch.full({3, 3}, 10)', torch.full({ 3, 3 }, 10))

-- Sequences
show('torch.arange(2, 10, 2)  -- [start, end)', torch.arange(2, 10, 2))
show('torch.linspace(2, 10, 6)  -- [start, end], 6 points', torch.linspace(2, 10, 6))
show('torch.logspace(0, 3, 4)  -- base 10', torch.logspace(0, 3, 4))
show('torch.logspace(0, 3, 4, 2)  -- base 2', torch.logspace(0, 3, 4, 2))
show('torch.eye(3)', torch.eye(3))
show('torch.eye(2, 3)', torch.eye(2, 3))

-- Reshaping: a view when the memory allows it, so writes are shared
local t = torch.arange(8)
local r = t:reshape(2, 4)
r[{ 1, 1 }] = 1024
show('t after r = t:reshape(2, 4); r[{1, 1}] = 1024', t)
show('torch.reshape(t, {-1, 2})', torch.reshape(t, { -1, 2 }))

-- Transposes and dimension juggling (dimensions are 1-based)
local m = torch.arange(24):reshape(2, 3, 4)
print('-- m:transpose(2, 3) has shape ' .. tostring(m:transpose(2, 3).shape))
show('torch.t(torch.arange(6):reshape(2, 3))', torch.t(torch.arange(6):reshape(2, 3)))
local s = torch.zeros(2, 1, 3, 1)
print('-- squeeze: ' .. tostring(s:squeeze().shape) .. ', squeeze(2): ' .. tostring(s:squeeze(2).shape)
  .. ', unsqueeze(1): ' .. tostring(s:unsqueeze(1).shape))

-- Indexing: x[i] selects along dimension 1, x[{i, {a, b}}] narrows (a and b inclusive)
show('m[1]', m[1])
show('m[{2, {2, 3}, -1}]', m[{ 2, { 2, 3 }, -1 }])

-- Arithmetic broadcasts; torch.add(input, other, {alpha = a}) is input + a * other
local x = torch.ones(2, 3)
local y = torch.arange(3)
show('torch.add(x, y, {alpha = 10})', torch.add(x, y, { alpha = 10 }))
show('(x * 2 - y) ^ 2 / 4', (x * 2 - y) ^ 2 / 4)
x:add_(1)
show('x after x:add_(1)', x)
show('torch.tensor({1, 2, 3}) / 2  -- integer division gives float', torch.tensor({ 1, 2, 3 }) / 2)
