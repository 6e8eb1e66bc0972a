-- Random numbers (lua/torch/random.lua, lib/TH/THRandom.c, lib/TH/THCpuRandom.c).
--
-- The key property: after the same seed, the same calls in the same order give the numbers
-- PyTorch 1.13 gives on the CPU.  Every table E.* below was computed with PyTorch 1.13
-- (torch.manual_seed(...) and the same calls, .tolist() of the result; indices shifted to
-- 1-based) and is compared exactly: float32 values are exact as doubles, so even one ulp of
-- difference fails.  Then statistical checks on large samples, options, and bad input.
local torch = require 'torch'

-- ---------------------------------------------------------------------------- expected values
local E = {
  rand3 = {0.4580846428871155, 0.4828565716743469, 0.3124983310699463},
  randn20 = {-1.2969543933868408, -0.19737878441810608, -0.9643335342407227, -0.5132989287376404,
    0.16809339821338654, 0.017845885828137398, -0.12816622853279114, -0.0944025069475174,
    0.052572209388017654, 0.23863203823566437, -1.5565147399902344, 1.6471320390701294,
    -0.2729077935218811, -0.14598262310028076, -0.2311491221189499, -0.4995271563529968,
    0.31270647048950195, -0.07724548131227493, 0.3426032066345215, -0.7574429512023926},
  randint5 = {3, 7, 9, 5, 2},
  randperm8 = {6, 2, 3, 1, 7, 5, 4, 8},
  rand3_f64 = {0.6646772855573456, 0.4999868843984262, 0.7115785803866129},
  randn20_f64 = {-1.2035228540482565, 2.0482166315372354, 0.9659131826669699, 0.020171291246402833,
    -0.7012000164536442, 1.7394039188582255, 0.5600493250800885, -0.043399292895969374,
    1.094615463659783, -0.15292359256972535, 1.4685480480128987, 0.43512139985825465,
    1.213859319023501, -1.0596591858988702, -1.9047460114060284, 0.6415838564721199,
    -1.8854037372423973, 0.06057419031876408, 1.7604563537019107, 0.12245807226522568},
  randn5_f64 = {-0.7245551938573194, -0.8332100791445919, 0.8764324407424875, -0.6386395572283801,
    0.305702023937396},
  randn3_f32 = {-0.560990035533905, -0.5232681035995483, -0.061015788465738297},
  randn1_f32 = {-0.46279454231262207},
  tut_x = {4.580846309661865, 4.82856559753418, 3.124983310699463, 6.150216579437256,
    2.1394729614257812, 4.118261814117432, 6.937939643859863, 9.693086624145508, 6.177955150604248,
    3.303659439086914, 5.479421615600586, 4.439638137817383, 7.040930271148682, 5.572505950927734,
    6.958622932434082, 9.849287033081055, 2.923736572265625, 4.82328987121582, 6.14992618560791,
    4.967340469360352},
  tut_y = {15.23797607421875, 14.590902328491211, 11.38149356842041, 17.46852684020996,
    10.90835952758789, 11.118103981018066, 19.65863800048828, 25.316543579101562,
    18.136035919189453, 10.66574478149414, 15.099922180175781, 14.236178398132324,
    20.417678833007812, 16.452537536621094, 19.54502296447754, 24.598037719726562,
    11.898111343383789, 14.001220703125, 18.29420280456543, 13.299256324768066},
  tut_w = {2.2843968868255615},
  x0_first = {1.8826661109924316, 2.1444315910339355},
  x0_last = {2.754065990447998, 2.2033562660217285},
  x1_first = {-2.128997325897217, -0.9731240272521973},
  x1_last = {-0.35202646255493164, 0.12074285745620728},
  x0_sum = 529.776287317276,
  x1_sum = -155.7789631485939,
  unif_f32 = {-2.957364797592163, -1.9443063735961914, -0.14157521724700928, -2.7304515838623047,
    1.7161436080932617, -2.398837089538574},
  unif_f64 = {0.2049562175687768, 0.5532219229875392, 0.46495037615242296, 0.2192362901584828},
  normal20 = {1.292441487312317, 3.264805316925049, 1.1537529230117798, 2.8278112411499023,
    -0.3702232837677002, 1.3718658685684204, 0.5926672220230103, 0.3307860195636749,
    1.5725826025009155, -1.6702980995178223, -2.4907989501953125, 3.06999135017395,
    0.8237945437431335, 2.2035276889801025, -1.8957509994506836, 0.6598101854324341,
    2.147284746170044, 2.548647880554199, 1.903984785079956, -0.12036707997322083},
  normal5 = {2.793682336807251, 1.84934663772583, -2.421417236328125, -0.8690553903579712,
    -0.5790537595748901},
  normal20_f64 = {-0.2552790170588779, -1.261551987241094, -2.0466008127904503, -2.2570456457594665,
    -3.938787183566304, 2.319507208697665, -3.317675577692597, 1.9431700845353932,
    3.2684444943680235, -1.0528901073964196, -2.497427759051979, 1.8188203710233375,
    0.13177158756494323, 2.673220934241094, 2.647968710946829, -0.8136449492283662,
    1.4111704955611408, 1.7453145182716676, -3.2661379236001054, -0.8004818097928662},
  normal33 = {-0.5116157531738281, -0.7035832405090332, -0.7657532095909119, -1.5856736898422241,
    -0.17571531236171722, 1.0613975524902344, -0.004910103976726532, 1.1813240051269531,
    -0.07142569124698639, -1.15178382396698, 1.42628014087677, 0.7835107445716858,
    -0.17067281901836395, 0.1049475446343422, -0.19182737171649933, -0.12418173998594284,
    -0.39030346274375916, -0.12119559943675995, 0.06017185002565384, 0.63084876537323,
    0.5901632905006409, 0.009179799817502499, 0.2581692636013031, -1.3963111639022827,
    1.1873140335083008, -1.0033085346221924, 1.1633374691009521, -0.7259136438369751,
    -1.0208581686019897, 1.321792483329773, -0.10638349503278732, -0.5974740386009216,
    -0.4578120708465576},
  normal16 = {2.749645948410034, 2.129683256149292, 1.3758928775787354, 1.692023515701294,
    2.107945203781128, 1.8533339500427246, 1.563725233078003, 1.7977830171585083, 2.991483211517334,
    2.6442441940307617, 1.7872520685195923, 1.336997389793396, 1.0786855220794678,
    1.9737271070480347, 1.6007603406906128, 3.3638017177581787},
  nTT = {-1.605276346206665, 0.4649714231491089, 6.719610214233398, 10.847293853759766,
    12.401288986206055, 8.79534912109375},
  nTn = {0.2869901657104492, 2.451965808868408, 3.4278578758239746},
  nnT = {2.6888809439412213, 3.769971397893981},
  nnn = {7.311929225921631, 1.7571711540222168, 2.153791666030884, -0.6062696576118469,
    1.1727615594863892, -1.8151659965515137},
  nT = {0.8816379308700562, 0.33603107929229736, 2.26389741897583, 3.161046266555786},
  nTT_f64 = {1.175831654115811, -0.36151340850032876},
  t_uniform = {0.8302518725395203, 0.8199270367622375, 0.16439151763916016, 0.9941847324371338,
    0.12611091136932373, 0.9201034307479858, 0.7379193902015686, 0.6064285635948181,
    0.9074696898460388, 0.1166452169418335, 0.0332646369934082, 0.5645712614059448},
  narrow_normal = {-1.4017020463943481, -0.7625571489334106, 0.6312134265899658, -0.899135172367096,
    -0.5577934384346008, 0.6907187700271606},
  rand_like_t = {0.9751613140106201, 0.39059627056121826, 0.796462893486023, 0.09034425020217896,
    0.16613507270812988, 0.7431865334510803, 0.5273253321647644, 0.2636159658432007,
    0.9697042107582092, 0.6793861985206604, 0.044166386127471924, 0.06087362766265869,
    0.2638806700706482, 0.4884120225906372, 0.4384790062904358},
  randn_like_t = {1.5984535217285156, -3.088595151901245, 0.35034361481666565, -0.9162657856941223,
    -1.2476179599761963, -0.08382514119148254, -1.5537471771240234, 0.23429790139198303,
    0.43925032019615173, -0.12807998061180115, -0.19347088038921356, -0.00561823695898056,
    -0.5217031240463257, -0.7968213558197021, -0.70135897397995, -1.5867334604263306,
    0.6519497036933899, -0.7335302233695984, 0.4571566581726074, -0.11396978050470352},
  col_normal_f64 = {-0.045171115170987444, -1.5640836289422486, 0.3286838252359983,
    0.38289194149591904, 0.13500681514088825, -1.0805339328840005, -0.05881031666305257,
    0.4794700645119283, 1.0892554850125125, 0.00047259539935428594, -0.6443930936218238,
    -0.6275474754241338, 0.6462125294818634, -0.29783709486480453, 0.7664337512505887,
    -0.6598013628219606, -1.825356669206605, 1.1702889293185577, 0.4348423965143414,
    -0.8640393487923987},
  randint_high = {0, 1, 3, 2, 4, 2},
  randint_i32 = {2, -3, 1, -3, 2, -2},
  randint_f32 = {5.0, 5.0, 7.0, 2.0},
  randint_bool = {true, true, false, false, false},
  randint_u8 = {161, 8, 130, 204},
  randint_big = {912999128491, 135902711241, 575422870129},
  randint_like = {7, 4, 6, 5},
  randint_like_high = {2.0, 3.0, 1.0},
  random_f32 = {14804243.0, 4953404.0, 15862391.0},
  random_i64 = {3206683768089254974, 2727253177834081474, 6587245079373882690},
  random_i8 = {63, 19, 85},
  random_u8 = {124, 28, 43},
  random_bool = {true, true, false, false},
  random_f64 = {2154279218059961.0, 7317424762215723.0},
  random_to = {4.0, 1.0, 1.0, 0.0},
  random_from_to = {-1, 6, 4, 4},
  random_from_none = {945311877, 933434454, 1279154087},
  random_full = {-1155697123434170839, 6489744769455271785},
  perm_i32 = {4, 1, 2, 6, 3, 5},
  perm_f32 = {3.0, 5.0, 2.0, 4.0, 1.0},
  perm1 = {1},
  perm0 = {},
  perm_after = {0.8512683510780334},
  perm20 = {19, 16, 11, 1, 4, 2, 7, 5, 12, 6, 17, 10, 20, 3, 8, 15, 13, 9, 18, 14},
  bern_t = {0.0, 0.0, 0.0, 1.0, 1.0, 0.0},
  bern_t64 = {0.0, 0.0, 1.0, 0.0, 1.0, 0.0},
  bern_p = {0.0, 1.0, 0.0, 1.0, 0.0},
  bern_inplace = {0.0, 1.0, 1.0, 0.0, 1.0, 1.0},
  bern_scalar_i64 = {0, 0, 1, 0},
  bern_default = {0.0, 0.0, 0.0, 1.0},
  exp = {0.1993742436170578, 0.0897410437464714, 0.181902214884758, 0.3519836962223053},
  exp_f64 = {1.456098024381238, 1.853069359857064, 0.288149656660894},
  cauchy = {-1.6847450733184814, 11095.314453125, 2.1862869262695312},
  lognormal = {1.5491109507877392, 1.117630078727385, 1.6207360269305604},
  geometric = {7.0, 2.0, 4.0, 4.0, 2.0},
  geometric_i64 = {1, 2, 1},
  mn_norep = {4, 3, 1, 2},
  mn_rep = {1, 4, 2, 2, 2, 3, 3, 2},
  mn_one = {4},
  mn_one_rep = {2},
  mn2_rep = {2, 2, 2, 3, 1, 1},
  mn2_norep = {2, 1, 3, 1},
  mn_f64 = {3, 2, 4, 2, 4},
  rand_f16 = {0.94970703125, 0.84326171875, 0.5390625},
  randn_f16 = {0.94873046875, -0.4853515625, 0.72265625, -0.72705078125, 0.73876953125,
    0.0548095703125, -0.52001953125, 0.33740234375, -0.74560546875, -0.8095703125, -0.52490234375,
    0.923828125, 2.23828125, 2.201171875, 1.0908203125, -1.6171875, -1.1591796875, 1.3974609375,
    -1.12890625, 0.84814453125},
  randn3_f16 = {-1.736328125, -0.062286376953125, -1.1416015625},
  rand_bf16 = {0.41796875, 0.5390625, 0.72265625},
  randn_bf16 = {-0.26171875, 0.5625, -0.3125, -0.0830078125, -1.6796875, -0.40234375, 1.1015625,
    -1.5703125, -1.78125, -0.462890625, 1.5859375, 0.0299072265625, -1.65625, 1.125, 0.5546875,
    -1.09375, 0.486328125, 0.63671875},
  unif_f16 = {-0.17578125, 0.865234375, 0.533203125},
  gen_default_seed = 67280421310721,
  gen_rand3 = {0.4580846428871155, 0.4828565716743469, 0.3124983310699463},
  state_head = {10, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 10, 0, 0,
    0, 0, 0, 0, 0, 243, 93, 75, 56, 0, 0, 0, 0},
  state_tail = {223, 64, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0},
  state2_head = {10, 0, 0, 0, 0, 0, 0, 0, 105, 2, 0, 0, 1, 0, 0, 0, 8, 0, 0, 0, 0, 0, 0, 0},
  state2_cache = {0, 0, 0, 0, 0, 0, 0, 0, 102, 47, 149, 117, 154, 164, 243, 191, 0, 0, 0, 0, 0, 0,
    0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0},
  perm3_uniform = {0.7576315999031067, 0.029281556606292725, 0.5695084929466248, 0.6826140880584717,
    0.5724719762802124, 0.31379687786102295, 0.2793108820915222, 0.7998586297035217,
    0.4387779235839844, 0.30514949560165405, 0.4980025887489319, 0.19801932573318481,
    0.40306925773620605, 0.3971373438835144, 0.6386804580688477, 0.46354562044143677,
    0.93708336353302, 0.4161921739578247, 0.7346844673156738, 0.7543719410896301, 0.524665892124176,
    0.4549863338470459, 0.655595064163208, 0.2843296527862549},
  perm3_normal = {-0.19550958275794983, -0.4211951494216919, 3.586989402770996, 0.32550153136253357,
    0.4107416570186615, 0.11025489121675491, -0.9656359553337097, -0.510699987411499,
    -1.8312901258468628, -0.4791449308395386, -0.988007128238678, -2.259009599685669,
    0.4224153161048889, -1.5726652145385742, 1.5987002849578857, 1.3790082931518555,
    -0.908073365688324, 0.6066995859146118, 0.267316997051239, -0.12324775755405426,
    -1.277006983757019, 2.528557300567627, 0.5422736406326294, -0.13830965757369995},
  perm3_random = {20, 75, 42, 90, 72, 19, 48, 71, 65, 46, 59, 29, 89, 40, 70, 18, 31, 77, 32, 7, 12,
    43, 45, 42},
  narrow3_uniform = {0.6704878211021423, 0.5895612835884094, 0.28731369972229004,
    0.3486420512199402, 0.9579413533210754, 0.4074893593788147, 0.7818958163261414,
    0.7165015935897827, 0.17679643630981445, 0.07478523254394531, 0.9799443483352661,
    0.5261083841323853, 0.8427290320396423, 0.6036157011985779, 0.6608113646507263,
    0.8734793066978455, 0.9741073250770569, 0.1682094931602478},
  size1_uniform = {0.5625144839286804, 0.8106192350387573, 0.19761419296264648, 0.1841621994972229,
    0.8731286525726318, 0.13814055919647217, 0.5628141760826111, 0.7664404511451721,
    0.8622175455093384, 0.13994789123535156, 0.9983324408531189, 0.2232559323310852},
  bern_nc_p = {0.0, 1.0, 1.0, 1.0, 1.0, 0.0, 1.0, 1.0, 1.0, 0.0, 1.0, 0.0},
  bern_nc_out = {0.0, 1.0, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 1.0},
  bern_bcast = {1.0, 1.0, 0.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0},
  randn_like_perm = {0.5781435966491699, -0.6053534150123596, 1.4870996475219727,
    0.7339825630187988, -0.437624990940094, 0.43369078636169434, -0.9482754468917847,
    -0.28377068042755127, 1.3804936408996582, -0.4393826425075531, -0.4595281779766083,
    -2.0600831508636475, 0.09426750242710114, 1.0524818897247314, 0.5307833552360535,
    0.9254568815231323, 1.541426420211792, 1.6263006925582886, 0.6351795792579651,
    0.28645455837249756, -0.4644943177700043, 0.8002700209617615, 1.561785101890564,
    2.1772847175598145},
  mn_t = {1, 5, 5, 1, 5, 2},
  mn_t1 = {1, 4, 2},
}


-- ---------------------------------------------------------------------------- helpers
local function flat(t)
  if t:dim() == 0 then return { t:item() } end
  return t:contiguous():view(-1):tolist()
end

-- exact comparison of a tensor's values with a list
local function same(expected, t)
  local got = flat(t)
  if #got ~= #expected then
    error(string.format('expected %d elements, got %d', #expected, #got), 2)
  end
  for i = 1, #expected do
    if got[i] ~= expected[i] then
      error(string.format('element %d: expected %.17g, got %.17g', i, expected[i], got[i]), 2)
    end
  end
end

-- the message of the error fn raises, without a file:line: prefix
local function err(fn, ...)
  local ok, e = pcall(fn, ...)
  assert.is_false(ok, 'expected an error')
  return (tostring(e):gsub('^[^\n]-:%d+: ', ''))
end

local function mean_std(values)
  local n, s, s2 = #values, 0, 0
  for i = 1, n do s = s + values[i] end
  local m = s / n
  for i = 1, n do s2 = s2 + (values[i] - m) ^ 2 end
  return m, math.sqrt(s2 / (n - 1))
end

-- ---------------------------------------------------------------------------- specs
describe('seeds and state', function()
  it('manual_seed returns the default generator; initial_seed reads the seed back', function()
    assert.are.equal(torch.default_generator, torch.manual_seed(10))
    assert.are.equal(10, torch.initial_seed())
    torch.manualSeed(77)
    assert.are.equal(77, torch.initial_seed())
  end)

  it('seeds above 2^32 and negative seeds behave as in PyTorch', function()
    torch.manual_seed(2 ^ 40 + 3)
    same({0.004263520240783691, 0.10556936264038086}, torch.rand(2))
    assert.are.equal(1099511627779, torch.initial_seed())
    torch.manual_seed(-5) -- wraps to 2^64 - 5
    same({0.9308151006698608, 0.6607242226600647}, torch.rand(2))
    assert.are.equal(2 ^ 64 - 5, torch.initial_seed())
  end)

  it('seed() picks a fresh seed of at most 53 bits and returns it', function()
    local s = torch.seed()
    assert.are.equal('number', type(s))
    assert.is_true(s >= 0 and s < 2 ^ 53 and s == math.floor(s))
    assert.are.equal(s, torch.initial_seed())
    local a = torch.rand(4)
    torch.manual_seed(s)
    assert.are.same(flat(a), flat(torch.rand(4)))
  end)

  it('get_rng_state is PyTorch 1.13 byte layout (5056 uint8)', function()
    torch.manual_seed(10)
    local s = torch.get_rng_state()
    assert.are.equal(torch.uint8, s.dtype)
    assert.are.same({5056}, s:size():totable())
    same(E.state_head, s:narrow(1, 1, 40))
    same(E.state_tail, s:narrow(1, 5011, 46))
    torch.randn(3, {dtype = torch.float64}) -- leaves a cached normal sample
    s = torch.get_rng_state()
    same(E.state2_head, s:narrow(1, 1, 24))
    same(E.state2_cache, s:narrow(1, 5017, 40))
  end)

  it('set_rng_state restores the stream, including the cached normal sample', function()
    torch.manual_seed(2)
    assert.are.equal(0.39229682477920974, torch.randn(1, {dtype = torch.float64}):item())
    local st = torch.get_rng_state()
    assert.are.equal(-0.22356401839813858, torch.randn(1, {dtype = torch.float64}):item())
    torch.rand(100)
    torch.set_rng_state(st)
    assert.are.equal(-0.22356401839813858, torch.randn(1, {dtype = torch.float64}):item())
    -- Torch7 names
    local st2 = torch.getRNGState()
    local a = torch.rand(3)
    torch.setRNGState(st2)
    assert.are.same(flat(a), flat(torch.rand(3)))
  end)

  it('manual_seed clears the cached normal sample', function()
    torch.manual_seed(2)
    torch.randn(1, {dtype = torch.float64})
    torch.manual_seed(2)
    assert.are.equal(0.39229682477920974, torch.randn(1, {dtype = torch.float64}):item())
  end)

  it('rejects bad states and leaves the generator unchanged', function()
    torch.manual_seed(4)
    local st = torch.get_rng_state()
    local want = flat(torch.rand(3))
    torch.set_rng_state(st)
    assert.are.equal('[set_rng_state] expected a state of 5056 bytes, got a tensor of shape (10,)',
      err(torch.set_rng_state, torch.zeros(10, {dtype = torch.uint8})))
    assert.are.equal('[set_rng_state] expected a uint8 tensor, got float32',
      err(torch.set_rng_state, torch.zeros(5056)))
    local bad = st:clone()
    bad[9] = 0 -- words left before the next twist: 0 is invalid
    bad[10] = 0
    assert.are.equal('[set_rng_state] invalid mt19937 state (left = 0, next = 0, seeded = 1)',
      err(torch.set_rng_state, bad))
    assert.are.equal('[set_rng_state] expected a uint8 Tensor, got nil', err(torch.set_rng_state))
    assert.are.same(want, flat(torch.rand(3)))
  end)

  it('rejects seeds that are not integers', function()
    assert.truthy(err(torch.manual_seed, 1.5):find('seed must be an integer', 1, true))
    assert.truthy(err(torch.manual_seed, 2 ^ 64):find('seed must be an integer', 1, true))
    assert.truthy(err(torch.manual_seed, 'x'):find('number expected', 1, true))
  end)
end)

describe('the same numbers as PyTorch', function()
  it('rand, randn (short and long paths), randint, randperm after manual_seed(10)', function()
    torch.manual_seed(10)
    same(E.rand3, torch.rand(3))
    same(E.randn20, torch.randn(20))
    same(E.randint5, torch.randint(0, 10, {5}))
    same(E.randperm8, torch.randperm(8))
  end)

  it('float64, and float32 below 16 elements (Box-Muller with the cached sample)', function()
    torch.manual_seed(10)
    same(E.rand3_f64, torch.rand(3, {dtype = torch.float64}))
    same(E.randn20_f64, torch.randn(20, {dtype = torch.float64}))
    same(E.randn5_f64, torch.randn(5, {dtype = torch.float64}))
    same(E.randn3_f32, torch.randn(3))
    same(E.randn1_f32, torch.randn(1))
  end)

  it("the tutorial's linear regression data", function()
    torch.manual_seed(10)
    local x = torch.rand(20, 1) * 10
    local y = 2 * x + (5 + torch.randn(20, 1))
    local w = torch.randn(1)
    same(E.tut_x, x)
    same(E.tut_y, y)
    same(E.tut_w, w)
    assert.are.equal(4.580846309661865, x[1][1])
  end)

  it("the tutorial's logistic regression data", function()
    torch.manual_seed(10)
    local n_data = torch.ones(100, 2)
    local x0 = torch.normal(1.7 * n_data, 1) + 1
    local x1 = torch.normal(-1.7 * n_data, 1) + 1
    same(E.x0_first, x0[1])
    same(E.x0_last, x0[100])
    same(E.x1_first, x1[1])
    same(E.x1_last, x1[-1])
    local s0, s1 = 0, 0
    for _, v in ipairs(flat(x0)) do s0 = s0 + v end
    for _, v in ipairs(flat(x1)) do s1 = s1 + v end
    assert.is_true(math.abs(s0 - E.x0_sum) < 1e-9 and math.abs(s1 - E.x1_sum) < 1e-9)
  end)

  it('uniform_ and normal_ with parameters, every block/tail case', function()
    torch.manual_seed(3)
    same(E.unif_f32, torch.empty(6):uniform_(-3, 7))
    same(E.unif_f64, torch.empty(4, {dtype = torch.float64}):uniform_(0.1, 0.7))
    same(E.normal20, torch.empty(20):normal_(0.5, 2.5))
    same(E.normal5, torch.empty(5):normal_(0.5, 2.5))
    same(E.normal20_f64, torch.empty(20, {dtype = torch.float64}):normal_(-1, 3))
    same(E.normal33, torch.empty(33):normal_())
    same(E.normal16, torch.empty(16):normal_(2, 0.5))
  end)

  it('normal in all four forms', function()
    torch.manual_seed(4)
    same(E.nTT, torch.normal(torch.tensor({{0}, {10}}, {dtype = torch.float32}),
      torch.tensor({1, 2, 3}, {dtype = torch.float32}))) -- broadcast to (2, 3)
    same(E.nTn, torch.normal(torch.tensor({1, 2, 3}, {dtype = torch.float32}), 0.5))
    local r = torch.normal(2, torch.tensor({1, 2}, {dtype = torch.float64}))
    assert.are.equal(torch.float64, r.dtype)
    same(E.nnT, r)
    r = torch.normal(2, 3, {2, 3})
    assert.are.same({2, 3}, r:size():totable())
    same(E.nnn, r)
    same(E.nT, torch.normal(torch.arange(0, 4, 1, {dtype = torch.float32})))
    r = torch.normal(torch.zeros(2, {dtype = torch.float64}), torch.ones(2))
    assert.are.equal(torch.float64, r.dtype)
    same(E.nTT_f64, r)
  end)

  it('non-contiguous tensors are filled in memory order, as TensorIterator does', function()
    torch.manual_seed(5)
    local a = torch.zeros(4, 3):t()
    a:uniform_()
    same(E.t_uniform, a)
    local b = torch.zeros(3, 4):narrow(2, 2, 2)
    b:normal_() -- not contiguous: the per-element Box-Muller path
    same(E.narrow_normal, b)
    local c = torch.rand_like(torch.zeros(3, 5):t())
    assert.are.same({1, 5}, c:stride()) -- laid out like its model
    same(E.rand_like_t, c)
    same(E.randn_like_t, torch.randn_like(torch.zeros(4, 5):t()))
    local e = torch.zeros(20, 2, {dtype = torch.float64}):select(2, 1)
    e:normal_()
    same(E.col_normal_f64, e)
  end)

  it('permuted, narrowed and broadcast layouts', function()
    torch.manual_seed(1)
    local x = torch.zeros(2, 3, 4):permute({3, 1, 2})
    x:uniform_()
    same(E.perm3_uniform, x)
    x = torch.zeros(2, 3, 4):permute({3, 1, 2})
    x:normal_()
    same(E.perm3_normal, x)
    same(E.perm3_random, torch.zeros(2, 3, 4, {dtype = torch.int64}):permute({2, 3, 1}):random_(100))
    same(E.narrow3_uniform, torch.zeros(3, 5, 4):narrow(2, 2, 3):as_strided({3, 3, 2}, {20, 4, 2}, 4):uniform_())
    same(E.size1_uniform, torch.zeros(4, 1, 3):transpose(1, 3):uniform_())
    same(E.bern_nc_p, torch.zeros(3, 4):bernoulli_(torch.rand(4, 3):t()))
    same(E.bern_nc_out, torch.zeros(4, 3):t():bernoulli_(torch.rand(3, 4)))
    same(E.bern_bcast, torch.zeros(3, 4):t():bernoulli_(torch.rand(3)))
    same(E.randn_like_perm, torch.randn_like(torch.zeros(2, 3, 4):permute({3, 1, 2})))
    same(E.mn_t, torch.multinomial(torch.rand(5, 3):t(), 2))
    same(E.mn_t1, torch.multinomial(torch.rand(5, 3):t(), 1))
  end)

  it('randint, randint_like and random_ in every dtype family', function()
    torch.manual_seed(6)
    same(E.randint_high, torch.randint(5, {6}))
    local r = torch.randint(-3, 3, {2, 3}, {dtype = torch.int32})
    assert.are.equal(torch.int32, r.dtype)
    same(E.randint_i32, r)
    same(E.randint_f32, torch.randint(0, 10, {4}, {dtype = torch.float32}))
    r = torch.randint(0, 2, {5}, {dtype = torch.bool})
    assert.are.same(E.randint_bool, flat(r))
    same(E.randint_u8, torch.randint(0, 256, {4}, {dtype = torch.uint8}))
    same(E.randint_big, torch.randint(-5, 2 ^ 40, {3}))
    r = torch.randint_like(torch.zeros(4, {dtype = torch.int32}), 3, 9)
    assert.are.equal(torch.int32, r.dtype)
    same(E.randint_like, r)
    same(E.randint_like_high, torch.randint_like(torch.zeros(3), 4))
    same(E.random_f32, torch.empty(3):random_())
    same(E.random_i64, torch.empty(3, {dtype = torch.int64}):random_())
    same(E.random_i8, torch.empty(3, {dtype = torch.int8}):random_())
    same(E.random_u8, torch.empty(3, {dtype = torch.uint8}):random_())
    assert.are.same(E.random_bool, flat(torch.empty(4, {dtype = torch.bool}):random_()))
    same(E.random_f64, torch.empty(2, {dtype = torch.float64}):random_())
    same(E.random_to, torch.empty(4):random_(5))
    same(E.random_from_to, torch.empty(4, {dtype = torch.int16}):random_(-7, 7))
    same(E.random_from_none, torch.empty(3, {dtype = torch.int32}):random_(2, nil))
    local full = torch.empty(2, {dtype = torch.int64}):random_(-2 ^ 63, nil)
    -- int64 values beyond 2^53 are not exact Lua numbers: compare them as doubles
    same(E.random_full, full)
  end)

  it('randperm gives 1 .. n in any numeric dtype', function()
    torch.manual_seed(7)
    local p = torch.randperm(6, {dtype = torch.int32})
    assert.are.equal(torch.int32, p.dtype)
    same(E.perm_i32, p)
    same(E.perm_f32, torch.randperm(5, {dtype = torch.float32}))
    same(E.perm1, torch.randperm(1)) -- draws nothing
    local e = torch.randperm(0)
    assert.are.same({0}, e:size():totable())
    assert.are.equal(torch.int64, e.dtype)
    same(E.perm_after, torch.rand(1))
    same(E.perm20, torch.randperm(20))
  end)

  it('bernoulli, exponential_, cauchy_, log_normal_, geometric_', function()
    torch.manual_seed(8)
    local p = torch.tensor({0.1, 0.5, 0.9, 0.3, 0.7, 0.2}, {dtype = torch.float32})
    same(E.bern_t, torch.bernoulli(p))
    same(E.bern_t64, torch.bernoulli(p:double()))
    same(E.bern_p, torch.bernoulli(torch.zeros(5), 0.5))
    same(E.bern_inplace, torch.zeros(2, 3):bernoulli_(torch.tensor({0.2, 0.5, 0.8}, {dtype = torch.float32})))
    same(E.bern_scalar_i64, torch.zeros(4, {dtype = torch.int64}):bernoulli_(0.4))
    same(E.bern_default, torch.zeros(4):bernoulli_())
    same(E.exp, torch.empty(4):exponential_(2))
    same(E.exp_f64, torch.empty(3, {dtype = torch.float64}):exponential_())
    same(E.cauchy, torch.empty(3):cauchy_(1, 2))
    same(E.lognormal, torch.empty(3, {dtype = torch.float64}):log_normal_(0.5, 0.25))
    same(E.geometric, torch.empty(5):geometric_(0.3))
    same(E.geometric_i64, torch.empty(3, {dtype = torch.int64}):geometric_(0.5))
  end)

  it('multinomial with and without replacement (1-based indices)', function()
    torch.manual_seed(9)
    local w = torch.tensor({1, 2, 3, 4}, {dtype = torch.float32})
    local r = torch.multinomial(w, 4)
    assert.are.equal(torch.int64, r.dtype)
    same(E.mn_norep, r)
    same(E.mn_rep, torch.multinomial(w, 8, true))
    same(E.mn_one, w:multinomial(1))
    same(E.mn_one_rep, torch.multinomial(w, 1, {replacement = true}))
    local W = torch.tensor({{0, 1, 0}, {5, 0, 5}}, {dtype = torch.float32})
    r = torch.multinomial(W, 3, true)
    assert.are.same({2, 3}, r:size():totable())
    same(E.mn2_rep, r)
    same(E.mn2_norep, torch.multinomial(W, 2))
    same(E.mn_f64, torch.multinomial(w:double(), 5, true))
  end)

  it('float16 and bfloat16', function()
    torch.manual_seed(11)
    same(E.rand_f16, torch.rand(3, {dtype = torch.float16}))
    same(E.randn_f16, torch.randn(20, {dtype = torch.float16}))
    same(E.randn3_f16, torch.randn(3, {dtype = torch.float16}))
    same(E.rand_bf16, torch.rand(3, {dtype = torch.bfloat16}))
    same(E.randn_bf16, torch.randn(18, {dtype = torch.bfloat16}))
    same(E.unif_f16, torch.empty(3, {dtype = torch.float16}):uniform_(-2, 2))
  end)

  it('empty tensors draw nothing; a 0-dim tensor draws one sample', function()
    torch.manual_seed(1)
    assert.are.same({0}, torch.randn(0):size():totable())
    torch.empty(0, 3):uniform_()
    torch.empty(0):bernoulli_(0.5)
    same({0.7576315999031067}, torch.rand({}))
    local z = torch.rand({})
    assert.are.equal(0, z:dim())
  end)
end)

describe('torch.Generator', function()
  it('starts from PyTorch default seed and is independent of the default generator', function()
    local g = torch.Generator()
    assert.are.equal(E.gen_default_seed, g:initial_seed())
    assert.are.equal('cpu', tostring(g.device))
    torch.manual_seed(123)
    local d = flat(torch.rand(2))
    torch.manual_seed(5)
    assert.are.equal(g, g:manual_seed(123))
    local a = torch.rand(2, {generator = g})
    assert.are.same(d, flat(a))
    assert.are.equal(5, torch.initial_seed())
    torch.manual_seed(5)
    local b = torch.rand(2)
    torch.manual_seed(5)
    torch.rand(2, {generator = g}) -- does not touch the default stream
    assert.are.same(flat(b), flat(torch.rand(2)))
  end)

  it('is accepted by every sampler', function()
    local g = torch.Generator():manual_seed(10)
    same(E.gen_rand3, torch.rand(3, {generator = g}))
    local function seq(fn)
      g:manual_seed(42)
      local a = flat(fn(g))
      g:manual_seed(42)
      assert.are.same(a, flat(fn(g)))
      torch.manual_seed(42)
      assert.are.same(a, flat(fn(nil)))
    end
    local x = torch.zeros(5)
    seq(function(gen) return torch.randn(4, {generator = gen}) end)
    seq(function(gen) return torch.randn(40, {generator = gen}) end)
    seq(function(gen) return torch.randint(3, 9, {4}, {generator = gen}) end)
    seq(function(gen) return torch.randperm(7, {generator = gen}) end)
    seq(function(gen) return torch.normal(0, 1, {3}, {generator = gen}) end)
    seq(function(gen) return torch.normal(torch.zeros(3), 2, {generator = gen}) end)
    seq(function(gen) return torch.rand_like(x, {generator = gen}) end)
    seq(function(gen) return torch.randn_like(x, {generator = gen}) end)
    seq(function(gen) return torch.randint_like(x, 4, {generator = gen}) end)
    seq(function(gen) return torch.bernoulli(torch.full({4}, 0.5), {generator = gen}) end)
    seq(function(gen) return torch.multinomial(torch.ones(4), 3, {generator = gen}) end)
    seq(function(gen) return x:clone():uniform_(2, 3, {generator = gen}) end)
    seq(function(gen) return x:clone():normal_(2, 3, {generator = gen}) end)
    seq(function(gen) return x:clone():random_(0, 7, {generator = gen}) end)
    seq(function(gen) return x:clone():bernoulli_(0.3, {generator = gen}) end)
    seq(function(gen) return x:clone():exponential_({generator = gen}) end)
    seq(function(gen) return x:clone():cauchy_({generator = gen}) end)
    seq(function(gen) return x:clone():log_normal_({generator = gen}) end)
    seq(function(gen) return x:clone():geometric_(0.5, {generator = gen}) end)
  end)

  it('has its own state, seed and string form', function()
    local g = torch.Generator()
    g:manual_seed(99)
    local st = g:get_state()
    assert.are.same({5056}, st:size():totable())
    local a = flat(torch.rand(5, {generator = g}))
    assert.are.equal(g, g:set_state(st))
    assert.are.same(a, flat(torch.rand(5, {generator = g})))
    local s = g:seed()
    assert.are.equal(s, g:initial_seed())
    assert.are.equal('torch.Generator(device=cpu, initial_seed=99)', tostring(torch.Generator():manual_seed(99)))
    -- states move between generators
    torch.manual_seed(3)
    g:set_state(torch.get_rng_state())
    assert.are.same(flat(torch.rand(3)), flat(torch.rand(3, {generator = g})))
  end)

  it('rejects what is not a generator and devices it has none for', function()
    assert.are.equal('[rand] generator must be a torch.Generator, got table', err(torch.rand, 2, {generator = {}}))
    assert.truthy(err(torch.Generator, 'cuda'):find('no generator objects for device cuda', 1, true))
    local g = torch.Generator()
    assert.truthy(err(g.manual_seed, {}, 1):find('torch.Generator expected, got table', 1, true))
  end)
end)

describe('options', function()
  it('dtype, device, requires_grad', function()
    local r = torch.rand(2, 3, {dtype = torch.float64, device = 'cpu', requires_grad = true})
    assert.are.equal(torch.float64, r.dtype)
    assert.is_true(r.requires_grad)
    assert.are.equal('cpu', tostring(r.device))
    assert.are.equal(torch.float64, torch.randn({2}, {dtype = 'float64'}).dtype)
    assert.are.equal(torch.int64, torch.randint(3, {2}).dtype)
    assert.is_true(torch.randperm(3, {dtype = torch.float32, requires_grad = true}).requires_grad)
    assert.are.equal(torch.float16, torch.rand_like(torch.zeros(2), {dtype = torch.float16}).dtype)
    assert.is_true(torch.randn_like(torch.zeros(2), {requires_grad = true}).requires_grad)
    torch.set_default_dtype(torch.float64)
    local d = torch.rand(2)
    torch.set_default_dtype(torch.float32)
    assert.are.equal(torch.float64, d.dtype)
  end)

  it('sizes as numbers, a table or a torch.Size', function()
    assert.are.same({2, 3}, torch.rand(2, 3):size():totable())
    assert.are.same({2, 3}, torch.randn({2, 3}):size():totable())
    assert.are.same({4, 1}, torch.rand(torch.Size({4, 1})):size():totable())
    assert.are.same({2}, torch.randint(0, 3, torch.Size({2})):size():totable())
  end)

  it('out= resizes and fills the given tensor', function()
    local o = torch.empty(1)
    torch.manual_seed(10)
    local r = torch.rand(3, {out = o})
    assert.is_true(rawequal(o, r))
    same(E.rand3, o)
    o = torch.empty(0, {dtype = torch.int64})
    torch.manual_seed(10)
    torch.rand(3)
    torch.randn(20)
    assert.is_true(rawequal(o, torch.randint(0, 10, {5}, {out = o})))
    same(E.randint5, o)
    o = torch.empty(2, {dtype = torch.int64})
    assert.is_true(rawequal(o, torch.randperm(8, {out = o})))
    same(E.randperm8, o)
    o = torch.empty(2)
    torch.manual_seed(4)
    torch.normal(torch.tensor({{0}, {10}}, {dtype = torch.float32}), torch.tensor({1, 2, 3}, {dtype = torch.float32}), {out = o})
    same(E.nTT, o)
    local m = torch.empty(1, {dtype = torch.int64})
    torch.manual_seed(9)
    torch.multinomial(torch.tensor({1, 2, 3, 4}, {dtype = torch.float32}), 4, {out = m})
    same(E.mn_norep, m)
    local b = torch.empty(1)
    torch.manual_seed(8)
    torch.bernoulli(torch.tensor({0.1, 0.5, 0.9, 0.3, 0.7, 0.2}, {dtype = torch.float32}), {out = b})
    same(E.bern_t, b)
  end)

  it('in-place samplers return their tensor and keep its shape and dtype', function()
    local x = torch.zeros(2, 3, {dtype = torch.float64})
    assert.is_true(rawequal(x, x:uniform_()))
    assert.is_true(rawequal(x, x:normal_()))
    assert.is_true(rawequal(x, x:random_(3)))
    assert.is_true(rawequal(x, x:bernoulli_()))
    assert.is_true(rawequal(x, x:exponential_()))
    assert.is_true(rawequal(x, x:cauchy_()))
    assert.is_true(rawequal(x, x:log_normal_()))
    assert.is_true(rawequal(x, x:geometric_(0.5)))
    assert.are.equal(torch.float64, x.dtype)
    assert.are.same({2, 3}, x:size():totable())
  end)
end)

describe('statistics', function()
  local N = 100000
  it('rand is uniform on [0, 1)', function()
    torch.manual_seed(100)
    for _, dt in ipairs({torch.float32, torch.float64}) do
      local v = flat(torch.rand(N, {dtype = dt}))
      local m, s = mean_std(v)
      assert.is_true(math.abs(m - 0.5) < 0.005, 'mean ' .. m)
      assert.is_true(math.abs(s - math.sqrt(1 / 12)) < 0.005, 'std ' .. s)
      for i = 1, N do assert(v[i] >= 0 and v[i] < 1) end
    end
    local v = flat(torch.empty(N):uniform_(-2, 6))
    local m = mean_std(v)
    assert.is_true(math.abs(m - 2) < 0.05)
  end)

  it('randn and normal have the asked mean and std', function()
    torch.manual_seed(101)
    for _, dt in ipairs({torch.float32, torch.float64}) do
      local m, s = mean_std(flat(torch.randn(N, {dtype = dt})))
      assert.is_true(math.abs(m) < 0.02 and math.abs(s - 1) < 0.02, m .. ' ' .. s)
      m, s = mean_std(flat(torch.randn(N, 2, {dtype = dt}):t():contiguous():t():select(2, 1)))
      assert.is_true(math.abs(m) < 0.02 and math.abs(s - 1) < 0.02, m .. ' ' .. s)
    end
    local m, s = mean_std(flat(torch.normal(3, 2, {N})))
    assert.is_true(math.abs(m - 3) < 0.04 and math.abs(s - 2) < 0.04, m .. ' ' .. s)
    m, s = mean_std(flat(torch.empty(15, N / 5):normal_(-1, 0.5):narrow(1, 1, 5)))
    assert.is_true(math.abs(m + 1) < 0.01 and math.abs(s - 0.5) < 0.01, m .. ' ' .. s)
  end)

  it('bernoulli frequencies', function()
    torch.manual_seed(102)
    local m = mean_std(flat(torch.empty(N):bernoulli_(0.3)))
    assert.is_true(math.abs(m - 0.3) < 0.01, m)
    local p = torch.empty(N):fill_(0.8)
    m = mean_std(flat(torch.bernoulli(p)))
    assert.is_true(math.abs(m - 0.8) < 0.01, m)
    local b = flat(torch.bernoulli(torch.tensor({0, 1}, {dtype = torch.float32})))
    assert.are.same({0, 1}, b)
  end)

  it('multinomial frequencies, with and without replacement', function()
    torch.manual_seed(103)
    local w = torch.tensor({1, 2, 3, 4}, {dtype = torch.float32})
    local counts = {0, 0, 0, 0}
    for _, i in ipairs(flat(torch.multinomial(w, N, true))) do counts[i] = counts[i] + 1 end
    for k = 1, 4 do assert.is_true(math.abs(counts[k] / N - k / 10) < 0.01, k .. ' ' .. counts[k]) end
    -- without replacement: the first pick follows the weights, and each row is a permutation
    counts = {0, 0, 0, 0}
    local rows = torch.multinomial(w:view(1, 4):expand(20000, 4), 4)
    local v = flat(rows)
    for r = 0, 19999 do
      counts[v[r * 4 + 1]] = counts[v[r * 4 + 1]] + 1
      local seen = {}
      for c = 1, 4 do seen[v[r * 4 + c]] = true end
      assert(seen[1] and seen[2] and seen[3] and seen[4])
    end
    for k = 1, 4 do assert.is_true(math.abs(counts[k] / 20000 - k / 10) < 0.015, k .. ' ' .. counts[k]) end
    -- zero weights are never drawn
    for _, i in ipairs(flat(torch.multinomial(torch.tensor({0, 1, 0, 1}, {dtype = torch.float32}), 1000, true))) do
      assert(i == 2 or i == 4)
    end
  end)

  it('exponential, randint and randperm', function()
    torch.manual_seed(104)
    local m = mean_std(flat(torch.empty(N):exponential_(4)))
    assert.is_true(math.abs(m - 0.25) < 0.005, m)
    local counts = {}
    for _, v in ipairs(flat(torch.randint(-2, 3, {N}))) do counts[v] = (counts[v] or 0) + 1 end
    for v = -2, 2 do assert.is_true(math.abs(counts[v] / N - 0.2) < 0.01) end
    local p = flat(torch.randperm(1000))
    table.sort(p)
    for i = 1, 1000 do assert(p[i] == i) end
  end)
end)

describe('bad input', function()
  it('floating point samplers reject integer dtypes', function()
    assert.are.equal('[rand] expected a floating point dtype, got torch.int64', err(torch.rand, 2, {dtype = torch.int64}))
    assert.are.equal('[randn] expected a floating point dtype, got torch.bool', err(torch.randn, 2, {dtype = torch.bool}))
    assert.are.equal('[rand_like] expected a floating point dtype, got torch.int64', err(torch.rand_like, torch.zeros(2, {dtype = torch.int64})))
    local x = torch.tensor({1, 2})
    assert.are.equal('[uniform_] expected a floating point tensor, got int64', err(x.uniform_, x))
    assert.are.equal('[normal_] expected a floating point tensor, got int64', err(x.normal_, x))
    assert.are.equal('[exponential_] expected a floating point tensor, got int64', err(x.exponential_, x))
    assert.are.equal('[normal] expected a floating point tensor, got int64', err(torch.normal, x, 1))
    assert.are.same({1, 2}, flat(x))
  end)

  it('parameters out of range leave the tensor and the stream unchanged', function()
    local x = torch.tensor({1, 2, 3}, {dtype = torch.float32})
    torch.manual_seed(12)
    local want = flat(torch.rand(2))
    torch.manual_seed(12)
    assert.are.equal('[uniform_] expects to return a [from, to) range, but found from=2 > to=1', err(x.uniform_, x, 2, 1))
    assert.are.equal('[uniform_] from = -inf is out of bounds for float32', err(x.uniform_, x, -math.huge, 1))
    assert.are.equal('[normal_] expects std >= 0.0, but found std -1', err(x.normal_, x, 0, -1))
    assert.are.equal('[normal] expects std >= 0.0, but found std -1', err(torch.normal, x, -1))
    assert.are.equal('[normal] expects all elements of std >= 0.0', err(torch.normal, 0, torch.tensor({1, -1}, {dtype = torch.float32})))
    assert.are.equal('[bernoulli_] expects p to be in [0, 1], but got p=1.5', err(x.bernoulli_, x, 1.5))
    assert.are.equal('[bernoulli_] expects all probabilities to be in [0, 1]', err(torch.bernoulli, torch.tensor({0.5, 1.5})))
    assert.are.equal('[bernoulli_] expects all probabilities to be in [0, 1]', err(x.bernoulli_, x, torch.tensor({0.5, 0 / 0, 0.5})))
    assert.are.equal('[bernoulli_] expected floating point probabilities, got int64', err(torch.bernoulli, torch.tensor({1, 0})))
    assert.are.equal('[bernoulli_] probabilities of shape (2,) cannot be broadcast to the shape (3,) of the tensor',
      err(x.bernoulli_, x, torch.tensor({0.5, 0.5})))
    assert.are.equal('[exponential_] expects lambda >= 0.0, but found lambda=-1', err(x.exponential_, x, -1))
    assert.are.equal('[log_normal_] expects std > 0.0, but found std=0', err(x.log_normal_, x, 1, 0))
    assert.are.equal('[geometric_] expects p to be in (0, 1), but got p=1', err(x.geometric_, x, 1))
    assert.are.equal('[random_] expects \'from\' to be less than \'to\', but got from=5 >= to=2', err(x.random_, x, 5, 2))
    assert.are.equal('[random_] expects \'from\' to be less than \'to\', but got from=5 >= to=3', err(torch.randint, 5, 3, {2}))
    assert.are.equal('[random_] to - 1 = 199 is out of bounds for int8', err(torch.randint, 0, 200, {2}, {dtype = torch.int8}))
    assert.are.equal('[random_] from = -5 is out of bounds for uint8', err(torch.randint, -5, 5, {2}, {dtype = torch.uint8}))
    assert.are.equal('[random_] expects \'from\' to be less than \'to\', but got from=0 >= to=0', err(x.random_, x, 0))
    assert.are.same({1, 2, 3}, flat(x))
    assert.are.same(want, flat(torch.rand(2)))
  end)

  it('randperm and multinomial', function()
    assert.are.equal('[randperm] n must be non-negative, got -1', err(torch.randperm, -1))
    assert.are.equal('[randperm] not implemented for dtype bool', err(torch.randperm, 3, {dtype = torch.bool}))
    assert.truthy(err(torch.randperm, 256, {dtype = torch.uint8}):find('too large for uint8', 1, true))
    assert.are.equal(255, torch.randperm(255, {dtype = torch.uint8}):numel())
    assert.truthy(err(torch.randperm, 2049, {dtype = torch.float16}):find('too large for float16', 1, true))
    assert.truthy(err(torch.randperm, 1.5):find('n must be an integer', 1, true))
    local w = torch.tensor({1, 2, 3}, {dtype = torch.float32})
    assert.are.equal('[multinomial] cannot sample n_sample <= 0 samples (got 0)', err(torch.multinomial, w, 0))
    assert.are.equal('[multinomial] cannot sample n_sample > prob_dist.size(-1) samples without replacement (n_sample = 4, 3 categories)',
      err(torch.multinomial, w, 4))
    assert.are.equal('[multinomial] prob_dist must be 1 or 2 dim, got shape (2, 2, 2)', err(torch.multinomial, torch.ones(2, 2, 2), 1))
    assert.are.equal('[multinomial] only supports floating-point dtypes for input, got int64', err(torch.multinomial, torch.tensor({1, 2}), 1))
    assert.are.equal('[multinomial] probability tensor contains either `inf`, `nan` or element < 0',
      err(torch.multinomial, torch.tensor({1, -2, 3}, {dtype = torch.float32}), 2))
    assert.are.equal('[multinomial] invalid multinomial distribution (encountering probability entry < 0)',
      err(torch.multinomial, torch.tensor({1, -2, 3}, {dtype = torch.float32}), 2, true))
    assert.are.equal('[multinomial] invalid multinomial distribution (encountering probability entry = infinity or NaN)',
      err(torch.multinomial, torch.tensor({1, math.huge}, {dtype = torch.float32}), 2, true))
    assert.are.equal('[multinomial] invalid multinomial distribution (sum of probabilities <= 0)',
      err(torch.multinomial, torch.zeros(2), 1))
    assert.are.equal('[multinomial] invalid multinomial distribution (sum of probabilities <= 0)',
      err(torch.multinomial, torch.zeros(2, 2), 2, true))
    local o = torch.zeros(3, {dtype = torch.int64})
    err(torch.multinomial, torch.zeros(2), 1, {out = o})
    assert.are.same({0, 0, 0}, flat(o)) -- out= untouched by a failed call
    assert.are.equal('[multinomial] expects an int64 out tensor, got float32', err(torch.multinomial, w, 1, {out = torch.zeros(1)}))
  end)

  it('writing into overlapping memory, unknown options, wrong arguments', function()
    local e = torch.zeros(1):expand(3)
    assert.are.equal('[uniform_] unsupported operation: more than one element of the written-to tensor refers to a single memory location; clone() the tensor first',
      err(e.uniform_, e))
    assert.truthy(err(e.normal_, e):find('[normal_] unsupported operation', 1, true))
    assert.are.equal('[rand] unknown option "dtyp"', err(torch.rand, 2, {dtyp = torch.float64}))
    assert.are.equal('[uniform_] unknown option "out"', err(torch.zeros(2).uniform_, torch.zeros(2), {out = torch.zeros(2)}))
    assert.are.equal('[rand] expected sizes (numbers, a table or a torch.Size)', err(torch.rand))
    assert.are.equal('[randint] size must be a table or a torch.Size (as in randint(0, 10, {3}))', err(torch.randint, 0, 10, 3))
    assert.are.equal('[randint] high must be an integer in [-2^63, 2^63), got 2.5', err(torch.randint, 0, 2.5, {3}))
    assert.are.equal('[randint] high must be an integer in [-2^63, 2^63), got 9.2233720368548e+18',
      err(torch.randint, 0, 2 ^ 63, {3}))
    assert.are.equal('[random_] bounds must be integers in [-2^63, 2^63), got 0.5', err(torch.zeros(2).random_, torch.zeros(2), 0.5))
    assert.are.equal('[normal] with numbers for mean and std, the size is needed (normal(0, 1, {2, 3}))', err(torch.normal, 0, 1))
    assert.truthy(err(torch.normal, torch.zeros(2), torch.ones(3)):find('cannot be broadcast', 1, true))
    assert.are.equal('[randint] only Tensors of floating point dtype can require gradients, got int64',
      err(torch.randint, 0, 2, {2}, {requires_grad = true}))
    assert.are.equal('[rand] dtype torch.float64 does not match the dtype of out= (torch.float32)',
      err(torch.rand, 2, {out = torch.zeros(1), dtype = torch.float64}))
  end)
end)
