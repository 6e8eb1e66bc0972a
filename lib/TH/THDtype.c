/* THDtype.c: dtype names, sizes, the default dtype and PyTorch's promotion rules. */
#include <math.h>
#include "THDtype.h"

static const size_t dtype_sizes[] = {
#define TH_X(ID, NAME, CTYPE, ACC, KIND) sizeof(CTYPE),
    TH_FORALL_DTYPES(TH_X)
#undef TH_X
};
static const char *const dtype_names[] = {
#define TH_X(ID, NAME, CTYPE, ACC, KIND) #NAME,
    TH_FORALL_DTYPES(TH_X)
#undef TH_X
};
static const THDtypeKind dtype_kinds[] = {
#define TH_X(ID, NAME, CTYPE, ACC, KIND) (THDtypeKind)KIND,
    TH_FORALL_DTYPES(TH_X)
#undef TH_X
};

size_t THDtype_size(THDtype t) { return (unsigned)t < TH_NDTYPES ? dtype_sizes[t] : 0; }
const char *THDtype_name(THDtype t) { return (unsigned)t < TH_NDTYPES ? dtype_names[t] : "?"; }
THDtypeKind THDtype_kind(THDtype t) { return dtype_kinds[t]; }

int THDtype_fromName(const char *name, THDtype *out) {
  for (int i = 0; i < TH_NDTYPES; i++)
    if (strcmp(name, dtype_names[i]) == 0) {
      *out = (THDtype)i;
      return TH_OK;
    }
  return TH_setError("[dtype] unknown dtype '%s'", name);
}

static _Thread_local TH_TLS_FAST int default_dtype_plus1; /* 0 means float32 */

THDtype THDtype_getDefault(void) {
  return default_dtype_plus1 ? (THDtype)(default_dtype_plus1 - 1) : TH_F32;
}

int THDtype_setDefault(THDtype t) {
  if (t != TH_F32 && t != TH_F64)
    return TH_setError("only float32 and float64 can be the default dtype, got %s",
                       THDtype_name(t));
  default_dtype_plus1 = (int)t + 1;
  return TH_OK;
}

/* PyTorch's promotion lattice for the dtypes we have.  u1 i1 i2 i4 i8 f2 f4 f8 b1 bf */
enum { U1, I1, I2, I4, I8, F2, F4, F8, B1, BF, NL };
static const int lattice[NL][NL] = {
    /*        u1  i1  i2  i4  i8  f2  f4  f8  b1  bf */
    /* u1 */ {U1, I2, I2, I4, I8, F2, F4, F8, U1, BF},
    /* i1 */ {I2, I1, I2, I4, I8, F2, F4, F8, I1, BF},
    /* i2 */ {I2, I2, I2, I4, I8, F2, F4, F8, I2, BF},
    /* i4 */ {I4, I4, I4, I4, I8, F2, F4, F8, I4, BF},
    /* i8 */ {I8, I8, I8, I8, I8, F2, F4, F8, I8, BF},
    /* f2 */ {F2, F2, F2, F2, F2, F2, F4, F8, F2, F4},
    /* f4 */ {F4, F4, F4, F4, F4, F4, F4, F8, F4, F4},
    /* f8 */ {F8, F8, F8, F8, F8, F8, F8, F8, F8, F8},
    /* b1 */ {U1, I1, I2, I4, I8, F2, F4, F8, B1, BF},
    /* bf */ {BF, BF, BF, BF, BF, F4, F4, F8, BF, BF},
};
static const int to_lattice[TH_NDTYPES] = {
    [TH_F32] = F4, [TH_F64] = F8, [TH_F16] = F2, [TH_BF16] = BF, [TH_I8] = I1,
    [TH_I16] = I2, [TH_I32] = I4, [TH_I64] = I8, [TH_U8] = U1, [TH_BOOL] = B1,
};
static const THDtype from_lattice[NL] = {
    [U1] = TH_U8, [I1] = TH_I8, [I2] = TH_I16, [I4] = TH_I32, [I8] = TH_I64,
    [F2] = TH_F16, [F4] = TH_F32, [F8] = TH_F64, [B1] = TH_BOOL, [BF] = TH_BF16,
};

THDtype THDtype_promote(THDtype a, THDtype b) {
  if (a == b) return a;
  return from_lattice[lattice[to_lattice[a]][to_lattice[b]]];
}

THScalar THScalar_fromDouble(double v) {
  THScalar s;
  s.f = v;
  if (v == floor(v) && v >= -9.2233720368547758e18 && v < 9.2233720368547758e18 &&
      !(v == 0 && signbit(v))) {
    s.kind = TH_KIND_INT;
    s.i = (int64_t)v;
  } else {
    s.kind = TH_KIND_FLOAT;
    s.i = 0;
  }
  return s;
}
