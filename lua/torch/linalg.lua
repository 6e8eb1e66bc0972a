-- Matrix products and linear algebra: torch.mm, bmm, matmul, mv, dot, vdot, outer/ger,
-- addmm, addmv, baddbmm, addbmm (and their `_` forms), torch.einsum, torch.tensordot,
-- torch.trace, and the torch.linalg
-- table (inv, solve, det, slogdet, cholesky, qr, svd, svdvals, eigh, eigvalsh, lstsq,
-- matrix_norm, vector_norm, norm, multi_dot, matrix_power, matmul), plus PyTorch's older
-- names (torch.inverse, torch.det, torch.slogdet, torch.svd).
--
-- Lua has no `@` operator: write a:matmul(b) (or torch.matmul(a, b)).  Functions with several
-- results (qr, svd, eigh, slogdet, lstsq) return them as several values, in PyTorch's order:
--   local Q, R = torch.linalg.qr(A)
-- Options come in a trailing table ({out =, beta =, alpha =, upper =, mode =, ...}); the
-- positional forms PyTorch allows work too (torch.linalg.qr(A, 'complete')).  Dims are
-- 1-based, negative from the end.  The C side is lib/luabind/lb_linalg.c.
local torch = require 'torch'
local core = torch._core
local Tensor = torch.Tensor
local is_tensor = torch.is_tensor

-- errors point at the user's line (torch._error skips this package's frames)
local fail = torch._error

local function is_options(t)
  return type(t) == 'table' and not is_tensor(t) and getmetatable(t) ~= torch._Size
end

-- Checks an options table against the allowed keys; returns it (or an empty table).
local EMPTY = setmetatable({}, { __newindex = function() error('read-only', 2) end })
local function options(fname, opts, allowed)
  if opts == nil then return EMPTY end
  if not is_options(opts) then
    fail(string.format('[%s] options table expected, got %s', fname,
      is_tensor(opts) and 'a Tensor' or type(opts)))
  end
  for k in pairs(opts) do
    if type(k) ~= 'string' or not allowed[k] then
      fail(string.format("[%s] unknown option '%s'", fname, tostring(k)))
    end
  end
  return opts
end

local function check_out(fname, out)
  if out ~= nil and not is_tensor(out) then
    fail(string.format("[%s] option 'out' must be a Tensor, got %s", fname, type(out)))
  end
  return out
end

local function dtype_id(fname, d)
  if d == nil then return nil end
  return torch._todtype(d, fname).id
end

local function check_bool(fname, name, v)
  if v ~= nil and type(v) ~= 'boolean' then
    fail(string.format("[%s] option '%s' must be a boolean, got %s", fname, name, type(v)))
  end
  return v
end

-- Writes results into the tensors of an out table {t1, t2, ...} (resized, same dtypes).
local function write_outs(fname, out, ...)
  if out == nil then return ... end
  local n = select('#', ...)
  if type(out) ~= 'table' or is_tensor(out) or #out ~= n then
    fail(string.format("[%s] option 'out' must be a table of %d tensors", fname, n))
  end
  for i = 1, n do
    local o, r = out[i], select(i, ...)
    if not is_tensor(o) then fail(string.format("[%s] out[%d] must be a Tensor", fname, i)) end
    if o.dtype ~= r.dtype then
      fail(string.format('[%s] expected out[%d] to have dtype %s, but got %s', fname, i,
        r.dtype.name, o.dtype.name))
    end
  end
  for i = 1, n do
    if select(i, ...).requires_grad then -- recorded: an input requires grad
      fail(string.format("[%s] functions with out=... arguments don't support automatic "
        .. 'differentiation, but one of the arguments requires grad.', fname))
    end
  end
  for i = 1, n do
    local o, r = out[i], select(i, ...)
    o:resize_(r)
    o:copy_(r)
  end
  return unpack(out, 1, n)
end

-- ---------------------------------------------------------------------------- products
local OUT = { out = true }
local ADD_OPTS = { out = true, beta = true, alpha = true }
local ADD_OPTS_ = { beta = true, alpha = true }

-- mm, bmm, matmul, mv, dot, vdot, outer: f(a, b [, {out =}])
for _, name in ipairs({ 'mm', 'bmm', 'matmul', 'mv', 'dot', 'vdot', 'outer' }) do
  local c = core[name]
  local f = function(a, b, opts)
    if opts == nil then return c(a, b) end
    return c(a, b, check_out(name, options(name, opts, OUT).out))
  end
  torch[name] = f
  Tensor[name] = f
end
torch.ger, Tensor.ger = torch.outer, torch.outer

-- addmm, addmv, baddbmm, addbmm: f(input, a, b [, {beta =, alpha =, out =}]) and f_(...)
local function number_opt(fname, name, v)
  if v ~= nil and type(v) ~= 'number' then
    fail(string.format("[%s] option '%s' must be a number, got %s", fname, name, type(v)))
  end
  return v
end
for _, name in ipairs({ 'addmm', 'addmv', 'baddbmm', 'addbmm' }) do
  local c, c_ = core[name], core[name .. '_']
  local f = function(input, a, b, opts)
    if opts == nil then return c(input, a, b) end
    local o = options(name, opts, ADD_OPTS)
    return c(input, a, b, number_opt(name, 'beta', o.beta), number_opt(name, 'alpha', o.alpha),
      check_out(name, o.out))
  end
  local f_ = function(input, a, b, opts)
    if opts == nil then return c_(input, a, b) end
    local o = options(name .. '_', opts, ADD_OPTS_)
    return c_(input, a, b, number_opt(name, 'beta', o.beta), number_opt(name, 'alpha', o.alpha))
  end
  torch[name] = f
  Tensor[name] = f
  Tensor[name .. '_'] = f_
end

-- torch.einsum('ij,jk->ik', a, b) or torch.einsum('ij,jk->ik', {a, b})
function torch.einsum(equation, ...)
  if type(equation) ~= 'string' then
    fail('[einsum] the first argument must be the equation string, got ' .. type(equation))
  end
  local first = ...
  if select('#', ...) == 1 and type(first) == 'table' and not is_tensor(first) then
    return core.einsum(equation, first)
  end
  return core.einsum(equation, { ... })
end

-- torch.tensordot(a, b [, dims]): contracts the last `dims` dims of a with the first `dims` of
-- b (default 2), or the dims listed in dims = {{dims of a}, {dims of b}} (1-based); an
-- einsum underneath.
local LETTERS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ'
function torch.tensordot(a, b, dims, opts)
  if is_options(dims) and dims[1] == nil then dims, opts = nil, dims end
  local o = options('tensordot', opts, { dims = true, out = true })
  if dims == nil then dims = o.dims end
  if dims == nil then dims = 2 end
  if not is_tensor(a) or not is_tensor(b) then fail('[tensordot] expected two tensors') end
  local na, nb = a:dim(), b:dim()
  if na + nb > #LETTERS then fail('[tensordot] too many dimensions') end
  local da, db = {}, {}
  if type(dims) == 'number' then
    if dims < 0 or dims ~= math.floor(dims) or dims > na or dims > nb then
      fail(string.format('[tensordot] dims must be an integer in [0, %d], got %s', math.min(na, nb), tostring(dims)))
    end
    for i = 1, dims do da[i], db[i] = na - dims + i, i end
  elseif type(dims) == 'table' and type(dims[1]) == 'table' and type(dims[2]) == 'table' then
    if #dims[1] ~= #dims[2] then
      fail(string.format('[tensordot] both dims lists must have the same length, got %d and %d', #dims[1], #dims[2]))
    end
    local function wrap(d, n)
      if type(d) ~= 'number' or d == 0 or d ~= math.floor(d) or d > n or d < -n then
        fail(string.format('[tensordot] dim %s out of range for a %d-D tensor (dims are 1-based)', tostring(d), n))
      end
      return d < 0 and n + d + 1 or d
    end
    for i = 1, #dims[1] do da[i], db[i] = wrap(dims[1][i], na), wrap(dims[2][i], nb) end
  else
    fail('[tensordot] dims must be a number or a table {{dims of a}, {dims of b}}')
  end
  local la, lb, used = {}, {}, 0
  local function letter() used = used + 1; return LETTERS:sub(used, used) end
  for i = 1, na do la[i] = letter() end
  for i = 1, nb do lb[i] = false end
  for i = 1, #da do
    if lb[db[i]] then fail(string.format('[tensordot] dim %d of b is listed twice', db[i])) end
    lb[db[i]] = la[da[i]]
    if a:size(da[i]) ~= b:size(db[i]) then
      fail(string.format('[tensordot] contracted dims must match: dim %d of a has size %d, dim %d of b has size %d',
        da[i], a:size(da[i]), db[i], b:size(db[i])))
    end
  end
  local contracted, out = {}, {}
  for i = 1, #da do contracted[da[i]] = true end
  for i = 1, na do if not contracted[i] then out[#out + 1] = la[i] end end
  for i = 1, nb do
    if not lb[i] then
      lb[i] = letter()
      out[#out + 1] = lb[i]
    end
  end
  local r = core.einsum(table.concat(la) .. ',' .. table.concat(lb) .. '->' .. table.concat(out), { a, b })
  if o.out then return (write_outs('tensordot', { check_out('tensordot', o.out) }, r)) end
  return r
end

-- torch.trace(x), x:trace(): the sum of the main diagonal of a matrix (int64 for integer
-- matrices, as a sum).
function torch.trace(x)
  if not is_tensor(x) then fail('[trace] expected a Tensor, got ' .. type(x)) end
  if x:dim() ~= 2 then
    fail(string.format('[trace] expected a matrix, but got a tensor with %d dims', x:dim()))
  end
  local k = math.min(x:size(1), x:size(2))
  return core.einsum('ii', { x:narrow(1, 1, k):narrow(2, 1, k) })
end
Tensor.trace = torch.trace

-- ---------------------------------------------------------------------------- torch.linalg
local linalg = {}
torch.linalg = linalg
linalg.matmul = torch.matmul

function linalg.inv(A, opts)
  return core.linalg_inv(A, check_out('linalg.inv', options('linalg.inv', opts, OUT).out))
end

local SOLVE_OPTS = { out = true, left = true }
function linalg.solve(A, B, opts)
  local o = options('linalg.solve', opts, SOLVE_OPTS)
  return core.linalg_solve(A, B, check_bool('linalg.solve', 'left', o.left),
    check_out('linalg.solve', o.out))
end

function linalg.det(A, opts)
  return core.linalg_det(A, check_out('linalg.det', options('linalg.det', opts, OUT).out))
end

function linalg.slogdet(A, opts)
  local o = options('linalg.slogdet', opts, OUT)
  return write_outs('linalg.slogdet', o.out, core.linalg_slogdet(A))
end

-- cholesky(A [, {upper =, out =}])
local CHOL_OPTS = { out = true, upper = true }
function linalg.cholesky(A, opts)
  local o = options('linalg.cholesky', opts, CHOL_OPTS)
  return core.linalg_cholesky(A, check_bool('linalg.cholesky', 'upper', o.upper),
    check_out('linalg.cholesky', o.out))
end

-- qr(A [, mode]) or qr(A, {mode =, out = {Q, R}}); mode 'reduced' (default), 'complete', 'r'
local QR_OPTS = { mode = true, out = true }
function linalg.qr(A, mode, opts)
  if is_options(mode) then mode, opts = nil, mode end
  local o = options('linalg.qr', opts, QR_OPTS)
  mode = mode or o.mode
  if mode ~= nil and type(mode) ~= 'string' then
    fail('[linalg.qr] mode must be a string, got ' .. type(mode))
  end
  return write_outs('linalg.qr', o.out, core.linalg_qr(A, mode))
end

-- svd(A [, full_matrices]) or svd(A, {full_matrices =, out = {U, S, Vh}}) -> U, S, Vh
local SVD_OPTS = { full_matrices = true, out = true }
function linalg.svd(A, full, opts)
  if is_options(full) then full, opts = nil, full end
  local o = options('linalg.svd', opts, SVD_OPTS)
  if full == nil then full = o.full_matrices end
  check_bool('linalg.svd', 'full_matrices', full)
  return write_outs('linalg.svd', o.out, core.linalg_svd(A, full, true))
end

function linalg.svdvals(A, opts)
  local o = options('linalg.svdvals', opts, OUT)
  local out = check_out('linalg.svdvals', o.out)
  local s = core.linalg_svd(A, false, false)
  if out then return (write_outs('linalg.svdvals', { out }, s)) end
  return s
end

-- eigh(A [, UPLO]) or eigh(A, {UPLO =, out = {L, Q}}) -> eigenvalues, eigenvectors
local EIGH_OPTS = { UPLO = true, out = true }
function linalg.eigh(A, uplo, opts)
  if is_options(uplo) then uplo, opts = nil, uplo end
  local o = options('linalg.eigh', opts, EIGH_OPTS)
  uplo = uplo or o.UPLO
  return write_outs('linalg.eigh', o.out, core.linalg_eigh(A, uplo, true))
end

function linalg.eigvalsh(A, uplo, opts)
  if is_options(uplo) then uplo, opts = nil, uplo end
  local o = options('linalg.eigvalsh', opts, EIGH_OPTS)
  uplo = uplo or o.UPLO
  local w = core.linalg_eigh(A, uplo, false)
  if o.out then return (write_outs('linalg.eigvalsh', { check_out('linalg.eigvalsh', o.out) }, w)) end
  return w
end

-- lstsq(A, B [, rcond] [, {rcond =, driver =}]) -> solution, residuals, rank, singular_values
local LSTSQ_OPTS = { rcond = true, driver = true }
function linalg.lstsq(A, B, rcond, opts)
  if is_options(rcond) then rcond, opts = nil, rcond end
  local o = options('linalg.lstsq', opts, LSTSQ_OPTS)
  if rcond == nil then rcond = o.rcond end
  if rcond ~= nil and type(rcond) ~= 'number' then
    fail('[linalg.lstsq] rcond must be a number, got ' .. type(rcond))
  end
  if o.driver ~= nil and type(o.driver) ~= 'string' then
    fail('[linalg.lstsq] driver must be a string, got ' .. type(o.driver))
  end
  return core.linalg_lstsq(A, B, rcond, o.driver)
end

-- ---------------------------------------------------------------------------- norms
local NORM_OPTS = { out = true, dtype = true, ord = true, dim = true, keepdim = true }

local function ord_value(fname, ord, allow_strings)
  if ord == 'inf' then return math.huge end
  if ord == '-inf' then return -math.huge end
  if type(ord) == 'number' or ord == nil then return ord end
  if allow_strings and type(ord) == 'string' then return ord end
  fail(string.format('[%s] ord must be a number%s, got %s', fname,
    allow_strings and " or 'fro'/'nuc'" or '', type(ord) == 'string' and ("'" .. ord .. "'") or type(ord)))
end

-- Reads (ord, dim, keepdim, opts) positionally or from opts.
-- (A table of dims is a sequence; an options table has only string keys.)
local function is_opts(t) return is_options(t) and t[1] == nil end
local function norm_args(fname, ord, dim, keepdim, opts)
  if is_opts(ord) and opts == nil and dim == nil then ord, opts = nil, ord end
  if is_opts(dim) and opts == nil and keepdim == nil then dim, opts = nil, dim end
  if is_opts(keepdim) and opts == nil then keepdim, opts = nil, keepdim end
  local o = options(fname, opts, NORM_OPTS)
  if ord == nil then ord = o.ord end
  if dim == nil then dim = o.dim end
  if keepdim == nil then keepdim = o.keepdim end
  check_bool(fname, 'keepdim', keepdim)
  if dim ~= nil and type(dim) ~= 'number' and (type(dim) ~= 'table' or is_tensor(dim)) then
    fail(string.format('[%s] dim must be a number or a table of numbers, got %s', fname,
      is_tensor(dim) and 'a Tensor' or type(dim)))
  end
  return ord, dim, keepdim, dtype_id(fname, o.dtype), check_out(fname, o.out)
end

-- vector_norm(x [, ord = 2, dim = all, keepdim = false] [, {dtype =, out =}])
function linalg.vector_norm(x, ord, dim, keepdim, opts)
  local o, d, k, dt, out = norm_args('linalg.vector_norm', ord, dim, keepdim, opts)
  return core.linalg_vector_norm(x, ord_value('linalg.vector_norm', o, false), d, k, dt, out)
end

-- matrix_norm(A [, ord = 'fro', dim = {-2, -1}, keepdim = false] [, {dtype =, out =}])
function linalg.matrix_norm(A, ord, dim, keepdim, opts)
  local o, d, k, dt, out = norm_args('linalg.matrix_norm', ord, dim, keepdim, opts)
  d = d or { -2, -1 }
  if type(d) ~= 'table' or #d ~= 2 then
    fail('[linalg.matrix_norm] dim must be a table of 2 dims')
  end
  return core.linalg_matrix_norm(A, ord_value('linalg.matrix_norm', o, true), d[1], d[2], k, dt, out)
end

-- norm(A [, ord, dim, keepdim] [, {dtype =, out =}]): a vector norm or a matrix norm, by
-- dim and ord as in PyTorch (no dim and no ord: the 2-norm of all elements).
function linalg.norm(A, ord, dim, keepdim, opts)
  local fname = 'linalg.norm'
  local o, d, k, dt, out = norm_args(fname, ord, dim, keepdim, opts)
  if not is_tensor(A) then fail('[linalg.norm] the input must be a Tensor, got ' .. type(A)) end
  o = ord_value(fname, o, true)
  if type(d) == 'number' then d = { d } end
  local vector
  if d ~= nil then
    if #d == 1 then vector = true
    elseif #d == 2 then vector = false
    else fail(string.format('[linalg.norm] dim must be 1 or 2 dims, got %d', #d)) end
  elseif o == nil then
    vector = true
  elseif A:dim() == 1 then
    vector = true
  elseif A:dim() == 2 then
    vector = false
  else
    fail(string.format('[linalg.norm] If dim is not specified but ord is, the input must be 1D or 2D. Got %dD.', A:dim()))
  end
  if vector then
    if type(o) == 'string' then
      fail(string.format("[linalg.norm] order '%s' is for matrices; a vector norm takes a number", o))
    end
    return core.linalg_vector_norm(A, o, d, k, dt, out)
  end
  d = d or { -2, -1 }
  return core.linalg_matrix_norm(A, o, d[1], d[2], k, dt, out)
end

-- ---------------------------------------------------------------------------- composites
-- multi_dot({A, B, C, ...}): the chained product, first and last may be 1-D.
function linalg.multi_dot(tensors, opts)
  local o = options('linalg.multi_dot', opts, OUT)
  if type(tensors) ~= 'table' or is_tensor(tensors) or #tensors < 2 then
    fail('[linalg.multi_dot] expected a table of at least 2 tensors')
  end
  local r = tensors[1]
  for i = 2, #tensors do r = core.matmul(r, tensors[i]) end
  if o.out then return (write_outs('linalg.multi_dot', { check_out('linalg.multi_dot', o.out) }, r)) end
  return r
end

-- matrix_power(A, n): A @ A @ ... (n times; 0: the identity, negative: powers of inv(A))
function linalg.matrix_power(A, n)
  if type(n) ~= 'number' or n ~= math.floor(n) then
    fail('[linalg.matrix_power] the exponent must be an integer, got ' .. tostring(n))
  end
  if A:dim() < 2 or A:size(-1) ~= A:size(-2) then
    fail(string.format('[linalg.matrix_power] A must be batches of square matrices, got shape %s',
      tostring(A.shape)))
  end
  if n == 0 then
    local eye = torch.eye(A:size(-1), { dtype = A.dtype })
    return eye:expand(A:size()):clone()
  end
  local base = n < 0 and core.linalg_inv(A) or A
  n = math.abs(n)
  local result
  while n > 0 do
    if n % 2 == 1 then result = result and core.matmul(result, base) or base:clone() end
    n = math.floor(n / 2)
    if n > 0 then base = core.matmul(base, base) end
  end
  return result
end

-- ---------------------------------------------------------------------------- older names
torch.inverse, Tensor.inverse = linalg.inv, linalg.inv
torch.det, Tensor.det = linalg.det, linalg.det
torch.slogdet, Tensor.slogdet = linalg.slogdet, linalg.slogdet
torch.matrix_power, Tensor.matrix_power = linalg.matrix_power, linalg.matrix_power

-- torch.svd(A [, some = true, compute_uv = true]) -> U, S, V (V, not V^H, as PyTorch's
-- torch.svd; reduced unless some is false).  compute_uv = false: U and V are zero-filled.
function torch.svd(A, some, compute_uv)
  if is_options(some) then
    local o = options('svd', some, { some = true, compute_uv = true })
    some, compute_uv = o.some, o.compute_uv
  end
  check_bool('svd', 'some', some)
  check_bool('svd', 'compute_uv', compute_uv)
  if some == nil then some = true end
  if compute_uv == false then
    local S = core.linalg_svd(A, false, false)
    local sz = A:size()
    local m, n = sz[#sz - 1], sz[#sz]
    local us, vs = {}, {}
    for i = 1, #sz - 2 do us[i], vs[i] = sz[i], sz[i] end
    us[#us + 1], us[#us + 2] = m, m
    vs[#vs + 1], vs[#vs + 2] = n, n
    return torch.zeros(us, { dtype = A.dtype }), S, torch.zeros(vs, { dtype = A.dtype })
  end
  local U, S, Vh = core.linalg_svd(A, not some, true)
  return U, S, Vh:transpose(-2, -1)
end
Tensor.svd = torch.svd

return linalg
