/* THAllocator.c: 64-byte aligned CPU memory with a size-class cache.
 *
 * Blocks up to TH_SMALL_MAX bytes are rounded to a size class and kept, when freed, on a
 * per-thread free list (no locking; a block may be freed on another thread than the one that
 * allocated it, it then joins that thread's list).  Larger blocks are rounded to whole pages
 * and kept on one mutex-protected list, reused when a request fits a cached block within 1/8
 * of its size.  Both caches are bounded; what does not fit goes back to the system.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include "THAllocator.h"
#include "THPool.h"

#define TH_SMALL_MAX (1u << 20)
#define TH_THREAD_CACHE_MAX ((size_t)64 << 20)
#define TH_LARGE_CACHE_MAX ((size_t)2 << 30)
#define TH_NCLASSES 64

static atomic_size_t live_bytes, cached_bytes; /* cached_bytes: large blocks only */

/* ---- size classes: 64-byte steps to 1 KiB, then 4 classes per power of two ---- */
static int size_class(size_t n, size_t *rounded) {
  if (n <= 1024) {
    size_t c = n ? (n + 63) / 64 : 1;
    *rounded = c * 64;
    return (int)c - 1; /* 0..15 */
  }
  int k = 63 - __builtin_clzll((unsigned long long)(n - 1)); /* 2^k < n <= 2^(k+1) */
  size_t base = (size_t)1 << k, step = base / 4;
  size_t j = (n - base + step - 1) / step; /* 1..4 */
  *rounded = base + j * step;
  return 16 + (k - 10) * 4 + (int)j - 1;
}

typedef struct FreeBlock { struct FreeBlock *next; } FreeBlock;
#define TH_MAX_WATCHED_POOLS 8
typedef struct {
  FreeBlock *lists[TH_NCLASSES];
  size_t bytes;
  THPool *pools[TH_MAX_WATCHED_POOLS]; /* header pools of this thread, drained at exit */
  int npools;
} ThreadCache;

static pthread_key_t cache_key;
static pthread_once_t cache_once = PTHREAD_ONCE_INIT;
static _Thread_local TH_TLS_FAST ThreadCache *thread_cache;

static void thread_cache_flush(ThreadCache *c) {
  for (int i = 0; i < TH_NCLASSES; i++) {
    while (c->lists[i]) {
      FreeBlock *b = c->lists[i];
      c->lists[i] = b->next;
      free(b);
    }
  }
  c->bytes = 0;
}

static void thread_cache_destroy(void *p) {
  ThreadCache *c = p;
  for (int i = 0; i < c->npools; i++) THPool_drain(c->pools[i]);
  thread_cache_flush(p);
  free(p);
}

static void make_key(void) { pthread_key_create(&cache_key, thread_cache_destroy); }

static ThreadCache *get_thread_cache(void) {
  if (TH_LIKELY(thread_cache != NULL)) return thread_cache;
  pthread_once(&cache_once, make_key);
  ThreadCache *c = calloc(1, sizeof *c);
  if (!c) return NULL;
  pthread_setspecific(cache_key, c);
  thread_cache = c;
  return c;
}

void THPool_watch(THPool *pool) {
  ThreadCache *c = get_thread_cache();
  if (c && c->npools < TH_MAX_WATCHED_POOLS) c->pools[c->npools++] = pool;
}

/* ---- large blocks ---- */
typedef struct LargeBlock {
  struct LargeBlock *next;
  void *ptr;
  size_t size;
} LargeBlock;
static LargeBlock *large_list;
static size_t large_bytes;
static pthread_mutex_t large_lock = PTHREAD_MUTEX_INITIALIZER;

static size_t round_large(size_t n) { return (n + 4095) & ~(size_t)4095; }

static void *large_take(size_t n) {
  void *p = NULL;
  pthread_mutex_lock(&large_lock);
  LargeBlock **best = NULL;
  for (LargeBlock **b = &large_list; *b; b = &(*b)->next)
    if ((*b)->size == n) { best = b; break; }
  if (best) {
    LargeBlock *b = *best;
    *best = b->next;
    large_bytes -= b->size;
    atomic_fetch_sub(&cached_bytes, b->size);
    p = b->ptr;
    free(b);
  }
  pthread_mutex_unlock(&large_lock);
  return p;
}

static void large_give(void *p, size_t n) {
  LargeBlock *b = NULL;
  pthread_mutex_lock(&large_lock);
  /* make room: drop the oldest-cached blocks (the list tail) */
  while (large_bytes + n > TH_LARGE_CACHE_MAX && large_list) {
    LargeBlock **last = &large_list;
    while ((*last)->next) last = &(*last)->next;
    LargeBlock *old = *last;
    *last = NULL;
    large_bytes -= old->size;
    atomic_fetch_sub(&cached_bytes, old->size);
    free(old->ptr);
    free(old);
  }
  if (n <= TH_LARGE_CACHE_MAX && (b = malloc(sizeof *b)) != NULL) {
    b->ptr = p;
    b->size = n;
    b->next = large_list;
    large_list = b;
    large_bytes += n;
    atomic_fetch_add(&cached_bytes, n);
  }
  pthread_mutex_unlock(&large_lock);
  if (!b) free(p);
}

/* ---- public ---- */
void *THAlloc(size_t nbytes) {
  size_t rounded;
  void *p = NULL;
  if (nbytes <= TH_SMALL_MAX) {
    int c = size_class(nbytes, &rounded);
    ThreadCache *tc = get_thread_cache();
    if (tc && tc->lists[c]) {
      FreeBlock *b = tc->lists[c];
      tc->lists[c] = b->next;
      tc->bytes -= rounded;
      p = b;
    }
  } else {
    rounded = round_large(nbytes);
    p = large_take(rounded);
  }
  if (!p) p = aligned_alloc(TH_ALIGNMENT, rounded);
  if (!p) {
    TH_setError("out of memory: failed to allocate %zu bytes", nbytes);
    return NULL;
  }
  atomic_fetch_add(&live_bytes, rounded);
  return p;
}

void THFree(void *ptr, size_t nbytes) {
  if (!ptr) return;
  size_t rounded;
  if (nbytes <= TH_SMALL_MAX) {
    int c = size_class(nbytes, &rounded);
    atomic_fetch_sub(&live_bytes, rounded);
    ThreadCache *tc = get_thread_cache();
    if (tc && tc->bytes + rounded <= TH_THREAD_CACHE_MAX) {
      FreeBlock *b = ptr;
      b->next = tc->lists[c];
      tc->lists[c] = b;
      tc->bytes += rounded;
    } else {
      free(ptr);
    }
  } else {
    rounded = round_large(nbytes);
    atomic_fetch_sub(&live_bytes, rounded);
    large_give(ptr, rounded);
  }
}

size_t THAllocator_liveBytes(void) { return atomic_load(&live_bytes); }
/* Large blocks of all threads plus this thread's small-block cache. */
size_t THAllocator_cachedBytes(void) {
  ThreadCache *tc = get_thread_cache();
  return atomic_load(&cached_bytes) + (tc ? tc->bytes : 0);
}

void THAllocator_emptyCache(void) {
  ThreadCache *tc = get_thread_cache();
  if (tc) thread_cache_flush(tc);
  pthread_mutex_lock(&large_lock);
  while (large_list) {
    LargeBlock *b = large_list;
    large_list = b->next;
    atomic_fetch_sub(&cached_bytes, b->size);
    free(b->ptr);
    free(b);
  }
  large_bytes = 0;
  pthread_mutex_unlock(&large_lock);
}
