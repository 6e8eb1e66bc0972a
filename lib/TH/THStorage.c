/* THStorage.c: reference-counted storage, owned or wrapping external memory. */
#include <stddef.h>
#include <string.h>
#include "THAllocator.h"
#include "THPool.h"
#include "THStorage.h"

static _Thread_local TH_TLS_FAST THPool storage_pool;
static THDeviceAllocator device_allocators[TH_NDEVICE_TYPES];

void THStorage_registerAllocator(THDeviceType type, const THDeviceAllocator *a) {
  device_allocators[type] = *a;
}

bool THStorage_deviceAvailable(THDeviceType type) {
  return type == TH_DEVICE_CPU || ((unsigned)type < TH_NDEVICE_TYPES && device_allocators[type].alloc);
}

static THPinnedAllocator pinned_allocator;

void THStorage_registerPinnedAllocator(const THPinnedAllocator *a) { pinned_allocator = *a; }

THStorage *THStorage_newPinned(size_t nbytes) {
  if (!pinned_allocator.alloc) {
    TH_setError("[pin_memory] page-locked memory needs a CUDA device, and none is available "
                "(see torch.cuda.is_available())");
    return NULL;
  }
  void *p = pinned_allocator.alloc(nbytes);
  if (!p) return NULL;
  THStorage *s = THStorage_wrap(TH_CPU, p, nbytes, pinned_allocator.release, NULL);
  if (!s) pinned_allocator.release(NULL, p);
  return s;
}

bool THStorage_isPinned(const THStorage *s) {
  return pinned_allocator.release && s->release == pinned_allocator.release;
}

static void *device_alloc(THDevice d, size_t n) {
  if (d.type == TH_DEVICE_CPU) return THAlloc(n);
  if (!device_allocators[d.type].alloc) {
    TH_setError("[%s] no allocator for this device: this build has no CUDA backend",
                d.type == TH_DEVICE_CUDA ? "cuda" : "device");
    return NULL;
  }
  return device_allocators[d.type].alloc(d.index, n);
}

static void device_free(THDevice d, void *p, size_t n) {
  if (d.type == TH_DEVICE_CPU)
    THFree(p, n);
  else
    device_allocators[d.type].free(d.index, p, n);
}

static THStorage *storage_header(THDevice device) {
  THStorage *s = THPool_get(&storage_pool, sizeof(THStorage));
  if (!s) {
    TH_setError("out of memory allocating a storage header");
    return NULL;
  }
  s->data = NULL;
  s->nbytes = 0;
  atomic_init(&s->refcount, 1);
  s->device = device;
  s->version = 0;
  s->owned = false;
  s->release = NULL;
  s->release_ctx = NULL;
  return s;
}

THStorage *THStorage_new(THDevice device, size_t nbytes) {
  THStorage *s = storage_header(device);
  if (!s) return NULL;
  if (device.type == TH_DEVICE_CPU && nbytes <= TH_STORAGE_INLINE) {
    s->data = s->inline_data;
    s->nbytes = nbytes;
    s->owned = true;
    return s;
  }
  s->data = device_alloc(device, nbytes);
  if (!s->data) {
    THPool_put(&storage_pool, s);
    return NULL;
  }
  s->nbytes = nbytes;
  s->owned = true;
  return s;
}

THStorage *THStorage_wrap(THDevice device, void *data, size_t nbytes, THReleaseFn release,
                          void *release_ctx) {
  THStorage *s = storage_header(device);
  if (!s) return NULL;
  s->data = data;
  s->nbytes = nbytes;
  s->release = release;
  s->release_ctx = release_ctx;
  return s;
}

void THStorage_retain(THStorage *s) { atomic_fetch_add_explicit(&s->refcount, 1, memory_order_relaxed); }

void THStorage_release(THStorage *s) {
  if (!s || atomic_fetch_sub_explicit(&s->refcount, 1, memory_order_acq_rel) != 1) return;
  if (s->owned && s->data != s->inline_data)
    device_free(s->device, s->data, s->nbytes);
  else if (s->release)
    s->release(s->release_ctx, s->data);
  THPool_put(&storage_pool, s);
}

int THStorage_resize(THStorage *s, size_t nbytes) {
  if (nbytes <= s->nbytes) return TH_OK;
  if (!s->owned)
    return TH_setError("[resize_] cannot resize a tensor that wraps external memory (%zu bytes) to %zu bytes",
                       s->nbytes, nbytes);
  if (s->device.type != TH_DEVICE_CPU)
    return TH_setError("[resize_] resizing device storage is not supported");
  void *p = THAlloc(nbytes);
  if (!p) return TH_ERROR;
  if (s->nbytes) memcpy(p, s->data, s->nbytes);
  if (s->data != s->inline_data) THFree(s->data, s->nbytes);
  s->data = p;
  s->nbytes = nbytes;
  return TH_OK;
}
