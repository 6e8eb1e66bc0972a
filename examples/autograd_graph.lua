-- The computational graph of y = (x + w) * (w + 1), as the seed walks through it in
-- PyTorch: leaves and is_leaf, retain_grad for the gradients of intermediate tensors,
-- grad_fn, then weights for several outputs (grad_tensors) and a second derivative.
--
-- Lines are printed the way the seed's Python prints them (values separated by spaces, True
-- and None), and checked, so this script also serves as a test (ctest: example_autograd_graph).
--
--   ./th examples/autograd_graph.lua
local torch = require 'torch'

-- Python's print: values separated by one space, booleans as True/False, nil as None.
local function pyprint(...)
  local parts = {}
  for i = 1, select('#', ...) do
    local v = select(i, ...)
    if v == nil then v = 'None'
    elseif v == true then v = 'True'
    elseif v == false then v = 'False'
    end
    parts[i] = tostring(v)
  end
  print(table.concat(parts, ' '))
end

local function check(cond, what)
  if not cond then error('unexpected result: ' .. what, 2) end
end

-- ---------------------------------------------------------------------------- 1. leaves
print('-- y = (x + w) * (w + 1): leaves')
do
  local w = torch.tensor({1.}, {requires_grad = true})
  local x = torch.tensor({2.}, {requires_grad = true})
  local a = torch.add(w, x) -- retain_grad()
  local b = torch.add(w, 1)
  local y = torch.mul(a, b)
  y:backward()
  pyprint(w.grad)
  -- look at the leaves
  pyprint('is_leaf:\n', w.is_leaf, x.is_leaf, a.is_leaf, b.is_leaf, y.is_leaf)
  -- tensor([5.])
  -- is_leaf:
  --  True True False False False
  check(tostring(w.grad) == 'tensor([5.])', 'w.grad')
  check(w.is_leaf and x.is_leaf and not (a.is_leaf or b.is_leaf or y.is_leaf), 'is_leaf')
end

-- ---------------------------------------------------------------------------- 2. retain_grad
print('-- y = (x + w) * (w + 1): retain_grad')
do
  local w = torch.tensor({1.}, {requires_grad = true})
  local x = torch.tensor({2.}, {requires_grad = true})
  local a = torch.add(w, x) -- retain_grad()
  a:retain_grad()
  local b = torch.add(w, 1)
  b:retain_grad()
  local y = torch.mul(a, b)
  y:backward()
  pyprint(w.grad)
  pyprint('gradient:\n', w.grad, x.grad, a.grad, b.grad, y.grad)
  -- tensor([5.])
  -- gradient:
  --  tensor([5.]) tensor([2.]) tensor([2.]) tensor([3.]) None
  check(tostring(x.grad) == 'tensor([2.])' and tostring(a.grad) == 'tensor([2.])'
        and tostring(b.grad) == 'tensor([3.])' and y.grad == nil, 'retained gradients')
end

-- ---------------------------------------------------------------------------- 3. grad_fn
print('-- y = (x + w) * (w + 1): grad_fn')
do
  local w = torch.tensor({1.}, {requires_grad = true})
  local x = torch.tensor({2.}, {requires_grad = true})
  local a = torch.add(w, x) -- retain_grad()
  -- a:retain_grad()
  local b = torch.add(w, 1)
  -- b:retain_grad()
  local y = torch.mul(a, b)
  y:backward()
  pyprint(w.grad)
  -- the functions that made each tensor
  pyprint('grad_fn:\n', w.grad_fn, x.grad_fn, a.grad_fn, b.grad_fn, y.grad_fn)
  -- tensor([5.])
  -- grad_fn:
  --  None None <AddBackward0 object at 0x...> <AddBackward0 object at 0x...> <MulBackward0 object at 0x...>
  check(w.grad_fn == nil and x.grad_fn == nil and a.grad_fn:name() == 'AddBackward0'
        and b.grad_fn:name() == 'AddBackward0' and y.grad_fn:name() == 'MulBackward0', 'grad_fn')

  -- the graph behind y, from its node back to the leaves' AccumulateGrad nodes
  local function walk(node, depth)
    local leaf = node.variable
    print(string.rep('  ', depth) .. node:name() .. (leaf and ('  ' .. tostring(leaf)) or ''))
    for _, edge in ipairs(node.next_functions) do
      if edge[1] then walk(edge[1], depth + 1) end
    end
  end
  walk(y.grad_fn, 0)
  -- MulBackward0
  --   AddBackward0
  --     AccumulateGrad  tensor([1.], requires_grad=True)
  --     AccumulateGrad  tensor([2.], requires_grad=True)
  --   AddBackward0
  --     AccumulateGrad  tensor([1.], requires_grad=True)
end

-- ---------------------------------------------------------------------------- 4. grad_tensors
print('-- grad_tensors: weights for several outputs')
do
  local w = torch.tensor({1.}, {requires_grad = true})
  local x = torch.tensor({2.}, {requires_grad = true})
  local a = torch.add(w, x)
  local b = torch.add(w, 1)
  local y0 = torch.mul(a, b) -- y0 = (x + w) * (w + 1)     dy0/dw = 5
  local y1 = torch.add(a, b) -- y1 = (x + w) + (w + 1)     dy1/dw = 2
  local loss = torch.cat({y0, y1}, 1) -- [y0, y1]
  local grad_tensors = torch.tensor({1., 2.})
  loss:backward(grad_tensors) -- gradient weights: 1 * 5 + 2 * 2
  pyprint(w.grad)
  -- tensor([9.])
  check(tostring(w.grad) == 'tensor([9.])', 'w.grad with grad_tensors')
end

-- ---------------------------------------------------------------------------- 5. higher order
print('-- torch.autograd.grad with create_graph: a second derivative')
do
  local x = torch.tensor({3.}, {requires_grad = true})
  local y = torch.pow(x, 2) -- y = x^2
  local grad_1 = torch.autograd.grad(y, x, {create_graph = true}) -- dy/dx = 2x
  pyprint(grad_1[1])
  local grad_2 = torch.autograd.grad(grad_1[1], x) -- d2y/dx2 = 2
  pyprint(grad_2[1])
  -- tensor([6.], grad_fn=<MulBackward0>)
  -- tensor([2.])
  check(tostring(grad_1[1]) == 'tensor([6.], grad_fn=<MulBackward0>)', 'first derivative')
  check(tostring(grad_2[1]) == 'tensor([2.])', 'second derivative')

  local z = torch.pow(x, 3) -- x^3 at 3: 27, then 6x = 18
  local d1 = torch.autograd.grad(z, x, {create_graph = true})[1]
  local d2 = torch.autograd.grad(d1, x)[1]
  pyprint(d1, d2)
  -- tensor([27.], grad_fn=<MulBackward0>) tensor([18.])
  check(d1:item() == 27 and d2:item() == 18, 'derivatives of x^3')
end
