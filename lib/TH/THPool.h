/* THPool.h (internal): per-thread free lists for the small fixed-size headers (tensors,
 * storages) that every op creates, so that making a 1-element tensor costs no malloc. */
#ifndef TH_POOL_H
#define TH_POOL_H

#include <stdbool.h>
#include <stdlib.h>
#include "THGeneral.h"

#define TH_POOL_MAX 4096

typedef struct THPoolItem { struct THPoolItem *next; } THPoolItem;
typedef struct { THPoolItem *head; int count; bool watched; } THPool;

/* Frees the pool's items when the calling thread exits (THAllocator.c keeps the list). */
void THPool_watch(THPool *pool);
/* Frees every item of the pool now. */
static inline void THPool_drain(THPool *pool) {
  while (pool->head) {
    THPoolItem *it = pool->head;
    pool->head = it->next;
    free(it);
  }
  pool->count = 0;
}

static inline void *THPool_get(THPool *pool, size_t size) {
  THPoolItem *it = pool->head;
  if (it) {
    pool->head = it->next;
    pool->count--;
    return it;
  }
  return malloc(size);
}

static inline void THPool_put(THPool *pool, void *p) {
  if (TH_UNLIKELY(!pool->watched)) {
    pool->watched = true;
    THPool_watch(pool);
  }
  if (pool->count >= TH_POOL_MAX) {
    free(p);
    return;
  }
  THPoolItem *it = p;
  it->next = pool->head;
  pool->head = it;
  pool->count++;
}

#endif
