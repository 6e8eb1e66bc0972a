/* THStorage.h: reference-counted blocks of memory that tensors view.
 *
 * A storage owns its bytes (from THAlloc) or wraps memory that belongs to someone else (a
 * LuaJIT FFI buffer, a host application's array); wrapped memory is never copied, and the
 * release callback, if any, runs when the last reference goes.  The version counter is bumped
 * by every in-place write; autograd uses it to detect saved tensors that were overwritten.
 */
#ifndef TH_STORAGE_H
#define TH_STORAGE_H

#include <stdatomic.h>
#include "THGeneral.h"

typedef enum { TH_DEVICE_CPU = 0, TH_DEVICE_CUDA = 1, TH_NDEVICE_TYPES } THDeviceType;

typedef struct {
  int8_t type;  /* THDeviceType */
  int8_t index; /* device ordinal; 0 for the CPU */
} THDevice;

static inline bool THDevice_equal(THDevice a, THDevice b) {
  return a.type == b.type && a.index == b.index;
}
static const THDevice TH_CPU = {TH_DEVICE_CPU, 0};

#define TH_STORAGE_INLINE 32

typedef void (*THReleaseFn)(void *ctx, void *data);

typedef struct THStorage {
  void *data;
  size_t nbytes;
  atomic_int refcount;
  THDevice device;
  uint32_t version;
  bool owned;          /* data came from the device allocator and is freed with it */
  THReleaseFn release; /* for wrapped memory: called with (release_ctx, data), may be NULL */
  void *release_ctx;
  /* tiny CPU tensors keep their bytes here: no allocator call at all */
  _Alignas(16) unsigned char inline_data[TH_STORAGE_INLINE];
} THStorage;

/* A new storage of nbytes uninitialised bytes on the device, refcount 1; NULL on failure. */
TH_API THStorage *THStorage_new(THDevice device, size_t nbytes);
/* Wrap external memory without copying; release (may be NULL) runs when the storage dies. */
TH_API THStorage *THStorage_wrap(THDevice device, void *data, size_t nbytes,
                                 THReleaseFn release, void *release_ctx);
TH_API void THStorage_retain(THStorage *s);
TH_API void THStorage_release(THStorage *s);
/* Grow (never shrink) an owned storage, keeping its bytes; wrapped storage cannot grow. */
TH_API int THStorage_resize(THStorage *s, size_t nbytes);

/* Devices other than the CPU register their allocator here (THC does, when present). */
typedef struct {
  void *(*alloc)(int device_index, size_t nbytes);
  void (*free)(int device_index, void *ptr, size_t nbytes);
} THDeviceAllocator;
TH_API void THStorage_registerAllocator(THDeviceType type, const THDeviceAllocator *a);
/* True when tensors can be made on this device type (the CPU always; others once registered). */
TH_API bool THStorage_deviceAvailable(THDeviceType type);

/* Page-locked ("pinned") host memory, which devices copy from and to asynchronously.  A device
 * backend registers the allocator; until then THStorage_newPinned fails with a clear error. */
typedef struct {
  void *(*alloc)(size_t nbytes);
  THReleaseFn release; /* called with (NULL, data) when the storage dies */
} THPinnedAllocator;
TH_API void THStorage_registerPinnedAllocator(const THPinnedAllocator *a);
TH_API THStorage *THStorage_newPinned(size_t nbytes);
TH_API bool THStorage_isPinned(const THStorage *s);

#endif
