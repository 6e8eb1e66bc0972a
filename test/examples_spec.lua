-- The examples: the seed's two programs print PyTorch 1.13's numbers line for line, plots are
-- PNG files (or a one-line notice without gnuplot), and the digits data set is a pure
-- function of its seed. The expected outputs are what the seed's Python programs print under
-- PyTorch 1.13 (/usr/bin/python3), with the plot's title and text printed instead of drawn.
local torch = require 'torch'

local has_gnuplot = os.execute('command -v gnuplot >/dev/null 2>&1')
has_gnuplot = has_gnuplot == 0 or has_gnuplot == true

-- runs a script through ./th with extra environment; returns its output lines and status
local function run(script, env, args)
  local cmd = string.format('%s ./th %s %s 2>&1; echo "status=$?"', env or '', script, args or '')
  local p = assert(io.popen(cmd))
  local out = p:read('*a')
  p:close()
  local lines = {}
  for line in out:gmatch('([^\n]*)\n') do lines[#lines + 1] = line end
  local status = table.remove(lines)
  return lines, tonumber(status:match('status=(%d+)'))
end

local function tmpdir()
  local p = io.popen('mktemp -d')
  local d = p:read('*l')
  p:close()
  return d
end

local function read_bytes(path, n)
  local f = io.open(path, 'rb')
  if not f then return nil end
  local s = f:read(n)
  f:close()
  return s
end

local PNG = '\137PNG\r\n\26\n'

-- PyTorch 1.13: the seed's logistic regression, printing the plot's title and text
local LOGISTIC = {
  'Loss=0.3947',
  'Iteration: 0',
  'w0:-0.05 w1:-0.46 b: 0.13 accuracy:92.00%',
  'Loss=0.2071',
  'Iteration: 20',
  'w0:-0.49 w1:-0.78 b: 0.24 accuracy:94.00%',
  'Loss=0.1486',
  'Iteration: 40',
  'w0:-0.77 w1:-0.97 b: 0.43 accuracy:94.00%',
  'Loss=0.1247',
  'Iteration: 60',
  'w0:-0.91 w1:-1.05 b: 0.60 accuracy:95.00%',
  'Loss=0.1098',
  'Iteration: 80',
  'w0:-0.99 w1:-1.10 b: 0.75 accuracy:97.00%',
  'Loss=0.0990',
  'Iteration: 100',
  'w0:-1.05 w1:-1.14 b: 0.88 accuracy:97.50%',
  'Loss=0.0907',
  'Iteration: 120',
  'w0:-1.10 w1:-1.18 b: 1.00 accuracy:98.00%',
  'Loss=0.0840',
  'Iteration: 140',
  'w0:-1.14 w1:-1.21 b: 1.11 accuracy:98.00%',
  'Loss=0.0784',
  'Iteration: 160',
  'w0:-1.17 w1:-1.24 b: 1.21 accuracy:98.50%',
  'Loss=0.0737',
  'Iteration: 180',
  'w0:-1.20 w1:-1.26 b: 1.30 accuracy:98.50%',
  'Loss=0.0697',
  'Iteration: 200',
  'w0:-1.23 w1:-1.29 b: 1.38 accuracy:98.50%',
  'Loss=0.0663',
  'Iteration: 220',
  'w0:-1.26 w1:-1.31 b: 1.46 accuracy:98.50%',
  'Loss=0.0633',
  'Iteration: 240',
  'w0:-1.28 w1:-1.34 b: 1.53 accuracy:98.50%',
  'Loss=0.0606',
  'Iteration: 260',
  'w0:-1.30 w1:-1.36 b: 1.59 accuracy:99.00%',
  'Loss=0.0582',
  'Iteration: 280',
  'w0:-1.32 w1:-1.38 b: 1.66 accuracy:99.00%',
  'Loss=0.0560',
  'Iteration: 300',
  'w0:-1.34 w1:-1.40 b: 1.72 accuracy:99.00%',
  'Loss=0.0541',
  'Iteration: 320',
  'w0:-1.36 w1:-1.42 b: 1.77 accuracy:99.00%',
  'Loss=0.0524',
  'Iteration: 340',
  'w0:-1.38 w1:-1.44 b: 1.83 accuracy:99.00%',
  'Loss=0.0507',
  'Iteration: 360',
  'w0:-1.40 w1:-1.46 b: 1.88 accuracy:99.00%',
  'Loss=0.0493',
  'Iteration: 380',
  'w0:-1.41 w1:-1.48 b: 1.93 accuracy:99.50%',
}

-- PyTorch 1.13: the seed's linear regression, printing the plot's title and text; the last
-- line is the example's own summary (PyTorch: loss 0.99552, w 2.5615494, b 1.7831335)
local LINEAR = {
  'Loss=7.1647',
  'Iteration: 0',
  'w: [3.2361884] b: [0.18183002]',
  'Loss=1.4863',
  'Iteration: 20',
  'w: [2.751995] b: [0.6158687]',
  'Loss=1.2799',
  'Iteration: 40',
  'w: [2.6787152] b: [1.0620292]',
  'Loss=1.1152',
  'Iteration: 60',
  'w: [2.61393] b: [1.4607501]',
  'Stopped at iteration 78: loss 0.9955, w 2.5615, b 1.7831',
}

describe('examples/logistic_regression.lua', function()
  it("prints PyTorch's progress and stops past 99% accuracy, at iteration 380", function()
    local lines, status = run('examples/logistic_regression.lua', 'TORCH_NO_PLOT=1')
    assert.are.equal(0, status)
    assert.are.same(LOGISTIC, lines)
  end)

  it('draws the plot into a PNG file and says where it is', function()
    if not has_gnuplot then
      pending('gnuplot is not installed')
      return
    end
    local dir = tmpdir()
    local lines, status = run('examples/logistic_regression.lua', 'TORCH_PLOT_DIR=' .. dir .. '/plots')
    assert.are.equal(0, status)
    assert.are.equal('plot: ' .. dir .. '/plots/logistic_regression.png', lines[#lines])
    assert.are.same(LOGISTIC, { unpack(lines, 1, #lines - 1) })
    assert.are.equal(PNG, read_bytes(dir .. '/plots/logistic_regression.png', 8))
    os.execute('rm -rf ' .. dir)
  end)

  it('runs without gnuplot, after a one-line notice', function()
    local luajit = os.getenv('LUAJIT') or 'luajit'
    if not luajit:find('/') then
      local p = io.popen('command -v ' .. luajit)
      luajit = p:read('*l') or luajit
      p:close()
    end
    local lines, status = run('examples/logistic_regression.lua',
      'PATH=/nonexistent LUAJIT=' .. luajit .. ' /bin/bash')
    assert.are.equal(0, status)
    assert.are.equal('(gnuplot not found: no plot; `apt-get install gnuplot-nox` or `make deps` installs it)',
      lines[1])
    assert.are.same(LOGISTIC, { unpack(lines, 2) })
  end)
end)

describe('examples/linear_regression.lua', function()
  it("prints PyTorch's progress and stops below loss 1, at iteration 78", function()
    local lines, status = run('examples/linear_regression.lua', 'TORCH_NO_PLOT=1')
    assert.are.equal(0, status)
    assert.are.same(LINEAR, lines)
  end)

  it('draws the plot into a PNG file', function()
    if not has_gnuplot then
      pending('gnuplot is not installed')
      return
    end
    local dir = tmpdir()
    local lines, status = run('examples/linear_regression.lua', 'TORCH_PLOT_DIR=' .. dir)
    assert.are.equal(0, status)
    assert.are.equal('plot: ' .. dir .. '/linear_regression.png', lines[#lines])
    assert.are.same(LINEAR, { unpack(lines, 1, #lines - 1) })
    assert.are.equal(PNG, read_bytes(dir .. '/linear_regression.png', 8))
    os.execute('rm -rf ' .. dir)
  end)
end)

describe('examples/lib/digits.lua', function()
  local digits = dofile('examples/lib/digits.lua')

  it('makes n images of 16x16 and labels 1..10, every class n/10 times', function()
    local d = digits.generate(50, 7)
    assert.are.equal(torch.float32, d.x.dtype)
    assert.are.equal(torch.int64, d.y.dtype)
    assert.are.same({ 50, 1, 16, 16 }, d.x:size():totable())
    assert.are.same({ 50 }, d.y:size():totable())
    assert.are.same({ 1, 10 }, { d.y:min():item(), d.y:max():item() })
    for class = 1, 10 do assert.are.equal(5, d.y:eq(class):sum():item()) end
    -- ink in [0, 1] plus noise of standard deviation 0.2
    assert.is_true(d.x:min():item() > -1.5 and d.x:max():item() < 2.5)
    assert.is_true(d.x:mean():item() > 0.1 and d.x:mean():item() < 0.4)
  end)

  it('is a pure function of the seed, leaving the default generator alone', function()
    torch.manual_seed(3)
    local a = digits.generate(20, 1)
    local after = torch.rand(3)
    torch.manual_seed(3)
    local b = digits.generate(20, 1)
    assert.is_true(torch.equal(a.x, b.x) and torch.equal(a.y, b.y))
    torch.manual_seed(3)
    assert.is_true(torch.equal(after, torch.rand(3)))
    local c = digits.generate(20, 2)
    assert.is_false(torch.equal(a.x, c.x))
  end)

  it('draws an image as text', function()
    local d = digits.generate(10, 1)
    local text = digits.ascii(d.x[1])
    local rows = {}
    for row in (text .. '\n'):gmatch('([^\n]*)\n') do rows[#rows + 1] = row end
    assert.are.equal(16, #rows)
    for _, row in ipairs(rows) do assert.are.equal(16, #row) end
    assert.truthy(text:find('@', 1, true))
  end)

  it('writes the data set as raw arrays when run as a script', function()
    local dir = tmpdir()
    local lines, status = run('-e "dofile(\'examples/lib/digits.lua\').save(\'' .. dir .. '\', 30, 10)"')
    assert.are.equal(0, status)
    assert.are.same({ dir .. '/train_x.f32, train_y.i64: 30 images', dir .. '/test_x.f32, test_y.i64: 10 images' },
      lines)
    local ffi = require 'ffi'
    local bytes = read_bytes(dir .. '/train_y.i64', 240)
    assert.are.equal(240, #bytes)
    local labels = ffi.cast('const int64_t *', bytes)
    local want = digits.generate(30, 1).y
    for i = 0, 29 do assert.are.equal(want[i + 1] - 1, tonumber(labels[i])) end
    assert.are.equal(30 * 256 * 4, #read_bytes(dir .. '/train_x.f32', 1e6))
    os.execute('rm -rf ' .. dir)
  end)
end)
