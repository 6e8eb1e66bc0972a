/* THAllocator.h: where CPU tensor memory comes from.
 *
 * Blocks are 64-byte aligned.  Freed blocks are kept in a cache keyed by size class and handed
 * out again, so a training loop that allocates the same shapes every step touches fresh pages
 * only once: small blocks in a per-thread cache (no lock), large ones in one locked cache.
 * THAllocator_liveBytes() counts bytes handed out and not yet freed; the Lua binding uses it
 * to make its garbage collector feel memory that lives outside the Lua heap.
 */
#ifndef TH_ALLOCATOR_H
#define TH_ALLOCATOR_H

#include "THGeneral.h"

#define TH_ALIGNMENT 64

/* NULL (with TH_setError) when the system is out of memory; nbytes 0 gives a valid block. */
TH_API void *THAlloc(size_t nbytes);
TH_API void THFree(void *ptr, size_t nbytes); /* nbytes must be what THAlloc was given */

TH_API size_t THAllocator_liveBytes(void);   /* handed out, not yet freed (all threads) */
TH_API size_t THAllocator_cachedBytes(void); /* kept for reuse: large blocks, and small ones of this thread */
TH_API void THAllocator_emptyCache(void);    /* give cached blocks back to the system */

#endif
