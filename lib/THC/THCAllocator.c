/* THCAllocator.c: the caching allocator for device memory, and page-locked host memory.
 *
 * cudaMalloc and cudaFree cost tens of microseconds and cudaFree synchronises the device, so
 * freed blocks are kept and handed out again.  Requests are rounded up to size classes (four
 * per power of two above 512 bytes, so at most a quarter of a block is slack) and a cached
 * block is reused only for the stream it was allocated on: work queued on that stream runs
 * in order, so the next user cannot overtake the last one.  A failing cudaMalloc first gives
 * every cached block of the device back and retries; only then is it an out-of-memory error,
 * after which the process goes on normally.  Page-locked host memory is not cached: a block
 * may still be the source of a non_blocking copy when its tensor dies.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "THCGeneral.h"

#define NBINS (64 * 4)

typedef struct Block {
  void *ptr;
  size_t size;
  cudaStream_t stream;
  struct Block *next;
} Block;

typedef struct {
  pthread_mutex_t lock;
  Block *bins[NBINS];   /* cached free blocks, by size class */
  Block **live;         /* blocks in use: open addressing on ptr, capacity a power of two */
  size_t live_cap, live_n;
  THCMemoryStats stats;
} Pool;

static Pool pools[THC_MAX_DEVICES];
static char empty_block; /* the address handed out for zero-byte tensors */

/* ---- size classes ---- */
static size_t round_size(size_t n, int *bin) {
  if (n <= 512) {
    *bin = 0;
    return 512;
  }
  /* 2^e < n <= 2^(e+1); the classes in between are 2^(e-2) * {5, 6, 7, 8} */
  int e = 63 - __builtin_clzll((unsigned long long)(n - 1));
  size_t quarter = (size_t)1 << (e - 2);
  size_t q = (n + quarter - 1) / quarter;
  *bin = e * 4 + (int)(q - 5);
  return q * quarter;
}

/* ---- the live-block table ---- */
static size_t slot_of(const Pool *p, const void *ptr) {
  uintptr_t h = (uintptr_t)ptr >> 9;
  h ^= h >> 17;
  h *= 0x9E3779B97F4A7C15ull;
  return (size_t)(h >> 20) & (p->live_cap - 1);
}

static int live_insert(Pool *p, Block *b);

static int live_grow(Pool *p) {
  size_t old_cap = p->live_cap, cap = old_cap ? old_cap * 2 : 1024;
  Block **old = p->live, **fresh = calloc(cap, sizeof *fresh);
  if (!fresh) return TH_setError("[cuda] out of host memory for the allocator's table");
  p->live = fresh;
  p->live_cap = cap;
  p->live_n = 0;
  for (size_t i = 0; i < old_cap; i++)
    if (old[i]) live_insert(p, old[i]);
  free(old);
  return TH_OK;
}

static int live_insert(Pool *p, Block *b) {
  if ((p->live_n + 1) * 2 > p->live_cap && live_grow(p) != TH_OK) return TH_ERROR;
  size_t i = slot_of(p, b->ptr);
  while (p->live[i]) i = (i + 1) & (p->live_cap - 1);
  p->live[i] = b;
  p->live_n++;
  return TH_OK;
}

/* Removes and returns the block of ptr (backward-shift deletion keeps probes short). */
static Block *live_remove(Pool *p, const void *ptr) {
  if (!p->live_cap) return NULL;
  size_t mask = p->live_cap - 1, i = slot_of(p, ptr);
  while (p->live[i] && p->live[i]->ptr != ptr) i = (i + 1) & mask;
  Block *b = p->live[i];
  if (!b) return NULL;
  p->live[i] = NULL;
  p->live_n--;
  for (size_t j = (i + 1) & mask; p->live[j]; j = (j + 1) & mask) {
    size_t home = slot_of(p, p->live[j]->ptr);
    /* move j back into the hole at i when its home does not lie in (i, j] */
    if (((j - home) & mask) >= ((j - i) & mask)) {
      p->live[i] = p->live[j];
      p->live[j] = NULL;
      i = j;
    }
  }
  return b;
}

/* ---- cache maintenance (lock held) ---- */
static void release_cached(Pool *p) {
  for (int b = 0; b < NBINS; b++) {
    while (p->bins[b]) {
      Block *blk = p->bins[b];
      p->bins[b] = blk->next;
      cudaFree(blk->ptr);
      p->stats.reserved -= blk->size;
      free(blk);
    }
  }
}

static void out_of_memory(int device, size_t size, cudaError_t e) {
  size_t free_b = 0, total_b = 0;
  cudaMemGetInfo(&free_b, &total_b);
  (void)cudaGetLastError();
  const double mib = 1024.0 * 1024.0;
  Pool *p = &pools[device];
  TH_setError("[cuda] out of memory: tried to allocate %.2f MiB on cuda:%d (%.2f MiB total, "
              "%.2f MiB free; %.2f MiB in use by tensors, %.2f MiB reserved by the caching "
              "allocator): %s", size / mib, device, total_b / mib, free_b / mib,
              p->stats.allocated / mib, p->stats.reserved / mib, cudaGetErrorString(e));
  p->stats.num_ooms++;
}

static void *device_alloc(int device, size_t nbytes) {
  if ((unsigned)device >= THC_MAX_DEVICES) {
    TH_setError("[cuda] invalid device index %d", device);
    return NULL;
  }
  if (nbytes == 0) return &empty_block;
  int bin;
  size_t size = round_size(nbytes, &bin);
  if (bin >= NBINS) {
    TH_setError("[cuda] cannot allocate %zu bytes", nbytes);
    return NULL;
  }
  THCGuard g;
  if (THC_guardEnter(&g, device) != TH_OK) return NULL;
  cudaStream_t stream = THC_stream(device);
  Pool *p = &pools[device];
  pthread_mutex_lock(&p->lock);
  Block *blk = NULL, **link = &p->bins[bin];
  while (*link && (*link)->stream != stream) link = &(*link)->next;
  if (*link) {
    blk = *link;
    *link = blk->next;
  } else if ((blk = malloc(sizeof *blk))) {
    cudaError_t e = cudaMalloc(&blk->ptr, size);
    if (e != cudaSuccess) {
      (void)cudaGetLastError();
      release_cached(p);
      e = cudaMalloc(&blk->ptr, size);
    }
    if (e != cudaSuccess) {
      (void)cudaGetLastError();
      out_of_memory(device, size, e);
      free(blk);
      blk = NULL;
    } else {
      blk->size = size;
      blk->stream = stream;
      p->stats.reserved += size;
      p->stats.num_cuda_mallocs++;
      if (p->stats.reserved > p->stats.max_reserved) p->stats.max_reserved = p->stats.reserved;
    }
  } else {
    TH_setError("[cuda] out of host memory for a block record");
  }
  if (blk && live_insert(p, blk) != TH_OK) {
    blk->next = p->bins[bin];
    p->bins[bin] = blk;
    blk = NULL;
  }
  if (blk) {
    p->stats.allocated += size;
    p->stats.num_allocs++;
    if (p->stats.allocated > p->stats.max_allocated) p->stats.max_allocated = p->stats.allocated;
  }
  pthread_mutex_unlock(&p->lock);
  THC_guardExit(&g);
  return blk ? blk->ptr : NULL;
}

static void device_free(int device, void *ptr, size_t nbytes) {
  (void)nbytes;
  if (ptr == &empty_block || (unsigned)device >= THC_MAX_DEVICES) return;
  Pool *p = &pools[device];
  pthread_mutex_lock(&p->lock);
  Block *blk = live_remove(p, ptr);
  if (blk) {
    int bin;
    round_size(blk->size, &bin);
    p->stats.allocated -= blk->size;
    blk->next = p->bins[bin];
    p->bins[bin] = blk;
  }
  pthread_mutex_unlock(&p->lock);
}

int THC_memoryStats(int device, THCMemoryStats *out) {
  if (THC_init() != TH_OK) return TH_ERROR;
  if (device < 0) device = THC_currentDevice();
  if (device < 0 || device >= THC_deviceCount())
    return TH_setError("[cuda] invalid device index %d", device);
  Pool *p = &pools[device];
  pthread_mutex_lock(&p->lock);
  *out = p->stats;
  pthread_mutex_unlock(&p->lock);
  return TH_OK;
}

int THC_resetPeakStats(int device) {
  if (THC_init() != TH_OK) return TH_ERROR;
  if (device < 0) device = THC_currentDevice();
  if (device < 0 || device >= THC_deviceCount())
    return TH_setError("[cuda] invalid device index %d", device);
  Pool *p = &pools[device];
  pthread_mutex_lock(&p->lock);
  p->stats.max_allocated = p->stats.allocated;
  p->stats.max_reserved = p->stats.reserved;
  pthread_mutex_unlock(&p->lock);
  return TH_OK;
}

int THC_emptyCache(void) {
  if (THC_init() != TH_OK) return TH_ERROR;
  for (int d = 0; d < THC_deviceCount(); d++) {
    THCGuard g;
    if (THC_guardEnter(&g, d) != TH_OK) return TH_ERROR;
    pthread_mutex_lock(&pools[d].lock);
    release_cached(&pools[d]);
    pthread_mutex_unlock(&pools[d].lock);
    THC_guardExit(&g);
  }
  return TH_OK;
}

/* ---- page-locked host memory ---- */
static void *pinned_alloc(size_t nbytes) {
  void *p = NULL;
  if (THC_CHECK(cudaHostAlloc(&p, nbytes ? nbytes : 1, cudaHostAllocPortable)) != TH_OK)
    return NULL;
  return p;
}

static void pinned_release(void *ctx, void *data) {
  (void)ctx;
  cudaFreeHost(data);
}

void THC_registerAllocators(void) {
  for (int d = 0; d < THC_MAX_DEVICES; d++) pthread_mutex_init(&pools[d].lock, NULL);
  THStorage_registerAllocator(TH_DEVICE_CUDA,
                              &(THDeviceAllocator){.alloc = device_alloc, .free = device_free});
  THStorage_registerPinnedAllocator(
      &(THPinnedAllocator){.alloc = pinned_alloc, .release = pinned_release});
}
