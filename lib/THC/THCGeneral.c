/* THCGeneral.c: device discovery, the error checker, device guards, streams and events.
 *
 * THC_init runs once: it counts devices, launches an empty kernel to prove that this build's
 * code runs on device 0 (a driver too old or an architecture not compiled for shows up here,
 * not in the first real op), then registers allocators and kernels.  When any step fails the
 * reason is kept for torch.cuda.is_available() and nothing is registered.
 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include "THCGeneral.h"
#include "THCKernels.h"

static pthread_once_t init_once = PTHREAD_ONCE_INIT;
static int device_count = 0;
static char unavailable_reason[512] = "THC_init was not called";

int THC_check(cudaError_t e, const char *call, const char *file, int line) {
  if (e == cudaSuccess) return TH_OK;
  (void)cudaGetLastError(); /* clear a non-sticky error so the next call starts clean */
  const char *base = strrchr(file, '/');
  return TH_setError("[cuda] %s (%s) in %s at %s:%d", cudaGetErrorString(e), cudaGetErrorName(e),
                     call, base ? base + 1 : file, line);
}

static void init_once_body(void) {
  int n = 0;
  cudaError_t e = cudaGetDeviceCount(&n);
  if (e != cudaSuccess || n == 0) {
    snprintf(unavailable_reason, sizeof unavailable_reason,
             "no usable CUDA device: %s (%s)",
             e == cudaSuccess ? "the driver reports 0 devices" : cudaGetErrorString(e),
             e == cudaSuccess ? "cudaGetDeviceCount" : cudaGetErrorName(e));
    (void)cudaGetLastError();
    return;
  }
  if ((e = THC_probeKernel()) != cudaSuccess) {
    int major = 0, minor = 0;
    cudaDeviceGetAttribute(&major, cudaDevAttrComputeCapabilityMajor, 0);
    cudaDeviceGetAttribute(&minor, cudaDevAttrComputeCapabilityMinor, 0);
    snprintf(unavailable_reason, sizeof unavailable_reason,
             "a test kernel failed on device 0 (compute capability %d.%d; this build targets "
             "%s): %s (%s)", major, minor, THC_COMPILED_ARCHS, cudaGetErrorString(e),
             cudaGetErrorName(e));
    (void)cudaGetLastError();
    return;
  }
  if (n > THC_MAX_DEVICES) n = THC_MAX_DEVICES;
  unavailable_reason[0] = 0;
  THC_registerAllocators();
  void (*const families[])(void) = {THC_registerPointwise, THC_registerReduce, THC_registerLinalg,
                                    THC_registerIndex,     THC_registerSort,   THC_registerRandom,
                                    THC_registerNN,        THC_registerCudnn};
  for (size_t i = 0; i < sizeof families / sizeof families[0]; i++) families[i]();
  device_count = n;
}

int THC_init(void) {
  pthread_once(&init_once, init_once_body);
  if (device_count == 0) return TH_setError("[cuda] %s", unavailable_reason);
  return TH_OK;
}

const char *THC_unavailableReason(void) { return unavailable_reason; }

int THC_deviceCount(void) {
  pthread_once(&init_once, init_once_body);
  return device_count;
}

static int check_device(int device) {
  if (THC_init() != TH_OK) return TH_ERROR;
  if (device < 0 || device >= device_count)
    return TH_setError("[cuda] invalid device index %d: this machine has %d CUDA device%s", device,
                       device_count, device_count == 1 ? "" : "s");
  return TH_OK;
}

int THC_currentDevice(void) {
  int d = 0;
  if (THC_init() != TH_OK) return -1;
  return THC_CHECK(cudaGetDevice(&d)) == TH_OK ? d : -1;
}

int THC_setDevice(int device) {
  if (check_device(device) != TH_OK) return TH_ERROR;
  return THC_CHECK(cudaSetDevice(device));
}

int THC_deviceProperties(int device, char *name, size_t name_len, int *major, int *minor,
                         size_t *total_memory, int *multiprocessors) {
  struct cudaDeviceProp p;
  if (check_device(device) != TH_OK || THC_CHECK(cudaGetDeviceProperties(&p, device)) != TH_OK)
    return TH_ERROR;
  if (name && name_len) snprintf(name, name_len, "%s", p.name);
  if (major) *major = p.major;
  if (minor) *minor = p.minor;
  if (total_memory) *total_memory = p.totalGlobalMem;
  if (multiprocessors) *multiprocessors = p.multiProcessorCount;
  return TH_OK;
}

int THC_guardEnter(THCGuard *g, int device) {
  g->changed = false;
  if (THC_CHECK(cudaGetDevice(&g->prev)) != TH_OK) return TH_ERROR;
  if (device < 0 || device == g->prev) return TH_OK;
  if (THC_CHECK(cudaSetDevice(device)) != TH_OK) return TH_ERROR;
  g->changed = true;
  return TH_OK;
}

void THC_guardExit(THCGuard *g) {
  if (g->changed) cudaSetDevice(g->prev);
}

int THC_synchronize(int device) {
  THCGuard g;
  if (device >= 0 && check_device(device) != TH_OK) return TH_ERROR;
  if (device < 0 && THC_init() != TH_OK) return TH_ERROR;
  if (THC_guardEnter(&g, device) != TH_OK) return TH_ERROR;
  int rc = THC_CHECK(cudaDeviceSynchronize());
  THC_guardExit(&g);
  return rc;
}

/* ======================================================================= streams */

struct THCStream {
  cudaStream_t stream;
  int device;
  bool is_default;
};

static THCStream default_streams[THC_MAX_DEVICES];
static _Thread_local THCStream *current_streams[THC_MAX_DEVICES];

static int resolve_device(int device) {
  if (device >= 0) return check_device(device) == TH_OK ? device : -1;
  return THC_currentDevice();
}

THCStream *THC_streamDefault(int device) {
  if ((device = resolve_device(device)) < 0) return NULL;
  THCStream *s = &default_streams[device];
  s->device = device; /* the legacy default stream, handle 0 */
  s->is_default = true;
  return s;
}

THCStream *THC_streamCurrent(int device) {
  if ((device = resolve_device(device)) < 0) return NULL;
  return current_streams[device] ? current_streams[device] : THC_streamDefault(device);
}

cudaStream_t THC_stream(int device) {
  if (device < 0 && cudaGetDevice(&device) != cudaSuccess) return 0;
  THCStream *s = (unsigned)device < THC_MAX_DEVICES ? current_streams[device] : NULL;
  return s ? s->stream : 0;
}

THCStream *THC_streamNew(int device, int priority) {
  THCGuard g;
  if ((device = resolve_device(device)) < 0 || THC_guardEnter(&g, device) != TH_OK) return NULL;
  THCStream *s = THAlloc(sizeof *s);
  if (!s) {
    THC_guardExit(&g);
    TH_setError("[cuda] out of memory allocating a stream");
    return NULL;
  }
  s->device = device;
  s->is_default = false;
  /* like PyTorch's streams: no implicit synchronisation with the legacy default stream */
  int rc = THC_CHECK(cudaStreamCreateWithPriority(&s->stream, cudaStreamNonBlocking, priority));
  THC_guardExit(&g);
  if (rc != TH_OK) {
    THFree(s, sizeof *s);
    return NULL;
  }
  return s;
}

void THC_streamFree(THCStream *s) {
  if (!s || s->is_default) return;
  if (current_streams[s->device] == s) current_streams[s->device] = NULL;
  cudaStreamDestroy(s->stream);
  THFree(s, sizeof *s);
}

int THC_streamSetCurrent(THCStream *s) {
  if (!s) return TH_setError("[cuda] set_stream: no stream given");
  current_streams[s->device] = s->is_default ? NULL : s;
  return TH_OK;
}

int THC_streamSynchronize(THCStream *s) { return THC_CHECK(cudaStreamSynchronize(s->stream)); }

int THC_streamQuery(THCStream *s, bool *done) {
  cudaError_t e = cudaStreamQuery(s->stream);
  *done = e == cudaSuccess;
  return e == cudaErrorNotReady ? (cudaGetLastError(), TH_OK) : THC_CHECK(e);
}

int THC_streamDevice(const THCStream *s) { return s->device; }
uintptr_t THC_streamId(const THCStream *s) { return (uintptr_t)s->stream; }

/* ======================================================================= events */

struct THCEvent {
  cudaEvent_t event;
  bool timing;
};

THCEvent *THC_eventNew(bool enable_timing, bool blocking, bool interprocess) {
  if (THC_init() != TH_OK) return NULL;
  THCEvent *e = THAlloc(sizeof *e);
  if (!e) {
    TH_setError("[cuda] out of memory allocating an event");
    return NULL;
  }
  unsigned flags = (enable_timing ? 0 : cudaEventDisableTiming) |
                   (blocking ? cudaEventBlockingSync : 0) |
                   (interprocess ? cudaEventInterprocess | cudaEventDisableTiming : 0);
  e->timing = enable_timing && !interprocess;
  if (THC_CHECK(cudaEventCreateWithFlags(&e->event, flags)) != TH_OK) {
    THFree(e, sizeof *e);
    return NULL;
  }
  return e;
}

void THC_eventFree(THCEvent *e) {
  if (!e) return;
  cudaEventDestroy(e->event);
  THFree(e, sizeof *e);
}

int THC_eventRecord(THCEvent *e, THCStream *s) {
  return THC_CHECK(cudaEventRecord(e->event, s ? s->stream : THC_stream(-1)));
}

int THC_eventSynchronize(THCEvent *e) { return THC_CHECK(cudaEventSynchronize(e->event)); }

int THC_eventQuery(THCEvent *e, bool *done) {
  cudaError_t r = cudaEventQuery(e->event);
  *done = r == cudaSuccess;
  return r == cudaErrorNotReady ? (cudaGetLastError(), TH_OK) : THC_CHECK(r);
}

int THC_eventWait(THCEvent *e, THCStream *s) {
  return THC_CHECK(cudaStreamWaitEvent(s ? s->stream : THC_stream(-1), e->event, 0));
}

int THC_eventElapsed(THCEvent *start, THCEvent *end, float *ms) {
  if (!start->timing || !end->timing)
    return TH_setError("[cuda] elapsed_time needs both events created with enable_timing=true");
  return THC_CHECK(cudaEventElapsedTime(ms, start->event, end->event));
}
