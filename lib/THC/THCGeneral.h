/* THCGeneral.h: what THC's C files share (internal).
 *
 * Every CUDA runtime, cuBLAS or cuDNN status goes through one checker that turns a failure
 * into TH_setError with the call, the status name and the source line, so a failed launch is
 * a Lua error and never a crash.  Kernels run on the current stream of their device; a guard
 * switches the current device for the length of an op on another device's tensors.
 */
#ifndef THC_GENERAL_H
#define THC_GENERAL_H

#include <cuda_runtime_api.h>
#include "THC.h"
#include "THDispatch.h"

/* TH_OK when e is cudaSuccess; otherwise clears the runtime's error and sets TH's error. */
int THC_check(cudaError_t e, const char *call, const char *file, int line);
#define THC_CHECK(call) THC_check((call), #call, __FILE__, __LINE__)

/* The current stream of a device (-1: the current device) for this thread. */
cudaStream_t THC_stream(int device);

/* Makes `device` current until THC_guardExit; cheap when it already is. */
typedef struct {
  int prev;
  bool changed;
} THCGuard;
int THC_guardEnter(THCGuard *g, int device);
void THC_guardExit(THCGuard *g);

/* Set-up of the allocators (THCAllocator.c); called once by THC_init. */
void THC_registerAllocators(void);

/* Each kernel family registers its rows of the dispatch table; called once by THC_init. */
void THC_registerPointwise(void); /* THCPointwise.c: pointwise, fill, range, copy */
void THC_registerReduce(void);    /* THCReduce.c: REDUCE and SCAN */
void THC_registerLinalg(void);    /* THCBlas.c, THCLinalg.c: LINALG (cuBLAS, cuSOLVER) */
void THC_registerIndex(void);     /* THCIndex.c: INDEX */
void THC_registerSort(void);      /* THCSort.c: SORT */
void THC_registerRandom(void);    /* THCRandom.c: RANDOM */
void THC_registerNN(void);        /* THCNN.c: NN softmax, norms, losses, embedding */
void THC_registerCudnn(void);     /* THCCudnn.c: NN convolution, pooling, batch norm */

#endif
