/* lb_cuda.c: the Lua module torch.cuda_core, loaded by lua/torch/cuda.lua (prefix lbc_).
 *
 * Tensors themselves go through torch.core like every other tensor (the dispatch table sends
 * their ops here), so this module only binds what has no tensor: device queries, streams,
 * events, the allocator's statistics and the generators' seeds.  Device indices are 0-based,
 * as in 'cuda:0'.  Failures raise TH's message as the Lua error.
 */
#include <cublas_v2.h>
#include <cuda_runtime_api.h>
#include <lauxlib.h>
#include <lua.h>
#include "THC.h"

#define STREAM_MT "torch.cuda.Stream*"
#define EVENT_MT "torch.cuda.Event*"

static int lbc_error(lua_State *L) { return luaL_error(L, "%s", TH_lastError()); }
static int lbc_check(lua_State *L, int rc) { return rc == TH_OK ? 0 : lbc_error(L); }
static int lbc_optdevice(lua_State *L, int idx) { return (int)luaL_optinteger(L, idx, -1); }

/* init() -> true | false, reason */
static int lbc_init(lua_State *L) {
  if (THC_init() == TH_OK) {
    lua_pushboolean(L, 1);
    return 1;
  }
  lua_pushboolean(L, 0);
  lua_pushstring(L, THC_unavailableReason());
  return 2;
}

static int lbc_device_count(lua_State *L) {
  lua_pushinteger(L, THC_deviceCount());
  return 1;
}

static int lbc_current_device(lua_State *L) {
  int d = THC_currentDevice();
  if (d < 0) return lbc_error(L);
  lua_pushinteger(L, d);
  return 1;
}

static int lbc_set_device(lua_State *L) {
  lbc_check(L, THC_setDevice((int)luaL_checkinteger(L, 1)));
  return 0;
}

static int lbc_synchronize(lua_State *L) {
  lbc_check(L, THC_synchronize(lbc_optdevice(L, 1)));
  return 0;
}

/* properties(device) -> {name, major, minor, total_memory, multi_processor_count} */
static int lbc_properties(lua_State *L) {
  char name[256];
  int major, minor, sms, device = lbc_optdevice(L, 1);
  size_t total;
  if (device < 0 && (device = THC_currentDevice()) < 0) return lbc_error(L);
  lbc_check(L, THC_deviceProperties(device, name, sizeof name, &major, &minor, &total, &sms));
  lua_createtable(L, 0, 5);
  lua_pushstring(L, name);
  lua_setfield(L, -2, "name");
  lua_pushinteger(L, major);
  lua_setfield(L, -2, "major");
  lua_pushinteger(L, minor);
  lua_setfield(L, -2, "minor");
  lua_pushnumber(L, (lua_Number)total);
  lua_setfield(L, -2, "total_memory");
  lua_pushinteger(L, sms);
  lua_setfield(L, -2, "multi_processor_count");
  return 1;
}

/* memory_stats(device) -> table of byte counts */
static int lbc_memory_stats(lua_State *L) {
  THCMemoryStats s;
  lbc_check(L, THC_memoryStats(lbc_optdevice(L, 1), &s));
  lua_createtable(L, 0, 7);
#define FIELD(NAME)                          \
  lua_pushnumber(L, (lua_Number)s.NAME);     \
  lua_setfield(L, -2, #NAME)
  FIELD(allocated);
  FIELD(reserved);
  FIELD(max_allocated);
  FIELD(max_reserved);
  FIELD(num_allocs);
  FIELD(num_cuda_mallocs);
  FIELD(num_ooms);
#undef FIELD
  return 1;
}

static int lbc_reset_peak_memory_stats(lua_State *L) {
  lbc_check(L, THC_resetPeakStats(lbc_optdevice(L, 1)));
  return 0;
}

static int lbc_empty_cache(lua_State *L) {
  lbc_check(L, THC_emptyCache());
  return 0;
}

/* manual_seed(seed, device): device -1 seeds every device */
static int lbc_manual_seed(lua_State *L) {
  lua_Number seed = luaL_checknumber(L, 1);
  uint64_t s = seed < 0 ? (uint64_t)(int64_t)seed : (uint64_t)seed;
  lbc_check(L, THC_manualSeed(lbc_optdevice(L, 2), s));
  return 0;
}

static int lbc_initial_seed(lua_State *L) {
  uint64_t s = THC_initialSeed(lbc_optdevice(L, 1));
  if (s == 0 && THC_deviceCount() == 0) return lbc_error(L);
  lua_pushnumber(L, (lua_Number)s);
  return 1;
}

/* ---- streams: userdata holding a THCStream*; default streams are never freed ---- */
static THCStream *lbc_checkstream(lua_State *L, int idx) {
  THCStream **p = luaL_checkudata(L, idx, STREAM_MT);
  if (!*p) luaL_argerror(L, idx, "stream already released");
  return *p;
}

static int lbc_pushstream(lua_State *L, THCStream *s) {
  if (!s) return lbc_error(L);
  THCStream **p = lua_newuserdata(L, sizeof *p);
  *p = s;
  luaL_getmetatable(L, STREAM_MT);
  lua_setmetatable(L, -2);
  return 1;
}

static int lbc_stream_new(lua_State *L) {
  return lbc_pushstream(L, THC_streamNew(lbc_optdevice(L, 1), (int)luaL_optinteger(L, 2, 0)));
}
static int lbc_stream_default(lua_State *L) { return lbc_pushstream(L, THC_streamDefault(lbc_optdevice(L, 1))); }
static int lbc_stream_current(lua_State *L) { return lbc_pushstream(L, THC_streamCurrent(lbc_optdevice(L, 1))); }

static int lbc_stream_set(lua_State *L) {
  lbc_check(L, THC_streamSetCurrent(lbc_checkstream(L, 1)));
  return 0;
}

static int lbc_stream_synchronize(lua_State *L) {
  lbc_check(L, THC_streamSynchronize(lbc_checkstream(L, 1)));
  return 0;
}

static int lbc_stream_query(lua_State *L) {
  bool done;
  lbc_check(L, THC_streamQuery(lbc_checkstream(L, 1), &done));
  lua_pushboolean(L, done);
  return 1;
}

static int lbc_stream_info(lua_State *L) {
  THCStream *s = lbc_checkstream(L, 1);
  lua_pushinteger(L, THC_streamDevice(s));
  lua_pushnumber(L, (lua_Number)THC_streamId(s));
  return 2;
}

static int lbc_stream_gc(lua_State *L) {
  THCStream **p = luaL_checkudata(L, 1, STREAM_MT);
  THC_streamFree(*p); /* a no-op for default streams */
  *p = NULL;
  return 0;
}

/* ---- events ---- */
static THCEvent *lbc_checkevent(lua_State *L, int idx) {
  THCEvent **p = luaL_checkudata(L, idx, EVENT_MT);
  if (!*p) luaL_argerror(L, idx, "event already released");
  return *p;
}

/* event_new(enable_timing, blocking, interprocess) */
static int lbc_event_new(lua_State *L) {
  THCEvent **p = lua_newuserdata(L, sizeof *p);
  *p = NULL;
  luaL_getmetatable(L, EVENT_MT);
  lua_setmetatable(L, -2);
  if (!(*p = THC_eventNew(lua_toboolean(L, 1), lua_toboolean(L, 2), lua_toboolean(L, 3))))
    return lbc_error(L);
  return 1;
}

static THCStream *lbc_optstream(lua_State *L, int idx) {
  return lua_isnoneornil(L, idx) ? NULL : lbc_checkstream(L, idx);
}

static int lbc_event_record(lua_State *L) {
  lbc_check(L, THC_eventRecord(lbc_checkevent(L, 1), lbc_optstream(L, 2)));
  return 0;
}

static int lbc_event_wait(lua_State *L) {
  lbc_check(L, THC_eventWait(lbc_checkevent(L, 1), lbc_optstream(L, 2)));
  return 0;
}

static int lbc_event_synchronize(lua_State *L) {
  lbc_check(L, THC_eventSynchronize(lbc_checkevent(L, 1)));
  return 0;
}

static int lbc_event_query(lua_State *L) {
  bool done;
  lbc_check(L, THC_eventQuery(lbc_checkevent(L, 1), &done));
  lua_pushboolean(L, done);
  return 1;
}

static int lbc_event_elapsed(lua_State *L) {
  float ms;
  lbc_check(L, THC_eventElapsed(lbc_checkevent(L, 1), lbc_checkevent(L, 2), &ms));
  lua_pushnumber(L, ms);
  return 1;
}

static int lbc_event_gc(lua_State *L) {
  THCEvent **p = luaL_checkudata(L, 1, EVENT_MT);
  THC_eventFree(*p);
  *p = NULL;
  return 0;
}

/* ---- reference measurements for the GPU benchmarks (bench/lua/G*.lua): what the hardware
 * and the vendor library reach without any of this project's code in the way ---- */

/* Median milliseconds of `iters` timed runs of body (after one warm-up), timed with events
 * on the default stream.  body returns a cudaError_t. */
static int lbc_time(lua_State *L, int iters, cudaError_t (*body)(void *), void *ctx, double *ms) {
  cudaEvent_t a, b;
  float *t = lua_newuserdata(L, sizeof(float) * (size_t)iters);
  if (cudaEventCreate(&a) != cudaSuccess || cudaEventCreate(&b) != cudaSuccess)
    return luaL_error(L, "[cuda] cannot create events");
  cudaError_t e = body(ctx);
  for (int i = 0; i < iters && e == cudaSuccess; i++) {
    cudaEventRecord(a, 0);
    e = body(ctx);
    cudaEventRecord(b, 0);
    if (e == cudaSuccess) e = cudaEventSynchronize(b);
    if (e == cudaSuccess) e = cudaEventElapsedTime(&t[i], a, b);
  }
  cudaEventDestroy(a);
  cudaEventDestroy(b);
  if (e != cudaSuccess) return luaL_error(L, "[cuda] reference run failed: %s", cudaGetErrorString(e));
  for (int i = 1; i < iters; i++) /* insertion sort, iters is small */
    for (int j = i; j > 0 && t[j - 1] > t[j]; j--) {
      float x = t[j];
      t[j] = t[j - 1];
      t[j - 1] = x;
    }
  *ms = t[iters / 2];
  lua_pop(L, 1);
  return 0;
}

typedef struct {
  cublasHandle_t handle;
  int n;
  float *a, *b, *c;
} SgemmRun;

static cudaError_t sgemm_body(void *ctx) {
  SgemmRun *r = ctx;
  const float one = 1, zero = 0;
  cublasStatus_t st = cublasSgemm(r->handle, CUBLAS_OP_N, CUBLAS_OP_N, r->n, r->n, r->n, &one,
                                  r->a, r->n, r->b, r->n, &zero, r->c, r->n);
  return st == CUBLAS_STATUS_SUCCESS ? cudaSuccess : cudaErrorUnknown;
}

/* reference_sgemm(n, iters) -> TFLOP/s of a plain cublasSgemm on n x n float32 (no TF32) */
static int lbc_reference_sgemm(lua_State *L) {
  SgemmRun r = {NULL, (int)luaL_checkinteger(L, 1), NULL, NULL, NULL};
  int iters = (int)luaL_optinteger(L, 2, 10);
  size_t bytes = (size_t)r.n * (size_t)r.n * sizeof(float);
  double ms = 0;
  lbc_check(L, THC_init());
  if (cublasCreate(&r.handle) != CUBLAS_STATUS_SUCCESS) return luaL_error(L, "[cuda] cublasCreate failed");
  cublasSetMathMode(r.handle, CUBLAS_DEFAULT_MATH);
  if (cudaMalloc((void **)&r.a, bytes) != cudaSuccess || cudaMalloc((void **)&r.b, bytes) != cudaSuccess ||
      cudaMalloc((void **)&r.c, bytes) != cudaSuccess) {
    cudaFree(r.a);
    cudaFree(r.b);
    cublasDestroy(r.handle);
    return luaL_error(L, "[cuda] out of memory for the reference sgemm");
  }
  cudaMemset(r.a, 0, bytes);
  cudaMemset(r.b, 0, bytes);
  lbc_time(L, iters, sgemm_body, &r, &ms);
  cudaFree(r.a);
  cudaFree(r.b);
  cudaFree(r.c);
  cublasDestroy(r.handle);
  lua_pushnumber(L, 2.0 * r.n * (double)r.n * r.n / (ms * 1e-3) / 1e12);
  return 1;
}

typedef struct {
  void *src, *dst;
  size_t bytes;
} CopyRun;

static cudaError_t copy_body(void *ctx) {
  CopyRun *r = ctx;
  return cudaMemcpyAsync(r->dst, r->src, r->bytes, cudaMemcpyDeviceToDevice, 0);
}

/* reference_copy(nbytes, iters) -> GB/s of a device-to-device cudaMemcpy, counting the bytes
 * read and written (2 * nbytes) */
static int lbc_reference_copy(lua_State *L) {
  CopyRun r = {NULL, NULL, (size_t)luaL_checknumber(L, 1)};
  int iters = (int)luaL_optinteger(L, 2, 20);
  double ms = 0;
  lbc_check(L, THC_init());
  if (cudaMalloc(&r.src, r.bytes) != cudaSuccess || cudaMalloc(&r.dst, r.bytes) != cudaSuccess) {
    cudaFree(r.src);
    return luaL_error(L, "[cuda] out of memory for the reference copy");
  }
  lbc_time(L, iters, copy_body, &r, &ms);
  cudaFree(r.src);
  cudaFree(r.dst);
  lua_pushnumber(L, 2.0 * (double)r.bytes / (ms * 1e-3) / 1e9);
  return 1;
}

/* allow_tf32_get() -> bool; allow_tf32_set(bool): TF32 tensor cores for float32 products */
static int lbc_allow_tf32_get(lua_State *L) {
  lua_pushboolean(L, THC_getAllowTF32());
  return 1;
}

static int lbc_allow_tf32_set(lua_State *L) {
  luaL_checktype(L, 1, LUA_TBOOLEAN);
  lbc_check(L, THC_setAllowTF32(lua_toboolean(L, 1)));
  return 0;
}

int luaopen_torch_cuda_core(lua_State *L);
int luaopen_torch_cuda_core(lua_State *L) {
  luaL_newmetatable(L, STREAM_MT);
  lua_pushcfunction(L, lbc_stream_gc);
  lua_setfield(L, -2, "__gc");
  luaL_newmetatable(L, EVENT_MT);
  lua_pushcfunction(L, lbc_event_gc);
  lua_setfield(L, -2, "__gc");
  lua_pop(L, 2);
  static const luaL_Reg funcs[] = {
      {"init", lbc_init},
      {"device_count", lbc_device_count},
      {"current_device", lbc_current_device},
      {"set_device", lbc_set_device},
      {"synchronize", lbc_synchronize},
      {"properties", lbc_properties},
      {"memory_stats", lbc_memory_stats},
      {"reset_peak_memory_stats", lbc_reset_peak_memory_stats},
      {"empty_cache", lbc_empty_cache},
      {"manual_seed", lbc_manual_seed},
      {"initial_seed", lbc_initial_seed},
      {"stream_new", lbc_stream_new},
      {"stream_default", lbc_stream_default},
      {"stream_current", lbc_stream_current},
      {"stream_set", lbc_stream_set},
      {"stream_synchronize", lbc_stream_synchronize},
      {"stream_query", lbc_stream_query},
      {"stream_info", lbc_stream_info},
      {"event_new", lbc_event_new},
      {"event_record", lbc_event_record},
      {"event_wait", lbc_event_wait},
      {"event_synchronize", lbc_event_synchronize},
      {"event_query", lbc_event_query},
      {"event_elapsed", lbc_event_elapsed},
      {"reference_sgemm", lbc_reference_sgemm},
      {"reference_copy", lbc_reference_copy},
      {"allow_tf32_get", lbc_allow_tf32_get},
      {"allow_tf32_set", lbc_allow_tf32_set},
      {NULL, NULL}};
  lua_newtable(L);
  luaL_register(L, NULL, funcs);
  return 1;
}
