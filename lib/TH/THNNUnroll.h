/* THNNUnroll.h: how convolution unrolls one sample's image into columns (im2col), shared by the
 * CPU kernels and the CUDA backend's fallback path (which is why it depends on nothing but
 * <stdint.h>: CUDA kernel files read it too).
 *
 * The image (C, H, W) becomes columns (C kH kW, oH oW); for a transposed convolution the image
 * is the output and the columns span the input.  THNNUnroll_of (THNN.h) fills it from a
 * convolution's geometry.
 */
#ifndef TH_NN_UNROLL_H
#define TH_NN_UNROLL_H

#include <stdint.h>

typedef struct {
  int64_t C, H, W, oH, oW, kH, kW, sH, sW, pH, pW, dH, dW;
} THNNUnroll;

/* A 1x1 kernel with stride 1 and no padding: the columns are the image itself. */
static inline int THNNUnroll_isDirect(const THNNUnroll *u) {
  return u->kH == 1 && u->kW == 1 && u->sH == 1 && u->sW == 1 && u->pH == 0 && u->pW == 0 &&
         u->H == u->oH && u->W == u->oW;
}

#endif
