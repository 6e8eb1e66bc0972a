/* THDtype.h: the element types a tensor can hold, and PyTorch's rules for mixing them.
 *
 * TH_FORALL_DTYPES is the one list of dtypes; everything per-dtype (names, sizes, kernel
 * tables, conversions) is generated from it.  Columns:
 *   ID     enum suffix and kernel-name suffix (kernels are named op_F32, op_I64, ...)
 *   NAME   the PyTorch name (torch.float32, ...)
 *   CTYPE  the C storage type
 *   ACC    the C type arithmetic is done in (float for the 16-bit floats)
 *   KIND   0 bool, 1 integer, 2 floating (the promotion category)
 * float16 and bfloat16 are stored as raw uint16_t bit patterns and converted to float for
 * arithmetic; the conversion functions below round to nearest even.
 */
#ifndef TH_DTYPE_H
#define TH_DTYPE_H

#include <string.h>
#include "THGeneral.h"

#ifdef __cplusplus /* also read by the CUDA backend's C++ kernel files */
extern "C" {
#endif

typedef uint16_t th_half;
typedef uint16_t th_bfloat16;

/*  _(ID,   NAME,     CTYPE,       ACC,     KIND) */
#define TH_FORALL_FLOAT_DTYPES(_)              \
  TH_FORALL_FLOAT_DTYPES_NATIVE(_)             \
  _(F16,  float16,  th_half,     float,   2)   \
  _(BF16, bfloat16, th_bfloat16, float,   2)
/* The floating dtypes C can do arithmetic on directly (not the 16-bit ones). */
#define TH_FORALL_FLOAT_DTYPES_NATIVE(_)       \
  _(F32,  float32,  float,       float,   2)   \
  _(F64,  float64,  double,      double,  2)
#define TH_FORALL_INT_DTYPES(_)                \
  _(I8,   int8,     int8_t,      int64_t, 1)   \
  _(I16,  int16,    int16_t,     int64_t, 1)   \
  _(I32,  int32,    int32_t,     int64_t, 1)   \
  _(I64,  int64,    int64_t,     int64_t, 1)   \
  _(U8,   uint8,    uint8_t,     int64_t, 1)
#define TH_FORALL_DTYPES(_)                    \
  TH_FORALL_FLOAT_DTYPES(_)                    \
  TH_FORALL_INT_DTYPES(_)                      \
  _(BOOL, bool,     bool,        int64_t, 0)

typedef enum {
#define TH_DTYPE_ENUM(ID, NAME, CTYPE, ACC, KIND) TH_##ID,
  TH_FORALL_DTYPES(TH_DTYPE_ENUM)
#undef TH_DTYPE_ENUM
  TH_NDTYPES
} THDtype;

typedef enum { TH_KIND_BOOL = 0, TH_KIND_INT = 1, TH_KIND_FLOAT = 2 } THDtypeKind;

TH_API size_t THDtype_size(THDtype t);
TH_API const char *THDtype_name(THDtype t);         /* "float32" */
TH_API int THDtype_fromName(const char *name, THDtype *out); /* TH_OK or TH_ERROR */
TH_API THDtypeKind THDtype_kind(THDtype t);
static inline bool THDtype_isFloating(THDtype t) { return THDtype_kind(t) == TH_KIND_FLOAT; }

/* The default floating dtype (torch.get_default_dtype); per thread, float32 unless set. */
TH_API THDtype THDtype_getDefault(void);
TH_API int THDtype_setDefault(THDtype t); /* only float32 or float64 */

/* The smallest dtype both a and b convert to without losing their category
 * (torch.promote_types). */
TH_API THDtype THDtype_promote(THDtype a, THDtype b);

/* A number from Lua or C taking part in an operation (PyTorch's "wrapped number"). */
typedef struct {
  THDtypeKind kind; /* TH_KIND_INT for integral values, TH_KIND_FLOAT otherwise */
  double f;
  int64_t i;
} THScalar;

TH_API THScalar THScalar_fromDouble(double v); /* integral values become TH_KIND_INT */

/* ---- float16 / bfloat16 <-> float, round to nearest even ---- */

static inline float th_half2float(th_half h) {
  uint32_t sign = (uint32_t)(h & 0x8000) << 16;
  uint32_t exp = (h >> 10) & 0x1f, mant = h & 0x3ff, bits;
  if (exp == 0) {
    if (mant == 0) {
      bits = sign;
    } else { /* subnormal: normalise */
      exp = 127 - 15 + 1;
      while (!(mant & 0x400)) { mant <<= 1; exp--; }
      bits = sign | (exp << 23) | ((mant & 0x3ff) << 13);
    }
  } else if (exp == 0x1f) {
    bits = sign | 0x7f800000 | (mant << 13);
  } else {
    bits = sign | ((exp + 127 - 15) << 23) | (mant << 13);
  }
  float f;
  memcpy(&f, &bits, 4);
  return f;
}

static inline th_half th_float2half(float f) {
  uint32_t x;
  memcpy(&x, &f, 4);
  uint32_t sign = (x >> 16) & 0x8000;
  uint32_t absx = x & 0x7fffffff;
  if (absx >= 0x7f800000) /* inf or nan */
    return (th_half)(sign | 0x7c00 | (absx > 0x7f800000 ? 0x200 : 0));
  if (absx >= 0x477ff000) /* rounds to >= 65520: overflow to inf */
    return (th_half)(sign | 0x7c00);
  if (absx < 0x38800000) { /* below the smallest normal half: subnormal or zero */
    if (absx < 0x33000000) return (th_half)sign; /* rounds to zero */
    uint32_t e = absx >> 23, m = (absx & 0x7fffff) | 0x800000;
    uint32_t shift = 126 - e; /* 14..24 */
    uint32_t r = m >> shift, rem = m & ((1u << shift) - 1), half = 1u << (shift - 1);
    if (rem > half || (rem == half && (r & 1))) r++;
    return (th_half)(sign | r);
  }
  uint32_t r = ((absx >> 13) - ((127 - 15) << 10));
  uint32_t rem = absx & 0x1fff;
  if (rem > 0x1000 || (rem == 0x1000 && (r & 1))) r++;
  return (th_half)(sign | r);
}

static inline float th_bfloat162float(th_bfloat16 b) {
  uint32_t bits = (uint32_t)b << 16;
  float f;
  memcpy(&f, &bits, 4);
  return f;
}

static inline th_bfloat16 th_float2bfloat16(float f) {
  uint32_t x;
  memcpy(&x, &f, 4);
  if ((x & 0x7fffffff) > 0x7f800000) return (th_bfloat16)((x >> 16) | 0x40); /* quiet nan */
  x += 0x7fff + ((x >> 16) & 1);
  return (th_bfloat16)(x >> 16);
}

#ifdef __cplusplus
}
#endif

#endif
