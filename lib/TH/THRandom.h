/* THRandom.h: random number generators and the random ops of lib/TH.
 *
 * The generator is PyTorch's CPU generator, bit for bit: a 32-bit Mersenne Twister (MT19937)
 * seeded the way at::mt19937 seeds it, plus the cached second Box-Muller sample of the scalar
 * normal sampler.  Every op draws from it in the order, and converts the draws with the
 * arithmetic, that PyTorch 1.13's CPU kernels use (its AVX2 build, the one every x86-64 CPU
 * with AVX2 runs), so that after the same seed the same calls give the same numbers.  What a
 * sample consumes:
 *
 *   uniform float32/16/bf16  one 32-bit draw, its low 24 (11, 8) bits times 2^-24 (2^-11, 2^-8)
 *   uniform float64          one 64-bit draw (two 32-bit draws, the first the high half),
 *                            its low 53 bits times 2^-53
 *   normal, float32, >= 16 contiguous elements: one uniform per element, then Box-Muller on
 *                            blocks of 16 (Cephes log/sincos polynomials in single precision);
 *                            a ragged tail redraws 16 uniforms for the last 16 elements
 *   normal, float64/16/bf16 >= 16 contiguous: the same blocks in the element type with libm
 *   normal, otherwise        per element a float64 Box-Muller pair from two 64-bit uniforms;
 *                            the second value is cached in the generator for the next call
 *
 * Thread safety: a generator holds a mutex; every op holds it while it draws, so one
 * generator can be shared by threads (each op's draws stay contiguous in the stream).  The
 * default generator is one per process, like PyTorch's, seeded from /dev/urandom on first use.
 *
 * The ops follow THMath.h's conventions: 0-based, TH_OK / TH_ERROR (or NULL) with
 * TH_lastError() set, inputs unchanged after a failure.  A NULL generator means the default;
 * tensors on a CUDA device take NULL only (they draw from their device's Philox generator).
 */
#ifndef TH_RANDOM_H
#define TH_RANDOM_H

#include <pthread.h>
#include "THMath.h"

/* ======================================================================= generators */

#define TH_MT_N 624
/* PyTorch's default_rng_seed_val: the seed of a new torch.Generator(). */
#define TH_RNG_DEFAULT_SEED UINT64_C(67280421310721)
/* Bytes of a generator state (torch.get_rng_state()), PyTorch's CPUGeneratorImplState:
 *   offset    0  uint64   initial seed
 *             8  int32    MT words left before the next twist (1..624)
 *            12  int32    seeded flag (1)
 *            16  uint64   index of the next MT word (0..624)
 *            24  uint64   the 624 MT words, each zero-extended to 64 bits
 *          5016  float64  unused (0)
 *          5024  float64  cached float64 normal sample
 *          5032  float64  unused (0)
 *          5040  int32    cached float64 normal sample is valid
 *          5044  (4 bytes of padding, 0)
 *          5048  float32  cached float32 normal sample
 *          5052  uint8    cached float32 normal sample is valid
 *          5053  (3 bytes of padding, 0)
 * little-endian, as on every platform PyTorch runs on. */
#define TH_RNG_STATE_SIZE 5056

typedef struct THGenerator {
  pthread_mutex_t mutex;
  uint64_t seed;          /* the initial seed (initial_seed()) */
  int left;               /* MT words left before the next twist */
  uint32_t next;          /* index of the next MT word */
  uint32_t state[TH_MT_N];
  bool has_normal;        /* cached second Box-Muller value (float64 sampler) */
  double next_normal;
  bool has_normal_f;      /* the float32 sampler's cache (kept for the state layout) */
  float next_normal_f;
} THGenerator;

/* A new generator seeded with seed (TH_RNG_DEFAULT_SEED is torch.Generator()'s); NULL when
 * out of memory. */
TH_API THGenerator *THGenerator_new(uint64_t seed);
TH_API void THGenerator_free(THGenerator *g);
/* The process-wide default generator (never freed). */
TH_API THGenerator *THGenerator_default(void);

TH_API void THGenerator_manualSeed(THGenerator *g, uint64_t seed);
/* Reseeds from /dev/urandom (53 bits, so that Lua numbers hold it exactly); returns the seed. */
TH_API uint64_t THGenerator_seed(THGenerator *g);
TH_API uint64_t THGenerator_initialSeed(THGenerator *g);
/* The state as TH_RNG_STATE_SIZE bytes (layout above). */
TH_API void THGenerator_getState(THGenerator *g, uint8_t *out);
/* Restores a state from getState (or from PyTorch's torch.get_rng_state()); fails, leaving g
 * as it was, when the size is wrong or the MT position is out of range. */
TH_API int THGenerator_setState(THGenerator *g, const uint8_t *state, size_t nbytes);
/* The same with uint8 tensors of TH_RNG_STATE_SIZE elements. */
TH_API THTensor *THGenerator_getStateTensor(THGenerator *g);
TH_API int THGenerator_setStateTensor(THGenerator *g, const THTensor *state);

/* One 32-bit / 64-bit draw, taking the lock (for C users; kernels draw under one lock). */
TH_API uint32_t THGenerator_random(THGenerator *g);
TH_API uint64_t THGenerator_random64(THGenerator *g);

/* ---- for kernels: draws without locking (hold g->mutex around a whole op) ---- */

void THGenerator_twist(THGenerator *g);

static inline uint32_t THGenerator_next32(THGenerator *g) {
  if (--g->left == 0) THGenerator_twist(g);
  uint32_t y = g->state[g->next++];
  y ^= y >> 11;
  y ^= (y << 7) & 0x9d2c5680u;
  y ^= (y << 15) & 0xefc60000u;
  y ^= y >> 18;
  return y;
}

static inline uint64_t THGenerator_next64(THGenerator *g) {
  uint64_t hi = THGenerator_next32(g);
  return (hi << 32) | THGenerator_next32(g);
}

/* ======================================================================= ops */

/* Parameters of a random kernel; each op reads the fields it names. */
typedef struct {
  double a, b;     /* uniform: from, to; normal/log_normal: mean, std; exponential: lambda;
                      cauchy: median, sigma; geometric, bernoulli (scalar): p */
  int64_t base;    /* random: the smallest value */
  uint64_t range;  /* random: how many values (mode 0) */
  int mode;        /* random: 0 [base, base + range), 1 random_()'s default range,
                      2 the full 64-bit range */
  int64_t nsample; /* multinomial: samples per distribution */
  bool replacement;
} THRandomParams;

/* The signature of every RANDOM kernel in the dispatch table (stored in THKernel.fn):
 * out is written; in is the op's tensor operand (bernoulli's probabilities, multinomial's
 * distributions), or NULL. */
typedef int (*THRandomKernel)(THOp op, THTensor *out, const THTensor *in,
                              const THRandomParams *p, THGenerator *g);

/* In-place fills (PyTorch's Tensor.uniform_ and friends), for any layout. */
TH_API int THTensor_uniform_(THTensor *t, double from, double to, THGenerator *g);
TH_API int THTensor_normal_(THTensor *t, double mean, double std, THGenerator *g);
TH_API int THTensor_exponential_(THTensor *t, double lambd, THGenerator *g);
TH_API int THTensor_cauchy_(THTensor *t, double median, double sigma, THGenerator *g);
TH_API int THTensor_logNormal_(THTensor *t, double mean, double std, THGenerator *g);
TH_API int THTensor_geometric_(THTensor *t, double p, THGenerator *g);
/* random_(): [0, 2^mantissa] for floats, [0, max] for integers, {0, 1} for bool */
TH_API int THTensor_random_(THTensor *t, THGenerator *g);
/* random_(from, to): [from, to); has_to false means "to the dtype's largest value". */
TH_API int THTensor_randomFromTo_(THTensor *t, int64_t from, int64_t to, bool has_to,
                                  THGenerator *g);
/* bernoulli_(p) with a number, or with a tensor of probabilities broadcast to t */
TH_API int THTensor_bernoulli_(THTensor *t, double p, THGenerator *g);
TH_API int THTensor_bernoulliTensor_(THTensor *t, const THTensor *p, THGenerator *g);

/* normal(mean, std) with either or both tensors (broadcast); the result has the dtype of the
 * tensor operand (mean's when both are); out as in THMath.h. */
TH_API THTensor *THTensor_normalTensor(THTensor *out, THArg mean, THArg std, THGenerator *g);
/* A random permutation of 0 .. n-1. */
TH_API THTensor *THTensor_randperm(int64_t n, THDtype dtype, THDevice device, THGenerator *g);
/* Indices (0-based, int64) sampled from the rows of a 1-D or 2-D tensor of weights. */
TH_API THTensor *THTensor_multinomial(THTensor *out, const THTensor *probs, int64_t nsample,
                                      bool replacement, THGenerator *g);

/* An uninitialised dense tensor shaped like t whose memory order follows t's strides
 * (PyTorch's empty_like with preserve_format); random _like functions fill it. */
TH_API THTensor *THTensor_emptyLikeDense(const THTensor *t, THDtype dtype);

/* Testing hook: 1 makes the float32 normal kernel use its portable scalar code even where
 * the AVX2/FMA one could run (both give identical numbers). */
TH_API void THRandom_forceScalar(int on);

#endif
