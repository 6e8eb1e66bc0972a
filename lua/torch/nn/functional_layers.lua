-- torch.nn.functional, continued: the pieces the layer modules need beyond the native
-- kernels: pad (constant, reflect, replicate, circular), scaled_dot_product_attention and
-- multi_head_attention_forward (PyTorch 1.13's algorithm, step for step, so that seeded
-- results agree).  All are compositions of recorded tensor ops, hence differentiable.
--
-- Loaded by functional.lua: `require('torch.nn.functional_layers')(F)` adds these to F.
local torch = require 'torch'

local tensor_mt = torch._tensor_mt
local function is_tensor(x) return getmetatable(x) == tensor_mt end
local function fail(fmt, ...) torch._error(string.format(fmt, ...)) end

local function shape_str(t)
  local n = t:dim()
  if n == 0 then return '()' end
  local s = {}
  for i = 1, n do s[i] = tostring(t:size(i)) end
  return '(' .. table.concat(s, ', ') .. (n == 1 and ',)' or ')')
end

local function is_opts(v)
  return type(v) == 'table' and getmetatable(v) == nil and rawget(v, 1) == nil
end

-- named arguments: positional in the order of names, then a trailing options table
local function args_of(fname, names, ...)
  local n = select('#', ...)
  while n > 0 and select(n, ...) == nil do n = n - 1 end
  local a = {}
  if n == 0 then return a end
  local last = select(n, ...)
  local npos = is_opts(last) and n - 1 or n
  if npos > #names then
    fail('[%s] expected at most %d further positional arguments, got %d', fname, #names, npos)
  end
  for i = 1, npos do
    local v = select(i, ...)
    if v ~= nil then a[names[i]] = v end
  end
  if npos < n then
    local allowed = {}
    for _, k in ipairs(names) do allowed[k] = true end
    for k, v in pairs(last) do
      if not allowed[k] then fail("[%s] unknown option '%s'", fname, tostring(k)) end
      if a[k] ~= nil then fail('[%s] %s given both as an argument and as an option', fname, k) end
      a[k] = v
    end
  end
  return a
end

local function install(F)

-- ---------------------------------------------------------------------------- pad
local PAD_MODES = { constant = true, reflect = true, replicate = true, circular = true }

-- index (1-based, int64) of the source element for each padded position of a dim of size n
local function pad_index(mode, n, l, r, device)
  local idx = {}
  for i = -l, n + r - 1 do
    local j
    if mode == 'reflect' then
      j = i < 0 and -i or (i >= n and 2 * (n - 1) - i or i)
    elseif mode == 'replicate' then
      j = i < 0 and 0 or (i >= n and n - 1 or i)
    else -- circular
      j = i % n
    end
    idx[#idx + 1] = j + 1
  end
  return torch.tensor(idx, { dtype = torch.int64 }):to(device)
end

-- pad(input, pad [, mode = 'constant', value = 0]): pad = {left, right} for the last dim,
-- then {left, right} for the one before, ... (PyTorch's order).  Negative amounts crop
-- (constant mode).  reflect needs amounts below the dim's size, circular at most its size.
function F.pad(input, pad, ...)
  local a = args_of('pad', { 'mode', 'value' }, ...)
  if not is_tensor(input) then fail('[pad] input must be a Tensor, got %s', type(input)) end
  if type(pad) ~= 'table' or is_tensor(pad) then fail('[pad] pad must be a table of integers, got %s', type(pad)) end
  local mode = a.mode or 'constant'
  if not PAD_MODES[mode] then
    fail("[pad] mode must be 'constant', 'reflect', 'replicate' or 'circular', got %s", tostring(mode))
  end
  local value = a.value or 0
  if type(value) ~= 'number' then fail('[pad] value must be a number, got %s', type(value)) end
  if mode ~= 'constant' and a.value ~= nil and a.value ~= 0 then
    fail("[pad] padding mode '%s' doesn't take in value argument", mode)
  end
  local np = #pad
  local nd = input:dim()
  if np % 2 ~= 0 then fail('[pad] padding length must be divisible by 2, got %d', np) end
  if np / 2 > nd then
    fail('[pad] padding length %d is too large for an input of shape %s (at most two per dim)', np,
      shape_str(input))
  end
  for i = 1, np do
    local p = pad[i]
    if type(p) ~= 'number' or p ~= math.floor(p) then fail('[pad] pad must hold integers, got %s', tostring(p)) end
  end
  local out = input
  for k = 1, np / 2 do
    local d = nd - k + 1
    local l, r = pad[2 * k - 1], pad[2 * k]
    local n = out:size(d)
    if mode == 'constant' then
      if l < 0 or r < 0 then
        local s, e = math.max(-l, 0), n - math.max(-r, 0)
        if e < s then
          fail('[pad] cropping %d and %d from dim %d of size %d leaves nothing', -l, -r, d, n)
        end
        out = out:narrow(d, s + 1, e - s)
        l, r = math.max(l, 0), math.max(r, 0)
      end
      if l > 0 or r > 0 then
        local parts = {}
        local size = out:size():totable()
        if l > 0 then
          size[d] = l
          parts[#parts + 1] = torch.full(size, value, { dtype = out.dtype, device = out.device })
        end
        parts[#parts + 1] = out
        if r > 0 then
          size[d] = r
          parts[#parts + 1] = torch.full(size, value, { dtype = out.dtype, device = out.device })
        end
        out = torch.cat(parts, d)
      end
    elseif l ~= 0 or r ~= 0 then
      if l < 0 or r < 0 then fail("[pad] negative padding is only supported in 'constant' mode") end
      if mode == 'reflect' and (l >= n or r >= n) then
        fail('[pad] padding size should be less than the corresponding input dimension, but got: '
          .. 'padding (%d, %d) at dimension %d of input %s', l, r, d, shape_str(input))
      end
      if mode == 'circular' and (l > n or r > n) then
        fail('[pad] padding value causes wrapping around more than once: padding (%d, %d) at '
          .. 'dimension %d of input %s', l, r, d, shape_str(input))
      end
      if n == 0 then fail('[pad] cannot pad an empty dim %d of input %s in %s mode', d, shape_str(input), mode) end
      out = out:index_select(d, pad_index(mode, n, l, r, out.device))
    end
  end
  if rawequal(out, input) then out = input:clone() end
  return out
end

-- ---------------------------------------------------------------------------- attention
-- a boolean mask (true = masked out) as an additive float mask of dtype
local function additive(mask, dtype)
  if mask.dtype == torch.bool then
    return torch.zeros(mask:size(), { dtype = dtype, device = mask.device }):masked_fill_(mask, -math.huge)
  end
  return mask
end

-- scaled_dot_product_attention(query, key, value [, attn_mask, dropout_p = 0, is_causal =
-- false]): softmax(q k^T / sqrt(E) + mask) v over (..., L, E) and (..., S, E).  attn_mask
-- is a float mask added to the scores, or a boolean mask where true means "may attend"
-- (PyTorch 2.0's convention for this function; MultiheadAttention's masks are the reverse).
-- is_causal masks the upper triangle.  Returns the output only.
function F.scaled_dot_product_attention(q, k, v, ...)
  local fname = 'scaled_dot_product_attention'
  local a = args_of(fname, { 'attn_mask', 'dropout_p', 'is_causal' }, ...)
  for i, t in ipairs({ q, k, v }) do
    if not is_tensor(t) then fail('[%s] %s must be a Tensor, got %s', fname, ({ 'query', 'key', 'value' })[i], type(t)) end
  end
  if q:dim() < 2 or k:dim() < 2 or v:dim() < 2 or q:size(-1) ~= k:size(-1) or k:size(-2) ~= v:size(-2) then
    fail('[%s] expected query (..., L, E), key (..., S, E) and value (..., S, Ev), got %s, %s and %s',
      fname, shape_str(q), shape_str(k), shape_str(v))
  end
  local p = a.dropout_p or 0
  local scores = q:matmul(k:transpose(-2, -1)) / math.sqrt(q:size(-1))
  local L, S = q:size(-2), k:size(-2)
  if a.is_causal then
    local keep = torch.ones(L, S, { dtype = torch.bool, device = scores.device }):tril()
    scores = scores:masked_fill(keep:logical_not(), -math.huge)
  end
  local m = a.attn_mask
  if m ~= nil then
    if m.dtype == torch.bool then
      scores = scores:masked_fill(m:logical_not(), -math.huge)
    else
      scores = scores + m
    end
  end
  local w = F.softmax(scores, -1)
  if p > 0 then w = F.dropout(w, p) end
  return w:matmul(v)
end

local MHA_NAMES = { 'training', 'key_padding_mask', 'need_weights', 'attn_mask',
  'use_separate_proj_weight', 'q_proj_weight', 'k_proj_weight', 'v_proj_weight', 'static_k',
  'static_v', 'average_attn_weights' }

local function same_shape(t, s)
  if t:dim() ~= #s then return false end
  for i = 1, #s do if t:size(i) ~= s[i] then return false end end
  return true
end

-- multi_head_attention_forward(query, key, value, embed_dim_to_check, num_heads,
--   in_proj_weight, in_proj_bias, bias_k, bias_v, add_zero_attn, dropout_p, out_proj_weight,
--   out_proj_bias [, training = true, key_padding_mask, need_weights = true, attn_mask,
--   use_separate_proj_weight = false, q_proj_weight, k_proj_weight, v_proj_weight, static_k,
--   static_v, average_attn_weights = true])
-- query (L, N, E) or (L, E), key/value (S, N, E) or (S, E).  Returns attn_output and the
-- attention weights (nil when need_weights is false).  Masks: true (or nonzero uint8) =
-- not attended; float masks are added.
function F.multi_head_attention_forward(query, key, value, embed_dim_to_check, num_heads,
    in_proj_weight, in_proj_bias, bias_k, bias_v, add_zero_attn, dropout_p, out_proj_weight,
    out_proj_bias, ...)
  local fname = 'multi_head_attention_forward'
  local a = args_of(fname, MHA_NAMES, ...)
  local training = a.training ~= false
  local need_weights = a.need_weights ~= false
  local average = a.average_attn_weights ~= false
  local kpm, attn_mask = a.key_padding_mask, a.attn_mask
  for i, t in ipairs({ query, key, value }) do
    if not is_tensor(t) then fail('[%s] %s must be a Tensor, got %s', fname, ({ 'query', 'key', 'value' })[i], type(t)) end
  end
  -- shape checks (PyTorch's _mha_shape_check)
  local qd = query:dim()
  local batched
  if qd == 3 then
    batched = true
    if key:dim() ~= 3 or value:dim() ~= 3 then
      fail('[%s] for batched (3-D) query, expected key and value to be 3-D, got key of shape %s and value of shape %s',
        fname, shape_str(key), shape_str(value))
    end
    if kpm ~= nil and kpm:dim() ~= 2 then
      fail('[%s] for batched (3-D) query, expected key_padding_mask to be nil or 2-D, got shape %s', fname, shape_str(kpm))
    end
  elseif qd == 2 then
    batched = false
    if key:dim() ~= 2 or value:dim() ~= 2 then
      fail('[%s] for unbatched (2-D) query, expected key and value to be 2-D, got key of shape %s and value of shape %s',
        fname, shape_str(key), shape_str(value))
    end
    if kpm ~= nil and kpm:dim() ~= 1 then
      fail('[%s] for unbatched (2-D) query, expected key_padding_mask to be nil or 1-D, got shape %s', fname, shape_str(kpm))
    end
    if attn_mask ~= nil and attn_mask:dim() == 3 and not same_shape(attn_mask, { num_heads, query:size(1), key:size(1) }) then
      fail('[%s] expected attn_mask of shape (%d, %d, %d), got %s', fname, num_heads, query:size(1), key:size(1),
        shape_str(attn_mask))
    end
  else
    fail('[%s] query should be unbatched 2-D or batched 3-D, got shape %s', fname, shape_str(query))
  end
  if attn_mask ~= nil and attn_mask:dim() ~= 2 and attn_mask:dim() ~= 3 then
    fail('[%s] expected attn_mask to be nil, 2-D or 3-D, got shape %s', fname, shape_str(attn_mask))
  end
  if not batched then
    query, key, value = query:unsqueeze(2), key:unsqueeze(2), value:unsqueeze(2)
    if kpm ~= nil then kpm = kpm:unsqueeze(1) end
  end
  local tgt_len, bsz, embed_dim = query:size(1), query:size(2), query:size(3)
  local src_len = key:size(1)
  if kpm ~= nil and kpm.dtype ~= torch.bool and not kpm:is_floating_point() then
    fail('[%s] only bool and floating types of key_padding_mask are supported, got %s', fname, kpm.dtype.name)
  end
  if embed_dim ~= embed_dim_to_check then
    fail('[%s] was expecting embedding dimension of %d, but got query of shape %s', fname, embed_dim_to_check,
      shape_str(query))
  end
  local head_dim = math.floor(embed_dim / num_heads)
  if head_dim * num_heads ~= embed_dim then
    fail('[%s] embed_dim %d not divisible by num_heads %d', fname, embed_dim, num_heads)
  end
  if a.use_separate_proj_weight then
    if key:size(1) ~= value:size(1) or key:size(2) ~= value:size(2) then
      fail("[%s] key's sequence and batch dims (%d, %d) do not match value's (%d, %d)", fname, key:size(1),
        key:size(2), value:size(1), value:size(2))
    end
  elseif not same_shape(key, value:size():totable()) then
    fail('[%s] key shape %s does not match value shape %s', fname, shape_str(key), shape_str(value))
  end

  -- in-projection
  local q, k, v
  local E = embed_dim
  if not a.use_separate_proj_weight then
    if in_proj_weight == nil then fail('[%s] use_separate_proj_weight is false but in_proj_weight is nil', fname) end
    if rawequal(key, value) then
      if rawequal(query, key) then
        local qkv = F.linear(query, in_proj_weight, in_proj_bias):chunk(3, -1)
        q, k, v = qkv[1], qkv[2], qkv[3]
      else
        local w = in_proj_weight:split({ E, 2 * E })
        local b = in_proj_bias and in_proj_bias:split({ E, 2 * E }) or {}
        q = F.linear(query, w[1], b[1])
        local kv = F.linear(key, w[2], b[2]):chunk(2, -1)
        k, v = kv[1], kv[2]
      end
    else
      local w = in_proj_weight:chunk(3)
      local b = in_proj_bias and in_proj_bias:chunk(3) or {}
      q, k, v = F.linear(query, w[1], b[1]), F.linear(key, w[2], b[2]), F.linear(value, w[3], b[3])
    end
  else
    if a.q_proj_weight == nil or a.k_proj_weight == nil or a.v_proj_weight == nil then
      fail('[%s] use_separate_proj_weight is true but q_proj_weight, k_proj_weight or v_proj_weight is nil', fname)
    end
    local b = in_proj_bias and in_proj_bias:chunk(3) or {}
    q = F.linear(query, a.q_proj_weight, b[1])
    k = F.linear(key, a.k_proj_weight, b[2])
    v = F.linear(value, a.v_proj_weight, b[3])
  end

  -- the attention mask as 3-D
  if attn_mask ~= nil then
    if attn_mask.dtype == torch.uint8 then
      attn_mask = attn_mask:to(torch.bool)
    elseif not (attn_mask:is_floating_point() or attn_mask.dtype == torch.bool) then
      fail('[%s] only float, byte, and bool types are supported for attn_mask, not %s', fname, attn_mask.dtype.name)
    end
    if attn_mask:dim() == 2 then
      if not same_shape(attn_mask, { tgt_len, src_len }) then
        fail('[%s] the shape of the 2-D attn_mask is %s, but should be (%d, %d)', fname, shape_str(attn_mask),
          tgt_len, src_len)
      end
      attn_mask = attn_mask:unsqueeze(1)
    elseif not same_shape(attn_mask, { bsz * num_heads, tgt_len, src_len }) then
      fail('[%s] the shape of the 3-D attn_mask is %s, but should be (%d, %d, %d)', fname, shape_str(attn_mask),
        bsz * num_heads, tgt_len, src_len)
    end
  end

  -- bias_k / bias_v along the sequence
  if bias_k ~= nil and bias_v ~= nil then
    if a.static_k ~= nil or a.static_v ~= nil then fail('[%s] bias cannot be added to static key or value', fname) end
    k = torch.cat({ k, bias_k:expand(1, bsz, E) }, 1)
    v = torch.cat({ v, bias_v:expand(1, bsz, E) }, 1)
    if attn_mask ~= nil then attn_mask = F.pad(attn_mask, { 0, 1 }) end
    if kpm ~= nil then kpm = F.pad(kpm, { 0, 1 }) end
  elseif bias_k ~= nil or bias_v ~= nil then
    fail('[%s] bias_k and bias_v must be given together', fname)
  end

  -- heads into the batch: (B * H, len, head_dim)
  q = q:contiguous():view(tgt_len, bsz * num_heads, head_dim):transpose(1, 2)
  if a.static_k == nil then
    k = k:contiguous():view(k:size(1), bsz * num_heads, head_dim):transpose(1, 2)
  else
    local sk = a.static_k
    if sk:size(1) ~= bsz * num_heads or sk:size(3) ~= head_dim then
      fail('[%s] expecting static_k of shape (%d, S, %d), got %s', fname, bsz * num_heads, head_dim, shape_str(sk))
    end
    k = sk
  end
  if a.static_v == nil then
    v = v:contiguous():view(v:size(1), bsz * num_heads, head_dim):transpose(1, 2)
  else
    local sv = a.static_v
    if sv:size(1) ~= bsz * num_heads or sv:size(3) ~= head_dim then
      fail('[%s] expecting static_v of shape (%d, S, %d), got %s', fname, bsz * num_heads, head_dim, shape_str(sv))
    end
    v = sv
  end

  if add_zero_attn then
    local z = torch.zeros(bsz * num_heads, 1, head_dim, { dtype = k.dtype, device = k.device })
    k = torch.cat({ k, z }, 2)
    v = torch.cat({ v, torch.zeros(bsz * num_heads, 1, head_dim, { dtype = v.dtype, device = v.device }) }, 2)
    if attn_mask ~= nil then attn_mask = F.pad(attn_mask, { 0, 1 }) end
    if kpm ~= nil then kpm = F.pad(kpm, { 0, 1 }) end
  end
  src_len = k:size(2)

  -- merge the key padding mask into the attention mask
  if kpm ~= nil then
    if not same_shape(kpm, { bsz, src_len }) then
      fail('[%s] expecting key_padding_mask of shape (%d, %d), got %s', fname, bsz, src_len, shape_str(kpm))
    end
    kpm = kpm:view(bsz, 1, 1, src_len):expand(bsz, num_heads, 1, src_len):reshape(bsz * num_heads, 1, src_len)
    if attn_mask == nil then
      attn_mask = kpm
    elseif attn_mask.dtype == torch.bool and kpm.dtype == torch.bool then
      attn_mask = attn_mask:logical_or(kpm)
    elseif kpm.dtype == torch.bool then
      attn_mask = attn_mask:masked_fill(kpm, -math.huge)
    else
      attn_mask = additive(attn_mask, q.dtype) + kpm
    end
  end
  if attn_mask ~= nil then attn_mask = additive(attn_mask, q.dtype) end

  if not training then dropout_p = 0 end

  -- attention and the output projection
  local q_scaled = q / math.sqrt(q:size(3))
  local w
  if attn_mask ~= nil then
    w = torch.baddbmm(attn_mask, q_scaled, k:transpose(-2, -1))
  else
    w = torch.bmm(q_scaled, k:transpose(-2, -1))
  end
  w = F.softmax(w, -1)
  if dropout_p > 0 then w = F.dropout(w, dropout_p) end
  local out = torch.bmm(w, v)
  out = out:transpose(1, 2):contiguous():view(tgt_len * bsz, embed_dim)
  out = F.linear(out, out_proj_weight, out_proj_bias)
  out = out:view(tgt_len, bsz, out:size(2))
  if need_weights then
    w = w:view(bsz, num_heads, tgt_len, src_len)
    if average then w = w:sum(2) / num_heads end
    if not batched then
      out = out:squeeze(2)
      w = w:squeeze(1)
    end
    return out, w
  end
  if not batched then out = out:squeeze(2) end
  return out, nil
end

end

return install
