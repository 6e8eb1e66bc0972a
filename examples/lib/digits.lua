-- A small MNIST-like data set, generated rather than downloaded: handwritten-looking digits
-- 0-9 as 16x16 grey images.
--
--   local digits = dofile(dir .. '/lib/digits.lua')
--   local train = digits.generate(6000, 1)   -- {x = float32 (6000, 1, 16, 16), y = int64 (6000)}
--   local test  = digits.generate(1000, 2)   -- another seed: images never seen in training
--   print(digits.ascii(train.x[1]), train.y[1])
--
-- Each digit is a pen path (a few polylines in the unit square). Every sample jitters the
-- path's points, then slants, rotates, scales and shifts it, draws it with a random pen width
-- (anti-aliased: the ink falls off with the distance to the nearest stroke) and adds Gaussian
-- noise. The samples are a pure function of the seed, drawn from a private torch.Generator,
-- so the data is the same on every machine and does not disturb the caller's random stream.
-- Class labels are 1-based, as all class targets here: label d + 1 is digit d.
-- Generating 7000 images takes a fraction of a second; nothing is stored on disk, unless
-- this file is run as a script, which writes the data set as raw little-endian arrays for
-- other programs (examples/py/digits_pytorch.py trains PyTorch on it):
--
--   ./th examples/lib/digits.lua DIR    -> DIR/{train,test}_{x.f32,y.i64} (labels 0..9 there)
local torch = require 'torch'
local ffi = require 'ffi'

local M = { size = 16, classes = 10 }

-- The pen paths, in a unit box (x to the right, y downwards). A path is a list of points.
local function ellipse(cx, cy, rx, ry, n, from, to)
  local pts = {}
  from, to = from or 0, to or 2 * math.pi
  for i = 0, n do
    local a = from + (to - from) * i / n
    pts[#pts + 1] = { cx + rx * math.sin(a), cy - ry * math.cos(a) }
  end
  return pts
end

local glyphs = {
  [0] = { ellipse(0.5, 0.5, 0.32, 0.48, 12) },
  [1] = { { { 0.3, 0.22 }, { 0.55, 0.0 }, { 0.55, 1.0 } } },
  [2] = { { { 0.18, 0.25 }, { 0.3, 0.06 }, { 0.5, 0.0 }, { 0.72, 0.06 }, { 0.8, 0.25 }, { 0.72, 0.45 },
    { 0.18, 1.0 }, { 0.85, 1.0 } } },
  [3] = { { { 0.2, 0.1 }, { 0.45, 0.0 }, { 0.72, 0.08 }, { 0.75, 0.3 }, { 0.45, 0.47 } },
    { { 0.45, 0.47 }, { 0.78, 0.62 }, { 0.78, 0.87 }, { 0.5, 1.0 }, { 0.18, 0.9 } } },
  [4] = { { { 0.65, 1.0 }, { 0.65, 0.0 }, { 0.12, 0.68 }, { 0.88, 0.68 } } },
  [5] = { { { 0.8, 0.0 }, { 0.27, 0.0 }, { 0.22, 0.45 }, { 0.5, 0.38 }, { 0.78, 0.52 }, { 0.8, 0.8 },
    { 0.55, 1.0 }, { 0.2, 0.92 } } },
  [6] = { { { 0.75, 0.02 }, { 0.45, 0.15 }, { 0.24, 0.5 }, { 0.24, 0.8 }, { 0.45, 1.0 }, { 0.72, 0.92 },
    { 0.78, 0.7 }, { 0.6, 0.52 }, { 0.35, 0.55 }, { 0.24, 0.7 } } },
  [7] = { { { 0.15, 0.0 }, { 0.85, 0.0 }, { 0.4, 1.0 } } },
  [8] = { ellipse(0.5, 0.25, 0.24, 0.25, 10), ellipse(0.5, 0.73, 0.3, 0.27, 10) },
  [9] = { { { 0.25, 0.98 }, { 0.55, 0.85 }, { 0.76, 0.5 }, { 0.76, 0.2 }, { 0.55, 0.0 }, { 0.3, 0.08 },
    { 0.24, 0.3 }, { 0.4, 0.48 }, { 0.65, 0.45 }, { 0.76, 0.3 } } },
}

-- Draws one sample into out[0 .. 255]; r(i) is the sample's i-th uniform number in [0, 1).
local function draw(out, digit, r, noise)
  local S = M.size
  -- the transform: unit box -> pixels (jitter, slant, rotation, scale, shift)
  local angle = (r(1) - 0.5) * 0.7              -- +-20 degrees
  local slant = (r(2) - 0.5) * 0.6
  local sy = S * (0.62 + 0.16 * r(3))           -- glyph height 10 to 12.5 pixels
  local sx = sy * (0.7 + 0.3 * r(4))
  local cx = S / 2 + (r(5) - 0.5) * 6           -- centre shifted by up to 3 pixels
  local cy = S / 2 + (r(6) - 0.5) * 5
  local pen = 0.6 + 0.7 * r(7)                  -- half the stroke width, in pixels
  local ca, sa = math.cos(angle), math.sin(angle)
  local segs, ns, k = {}, 0, 8
  for _, path in ipairs(glyphs[digit]) do
    local px, py
    for i, p in ipairs(path) do
      local u = p[1] - 0.5 + (r(k) - 0.5) * 0.16
      local v = p[2] - 0.5 + (r(k + 1) - 0.5) * 0.16
      k = k + 2
      u = u + slant * (0.5 - p[2])
      local x = cx + sx * (ca * u - sa * v)
      local y = cy + sy * (sa * u + ca * v)
      if i > 1 then
        segs[ns + 1], segs[ns + 2], segs[ns + 3], segs[ns + 4] = px, py, x, y
        ns = ns + 4
      end
      px, py = x, y
    end
  end
  -- the ink: 1 within the pen, falling to 0 over one pixel, plus noise
  for row = 0, S - 1 do
    local y = row + 0.5
    for col = 0, S - 1 do
      local x = col + 0.5
      local best = math.huge
      for s = 1, ns, 4 do
        local ax, ay, bx, by = segs[s], segs[s + 1], segs[s + 2], segs[s + 3]
        local dx, dy = bx - ax, by - ay
        local t = ((x - ax) * dx + (y - ay) * dy) / (dx * dx + dy * dy + 1e-12)
        if t < 0 then t = 0 elseif t > 1 then t = 1 end
        local ex, ey = ax + t * dx - x, ay + t * dy - y
        local d = ex * ex + ey * ey
        if d < best then best = d end
      end
      local ink = pen + 0.5 - math.sqrt(best)
      if ink < 0 then ink = 0 elseif ink > 1 then ink = 1 end
      out[row * S + col] = ink + noise[row * S + col]
    end
  end
end

M.max_randoms = 7 + 2 * 24   -- per sample: the transform, then two per path point (at most 24)

-- digits.generate(n [, seed [, opts]]): n samples, classes in turn (0, 1, ..., 9, 0, ...),
-- shuffled. Returns {x = float32 tensor (n, 1, 16, 16), y = int64 tensor (n) of labels 1..10}.
-- opts.noise: the standard deviation of the pixel noise (default 0.2).
function M.generate(n, seed, opts)
  opts = opts or {}
  local S = M.size
  local g = torch.Generator()
  g:manual_seed(seed or 1)
  local u = torch.rand(n, M.max_randoms, { dtype = torch.float64, generator = g })
  local noise = torch.randn(n, S * S, { dtype = torch.float64, generator = g }) * (opts.noise or 0.2)
  local order = torch.randperm(n, { generator = g })   -- 1-based
  local x = torch.empty(n, S * S, { dtype = torch.float64 })
  local y = torch.empty(n, { dtype = torch.int64 })
  local up = ffi.cast('double *', u:data_ptr())
  local np = ffi.cast('double *', noise:data_ptr())
  local xp = ffi.cast('double *', x:data_ptr())
  local yp = ffi.cast('int64_t *', y:data_ptr())
  local op = ffi.cast('int64_t *', order:data_ptr())
  for i = 0, n - 1 do
    local j = tonumber(op[i]) - 1          -- where sample i goes
    local digit = i % M.classes
    local base = up + i * M.max_randoms - 1
    draw(xp + j * S * S, digit, function(k) return base[k] end, np + i * S * S)
    yp[j] = digit + 1
  end
  return { x = x:float():reshape(n, 1, S, S), y = y }
end

-- digits.ascii(image): a 16x16 image (any leading size-1 dims) as text, for a look.
function M.ascii(image)
  local img = image:reshape(M.size, M.size)
  local shades = { ' ', '.', ':', '+', '#', '@' }
  local lines = {}
  for row = 1, M.size do
    local line = {}
    for col = 1, M.size do
      local v = img[row][col]
      local s = math.floor(math.max(0, math.min(0.999, v)) * #shades) + 1
      line[col] = shades[s]
    end
    lines[row] = table.concat(line)
  end
  return table.concat(lines, '\n')
end

-- digits.save(dir [, ntrain, ntest]): the example's data sets (seeds 1 and 2) as raw files:
-- <dir>/train_x.f32 (float32, n x 1 x 16 x 16), <dir>/train_y.i64 (int64 labels 0..9), and
-- the same for test.
function M.save(dir, ntrain, ntest)
  for _, s in ipairs({ { 'train', ntrain or 6000, 1 }, { 'test', ntest or 1000, 2 } }) do
    local d = M.generate(s[2], s[3])
    local y = d.y - 1
    for _, part in ipairs({ { 'x.f32', d.x, 4 }, { 'y.i64', y, 8 } }) do
      local path = string.format('%s/%s_%s', dir, s[1], part[1])
      local f = assert(io.open(path, 'wb'))
      f:write(ffi.string(ffi.cast('const char *', part[2]:data_ptr()), part[2]:numel() * part[3]))
      f:close()
    end
    print(string.format('%s/%s_x.f32, %s_y.i64: %d images', dir, s[1], s[1], s[2]))
  end
end

if arg and arg[0] and arg[0]:match('lib/digits%.lua$') then   -- run as a script
  M.save((assert(arg[1], 'usage: ./th examples/lib/digits.lua DIR')))
end

return M
