/* THDispatch.h: the dispatch table, keyed by op (THOps.def) and device type.
 *
 * The op functions of THMath.h validate arguments, promote dtypes, broadcast and allocate,
 * then call THDispatch_table[op][device] to do the arithmetic.  The CPU kernels register
 * themselves at load time; a CUDA backend registers its own when it is present.  Autograd sits
 * above this table, so one backward formula serves every device.
 */
#ifndef TH_DISPATCH_H
#define TH_DISPATCH_H

#include "THTensor.h"

typedef enum {
#define TH_OP(NAME, KIND, ARITY, FLAGS, BACKWARD) TH_OP_##NAME,
#include "THOps.def"
#undef TH_OP
  TH_NOPS
} THOp;

enum {
  TH_OPF_ALPHA = 1,       /* takes the alpha option (add, sub) */
  TH_OPF_INPLACE = 2,     /* has an in-place `_` form */
  TH_OPF_FLOATRESULT = 4, /* integer/bool inputs compute in the default float dtype */
  TH_OPF_BOOLRESULT = 8,  /* output is bool (comparisons); inputs keep the promoted dtype */
  TH_OPF_CUSTOMBIND = 16, /* the Lua binding is written by hand (special arguments) */
};

/* Kinds with a signature fixed here (POINTWISE, FILL, RANGE, CAST) are called through the
 * matching THKernel member.  The other kinds name a family whose kernels declare their own
 * signature in the family's header and are stored in THKernel.fn (cast back by the caller). */
typedef enum {
  TH_KIND_POINTWISE,
  TH_KIND_FILL,
  TH_KIND_RANGE,
  TH_KIND_CAST,
  TH_KIND_REDUCE, /* reductions along dims or over everything */
  TH_KIND_SCAN,   /* cumulative ops along a dim */
  TH_KIND_LINALG, /* BLAS / LAPACK backed */
  TH_KIND_INDEX,  /* gather/scatter/select-by-index/joining family */
  TH_KIND_SORT,   /* sorting and searching */
  TH_KIND_RANDOM, /* random number generation */
  TH_KIND_VIEW,   /* views and copies made in THTensor.c: no kernel, rows for autograd */
  TH_KIND_NN,     /* neural-network kernels: convolution, pooling, norms, losses (THNN.h) */
} THOpKind;

typedef struct {
  const char *name;     /* "add" */
  THOpKind kind;
  int arity;
  int flags;
  const char *backward; /* "AddBackward0", or NULL */
} THOpInfo;

TH_API const THOpInfo *THOp_info(THOp op);

/* ---- the pointwise iterator: operands already broadcast to one shape ---- */
#define TH_ITER_MAX_OPERANDS 4
typedef struct {
  int noperands;                 /* operand 0 is the output */
  int ndim;
  int64_t numel;
  int64_t shape[TH_MAX_DIMS];
  int64_t strides[TH_ITER_MAX_OPERANDS][TH_MAX_DIMS]; /* in bytes, 0 where broadcast */
  char *data[TH_ITER_MAX_OPERANDS];
  THDtype dtypes[TH_ITER_MAX_OPERANDS];
  THDevice device;                        /* operand 0's device: where the kernel runs */
  THDevice devices[TH_ITER_MAX_OPERANDS]; /* each operand's own (numbers are on the CPU) */
  bool non_blocking; /* copies: the caller does not wait for a device transfer to finish */
} THIter;

/* Extra parameters an op's kernel may read. */
typedef struct {
  THScalar alpha; /* add/sub's alpha, or an op's first scalar parameter */
  THScalar beta;  /* an op's second scalar parameter (e.g. clamp's max) */
  THScalar gamma; /* a third one (nan_to_num's -inf replacement, isclose's equal_nan) */
} THOpParams;

/* Default parameters: alpha = beta = gamma = 1. */
#define TH_OPPARAMS_DEFAULT \
  ((THOpParams){{TH_KIND_INT, 1, 1}, {TH_KIND_INT, 1, 1}, {TH_KIND_INT, 1, 1}})

/* A 1-D inner loop over n elements: data[k] advances by strides[k] bytes per element. */
typedef void (*THLoop)(char **data, const int64_t *strides, int64_t n, const THOpParams *p);

/* Builds an iterator over operands (operand 0 the output; all shapes already equal to the
 * output's or broadcastable to it), sorting dims by the output's strides and merging dims
 * that are contiguous in every operand. */
TH_API void THIter_init(THIter *it, int noperands, THTensor *const *operands);
/* Runs loop over the whole iteration space, in parallel above TH_PARALLEL_GRAIN elements. */
TH_API void THIter_run(const THIter *it, THLoop loop, const THOpParams *p);

/* ---- kernel signatures, one per THOpKind ---- */
typedef union {
  int (*pointwise)(THOp op, const THIter *it, const THOpParams *p);
  int (*fill)(THTensor *t, THScalar value);
  /* mode 0: t[i] = start + i*step; 1: linspace (symmetric from both ends, step given);
   * 2: logspace: base^(linspace), base in `end` */
  int (*range)(THTensor *t, double start, double step, double base, int mode);
  int (*cast)(const THIter *it); /* operand 0 <- operand 1, dtypes may differ */
  void (*fn)(void);              /* a family's own signature: cast to it before calling */
  void *any;
} THKernel;

TH_API void THDispatch_register(THOp op, THDeviceType device, THKernel k);
/* NULL-safe lookup; sets an error naming op and device when nothing is registered. */
TH_API int THDispatch_get(THOp op, THDevice device, THKernel *out);

#endif
