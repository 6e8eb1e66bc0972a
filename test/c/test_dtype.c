/* test_dtype.c: dtypes of lib/TH, used from C alone: float16/bfloat16 conversions (exact bit
 * patterns, rounding to nearest even, subnormals, overflow), the promotion table, the result
 * type of mixed operands (wrapped numbers, 0-dim tensors), names and sizes.
 *
 * Expected values were computed by hand from the IEEE formats and checked against PyTorch
 * 1.13 (torch.promote_types, torch.result_type, tensor.to(torch.float16).view(torch.int16)). */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "TH.h"

#include "th_check.h"

static uint32_t float_bits(float f) {
  uint32_t u;
  memcpy(&u, &f, 4);
  return u;
}

/* ======================================================================= float16 */

typedef struct {
  float value;
  uint16_t half, bf16;
} ConvCase;

/* float32 value -> float16 bits, bfloat16 bits (PyTorch 1.13 gives the same bits) */
static const ConvCase conv_cases[] = {
    {0.0f, 0x0000, 0x0000},
    {-0.0f, 0x8000, 0x8000},
    {1.0f, 0x3c00, 0x3f80},
    {-2.0f, 0xc000, 0xc000},
    {65504.0f, 0x7bff, 0x4780},          /* largest finite half */
    {65519.0f, 0x7bff, 0x4780},          /* below the halfway point 65520: rounds down */
    {65520.0f, 0x7c00, 0x4780},          /* halfway to 2^16: rounds to even, i.e. overflows to inf */
    {1e6f, 0x7c00, 0x4974},              /* overflow */
    {0x1p-24f, 0x0001, 0x3380},          /* smallest half subnormal */
    {0x1p-25f, 0x0000, 0x3300},          /* exactly half of it: ties to even (0) */
    {0x1.000002p-25f, 0x0001, 0x3300},   /* just above the tie: rounds up */
    {0x1.8p-24f, 0x0002, 0x33c0},        /* 1.5 ulp: tie, rounds to even (2) */
    {0x1.4p-24f, 0x0001, 0x33a0},        /* 1.25 ulp: rounds down */
    {0x1p-26f, 0x0000, 0x3280},          /* quarter ulp: underflows to 0 */
    {0x1p-14f, 0x0400, 0x3880},          /* smallest normal half */
    {0x1.ff8p-15f, 0x03ff, 0x3880},      /* largest subnormal half */
    {0x1.002p+0f, 0x3c00, 0x3f80},       /* 1 + 2^-11: tie between 1 and 1+2^-10, even is 1 */
    {0x1.006p+0f, 0x3c02, 0x3f80},       /* 1 + 3*2^-11: tie, even is 1+2^-9 */
    {0x1.004p+0f, 0x3c01, 0x3f80},       /* 1 + 2^-10 exactly */
    {2049.0f, 0x6800, 0x4500},           /* tie at 2048 + 1 */
    {2051.0f, 0x6802, 0x4500},           /* tie at 2048 + 3 */
    {0.1f, 0x2e66, 0x3dcd},
    {1.0f / 3.0f, 0x3555, 0x3eab},
    {INFINITY, 0x7c00, 0x7f80},
    {-INFINITY, 0xfc00, 0xff80},
};

typedef struct {
  uint16_t bits;
  float value;
} BackCase;

static const BackCase half_back[] = {
    {0x0001, 0x1p-24f},      {0x03ff, 0x1.ff8p-15f}, {0x0400, 0x1p-14f},
    {0x7bff, 65504.0f},      {0x3c00, 1.0f},         {0x3555, 0.333251953125f},
    {0x8001, -0x1p-24f},     {0xc000, -2.0f},        {0x7c00, INFINITY},
    {0xfc00, -INFINITY},     {0x8000, -0.0f},
};

static const BackCase bf16_back[] = {
    {0x3f80, 1.0f},          {0x3eab, 0.333984375f},     {0x7f7f, 0x1.fep+127f},
    {0x0001, 0x1p-133f},     {0x0080, 0x1p-126f},        {0xc000, -2.0f},
    {0x7f80, INFINITY},
};

static void test_half_conversions(void) {
  for (size_t i = 0; i < sizeof conv_cases / sizeof *conv_cases; i++) {
    const ConvCase *c = &conv_cases[i];
    uint16_t h = th_float2half(c->value), b = th_float2bfloat16(c->value);
    CHECK(h == c->half, "float2half(%a) = 0x%04x, expected 0x%04x", c->value, h, c->half);
    CHECK(b == c->bf16, "float2bfloat16(%a) = 0x%04x, expected 0x%04x", c->value, b, c->bf16);
  }
  for (size_t i = 0; i < sizeof half_back / sizeof *half_back; i++) {
    float f = th_half2float(half_back[i].bits);
    CHECK(float_bits(f) == float_bits(half_back[i].value), "half2float(0x%04x) = %a, expected %a",
          half_back[i].bits, f, half_back[i].value);
  }
  for (size_t i = 0; i < sizeof bf16_back / sizeof *bf16_back; i++) {
    float f = th_bfloat162float(bf16_back[i].bits);
    CHECK(float_bits(f) == float_bits(bf16_back[i].value), "bfloat162float(0x%04x) = %a, expected %a",
          bf16_back[i].bits, f, bf16_back[i].value);
  }
  /* largest float32 rounds up to bfloat16 infinity (round to nearest even) */
  CHECK(th_float2bfloat16(0x1.fffffep+127f) == 0x7f80, "FLT_MAX -> bf16 0x%04x",
        th_float2bfloat16(0x1.fffffep+127f));
  /* bfloat16 ties: 1 + 2^-8 -> 1, 1 + 3*2^-8 -> 1 + 2^-6 */
  CHECK(th_float2bfloat16(0x1.01p+0f) == 0x3f80, "bf16 tie to even (down)");
  CHECK(th_float2bfloat16(0x1.03p+0f) == 0x3f82, "bf16 tie to even (up)");
  CHECK(th_float2bfloat16(0x1.0101p+0f) == 0x3f81, "bf16 above the tie rounds up: 0x%04x",
        th_float2bfloat16(0x1.0101p+0f));

  /* NaN stays NaN (payload unspecified), in both directions */
  uint16_t hn = th_float2half(NAN), bn = th_float2bfloat16(NAN);
  CHECK((hn & 0x7c00) == 0x7c00 && (hn & 0x03ff) != 0, "half NaN: 0x%04x", hn);
  CHECK((bn & 0x7f80) == 0x7f80 && (bn & 0x007f) != 0, "bf16 NaN: 0x%04x", bn);
  CHECK(isnan(th_half2float(0x7e00)), "half 0x7e00 is NaN");
  CHECK(isnan(th_bfloat162float(0x7fc0)), "bf16 0x7fc0 is NaN");
  /* a NaN whose payload sits only in the low bits must not turn into infinity */
  float low_nan;
  uint32_t low_nan_bits = 0x7f800001;
  memcpy(&low_nan, &low_nan_bits, 4);
  hn = th_float2half(low_nan);
  bn = th_float2bfloat16(low_nan);
  CHECK((hn & 0x7c00) == 0x7c00 && (hn & 0x03ff) != 0, "half of NaN 0x7f800001: 0x%04x", hn);
  CHECK((bn & 0x7f80) == 0x7f80 && (bn & 0x007f) != 0, "bf16 of NaN 0x7f800001: 0x%04x", bn);

  /* every non-NaN bit pattern survives a round trip through float */
  int bad_half = 0, bad_bf16 = 0;
  for (uint32_t b = 0; b < 0x10000; b++) {
    bool half_nan = (b & 0x7c00) == 0x7c00 && (b & 0x03ff);
    bool bf_nan = (b & 0x7f80) == 0x7f80 && (b & 0x007f);
    if (!half_nan && th_float2half(th_half2float((uint16_t)b)) != b) bad_half++;
    if (!bf_nan && th_float2bfloat16(th_bfloat162float((uint16_t)b)) != b) bad_bf16++;
    if (half_nan && !isnan(th_half2float((uint16_t)b))) bad_half++;
    if (bf_nan && !isnan(th_bfloat162float((uint16_t)b))) bad_bf16++;
  }
  CHECK(bad_half == 0, "%d float16 bit patterns do not round-trip", bad_half);
  CHECK(bad_bf16 == 0, "%d bfloat16 bit patterns do not round-trip", bad_bf16);

  /* monotonic: the float16 of every float between two adjacent halves is one of them, the
   * nearer one (ties to the even one); checked on a sweep of [1, 2) in float steps of 2^-16 */
  int bad_sweep = 0;
  for (int k = 0; k < (1 << 16); k++) {
    float f = 1.0f + (float)k * 0x1p-16f;
    uint16_t h = th_float2half(f);
    int lo = k >> 6, rem = k & 63; /* half ulp in [1,2) is 2^-10 = 64 steps */
    int want = lo + (rem > 32 || (rem == 32 && (lo & 1)));
    if (h != 0x3c00 + want) bad_sweep++;
  }
  CHECK(bad_sweep == 0, "%d values in [1, 2) round to the wrong float16", bad_sweep);
}

/* ======================================================================= names, sizes */

static void test_names(void) {
  static const char *names[TH_NDTYPES] = {"float32", "float64", "float16", "bfloat16", "int8",
                                          "int16",   "int32",   "int64",   "uint8",    "bool"};
  static const size_t sizes[TH_NDTYPES] = {4, 8, 2, 2, 1, 2, 4, 8, 1, 1};
  static const THDtypeKind kinds[TH_NDTYPES] = {
      TH_KIND_FLOAT, TH_KIND_FLOAT, TH_KIND_FLOAT, TH_KIND_FLOAT, TH_KIND_INT,
      TH_KIND_INT,   TH_KIND_INT,   TH_KIND_INT,   TH_KIND_INT,   TH_KIND_BOOL};
  CHECK(TH_NDTYPES == 10, "10 dtypes, got %d", TH_NDTYPES);
  for (int i = 0; i < TH_NDTYPES; i++) {
    CHECK(strcmp(THDtype_name((THDtype)i), names[i]) == 0, "name of %d: %s", i,
          THDtype_name((THDtype)i));
    CHECK(THDtype_size((THDtype)i) == sizes[i], "size of %s", names[i]);
    CHECK(THDtype_kind((THDtype)i) == kinds[i], "kind of %s", names[i]);
    THDtype d = TH_NDTYPES;
    CHECK(THDtype_fromName(names[i], &d) == TH_OK && d == (THDtype)i, "fromName(%s)", names[i]);
  }
  THDtype d;
  CHECK(THDtype_fromName("float128", &d) == TH_ERROR, "unknown dtype name fails");
  CHECK(strstr(TH_lastError(), "float128") != NULL, "message names the dtype: %s", TH_lastError());
  CHECK(THDtype_isFloating(TH_BF16) && !THDtype_isFloating(TH_I64) && !THDtype_isFloating(TH_BOOL),
        "isFloating");
}

/* ======================================================================= promotion */

static void test_promote(void) {
  /* torch.promote_types, rows and columns in enum order:
   * float32 float64 float16 bfloat16 int8 int16 int32 int64 uint8 bool */
  enum { f4 = TH_F32, f8 = TH_F64, f2 = TH_F16, bf = TH_BF16, i1 = TH_I8, i2 = TH_I16,
         i4 = TH_I32, i8 = TH_I64, u1 = TH_U8, b1 = TH_BOOL };
  static const int table[TH_NDTYPES][TH_NDTYPES] = {
      /* float32  */ {f4, f8, f4, f4, f4, f4, f4, f4, f4, f4},
      /* float64  */ {f8, f8, f8, f8, f8, f8, f8, f8, f8, f8},
      /* float16  */ {f4, f8, f2, f4, f2, f2, f2, f2, f2, f2},
      /* bfloat16 */ {f4, f8, f4, bf, bf, bf, bf, bf, bf, bf},
      /* int8     */ {f4, f8, f2, bf, i1, i2, i4, i8, i2, i1},
      /* int16    */ {f4, f8, f2, bf, i2, i2, i4, i8, i2, i2},
      /* int32    */ {f4, f8, f2, bf, i4, i4, i4, i8, i4, i4},
      /* int64    */ {f4, f8, f2, bf, i8, i8, i8, i8, i8, i8},
      /* uint8    */ {f4, f8, f2, bf, i2, i2, i4, i8, u1, u1},
      /* bool     */ {f4, f8, f2, bf, i1, i2, i4, i8, u1, b1},
  };
  for (int a = 0; a < TH_NDTYPES; a++)
    for (int b = 0; b < TH_NDTYPES; b++) {
      THDtype r = THDtype_promote((THDtype)a, (THDtype)b);
      CHECK((int)r == table[a][b], "promote(%s, %s) = %s, expected %s", THDtype_name((THDtype)a),
            THDtype_name((THDtype)b), THDtype_name(r), THDtype_name((THDtype)table[a][b]));
    }
}

/* ======================================================================= result type */

static THTensor *dim_t(THDtype d) {
  int64_t two = 2;
  return THTensor_empty(d, TH_CPU, 1, &two);
}
static THTensor *zero_t(THDtype d) { return THTensor_empty(d, TH_CPU, 0, NULL); }

static THArg num(double v) { return THArg_number(v); }
static THArg boolean(bool v) {
  THArg a = {NULL, {TH_KIND_BOOL, v, v}};
  return a;
}

#define RT(expected, a, b)                                                                 \
  do {                                                                                     \
    THArg args_[2] = {a, b};                                                               \
    THDtype r_ = THMath_resultType(2, args_);                                              \
    CHECK(r_ == (expected), "result_type(%s, %s) = %s, expected %s", #a, #b,               \
          THDtype_name(r_), THDtype_name(expected));                                       \
  } while (0)

static void test_result_type(void) {
  THTensor *keep[64];
  int nk = 0;
#define D(dt) THArg_tensor(keep[nk++] = dim_t(dt))
#define Z(dt) THArg_tensor(keep[nk++] = zero_t(dt))
  /* torch.result_type with PyTorch 1.13 */
  RT(TH_F32, D(TH_I8), num(2.5));
  RT(TH_I8, D(TH_I8), num(2));
  RT(TH_U8, D(TH_U8), num(300));       /* wrapped numbers never widen within a category */
  RT(TH_F64, D(TH_I32), Z(TH_F64));    /* a 0-dim tensor of a higher category keeps its dtype */
  RT(TH_I32, D(TH_I32), Z(TH_I64));    /* same category: the dimensioned tensor wins */
  RT(TH_F16, D(TH_F16), Z(TH_F64));
  RT(TH_F32, Z(TH_I64), num(2.5));
  RT(TH_I16, Z(TH_I8), Z(TH_I16));
  RT(TH_I64, D(TH_BOOL), num(2));
  RT(TH_BOOL, D(TH_BOOL), boolean(true));
  RT(TH_F32, Z(TH_BOOL), num(2.5));
  RT(TH_F64, D(TH_F32), D(TH_F64));
  RT(TH_I8, Z(TH_U8), D(TH_I8));
  RT(TH_BF16, D(TH_BF16), Z(TH_F16));
  RT(TH_F16, D(TH_I8), Z(TH_F16));
  RT(TH_U8, D(TH_BOOL), Z(TH_U8));
  RT(TH_I16, D(TH_U8), D(TH_I8));
  RT(TH_F16, D(TH_F16), num(2.5));
  RT(TH_I64, Z(TH_BOOL), num(2));
  RT(TH_F64, Z(TH_F64), D(TH_I8));
  RT(TH_BF16, Z(TH_BF16), Z(TH_I32));
  RT(TH_F64, D(TH_BOOL), Z(TH_F64));
  RT(TH_F32, num(2), num(2.5));
  /* the number's side does not matter */
  RT(TH_F32, num(2.5), D(TH_I8));
  RT(TH_I8, num(2), D(TH_I8));

  /* with float64 as the default dtype */
  CHECK(THDtype_setDefault(TH_F64) == TH_OK, "set default float64");
  RT(TH_F64, D(TH_I8), num(2.5));
  RT(TH_F16, D(TH_F16), num(2.5));
  RT(TH_F64, Z(TH_I32), num(2.5));
  RT(TH_F32, D(TH_BOOL), Z(TH_F32));
  CHECK(THDtype_setDefault(TH_F32) == TH_OK, "restore default float32");
  CHECK(THDtype_setDefault(TH_I32) == TH_ERROR, "int32 cannot be the default dtype");
  CHECK(strstr(TH_lastError(), "int32") != NULL, "message names int32: %s", TH_lastError());
  CHECK(THDtype_getDefault() == TH_F32, "default still float32");

  /* three operands */
  {
    THArg args[3] = {D(TH_I8), Z(TH_I16), num(2.5)};
    CHECK(THMath_resultType(3, args) == TH_F32, "result_type(i8 dim, i16 0-dim, 2.5)");
    THArg args2[3] = {D(TH_I8), Z(TH_I16), num(2)};
    CHECK(THMath_resultType(3, args2) == TH_I8, "result_type(i8 dim, i16 0-dim, 2)");
  }
  for (int i = 0; i < nk; i++) THTensor_free(keep[i]);
#undef D
#undef Z
}

static void test_scalar(void) {
  THScalar s = THScalar_fromDouble(3.0);
  CHECK(s.kind == TH_KIND_INT && s.i == 3, "3.0 is an integral wrapped number");
  s = THScalar_fromDouble(-2.5);
  CHECK(s.kind == TH_KIND_FLOAT && s.f == -2.5, "-2.5 is a floating wrapped number");
  s = THScalar_fromDouble(INFINITY);
  CHECK(s.kind == TH_KIND_FLOAT, "inf is floating");
  s = THScalar_fromDouble(NAN);
  CHECK(s.kind == TH_KIND_FLOAT, "nan is floating");
  s = THScalar_fromDouble(-9007199254740992.0);
  CHECK(s.kind == TH_KIND_INT && s.i == -9007199254740992LL, "-2^53 is integral");
}

/* ======================================================================= values through ops */

static void test_half_arithmetic(void) {
  /* float16 arithmetic rounds each result to float16: 2048 + 1 = 2048 (tie to even) */
  int64_t one = 1;
  THTensor *a = THTensor_full(TH_F16, TH_CPU, 1, &one, 2048);
  THTensor *r = THTensor_add(NULL, THArg_tensor(a), THArg_number(1), 1);
  CHECK(r && r->dtype == TH_F16, "f16 + 1 is f16");
  if (r) CHECK(*(th_half *)THTensor_data(r) == 0x6800, "2048 + 1 in float16: 0x%04x", *(th_half *)THTensor_data(r));
  THTensor_free(r);
  r = THTensor_add(NULL, THArg_tensor(a), THArg_number(3), 1);
  if (r) CHECK(*(th_half *)THTensor_data(r) == 0x6802, "2048 + 3 in float16: 0x%04x", *(th_half *)THTensor_data(r));
  THTensor_free(r);
  /* 60000 * 2 overflows float16 to inf */
  THTensor_fill(a, 60000);
  r = THTensor_mul(NULL, THArg_tensor(a), THArg_number(2));
  if (r) CHECK(*(th_half *)THTensor_data(r) == 0x7c00, "60000 * 2 in float16: 0x%04x", *(th_half *)THTensor_data(r));
  THTensor_free(r);
  /* the getters convert 16-bit floats to their values */
  THTensor_fill(a, 1.5);
  int64_t idx0 = 0;
  CHECK(THTensor_getDouble(a, &idx0) == 1.5, "getDouble of float16 1.5 = %g", THTensor_getDouble(a, &idx0));
  CHECK(THTensor_getInt64(a, &idx0) == 1, "getInt64 of float16 1.5 = %lld", (long long)THTensor_getInt64(a, &idx0));
  THTensor_free(a);
  THTensor *b = THTensor_full(TH_BF16, TH_CPU, 1, &one, -0.75);
  CHECK(THTensor_getDouble(b, &idx0) == -0.75, "getDouble of bfloat16 -0.75 = %g", THTensor_getDouble(b, &idx0));
  THTensor_free(b);
}

int main(void) {
  test_half_conversions();
  test_names();
  test_promote();
  test_result_type();
  test_scalar();
  test_half_arithmetic();
  if (failures) {
    fprintf(stderr, "test_dtype: %d of %d checks failed\n", failures, checks);
    return 1;
  }
  printf("test_dtype: all %d checks passed\n", checks);
  return 0;
}
