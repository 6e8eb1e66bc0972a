-- Recurrent layers (PyTorch's torch/nn/modules/rnn.py): nn.RNN (tanh or relu), nn.LSTM,
-- nn.GRU, and the single-step cells nn.RNNCell, nn.LSTMCell, nn.GRUCell.
--
-- RNN/LSTM/GRU(input_size, hidden_size [, num_layers = 1, bias = true, batch_first = false,
--   dropout = 0, bidirectional = false] [, {nonlinearity = 'tanh' (RNN), proj_size = 0
--   (LSTM), dtype =, device =}])
-- Parameters as PyTorch names and orders them: weight_ih_l0, weight_hh_l0, bias_ih_l0,
-- bias_hh_l0 (weight_hr_l0 with proj_size), then the '_reverse' ones, then layer 1 ...; all
-- drawn from U(-1/sqrt(hidden_size), 1/sqrt(hidden_size)) in that order.
--
-- forward(input [, h0]) (LSTM: forward(input [, {h0, c0}]) or forward(input, h0, c0)):
-- input (L, N, H_in), (N, L, H_in) with batch_first, or unbatched (L, H_in); h0/c0
-- (num_layers * num_directions, N, H) (unbatched: without N), zeros when omitted.
-- Returns output (L, N, num_directions * H) and h_n (LSTM: output, h_n, c_n).
--
-- Built from recorded tensor ops, so autograd differentiates it: one matrix product for the
-- input projection of every time step of a layer, then per step one addmm and a few
-- pointwise ops, with PyTorch's gate formulas.  Dropout (training mode) after every layer
-- but the last, as PyTorch.
local torch = require 'torch'
local nn = require 'torch.nn'
local A = require 'torch.nn.layer_args'
local Module = nn.Module
local init = nn.init

local fail, pyfloat = A.fail, nn._pyfloat
local addmm, stack, cat = torch.addmm, torch.stack, torch.cat

local GATES = { RNN_TANH = 1, RNN_RELU = 1, LSTM = 4, GRU = 3 }
local NAMES = { 'input_size', 'hidden_size', 'num_layers', 'bias', 'batch_first', 'dropout',
  'bidirectional', 'proj_size' }

-- ---------------------------------------------------------------------------- cells
-- One time step.  gi: the input projection of this step (with b_ih, and for RNN/LSTM b_hh
-- folded in); returns the new h (and c).
local function step_rnn(relu, gi, h, w_hh)
  local pre = addmm(gi, h, w_hh:t())
  if relu then return pre:relu() end
  return pre:tanh()
end

local function step_lstm(H, gi, h, c, w_hh, w_hr)
  local gates = addmm(gi, h, w_hh:t()):chunk(4, 2)
  local i, f, g, o = gates[1]:sigmoid(), gates[2]:sigmoid(), gates[3]:tanh(), gates[4]:sigmoid()
  local c2 = torch.addcmul(f * c, i, g)
  local h2 = o * c2:tanh()
  if w_hr ~= nil then h2 = h2:mm(w_hr:t()) end
  return h2, c2
end

-- GRU: r, z = sigmoid(gi + gh), n = tanh(gi_n + r * gh_n), h' = (h - n) * z + n
local function step_gru(H, gi, h, w_hh, b_hh)
  local gh = (b_hh ~= nil and addmm(b_hh, h, w_hh:t()) or h:mm(w_hh:t())):chunk(3, 2)
  local gx = gi:chunk(3, 2)
  local r, z = (gx[1] + gh[1]):sigmoid(), (gx[2] + gh[2]):sigmoid()
  local n = torch.addcmul(gx[3], gh[3], r):tanh()
  return torch.addcmul(n, h - n, z)
end

-- ---------------------------------------------------------------------------- RNNBase
local RNNBase = torch.class('nn.RNNBase', 'nn.Module', nn)

function RNNBase:__init(mode, ...)
  Module.__init(self)
  local name = mode == 'LSTM' and 'LSTM' or mode == 'GRU' and 'GRU' or 'RNN'
  local a = A.args(name, NAMES, { 'nonlinearity', 'dtype', 'device' }, ...)
  if name == 'RNN' then
    local nl = a.nonlinearity or 'tanh'
    if nl ~= 'tanh' and nl ~= 'relu' then fail("[RNN] unknown nonlinearity '%s' (expected 'tanh' or 'relu')", tostring(nl)) end
    mode = nl == 'relu' and 'RNN_RELU' or 'RNN_TANH'
    self.nonlinearity = nl
  elseif a.nonlinearity ~= nil then
    fail("[%s] unknown option 'nonlinearity'", name)
  end
  if a.proj_size ~= nil and a.proj_size ~= 0 and name ~= 'LSTM' then
    fail('[%s] proj_size argument is only supported for LSTM, not RNN or GRU', name)
  end
  self.mode = mode
  self.input_size = A.int(name, 'input_size', a.input_size, 0)
  self.hidden_size = A.int(name, 'hidden_size', a.hidden_size, 0)
  self.num_layers = A.int(name, 'num_layers', a.num_layers or 1, 1)
  self.bias = a.bias ~= false
  if a.bias ~= nil then A.bool(name, 'bias', a.bias) end
  self.batch_first = a.batch_first == true
  if a.batch_first ~= nil then A.bool(name, 'batch_first', a.batch_first) end
  local p = a.dropout or 0
  if type(p) ~= 'number' or p < 0 or p > 1 then
    fail('[%s] dropout should be a number in range [0, 1] representing the probability of an element being zeroed, got %s',
      name, tostring(p))
  end
  self.dropout = p
  self.bidirectional = a.bidirectional == true
  if a.bidirectional ~= nil then A.bool(name, 'bidirectional', a.bidirectional) end
  local proj = A.int(name, 'proj_size', a.proj_size or 0, 0)
  if proj > 0 and proj >= self.hidden_size then fail('[%s] proj_size has to be smaller than hidden_size', name) end
  self.proj_size = proj
  local f = A.factory(name, a)

  local G = GATES[mode] * self.hidden_size
  local D = self.bidirectional and 2 or 1
  local real_hidden = proj > 0 and proj or self.hidden_size
  local names, all = {}, {}
  for layer = 0, self.num_layers - 1 do
    for dir = 0, D - 1 do
      local in_size = layer == 0 and self.input_size or real_hidden * D
      local sfx = string.format('_l%d%s', layer, dir == 1 and '_reverse' or '')
      local group = { 'weight_ih' .. sfx, 'weight_hh' .. sfx }
      self[group[1]] = nn.Parameter(torch.empty(G, in_size, f))
      self[group[2]] = nn.Parameter(torch.empty(G, real_hidden, f))
      if self.bias then
        group[3], group[4] = 'bias_ih' .. sfx, 'bias_hh' .. sfx
        self[group[3]] = nn.Parameter(torch.empty(G, f))
        self[group[4]] = nn.Parameter(torch.empty(G, f))
      end
      if proj > 0 then
        group[#group + 1] = 'weight_hr' .. sfx
        self[group[#group]] = nn.Parameter(torch.empty(proj, self.hidden_size, f))
      end
      for _, n in ipairs(group) do names[#names + 1] = n end
      all[#all + 1] = group
    end
  end
  rawset(self, '_flat_weights_names', names)
  rawset(self, '_all_weights', all)
  self:reset_parameters()
end

function RNNBase:reset_parameters()
  local stdv = self.hidden_size > 0 and 1 / math.sqrt(self.hidden_size) or 0
  for _, w in ipairs(self:parameters()) do init.uniform_(w, -stdv, stdv) end
end

-- all_weights(): the parameters per layer and direction, as PyTorch's all_weights
function RNNBase:all_weights()
  local r = {}
  for i, group in ipairs(rawget(self, '_all_weights')) do
    r[i] = {}
    for j, n in ipairs(group) do r[i][j] = rawget(self, n) end
  end
  return r
end

function RNNBase:flatten_parameters() end -- cuDNN's weight layout: nothing to do on the CPU

function RNNBase:extra_repr()
  local s = string.format('%d, %d', self.input_size, self.hidden_size)
  if self.proj_size ~= 0 then s = s .. ', proj_size=' .. self.proj_size end
  if self.num_layers ~= 1 then s = s .. ', num_layers=' .. self.num_layers end
  if self.bias ~= true then s = s .. ', bias=False' end
  if self.batch_first then s = s .. ', batch_first=True' end
  if self.dropout ~= 0 then s = s .. ', dropout=' .. pyfloat(self.dropout) end
  if self.bidirectional then s = s .. ', bidirectional=True' end
  return s
end

function RNNBase:_name()
  local m = self.mode
  return m == 'LSTM' and 'LSTM' or m == 'GRU' and 'GRU' or 'RNN'
end

local function check_hidden(name, what, h, want)
  local ok = h:dim() == #want
  for i = 1, #want do ok = ok and h:size(i) == want[i] end
  if not ok then
    fail('[%s] expected %s of shape %s, got %s', name, what, A.tuple(want), nn._shape(h))
  end
end

-- one direction of one layer over the whole sequence x (L, N, in): returns the outputs (L,
-- N, H) and the last h (and c)
local function run_direction(self, x, h, c, sfx, reverse)
  local mode = self.mode
  local H = self.hidden_size
  local w_ih, w_hh = rawget(self, 'weight_ih' .. sfx), rawget(self, 'weight_hh' .. sfx)
  local b_ih, b_hh = rawget(self, 'bias_ih' .. sfx), rawget(self, 'bias_hh' .. sfx)
  local w_hr = rawget(self, 'weight_hr' .. sfx)
  local L, N = x:size(1), x:size(2)
  -- the input projection of every step at once: (L * N, in) @ W_ih^T + b
  local x2 = x:reshape(L * N, x:size(3))
  local gi
  if b_ih ~= nil then
    local b = (mode == 'GRU') and b_ih or (b_ih + b_hh)
    gi = addmm(b, x2, w_ih:t())
  else
    gi = x2:mm(w_ih:t())
  end
  -- one node for all the steps' slices (its backward stacks their gradients), rather than a
  -- select per step (each of whose backwards would fill a whole zero tensor)
  local steps = L > 0 and gi:view(L, N, gi:size(2)):unbind(1) or {}
  local outs = {}
  local relu = mode == 'RNN_RELU'
  for s = 1, L do
    local t = reverse and (L - s + 1) or s
    local g = steps[t]
    if mode == 'LSTM' then
      h, c = step_lstm(H, g, h, c, w_hh, w_hr)
    elseif mode == 'GRU' then
      h = step_gru(H, g, h, w_hh, b_hh)
    else
      h = step_rnn(relu, g, h, w_hh)
    end
    outs[t] = h
  end
  local out
  if L > 0 then out = stack(outs, 1) else out = torch.empty(0, N, h:size(2), { dtype = x.dtype, device = x.device }) end
  return out, h, c
end

function RNNBase:updateOutput(input, hx, cx)
  local name = self:_name()
  A.check_input(name, input)
  local nd = input:dim()
  if nd ~= 2 and nd ~= 3 then
    fail('[%s] expected input of 2 (unbatched) or 3 (batched) dimensions, got shape %s', name, nn._shape(input))
  end
  if input:size(nd) ~= self.input_size then
    fail('[%s] expected input with last dimension %d (input_size), got shape %s', name, self.input_size,
      nn._shape(input))
  end
  A.check_dtype(name, input, rawget(self, 'weight_ih_l0'))
  local is_lstm = self.mode == 'LSTM'
  if is_lstm and type(hx) == 'table' and not A.is_tensor(hx) then
    if cx ~= nil then fail('[LSTM] give the state as {h0, c0} or as h0, c0, not both') end
    hx, cx = hx[1], hx[2]
    if hx == nil or cx == nil then fail('[LSTM] expected the state {h0, c0}: two tensors') end
  end
  if not is_lstm and cx ~= nil then fail('[%s] expected at most 2 arguments (input, h0)', name) end
  if is_lstm and (hx == nil) ~= (cx == nil) then fail('[LSTM] expected both h0 and c0, or neither') end
  if hx ~= nil and not A.is_tensor(hx) then fail('[%s] expected h0 to be a Tensor, got %s', name, type(hx)) end
  if cx ~= nil and not A.is_tensor(cx) then fail('[%s] expected c0 to be a Tensor, got %s', name, type(cx)) end
  local batched = nd == 3
  local x = input
  if not batched then
    x = x:unsqueeze(self.batch_first and 1 or 2)
    if hx ~= nil then
      if hx:dim() ~= 2 then fail('[%s] for unbatched 2-D input, h0 should also be 2-D, got shape %s', name, nn._shape(hx)) end
      hx = hx:unsqueeze(2)
    end
    if cx ~= nil then
      if cx:dim() ~= 2 then fail('[%s] for unbatched 2-D input, c0 should also be 2-D, got shape %s', name, nn._shape(cx)) end
      cx = cx:unsqueeze(2)
    end
  elseif hx ~= nil and hx:dim() ~= 3 then
    fail('[%s] for batched 3-D input, h0 should also be 3-D, got shape %s', name, nn._shape(hx))
  elseif cx ~= nil and cx:dim() ~= 3 then
    fail('[%s] for batched 3-D input, c0 should also be 3-D, got shape %s', name, nn._shape(cx))
  end
  if self.batch_first then x = x:transpose(1, 2) end
  local N = x:size(2)
  local D = self.bidirectional and 2 or 1
  local H = self.hidden_size
  local Hout = self.proj_size > 0 and self.proj_size or H
  local nlD = self.num_layers * D
  if hx == nil then
    hx = torch.zeros(nlD, N, Hout, { dtype = x.dtype, device = x.device })
    if is_lstm then cx = torch.zeros(nlD, N, H, { dtype = x.dtype, device = x.device }) end
  else
    check_hidden(name, 'h0', hx, { nlD, N, Hout })
    if is_lstm then check_hidden(name, 'c0', cx, { nlD, N, H }) end
  end
  local hs, cs = {}, {}
  local layer_in = x
  for layer = 0, self.num_layers - 1 do
    local outs = {}
    for dir = 0, D - 1 do
      local k = layer * D + dir + 1
      local sfx = string.format('_l%d%s', layer, dir == 1 and '_reverse' or '')
      local out, h, c = run_direction(self, layer_in, hx:select(1, k), is_lstm and cx:select(1, k) or nil, sfx, dir == 1)
      outs[dir + 1], hs[k], cs[k] = out, h, c
    end
    layer_in = D == 2 and cat(outs, 3) or outs[1]
    if self.dropout > 0 and self.training and layer < self.num_layers - 1 then
      layer_in = nn.functional.dropout(layer_in, self.dropout, true)
    end
  end
  local output = layer_in
  local h_n = stack(hs, 1)
  local c_n = is_lstm and stack(cs, 1) or nil
  if self.batch_first then output = output:transpose(1, 2) end
  if not batched then
    output = output:squeeze(self.batch_first and 1 or 2)
    h_n = h_n:squeeze(2)
    if c_n then c_n = c_n:squeeze(2) end
  end
  if is_lstm then return output, h_n, c_n end
  return output, h_n
end

local function define(name, mode)
  local cls = torch.class('nn.' .. name, 'nn.RNNBase', nn)
  function cls:__init(...) RNNBase.__init(self, mode, ...) end
  return cls
end

define('RNN', 'RNN_TANH')
define('LSTM', 'LSTM')
define('GRU', 'GRU')

-- ---------------------------------------------------------------------------- cells
-- RNNCell(input_size, hidden_size [, bias = true, nonlinearity = 'tanh']),
-- LSTMCell(input_size, hidden_size [, bias = true]), GRUCell(...): one step.
-- forward(input (N, H_in) or (H_in) [, hx]) -> h' (LSTMCell: forward(input [, {h, c}]) ->
-- h', c').  Parameters weight_ih, weight_hh, bias_ih, bias_hh.
local RNNCellBase = torch.class('nn.RNNCellBase', 'nn.Module', nn)

function RNNCellBase:__init(name, gates, names, ...)
  Module.__init(self)
  local a = A.args(name, names, { 'dtype', 'device' }, ...)
  self.input_size = A.int(name, 'input_size', a.input_size, 0)
  self.hidden_size = A.int(name, 'hidden_size', a.hidden_size, 0)
  self.bias = a.bias ~= false
  if a.bias ~= nil then A.bool(name, 'bias', a.bias) end
  if name == 'RNNCell' then
    local nl = a.nonlinearity or 'tanh'
    if nl ~= 'tanh' and nl ~= 'relu' then fail("[RNNCell] unknown nonlinearity: %s", tostring(nl)) end
    self.nonlinearity = nl
  end
  local f = A.factory(name, a)
  local G = gates * self.hidden_size
  self.weight_ih = nn.Parameter(torch.empty(G, self.input_size, f))
  self.weight_hh = nn.Parameter(torch.empty(G, self.hidden_size, f))
  if self.bias then
    self.bias_ih = nn.Parameter(torch.empty(G, f))
    self.bias_hh = nn.Parameter(torch.empty(G, f))
  else
    self:register_parameter('bias_ih', nil)
    self:register_parameter('bias_hh', nil)
  end
  rawset(self, '_cell_name', name)
  self:reset_parameters()
end

RNNCellBase.reset_parameters = RNNBase.reset_parameters

function RNNCellBase:extra_repr()
  local s = string.format('%d, %d', self.input_size, self.hidden_size)
  if self.bias ~= true then s = s .. ', bias=False' end
  local nl = rawget(self, 'nonlinearity')
  if nl ~= nil and nl ~= 'tanh' then s = s .. ', nonlinearity=' .. nl end
  return s
end

function RNNCellBase:updateOutput(input, hx, cx)
  local name = rawget(self, '_cell_name')
  A.check_input(name, input)
  local nd = input:dim()
  if (nd ~= 1 and nd ~= 2) or input:size(nd) ~= self.input_size then
    fail('[%s] expected input of shape (N, %d) or (%d,), got %s', name, self.input_size, self.input_size,
      nn._shape(input))
  end
  A.check_dtype(name, input, rawget(self, 'weight_ih'))
  local is_lstm = name == 'LSTMCell'
  if is_lstm and type(hx) == 'table' and not A.is_tensor(hx) then hx, cx = hx[1], hx[2] end
  local x = nd == 1 and input:unsqueeze(1) or input
  local N, H = x:size(1), self.hidden_size
  local function state(t, what)
    if t == nil then return torch.zeros(N, H, { dtype = x.dtype, device = x.device }) end
    if not A.is_tensor(t) then fail('[%s] expected %s to be a Tensor, got %s', name, what, type(t)) end
    if nd == 1 then t = t:unsqueeze(1) end
    check_hidden(name, what, t, { N, H })
    return t
  end
  local h = state(hx, 'hx')
  local c = is_lstm and state(cx, 'cx') or nil
  local b_ih, b_hh = rawget(self, 'bias_ih'), rawget(self, 'bias_hh')
  local w_ih, w_hh = rawget(self, 'weight_ih'), rawget(self, 'weight_hh')
  local gi
  if name == 'GRUCell' then
    gi = b_ih ~= nil and addmm(b_ih, x, w_ih:t()) or x:mm(w_ih:t())
    h = step_gru(H, gi, h, w_hh, b_hh)
  else
    gi = b_ih ~= nil and addmm(b_ih + b_hh, x, w_ih:t()) or x:mm(w_ih:t())
    if is_lstm then h, c = step_lstm(H, gi, h, c, w_hh, nil)
    else h = step_rnn(self.nonlinearity == 'relu', gi, h, w_hh) end
  end
  if nd == 1 then
    h = h:squeeze(1)
    if c then c = c:squeeze(1) end
  end
  if is_lstm then return h, c end
  return h
end

local function define_cell(name, gates, names)
  local cls = torch.class('nn.' .. name, 'nn.RNNCellBase', nn)
  function cls:__init(...) RNNCellBase.__init(self, name, gates, names, ...) end
  return cls
end

define_cell('RNNCell', 1, { 'input_size', 'hidden_size', 'bias', 'nonlinearity' })
define_cell('LSTMCell', 4, { 'input_size', 'hidden_size', 'bias' })
define_cell('GRUCell', 3, { 'input_size', 'hidden_size', 'bias' })

return nn
