/* THC.h: the CUDA backend's public C API (prefix THC_).
 *
 * libTHC registers CUDA kernels for THOps.def's rows in lib/TH's dispatch table, a caching
 * device allocator for TH_DEVICE_CUDA storages and a page-locked host allocator.  Nothing is
 * registered until THC_init succeeds, so a program linked with libTHC runs unchanged on a
 * machine without a GPU: THC_init fails, THC_unavailableReason says why, and tensors stay on
 * the CPU.  Every call here returns TH_OK / TH_ERROR (or a value) and reports failures with
 * TH_setError, like lib/TH.
 */
#ifndef THC_H
#define THC_H

#include "TH.h"

#define THC_MAX_DEVICES 16

/* Finds the devices and registers the backend; idempotent and thread-safe.  TH_ERROR (with
 * the reason also in THC_unavailableReason) when no usable CUDA device exists. */
TH_API int THC_init(void);
TH_API const char *THC_unavailableReason(void); /* "" once THC_init has succeeded */
TH_API int THC_deviceCount(void);               /* 0 when unavailable; never fails */
TH_API int THC_currentDevice(void);
TH_API int THC_setDevice(int device);
/* name, compute capability and memory of a device */
TH_API int THC_deviceProperties(int device, char *name, size_t name_len, int *major,
                                int *minor, size_t *total_memory, int *multiprocessors);
/* Waits for all work on the device (-1: the current one). */
TH_API int THC_synchronize(int device);

/* ---- streams: kernels of this thread run on the current stream of their device ---- */
typedef struct THCStream THCStream;
TH_API THCStream *THC_streamNew(int device, int priority); /* NULL on failure */
TH_API THCStream *THC_streamDefault(int device);           /* never freed */
TH_API void THC_streamFree(THCStream *s);                  /* no-op for default streams */
TH_API THCStream *THC_streamCurrent(int device);           /* -1: the current device */
TH_API int THC_streamSetCurrent(THCStream *s);              /* for s's device, this thread */
TH_API int THC_streamSynchronize(THCStream *s);
TH_API int THC_streamQuery(THCStream *s, bool *done);
TH_API int THC_streamDevice(const THCStream *s);
TH_API uintptr_t THC_streamId(const THCStream *s); /* the cudaStream_t as an integer */

/* ---- events ---- */
typedef struct THCEvent THCEvent;
TH_API THCEvent *THC_eventNew(bool enable_timing, bool blocking, bool interprocess);
TH_API void THC_eventFree(THCEvent *e);
TH_API int THC_eventRecord(THCEvent *e, THCStream *s); /* s NULL: the current stream */
TH_API int THC_eventSynchronize(THCEvent *e);
TH_API int THC_eventQuery(THCEvent *e, bool *done);
TH_API int THC_eventWait(THCEvent *e, THCStream *s); /* s waits for e, without the host */
TH_API int THC_eventElapsed(THCEvent *start, THCEvent *end, float *ms);

/* ---- the caching allocator ---- */
typedef struct {
  size_t allocated;     /* bytes held by live tensors (after rounding) */
  size_t reserved;      /* bytes obtained from cudaMalloc, cached or in use */
  size_t max_allocated; /* peak of allocated since start or the last reset */
  size_t max_reserved;
  uint64_t num_allocs, num_cuda_mallocs, num_ooms;
} THCMemoryStats;
TH_API int THC_memoryStats(int device, THCMemoryStats *out);
TH_API int THC_resetPeakStats(int device);
/* Returns every cached, unused block to the driver (all devices). */
TH_API int THC_emptyCache(void);

/* ---- random numbers: one Philox generator (seed, offset) per device ---- */
TH_API int THC_manualSeed(int device, uint64_t seed); /* -1: every device */
TH_API uint64_t THC_initialSeed(int device);
/* Reserves `increment` counter values for one kernel launch on device: the kernel draws from
 * (seed, offset .. offset + increment).  PyTorch's philox_cuda_state. */
TH_API int THC_philoxReserve(int device, uint64_t increment, uint64_t *seed, uint64_t *offset);

/* ---- matrix products: TF32 tensor cores for float32 (PyTorch's
 * torch.backends.cuda.matmul.allow_tf32); off by default, process-wide ---- */
TH_API int THC_setAllowTF32(bool allow);
TH_API bool THC_getAllowTF32(void);

#endif
