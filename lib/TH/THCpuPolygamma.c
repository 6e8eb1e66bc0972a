/* THCpuPolygamma.c: CPU loops of the polygamma row (the n-th derivative of digamma, n >= 1,
 * in alpha.i), which digamma's backward formula and polygamma's own formula are built from
 * (lib/TH/autograd/THDerivPointwise.c).  Computed in double for every floating dtype by
 * THSpecial.h's th_polygamma (trigamma for n = 1, the Hurwitz zeta above), which the CUDA
 * kernels share.  Poles (x = 0, -1, -2, ...) give inf (or -inf for even n, as PyTorch); NaN
 * gives NaN. */
#include "THCpuLoops.h"
#include "THSpecial.h"

/* alpha holds n (both alpha.f and alpha.i are set by THTensor_polygamma) */
#define TH_X(ID, NAME, CTYPE, ACC, KIND) \
  TH_DEFINE_UNARY_LOOP(polygamma, ID, CTYPE, double, (th_polygamma((int64_t)alpha, (double)a)))
TH_FORALL_FLOAT_DTYPES(TH_X)
#undef TH_X

__attribute__((constructor)) static void register_polygamma(void) {
#define TH_X(ID, NAME, CTYPE, ACC, KIND) THCpu_registerLoop(TH_OP_polygamma, TH_##ID, polygamma_##ID);
  TH_FORALL_FLOAT_DTYPES(TH_X)
#undef TH_X
}
