/* THCRandomKernels.h: the plain-C boundary of THC's random kernels (internal).
 *
 * THCRandom.c (the glue) checks nothing that lib/TH's THRandom.c has already checked: it
 * reserves Philox counters for the launch with THC_philoxReserve, describes the operands as
 * POD structs and calls these launchers on the current stream of the tensors' device.
 *
 * Every kernel draws from Philox-4x32-10 keyed by the generator's seed.  A "group" of output
 * elements (two or four consecutive elements in the iteration order) is one Philox
 * subsequence: its counter is (offset / 4, group index), so one Philox call gives the group
 * its four 32-bit numbers and the result depends on the seed, the offset and the element's
 * position only, never on the launch geometry.  Each launch reserves THC_PHILOX_INCREMENT
 * counter values, so the next launch draws from fresh counters.
 */
#ifndef THC_RANDOM_KERNELS_H
#define THC_RANDOM_KERNELS_H

#include <stdbool.h>
#include "THCKernels.h"

#ifdef __cplusplus
extern "C" {
#endif

/* 32-bit numbers one subsequence uses per launch: one Philox call. */
#define THC_PHILOX_INCREMENT 4

/* The Philox stream of one launch. */
typedef struct {
  uint64_t seed;
  uint64_t offset; /* a multiple of 4: the counter of the launch's first call is offset / 4 */
} THCPhilox;

/* THRandomParams (THRandom.h) with the fields the kernels read. */
typedef struct {
  double a, b;    /* uniform: from, to; normal/log_normal: mean, std; exponential: lambda;
                     cauchy: median, sigma; geometric, bernoulli: p */
  int64_t base;   /* random mode 0: the smallest value */
  uint64_t range; /* random mode 0: how many values */
  int mode;       /* random: 0 [base, base + range), 1 random_()'s default, 2 full 64 bits */
} THCRandomParams;

/* Fills the one-operand iteration it (any dtype the CPU kernel accepts for op) with samples of
 * the RANDOM row op (THC_OP_uniform .. THC_OP_bernoulli with a number p); THC_UNSUPPORTED for
 * another op or dtype. */
cudaError_t THC_launchRandomFill(int op, const THCIter *it, const THCRandomParams *p,
                                 THCPhilox ph, cudaStream_t stream);
/* bernoulli_ with probabilities: operand 0 the output (any dtype), operand 1 the floating
 * probabilities broadcast to it; both on the current device. */
cudaError_t THC_launchBernoulliTensor(const THCIter *it, THCPhilox ph, cudaStream_t stream);

/* randperm: out (n contiguous int64) <- a random permutation of 0 .. n-1, by sorting random
 * 64-bit keys; workspace of THC_randpermWorkspace bytes on the device. */
cudaError_t THC_randpermWorkspace(int64_t n, size_t *bytes);
cudaError_t THC_launchRandperm(int64_t *out, int64_t n, void *workspace, size_t bytes,
                               THCPhilox ph, cudaStream_t stream);

/* The distributions of multinomial: rows x ncat weights of a floating dtype, strides in
 * elements. */
typedef struct {
  const char *data;
  int dtype;
  int64_t rows, ncat;
  int64_t row_stride, col_stride;
} THCProbs;

/* Per row, four int32 into flags[4 * row] (THC_MULTINOMIAL_*): the first column whose weight
 * is negative or NaN, the first that is +inf (ncat when none), whether some weight is > 0 in
 * double, and whether some weight is > 0 once converted to float. */
enum {
  THC_MULTINOMIAL_FIRST_NEGATIVE,
  THC_MULTINOMIAL_FIRST_INF,
  THC_MULTINOMIAL_ANY_POSITIVE,
  THC_MULTINOMIAL_ANY_POSITIVE_FLOAT,
  THC_MULTINOMIAL_NFLAGS
};
cudaError_t THC_launchMultinomialCheck(const THCProbs *p, int32_t *flags, cudaStream_t stream);
/* out (rows x nsample contiguous int64, 0-based) <- samples of each row, whose weights have
 * passed the check; workspace of THC_multinomialWorkspace bytes on the device. */
cudaError_t THC_multinomialWorkspace(const THCProbs *p, int64_t nsample, bool replacement,
                                     size_t *bytes);
cudaError_t THC_launchMultinomial(const THCProbs *p, int64_t nsample, bool replacement,
                                  int64_t *out, void *workspace, size_t bytes, THCPhilox ph,
                                  cudaStream_t stream);

#ifdef __cplusplus
}
#endif

#endif
