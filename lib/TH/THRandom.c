/* THRandom.c: the generator (PyTorch's CPU MT19937 with its seeding, state bytes and normal
 * cache) and the device-independent half of the random ops: argument checks with PyTorch's
 * rules, output allocation, then one call through the dispatch table (THCpuRandom.c holds the
 * CPU kernels).  Nothing is drawn when a check fails, so a failed call leaves both the tensor
 * and the generator as they were. */
#define _POSIX_C_SOURCE 200809L /* O_CLOEXEC, clock_gettime */
#include <fcntl.h>
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "THRandom.h"

/* ======================================================================= the MT19937 engine */

#define MT_M 397

static void mt_init(THGenerator *g, uint64_t seed) {
  g->seed = seed;
  g->state[0] = (uint32_t)(seed & 0xffffffffu);
  for (uint32_t j = 1; j < TH_MT_N; j++)
    g->state[j] = 1812433253u * (g->state[j - 1] ^ (g->state[j - 1] >> 30)) + j;
  g->left = 1;
  g->next = 0;
  g->has_normal = false;
  g->next_normal = 0;
  g->has_normal_f = false;
  g->next_normal_f = 0;
}

static inline uint32_t mt_twist(uint32_t u, uint32_t v) {
  return (((u & 0x80000000u) | (v & 0x7fffffffu)) >> 1) ^ ((v & 1u) ? 0x9908b0dfu : 0u);
}

void THGenerator_twist(THGenerator *g) {
  uint32_t *s = g->state;
  int k = 0;
  for (; k < TH_MT_N - MT_M; k++) s[k] = s[k + MT_M] ^ mt_twist(s[k], s[k + 1]);
  for (; k < TH_MT_N - 1; k++) s[k] = s[k + MT_M - TH_MT_N] ^ mt_twist(s[k], s[k + 1]);
  s[TH_MT_N - 1] = s[MT_M - 1] ^ mt_twist(s[TH_MT_N - 1], s[0]);
  g->left = TH_MT_N;
  g->next = 0;
}

/* ======================================================================= generators */

THGenerator *THGenerator_new(uint64_t seed) {
  THGenerator *g = malloc(sizeof *g);
  if (!g) {
    TH_setError("out of memory allocating a generator");
    return NULL;
  }
  pthread_mutex_init(&g->mutex, NULL);
  mt_init(g, seed);
  return g;
}

void THGenerator_free(THGenerator *g) {
  if (!g || g == THGenerator_default()) return;
  pthread_mutex_destroy(&g->mutex);
  free(g);
}

/* A seed from /dev/urandom (the clock and the address space if that fails), limited to 53
 * bits so that a Lua number represents it exactly. */
static uint64_t nondeterministic_seed(void) {
  uint64_t s = 0;
  int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
  bool ok = false;
  if (fd >= 0) {
    ok = read(fd, &s, sizeof s) == (ssize_t)sizeof s;
    close(fd);
  }
  if (!ok) {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    s = (uint64_t)ts.tv_sec * 1000000007u ^ (uint64_t)ts.tv_nsec ^ (uint64_t)(uintptr_t)&s;
  }
  return s & ((UINT64_C(1) << 53) - 1);
}

static THGenerator default_generator = {.mutex = PTHREAD_MUTEX_INITIALIZER};
static pthread_once_t default_once = PTHREAD_ONCE_INIT;

static void default_init(void) { mt_init(&default_generator, nondeterministic_seed()); }

THGenerator *THGenerator_default(void) {
  pthread_once(&default_once, default_init);
  return &default_generator;
}

static THGenerator *gen_or_default(THGenerator *g) { return g ? g : THGenerator_default(); }

void THGenerator_manualSeed(THGenerator *g, uint64_t seed) {
  g = gen_or_default(g);
  pthread_mutex_lock(&g->mutex);
  mt_init(g, seed);
  pthread_mutex_unlock(&g->mutex);
}

uint64_t THGenerator_seed(THGenerator *g) {
  uint64_t s = nondeterministic_seed();
  THGenerator_manualSeed(g, s);
  return s;
}

uint64_t THGenerator_initialSeed(THGenerator *g) {
  g = gen_or_default(g);
  pthread_mutex_lock(&g->mutex);
  uint64_t s = g->seed;
  pthread_mutex_unlock(&g->mutex);
  return s;
}

uint32_t THGenerator_random(THGenerator *g) {
  g = gen_or_default(g);
  pthread_mutex_lock(&g->mutex);
  uint32_t r = THGenerator_next32(g);
  pthread_mutex_unlock(&g->mutex);
  return r;
}

uint64_t THGenerator_random64(THGenerator *g) {
  g = gen_or_default(g);
  pthread_mutex_lock(&g->mutex);
  uint64_t r = THGenerator_next64(g);
  pthread_mutex_unlock(&g->mutex);
  return r;
}

/* ---- state bytes (see the layout in THRandom.h) ---- */

enum {
  ST_SEED = 0, ST_LEFT = 8, ST_SEEDED = 12, ST_NEXT = 16, ST_WORDS = 24,
  ST_NORMAL_Y = 5024, ST_NORMAL_VALID = 5040, ST_NORMAL_F = 5048, ST_NORMAL_F_VALID = 5052,
};

static void put_u64(uint8_t *p, uint64_t v) { for (int i = 0; i < 8; i++) p[i] = (uint8_t)(v >> (8 * i)); }
static void put_u32(uint8_t *p, uint32_t v) { for (int i = 0; i < 4; i++) p[i] = (uint8_t)(v >> (8 * i)); }
static uint64_t get_u64(const uint8_t *p) {
  uint64_t v = 0;
  for (int i = 7; i >= 0; i--) v = (v << 8) | p[i];
  return v;
}
static uint32_t get_u32(const uint8_t *p) {
  uint32_t v = 0;
  for (int i = 3; i >= 0; i--) v = (v << 8) | p[i];
  return v;
}

void THGenerator_getState(THGenerator *g, uint8_t *out) {
  g = gen_or_default(g);
  memset(out, 0, TH_RNG_STATE_SIZE);
  pthread_mutex_lock(&g->mutex);
  put_u64(out + ST_SEED, g->seed);
  put_u32(out + ST_LEFT, (uint32_t)g->left);
  put_u32(out + ST_SEEDED, 1);
  put_u64(out + ST_NEXT, g->next);
  for (int i = 0; i < TH_MT_N; i++) put_u64(out + ST_WORDS + 8 * i, g->state[i]);
  if (g->has_normal) {
    uint64_t bits;
    memcpy(&bits, &g->next_normal, 8);
    put_u64(out + ST_NORMAL_Y, bits);
    put_u32(out + ST_NORMAL_VALID, 1);
  }
  if (g->has_normal_f) {
    uint32_t bits;
    memcpy(&bits, &g->next_normal_f, 4);
    put_u32(out + ST_NORMAL_F, bits);
    out[ST_NORMAL_F_VALID] = 1;
  }
  pthread_mutex_unlock(&g->mutex);
}

int THGenerator_setState(THGenerator *g, const uint8_t *st, size_t nbytes) {
  g = gen_or_default(g);
  if (nbytes != TH_RNG_STATE_SIZE)
    return TH_setError("[set_rng_state] expected a state of %d bytes, got %zu",
                       TH_RNG_STATE_SIZE, nbytes);
  int32_t left = (int32_t)get_u32(st + ST_LEFT), seeded = (int32_t)get_u32(st + ST_SEEDED);
  uint64_t next = get_u64(st + ST_NEXT);
  /* PyTorch's mt19937::is_valid, applied to what the engine would hold */
  if (seeded == 0 || left < 1 || left > TH_MT_N || (uint32_t)next > TH_MT_N)
    return TH_setError("[set_rng_state] invalid mt19937 state (left = %d, next = %llu, "
                       "seeded = %d)", (int)left, (unsigned long long)next, (int)seeded);
  pthread_mutex_lock(&g->mutex);
  g->seed = get_u64(st + ST_SEED);
  g->left = left;
  g->next = (uint32_t)next;
  for (int i = 0; i < TH_MT_N; i++) g->state[i] = (uint32_t)get_u64(st + ST_WORDS + 8 * i);
  g->has_normal = get_u32(st + ST_NORMAL_VALID) != 0;
  uint64_t bits = get_u64(st + ST_NORMAL_Y);
  memcpy(&g->next_normal, &bits, 8);
  g->has_normal_f = st[ST_NORMAL_F_VALID] != 0;
  uint32_t fbits = get_u32(st + ST_NORMAL_F);
  memcpy(&g->next_normal_f, &fbits, 4);
  pthread_mutex_unlock(&g->mutex);
  return TH_OK;
}

THTensor *THGenerator_getStateTensor(THGenerator *g) {
  int64_t n = TH_RNG_STATE_SIZE;
  THTensor *t = THTensor_empty(TH_U8, TH_CPU, 1, &n);
  if (t) THGenerator_getState(g, THTensor_data(t));
  return t;
}

int THGenerator_setStateTensor(THGenerator *g, const THTensor *state) {
  char buf[TH_SHAPE_STRLEN];
  if (state->dtype != TH_U8)
    return TH_setError("[set_rng_state] expected a uint8 tensor, got %s", THDtype_name(state->dtype));
  if (THTensor_device(state).type != TH_DEVICE_CPU)
    return TH_setError("[set_rng_state] expected a CPU tensor");
  if (state->ndim != 1 || state->size[0] != TH_RNG_STATE_SIZE)
    return TH_setError("[set_rng_state] expected a state of %d bytes, got a tensor of shape %s",
                       TH_RNG_STATE_SIZE, TH_formatShape(buf, state->ndim, state->size));
  THTensor *c = THTensor_contiguous(state);
  if (!c) return TH_ERROR;
  int rc = THGenerator_setState(g, THTensor_data(c), TH_RNG_STATE_SIZE);
  THTensor_free(c);
  return rc;
}

/* ======================================================================= op helpers */

static bool has_internal_overlap(const THTensor *t) {
  for (int d = 0; d < t->ndim; d++)
    if (t->stride[d] == 0 && t->size[d] > 1) return true;
  return false;
}

static int check_writable(const char *op, const THTensor *t) {
  if (has_internal_overlap(t))
    return TH_setError("[%s] unsupported operation: more than one element of the written-to "
                       "tensor refers to a single memory location; clone() the tensor first", op);
  return TH_OK;
}

static int check_floating(const char *op, const THTensor *t) {
  if (!THDtype_isFloating(t->dtype))
    return TH_setError("[%s] expected a floating point tensor, got %s", op, THDtype_name(t->dtype));
  return TH_OK;
}

/* Runs the RANDOM kernel of op on out (and in), with g defaulted and out's version bumped.
 * A THGenerator is a CPU generator: tensors on a device draw from that device's own generator
 * (their kernels get NULL), so passing one for them is an error. */
static int run_kernel(THOp op, THTensor *out, const THTensor *in, const THRandomParams *p,
                      THGenerator *g) {
  THKernel k;
  bool on_cpu = THTensor_device(out).type == TH_DEVICE_CPU;
  if (!on_cpu && g)
    return TH_setError("[%s] expected a CUDA generator, got a CPU torch.Generator (CUDA tensors "
                       "draw from the device's generator: torch.cuda.manual_seed)", THOp_info(op)->name);
  if (THDispatch_get(op, THTensor_device(out), &k) != TH_OK) return TH_ERROR;
  if (THTensor_numel(out) == 0) return TH_OK;
  if (((THRandomKernel)k.fn)(op, out, in, p, on_cpu ? gen_or_default(g) : NULL) != TH_OK)
    return TH_ERROR;
  THTensor_bumpVersion(out);
  return TH_OK;
}

/* The largest finite value of a floating dtype. */
static double float_max(THDtype dt) {
  switch (dt) {
  case TH_F32: return FLT_MAX;
  case TH_F16: return 65504.0;
  case TH_BF16: return 3.3895313892515355e38;
  default: return DBL_MAX;
  }
}

/* Mantissa digits of a floating dtype (std::numeric_limits<T>::digits). */
static int float_digits(THDtype dt) {
  switch (dt) {
  case TH_F32: return 24;
  case TH_F16: return 11;
  case TH_BF16: return 8;
  default: return 53;
  }
}

/* ======================================================================= in-place fills */

int THTensor_uniform_(THTensor *t, double from, double to, THGenerator *g) {
  if (check_floating("uniform_", t) || check_writable("uniform_", t)) return TH_ERROR;
  double hi = float_max(t->dtype);
  const char *dn = THDtype_name(t->dtype);
  if (!(from >= -hi && from <= hi)) return TH_setError("[uniform_] from = %g is out of bounds for %s", from, dn);
  if (!(to >= -hi && to <= hi)) return TH_setError("[uniform_] to = %g is out of bounds for %s", to, dn);
  if (from > to)
    return TH_setError("[uniform_] expects to return a [from, to) range, but found from=%g > to=%g", from, to);
  if (to - from > hi)
    return TH_setError("[uniform_] expects to - from <= %g (the largest %s), but found to=%g and "
                       "from=%g", hi, dn, to, from);
  THRandomParams p = {.a = from, .b = to};
  return run_kernel(TH_OP_uniform, t, NULL, &p, g);
}

int THTensor_normal_(THTensor *t, double mean, double std, THGenerator *g) {
  if (check_floating("normal_", t) || check_writable("normal_", t)) return TH_ERROR;
  if (!(std >= 0.0)) return TH_setError("[normal_] expects std >= 0.0, but found std %g", std);
  THRandomParams p = {.a = mean, .b = std};
  return run_kernel(TH_OP_normal, t, NULL, &p, g);
}

int THTensor_exponential_(THTensor *t, double lambd, THGenerator *g) {
  if (check_floating("exponential_", t) || check_writable("exponential_", t)) return TH_ERROR;
  if (!(lambd >= 0.0))
    return TH_setError("[exponential_] expects lambda >= 0.0, but found lambda=%g", lambd);
  THRandomParams p = {.a = lambd};
  return run_kernel(TH_OP_exponential, t, NULL, &p, g);
}

int THTensor_cauchy_(THTensor *t, double median, double sigma, THGenerator *g) {
  if (check_floating("cauchy_", t) || check_writable("cauchy_", t)) return TH_ERROR;
  THRandomParams p = {.a = median, .b = sigma};
  return run_kernel(TH_OP_cauchy, t, NULL, &p, g);
}

int THTensor_logNormal_(THTensor *t, double mean, double std, THGenerator *g) {
  if (check_floating("log_normal_", t) || check_writable("log_normal_", t)) return TH_ERROR;
  if (!(std > 0.0)) return TH_setError("[log_normal_] expects std > 0.0, but found std=%g", std);
  THRandomParams p = {.a = mean, .b = std};
  return run_kernel(TH_OP_log_normal, t, NULL, &p, g);
}

int THTensor_geometric_(THTensor *t, double prob, THGenerator *g) {
  if (check_writable("geometric_", t)) return TH_ERROR;
  if (t->dtype == TH_BOOL) return TH_setError("[geometric_] not implemented for dtype bool");
  if (!(prob > 0 && prob < 1))
    return TH_setError("[geometric_] expects p to be in (0, 1), but got p=%g", prob);
  THRandomParams p = {.a = prob};
  return run_kernel(TH_OP_geometric, t, NULL, &p, g);
}

int THTensor_random_(THTensor *t, THGenerator *g) {
  if (check_writable("random_", t)) return TH_ERROR;
  THRandomParams p = {.mode = 1};
  return run_kernel(TH_OP_random, t, NULL, &p, g);
}

/* PyTorch's update_from / update_to: move a bound that the float dtype cannot hold to the
 * nearest value it can, inwards. */
static int64_t update_from(int64_t from, THDtype dt) {
  if (from == INT64_MAX) return from;
  int64_t f1 = from + 1;
  double c = dt == TH_F64 ? (double)f1 : dt == TH_F32 ? (double)(float)f1
           : dt == TH_F16 ? (double)th_half2float(th_float2half((float)f1))
           : (double)th_bfloat162float(th_float2bfloat16((float)f1));
  int64_t back = c >= 9.2233720368547758e18 ? INT64_MAX : (int64_t)c;
  if (back < from) {
    int64_t a = f1 < 0 ? -f1 : f1;
    int n = 0;
    while (a >>= 1) n++;
    from = back + ((int64_t)1 << (n - float_digits(dt) + 1));
  }
  return from;
}

static int64_t update_to(int64_t to, THDtype dt) {
  int64_t t1 = to - 1;
  double c = dt == TH_F64 ? (double)t1 : dt == TH_F32 ? (double)(float)t1
           : dt == TH_F16 ? (double)th_half2float(th_float2half((float)t1))
           : (double)th_bfloat162float(th_float2bfloat16((float)t1));
  int64_t back = c >= 9.2233720368547758e18 ? INT64_MAX : (int64_t)c;
  if (back >= to) {
    int64_t a = t1 < 0 ? -t1 : t1;
    int n = 0;
    while (a >>= 1) n++;
    to = back - ((int64_t)1 << (n - float_digits(dt) + 1));
  }
  return to;
}

/* The value range of an integer dtype (bool: 0..1). */
static void int_bounds(THDtype dt, int64_t *lo, int64_t *hi) {
  switch (dt) {
  case TH_I8: *lo = INT8_MIN; *hi = INT8_MAX; break;
  case TH_I16: *lo = INT16_MIN; *hi = INT16_MAX; break;
  case TH_I32: *lo = INT32_MIN; *hi = INT32_MAX; break;
  case TH_U8: *lo = 0; *hi = UINT8_MAX; break;
  case TH_BOOL: *lo = 0; *hi = 1; break;
  default: *lo = INT64_MIN; *hi = INT64_MAX; break;
  }
}

static int check_random_bounds(THDtype dt, int64_t from, int64_t to_inc) {
  const char *dn = THDtype_name(dt);
  if (THDtype_isFloating(dt)) {
    double hi = float_max(dt);
    if ((double)from < -hi || (double)from > hi)
      return TH_setError("[random_] from = %lld is out of bounds for %s", (long long)from, dn);
    if ((double)to_inc < -hi || (double)to_inc > hi)
      return TH_setError("[random_] to - 1 = %lld is out of bounds for %s", (long long)to_inc, dn);
    return TH_OK;
  }
  int64_t lo, hi;
  int_bounds(dt, &lo, &hi);
  if (from < lo || from > hi)
    return TH_setError("[random_] from = %lld is out of bounds for %s", (long long)from, dn);
  if (to_inc < lo || to_inc > hi)
    return TH_setError("[random_] to - 1 = %lld is out of bounds for %s", (long long)to_inc, dn);
  return TH_OK;
}

int THTensor_randomFromTo_(THTensor *t, int64_t from, int64_t to, bool has_to, THGenerator *g) {
  if (check_writable("random_", t)) return TH_ERROR;
  THDtype dt = t->dtype;
  bool fl = THDtype_isFloating(dt);
  THRandomParams p = {.mode = 0};
  if (has_to) {
    if (from >= to)
      return TH_setError("[random_] expects 'from' to be less than 'to', but got from=%lld >= to=%lld",
                         (long long)from, (long long)to);
    if (fl) {
      from = update_from(from, dt);
      to = update_to(to, dt);
      if (from >= to)
        return TH_setError("[random_] expects 'from' converted to %s to be less than 'to' converted "
                           "to %s, but got from=%lld >= to=%lld", THDtype_name(dt), THDtype_name(dt),
                           (long long)from, (long long)to);
    }
    if (check_random_bounds(dt, from, to - 1)) return TH_ERROR;
    p.base = from;
    p.range = (uint64_t)to - (uint64_t)from;
  } else if (from != INT64_MIN) {
    int64_t to_inc, lo;
    if (fl) {
      int digits = float_digits(dt);
      to_inc = digits >= 63 ? INT64_MAX : (int64_t)1 << digits;
      from = update_from(from, dt);
      if (from >= to_inc)
        return TH_setError("[random_] expects 'from' converted to %s to be less than %lld, but got "
                           "from=%lld", THDtype_name(dt), (long long)to_inc, (long long)from);
    } else {
      int_bounds(dt, &lo, &to_inc);
    }
    if (check_random_bounds(dt, from, to_inc)) return TH_ERROR;
    p.base = from;
    p.range = (uint64_t)to_inc - (uint64_t)from + 1;
  } else {
    if (dt != TH_I64 && dt != TH_F64 && dt != TH_F32 && dt != TH_BF16)
      return TH_setError("[random_] the full 64-bit range handles only int64, float64, float32 and "
                         "bfloat16, got %s", THDtype_name(dt));
    p.mode = 2;
  }
  return run_kernel(TH_OP_random, t, NULL, &p, g);
}

int THTensor_bernoulli_(THTensor *t, double prob, THGenerator *g) {
  if (check_writable("bernoulli_", t)) return TH_ERROR;
  if (!(prob >= 0 && prob <= 1))
    return TH_setError("[bernoulli_] expects p to be in [0, 1], but got p=%g", prob);
  THRandomParams p = {.a = prob};
  return run_kernel(TH_OP_bernoulli, t, NULL, &p, g);
}

/* Checks that every element of t is in [lo, hi] (NaN fails); t any dtype on any device (a
 * device tensor is read through a float64 copy on the host). */
static int values_in(const THTensor *t, double lo, double hi, bool *ok) {
  THTensor *c;
  if (THTensor_device(t).type == TH_DEVICE_CPU) {
    c = THTensor_toDtype(t, TH_F64);
  } else if ((c = THTensor_empty(TH_F64, TH_CPU, t->ndim, t->size)) && THTensor_copy(c, t) != TH_OK) {
    THTensor_free(c);
    c = NULL;
  }
  if (!c) return TH_ERROR;
  const double *v = THTensor_data(c);
  int64_t n = THTensor_numel(c);
  bool good = true;
  for (int64_t i = 0; i < n && good; i++) good = v[i] >= lo && v[i] <= hi;
  THTensor_free(c);
  *ok = good;
  return TH_OK;
}

static const char *device_name(THDevice d, char *buf) {
  if (d.type == TH_DEVICE_CPU) return "cpu";
  snprintf(buf, 32, "cuda:%d", d.index);
  return buf;
}

int THTensor_bernoulliTensor_(THTensor *t, const THTensor *prob, THGenerator *g) {
  char a[TH_SHAPE_STRLEN], b[TH_SHAPE_STRLEN];
  if (check_writable("bernoulli_", t)) return TH_ERROR;
  if (!THDevice_equal(THTensor_device(t), THTensor_device(prob)))
    return TH_setError("[bernoulli_] expected all tensors to be on the same device, but found at "
                       "least two devices, %s and %s", device_name(THTensor_device(t), a),
                       device_name(THTensor_device(prob), b));
  if (!THDtype_isFloating(prob->dtype))
    return TH_setError("[bernoulli_] expected floating point probabilities, got %s",
                       THDtype_name(prob->dtype));
  THTensor *ex = THTensor_expand(prob, t->ndim, t->size);
  if (!ex)
    return TH_setError("[bernoulli_] probabilities of shape %s cannot be broadcast to the shape %s "
                       "of the tensor", TH_formatShape(a, prob->ndim, prob->size),
                       TH_formatShape(b, t->ndim, t->size));
  bool ok; /* the unexpanded probabilities: the same values, fewer of them */
  if (values_in(prob, 0, 1, &ok) != TH_OK) {
    THTensor_free(ex);
    return TH_ERROR;
  }
  int rc;
  if (!ok) {
    rc = TH_setError("[bernoulli_] expects all probabilities to be in [0, 1]");
  } else {
    /* the probabilities may share memory with t (x:bernoulli_(x)): read them from a copy */
    THTensor *src = ex;
    if (ex->storage == t->storage) src = THTensor_clone(ex);
    THRandomParams p = {0};
    rc = src ? run_kernel(TH_OP_bernoulli, t, src, &p, g) : TH_ERROR;
    if (src != ex) THTensor_free(src);
  }
  THTensor_free(ex);
  return rc;
}

/* ======================================================================= new tensors */

THTensor *THTensor_emptyLikeDense(const THTensor *t, THDtype dtype) {
  int nd = t->ndim;
  int perm[TH_MAX_DIMS]; /* perm[0] innermost */
  for (int i = 0; i < nd; i++) perm[i] = nd - 1 - i;
  /* PyTorch's infer_dense_strides: an insertion sort by stride that leaves dims with a zero
   * stride where they are and puts the smaller of two equal-stride dims inside */
  for (int i = 1; i < nd; i++) {
    int d1 = i;
    for (int d0 = i - 1; d0 >= 0; d0--) {
      int64_t s0 = t->stride[perm[d0]], s1 = t->stride[perm[d1]];
      int cmp;
      if (s0 == 0 || s1 == 0) cmp = 0;
      else if (s0 < s1) cmp = -1;
      else if (s0 > s1) cmp = 1;
      else cmp = t->size[perm[d0]] > t->size[perm[d1]] ? 1 : 0;
      if (cmp > 0) {
        int tmp = perm[d0];
        perm[d0] = perm[d1];
        perm[d1] = tmp;
        d1 = d0;
      } else if (cmp < 0) {
        break;
      }
    }
  }
  int64_t strides[TH_MAX_DIMS], st = 1;
  for (int i = 0; i < nd; i++) {
    strides[perm[i]] = st;
    st *= t->size[perm[i]] > 1 ? t->size[perm[i]] : 1;
  }
  THTensor *r = THTensor_empty(dtype, THTensor_device(t), nd, t->size);
  if (!r || nd == 0) return r;
  memcpy(r->stride, strides, (size_t)nd * sizeof(int64_t));
  return r;
}

/* Resizes out to shape as PyTorch's out= does, or makes a new tensor. */
static THTensor *output_for(const char *op, THTensor *out, THDtype dtype, THDevice dev, int ndim,
                            const int64_t *shape) {
  if (!out) return THTensor_empty(dtype, dev, ndim, shape);
  if (has_internal_overlap(out)) {
    TH_setError("[%s] unsupported operation: more than one element of the written-to tensor "
                "refers to a single memory location; clone() the tensor first", op);
    return NULL;
  }
  bool same = out->ndim == ndim && memcmp(out->size, shape, (size_t)ndim * sizeof(int64_t)) == 0;
  if (!same && THTensor_resize(out, ndim, shape) != TH_OK) return NULL;
  THTensor_retain(out);
  return out;
}

THTensor *THTensor_normalTensor(THTensor *out, THArg mean, THArg std, THGenerator *g) {
  char a[TH_SHAPE_STRLEN], b[TH_SHAPE_STRLEN];
  if (!mean.t && !std.t) {
    TH_setError("[normal] expects a tensor mean or std (use normal_ or normal(mean, std, size) "
                "for numbers)");
    return NULL;
  }
  if (!std.t && !(std.s.f >= 0.0)) {
    TH_setError("[normal] expects std >= 0.0, but found std %g", std.s.f);
    return NULL;
  }
  const THTensor *ref = mean.t ? mean.t : std.t;
  if (!THDtype_isFloating(ref->dtype)) {
    TH_setError("[normal] expected a floating point tensor, got %s", THDtype_name(ref->dtype));
    return NULL;
  }
  if (std.t) {
    bool ok;
    if (values_in(std.t, 0, INFINITY, &ok) != TH_OK) return NULL;
    if (!ok) {
      TH_setError("[normal] expects all elements of std >= 0.0");
      return NULL;
    }
  }
  int ndim = ref->ndim;
  int64_t shape[TH_MAX_DIMS];
  memcpy(shape, ref->size, sizeof shape);
  if (mean.t && std.t &&
      THTensor_broadcastShape("normal", mean.t->ndim, mean.t->size, std.t->ndim, std.t->size,
                              &ndim, shape) != TH_OK) {
    TH_setError("[normal] the shapes of mean %s and std %s cannot be broadcast together",
                TH_formatShape(a, mean.t->ndim, mean.t->size), TH_formatShape(b, std.t->ndim, std.t->size));
    return NULL;
  }
  THTensor *r = output_for("normal", out, ref->dtype, THTensor_device(ref), ndim, shape);
  if (!r) return NULL;
  if (out && !THDtype_isFloating(out->dtype)) {
    THTensor_free(r);
    TH_setError("[normal] expected a floating point out tensor, got %s", THDtype_name(out->dtype));
    return NULL;
  }
  /* PyTorch's order: samples of N(0, std) plus mean, or N(0, 1) times std plus mean */
  THArg self = THArg_tensor(r);
  int rc = THTensor_normal_(r, 0.0, std.t ? 1.0 : std.s.f, g);
  if (rc == TH_OK && std.t) {
    THArg args[2] = {self, std};
    THTensor *m = THMath_pointwise(TH_OP_mul, r, true, 2, args, NULL);
    rc = m ? TH_OK : TH_ERROR;
    THTensor_free(m);
  }
  if (rc == TH_OK) {
    THArg args[2] = {self, mean};
    THOpParams p = TH_OPPARAMS_DEFAULT;
    THTensor *s = THMath_pointwise(TH_OP_add, r, true, 2, args, &p);
    rc = s ? TH_OK : TH_ERROR;
    THTensor_free(s);
  }
  if (rc != TH_OK) {
    THTensor_free(r);
    return NULL;
  }
  return r;
}

THTensor *THTensor_randperm(int64_t n, THDtype dtype, THDevice device, THGenerator *g) {
  if (n < 0) {
    TH_setError("[randperm] n must be non-negative, got %lld", (long long)n);
    return NULL;
  }
  if (dtype == TH_BOOL) {
    TH_setError("[randperm] not implemented for dtype bool");
    return NULL;
  }
  if (THDtype_isFloating(dtype)) {
    int64_t most = ((int64_t)1 << float_digits(dtype)) + 1;
    if (n > most) {
      TH_setError("[randperm] n cannot be greater than %lld for %s, got %lld", (long long)most,
                  THDtype_name(dtype), (long long)n);
      return NULL;
    }
  } else {
    int64_t lo, hi;
    int_bounds(dtype, &lo, &hi);
    if (n - 1 > hi) {
      TH_setError("[randperm] n = %lld is too large for %s (largest value %lld)", (long long)n,
                  THDtype_name(dtype), (long long)hi);
      return NULL;
    }
  }
  THTensor *r = THTensor_empty(dtype, device, 1, &n);
  if (!r) return NULL;
  THRandomParams p = {0};
  if (run_kernel(TH_OP_randperm, r, NULL, &p, g) != TH_OK) {
    THTensor_free(r);
    return NULL;
  }
  return r;
}

THTensor *THTensor_multinomial(THTensor *out, const THTensor *probs, int64_t nsample,
                               bool replacement, THGenerator *g) {
  char a[TH_SHAPE_STRLEN];
  if (probs->ndim < 1 || probs->ndim > 2) {
    TH_setError("[multinomial] prob_dist must be 1 or 2 dim, got shape %s",
                TH_formatShape(a, probs->ndim, probs->size));
    return NULL;
  }
  if (!THDtype_isFloating(probs->dtype)) {
    TH_setError("[multinomial] only supports floating-point dtypes for input, got %s",
                THDtype_name(probs->dtype));
    return NULL;
  }
  if (nsample <= 0) {
    TH_setError("[multinomial] cannot sample n_sample <= 0 samples (got %lld)", (long long)nsample);
    return NULL;
  }
  int64_t ncat = probs->size[probs->ndim - 1];
  if (!replacement && nsample > ncat) {
    TH_setError("[multinomial] cannot sample n_sample > prob_dist.size(-1) samples without "
                "replacement (n_sample = %lld, %lld categories)", (long long)nsample, (long long)ncat);
    return NULL;
  }
  if (ncat > ((int64_t)1 << 24)) {
    TH_setError("[multinomial] number of categories cannot exceed 2^24 (got %lld)", (long long)ncat);
    return NULL;
  }
  if (out && out->dtype != TH_I64) {
    TH_setError("[multinomial] expects an int64 out tensor, got %s", THDtype_name(out->dtype));
    return NULL;
  }
  int64_t shape[2] = {probs->size[0], nsample};
  int nd = probs->ndim;
  if (nd == 1) shape[0] = nsample;
  /* sampled into a new tensor first: a bad distribution leaves out= untouched */
  THTensor *r = THTensor_empty(TH_I64, THTensor_device(probs), nd, shape);
  if (!r) return NULL;
  THRandomParams p = {.nsample = nsample, .replacement = replacement};
  if (run_kernel(TH_OP_multinomial, r, probs, &p, g) != TH_OK) {
    THTensor_free(r);
    return NULL;
  }
  if (!out) return r;
  THTensor *o = output_for("multinomial", out, TH_I64, THTensor_device(probs), nd, shape);
  int rc = o ? THTensor_copy(o, r) : TH_ERROR;
  THTensor_free(r);
  if (rc != TH_OK) {
    THTensor_free(o);
    return NULL;
  }
  return o;
}
