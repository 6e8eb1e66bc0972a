-- Plots for the examples: PNG files drawn by gnuplot (Debian's gnuplot-nox), the way Torch7's
-- gnuplot package drew them, instead of matplotlib's window.
--
--   local plot = dofile(dir .. '/lib/plot.lua')
--   local fig = plot.figure('logistic_regression.png')   -- nil (and a notice) without gnuplot
--   fig:draw{ title = 'Iteration 20', xrange = {-5, 7}, yrange = {-7, 7},
--             label = {-5, 5, 'Loss=0.2071'},
--             { x = xs, y = ys, with = 'points', color = 'red', title = 'class 0' },
--             { x = px, y = py, with = 'lines' } }          -- redraws the same file each call
--   fig:close()
--
-- One gnuplot process per figure: each draw rewrites the PNG, so the file always shows the
-- latest state, as the seed's window did. x and y are tensors (1-D, or (n, 1)) or Lua arrays.
-- The directory is $TORCH_PLOT_DIR when set, else the current directory; it is created if
-- missing. TORCH_NO_PLOT=1 turns plotting off.
local M = {}

-- a gnuplot string literal (double quotes, so a newline becomes a line break)
local function quote(s)
  s = tostring(s):gsub('\\', '\\\\'):gsub('"', '\\"'):gsub('\n', '\\n')
  return '"' .. s .. '"'
end

local function shell_quote(s)
  return "'" .. tostring(s):gsub("'", [['\'']]) .. "'"
end

-- gnuplot's path, found on $PATH (without starting a shell)
local function find_gnuplot()
  for dir in (os.getenv('PATH') or ''):gmatch('[^:]+') do
    local path = dir .. '/gnuplot'
    local f = io.open(path, 'rb')
    if f then
      f:close()
      return path
    end
  end
end

local gnuplot
-- plot.available(): whether gnuplot can be run (checked once)
function M.available()
  if gnuplot == nil then
    gnuplot = os.getenv('TORCH_NO_PLOT') ~= '1' and find_gnuplot() or false
  end
  return gnuplot ~= false
end

-- plot.path(name): where a plot named `name` goes
function M.path(name)
  local dir = os.getenv('TORCH_PLOT_DIR')
  if dir == nil or dir == '' then return name end
  os.execute('LD_PRELOAD= exec mkdir -p ' .. shell_quote(dir))
  return dir .. '/' .. name
end

local function values(v)
  if type(v) == 'table' then return v end
  return v:reshape(-1):double():tolist()   -- a tensor
end

local Figure = {}
Figure.__index = Figure

-- plot.figure(name [, {width =, height =}]): a figure drawing into the PNG file `name`
-- (placed by plot.path), or nil after a one-line notice when gnuplot is not installed.
function M.figure(name, opts)
  if not M.available() then
    if os.getenv('TORCH_NO_PLOT') ~= '1' then
      print('(gnuplot not found: no plot; `apt-get install gnuplot-nox` or `make deps` installs it)')
    end
    return nil
  end
  opts = opts or {}
  local file = M.path(name)
  -- LD_PRELOAD is emptied (here and for mkdir): the sanitizer runtimes that test builds
  -- preload are for our libraries, not for other programs
  local gp = io.popen('LD_PRELOAD= exec ' .. shell_quote(gnuplot), 'w')
  if not gp then
    print('(could not start gnuplot: no plot)')
    return nil
  end
  gp:write(string.format('set terminal pngcairo size %d,%d font "sans,11"\n',
    opts.width or 800, opts.height or 600))
  gp:write('set key top right\nset grid\n')
  return setmetatable({ gp = gp, file = file }, Figure)
end

-- fig:draw(spec): draws the series of spec (its array part) into the figure's file.
function Figure:draw(spec)
  local gp = self.gp
  local out = {}
  local function w(...) out[#out + 1] = string.format(...) end
  w('set output %s\n', quote(self.file))
  w('set title %s\n', quote(spec.title or ''))
  w(spec.xrange and 'set xrange [%g:%g]\n' or 'set autoscale x\n', spec.xrange and spec.xrange[1], spec.xrange and spec.xrange[2])
  w(spec.yrange and 'set yrange [%g:%g]\n' or 'set autoscale y\n', spec.yrange and spec.yrange[1], spec.yrange and spec.yrange[2])
  w('unset label\n')
  if spec.label then
    w('set label 1 %s at %g,%g font "sans,16" textcolor rgb "red"\n', quote(spec.label[3]), spec.label[1], spec.label[2])
  end
  local plots = {}
  for i, s in ipairs(spec) do
    local xs, ys = values(s.x), values(s.y)
    assert(#xs == #ys, 'plot: x and y differ in length')
    w('$d%d << EOD\n', i)
    for k = 1, #xs do w('%.9g %.9g\n', xs[k], ys[k]) end
    w('EOD\n')
    local with = s.with or 'points'
    local style = with == 'points' and 'points pt 7 ps 1' or 'lines lw 3'
    plots[#plots + 1] = string.format('$d%d using 1:2 with %s%s title %s', i, style,
      s.color and (' lc rgb ' .. quote(s.color)) or '', quote(s.title or ''))
  end
  w('plot %s\n', table.concat(plots, ', '))
  w('unset output\n')   -- closes the file, so it is complete after each draw
  gp:write(table.concat(out))
  gp:flush()
end

-- fig:close(): ends the gnuplot process (the file stays); returns the file's path.
function Figure:close()
  if self.gp then
    self.gp:close()
    self.gp = nil
  end
  return self.file
end

return M
