// THCSort.cu: the CUDA kernels of THOps.def's SORT rows: sorting along a dim (sort, topk,
// kthvalue), unique and unique_consecutive, searchsorted and bucketize.
//
// Sorting follows the CPU kernels (lib/TH/THCpuSort.c) key for key: every element becomes an
// unsigned integer whose order is PyTorch's (floats by the sign-flip of their bits with -0.0
// folded onto +0.0 and every NaN the largest key, signed integers with the sign bit flipped;
// descending complements the key), and (key, position) pairs are sorted by cub's stable radix
// sort.  The values written out are copied from the input by position, so every bit of an
// element (NaN payload, sign of zero) survives, and ties keep their input order: the result
// equals the CPU's stable sort.  The CPU's non-stable sort, topk and kthvalue may order ties
// differently; PyTorch's CUDA kernels differ from its CPU ones there too.
//
// Many slices are sorted as one array in two stable passes: by key, then by slice number
// (the second pass keeps each slice's key order).  Only the element type's own key bits are
// sorted (8 for int8, 16 for float16, ...).
#include <cub/device/device_radix_sort.cuh>
#include <cub/device/device_scan.cuh>
#include "THCDevice.cuh"
#include "THCSortKernels.h"

using namespace thc;

namespace {

// ======================================================================= keys

// KeyOf<S>: the key type, the number of key bits and whether the type has NaN.
#define THC_KEY_OF(S, K, BITS, NAN)           \
  template <> struct KeyOf<S> {               \
    typedef K type;                           \
    static constexpr int bits = BITS;         \
    static constexpr bool has_nan = NAN;      \
  };
template <typename S> struct KeyOf;
THC_KEY_OF(float, uint32_t, 32, true)
THC_KEY_OF(double, uint64_t, 64, true)
THC_KEY_OF(Half, uint32_t, 16, true)
THC_KEY_OF(BFloat16, uint32_t, 16, true)
THC_KEY_OF(int8_t, uint32_t, 8, false)
THC_KEY_OF(int16_t, uint32_t, 16, false)
THC_KEY_OF(int32_t, uint32_t, 32, false)
THC_KEY_OF(int64_t, uint64_t, 64, false)
THC_KEY_OF(uint8_t, uint32_t, 8, false)
THC_KEY_OF(bool, uint32_t, 8, false)
#undef THC_KEY_OF

// All ones in the low `bits` bits: the key of NaN, and the mask that reverses the order.
template <typename K> __host__ __device__ constexpr K key_mask(int bits) {
  return bits >= (int)(8 * sizeof(K)) ? (K)~(K)0 : (K)(((K)1 << bits) - 1);
}

__device__ __forceinline__ uint32_t sort_key(float f) {
  if (f != f) return 0xFFFFFFFFu;
  if (f == 0.0f) f = 0.0f;  // -0.0 ties with +0.0
  uint32_t b = __float_as_uint(f);
  return (b & 0x80000000u) ? ~b : (b | 0x80000000u);
}
__device__ __forceinline__ uint64_t sort_key(double f) {
  if (f != f) return ~0ull;
  if (f == 0.0) f = 0.0;
  uint64_t b = (uint64_t)__double_as_longlong(f);
  return (b >> 63) ? ~b : (b | (1ull << 63));
}
// float16 and bfloat16: the same map on their own 16 bits.  Their conversion to float is
// exact and monotonic, so this orders exactly as the CPU's key of the float value.
__device__ __forceinline__ uint32_t key16(uint32_t b, uint32_t exponent, uint32_t mantissa) {
  if ((b & exponent) == exponent && (b & mantissa)) return 0xFFFFu;
  if ((b & 0x7FFFu) == 0) b = 0;
  return (b & 0x8000u) ? (~b & 0xFFFFu) : (b | 0x8000u);
}
__device__ __forceinline__ uint32_t sort_key(Half h) { return key16(h.x, 0x7C00u, 0x03FFu); }
__device__ __forceinline__ uint32_t sort_key(BFloat16 h) { return key16(h.x, 0x7F80u, 0x007Fu); }
__device__ __forceinline__ uint32_t sort_key(int8_t v) { return (uint8_t)v ^ 0x80u; }
__device__ __forceinline__ uint32_t sort_key(int16_t v) { return (uint16_t)v ^ 0x8000u; }
__device__ __forceinline__ uint32_t sort_key(int32_t v) { return (uint32_t)v ^ 0x80000000u; }
__device__ __forceinline__ uint64_t sort_key(int64_t v) { return (uint64_t)v ^ (1ull << 63); }
__device__ __forceinline__ uint32_t sort_key(uint8_t v) { return v; }
__device__ __forceinline__ uint32_t sort_key(bool v) { return v ? 1u : 0u; }

// Bits needed for the numbers 0..max_value (at least 1: cub sorts a non-empty bit range).
inline int bits_for(uint64_t max_value) {
  int b = 1;
  while (b < 64 && (max_value >> b) != 0) b++;
  return b;
}

// ======================================================================= helpers

#define THC_GRID_LOOP(I, N)                                                       \
  for (int64_t I = blockIdx.x * (int64_t)blockDim.x + threadIdx.x; I < (N);      \
       I += (int64_t)blockDim.x * gridDim.x)

#define THC_TRY(call)                   \
  do {                                  \
    cudaError_t e_ = (call);            \
    if (e_ != cudaSuccess) return e_;   \
  } while (0)

// Carves a workspace into aligned arrays.  With a NULL base it only counts the bytes, so the
// same code sizes the workspace and lays it out.
struct Carver {
  char *base;
  size_t used;
  template <typename T> T *take(int64_t count) {
    used = (used + 255) & ~(size_t)255;
    T *p = base ? (T *)(void *)(base + used) : nullptr;
    used += (size_t)count * sizeof(T);
    return p;
  }
};

// cub's stable radix sort of n (key, int64) pairs on bits [0, bits) of the keys: the
// temporary storage it needs, and the sort.
template <typename K>
cudaError_t sort_pairs_bytes(int64_t n, int bits, size_t *bytes) {
  *bytes = 0;
  return cub::DeviceRadixSort::SortPairs(nullptr, *bytes, (const K *)nullptr, (K *)nullptr,
                                         (const int64_t *)nullptr, (int64_t *)nullptr, n, 0,
                                         bits);
}
template <typename K>
cudaError_t sort_pairs(void *temp, size_t temp_bytes, const K *keys_in, K *keys_out,
                       const int64_t *values_in, int64_t *values_out, int64_t n, int bits,
                       cudaStream_t stream) {
  return cub::DeviceRadixSort::SortPairs(temp, temp_bytes, keys_in, keys_out, values_in,
                                         values_out, n, 0, bits, stream);
}

__device__ __forceinline__ void copy_element(char *dst, const char *src, int esize) {
  switch (esize) {
  case 1: *(uint8_t *)dst = *(const uint8_t *)src; break;
  case 2: *(uint16_t *)dst = *(const uint16_t *)src; break;
  case 4: *(uint32_t *)dst = *(const uint32_t *)src; break;
  default: *(uint64_t *)dst = *(const uint64_t *)src; break;
  }
}

// ======================================================================= sort along a dim

// Element offsets of slice s in x, values and indices.
__device__ __forceinline__ void slice_offsets(const THCSlices &g, int64_t s, int64_t *ox,
                                              int64_t *ov, int64_t *oi) {
  int64_t x = 0, v = 0, i = 0;
  for (int d = 0; d < g.nd; d++) {
    int64_t q = s / g.sizes[d], r = s - q * g.sizes[d];
    s = q;
    x += r * g.x.strides[d];
    v += r * g.values.strides[d];
    i += r * g.indices.strides[d];
  }
  *ox = x;
  *ov = v;
  *oi = i;
}

// keys[p] = key of element p (slice p / n, position p % n) of x, complemented by flip;
// pos[p] = p.
template <typename S, typename K>
__global__ void make_keys_kernel(THCSlices g, K flip, K *keys, int64_t *pos) {
  const int64_t total = g.n * g.nslices;
  const S *x = (const S *)(const void *)g.x.data;
  THC_GRID_LOOP(p, total) {
    int64_t s = p / g.n, j = p - s * g.n, ox, ov, oi;
    slice_offsets(g, s, &ox, &ov, &oi);
    keys[p] = (K)sort_key(x[ox + j * g.x.dstride]) ^ flip;
    pos[p] = p;
  }
}

// The slice of each sorted position, as the key of the second pass.
template <typename K>
__global__ void slice_keys_kernel(const int64_t *pos, int64_t total, int64_t n, K *keys) {
  THC_GRID_LOOP(q, total) keys[q] = (K)(pos[q] / n);
}

// Element first + j of every sorted slice into values[.., j] and its position into
// indices[.., j].  pos holds the sorted flat positions (NULL: slices of one element).
__global__ void write_slices_kernel(THCSlices g, const int64_t *pos, int64_t first,
                                    int64_t count) {
  const int64_t total = g.nslices * count;
  int64_t *indices = (int64_t *)(void *)g.indices.data;
  THC_GRID_LOOP(t, total) {
    int64_t s = t / count, j = t - s * count, ox, ov, oi;
    slice_offsets(g, s, &ox, &ov, &oi);
    int64_t i = pos ? pos[s * g.n + first + j] - s * g.n : first + j;
    copy_element(g.values.data + (ov + j * g.values.dstride) * g.esize,
                 g.x.data + (ox + i * g.x.dstride) * g.esize, g.esize);
    indices[oi + j * g.indices.dstride] = i;
  }
}

// The second pass's key type: 32 bits unless there are more slices than that counts.
template <typename F> cudaError_t with_slice_key(int64_t nslices, F f) {
  if ((uint64_t)(nslices - 1) <= UINT32_MAX) return f((uint32_t)0);
  return f((uint64_t)0);
}

// The workspace of sort_slices, laid out the same way when sizing and when running.
struct SortWork {
  char *keys_a, *keys_b; // total keys of the larger of the two passes' key types
  int64_t *pos_a, *pos_b;
  void *temp;
  size_t temp_bytes;
};

template <typename S>
cudaError_t sort_layout(const THCSlices &g, char *ws, SortWork *w, size_t *bytes) {
  typedef typename KeyOf<S>::type K;
  const int64_t total = g.n * g.nslices;
  const size_t slice_key_size = (uint64_t)(g.nslices - 1) <= UINT32_MAX ? 4 : 8;
  const int64_t key_size = (int64_t)(sizeof(K) > slice_key_size ? sizeof(K) : slice_key_size);
  Carver c{ws, 0};
  w->keys_a = c.take<char>(total * key_size);
  w->keys_b = c.take<char>(total * key_size);
  w->pos_a = c.take<int64_t>(total);
  w->pos_b = c.take<int64_t>(total);
  size_t key_pass = 0, slice_pass = 0;
  THC_TRY(sort_pairs_bytes<K>(total, KeyOf<S>::bits, &key_pass));
  if (g.nslices > 1)
    THC_TRY(with_slice_key(g.nslices, [&](auto zero) {
      return sort_pairs_bytes<decltype(zero)>(total, bits_for((uint64_t)(g.nslices - 1)),
                                              &slice_pass);
    }));
  w->temp_bytes = key_pass > slice_pass ? key_pass : slice_pass;
  w->temp = c.take<char>((int64_t)w->temp_bytes);
  *bytes = c.used;
  return cudaSuccess;
}

template <typename S> cudaError_t sort_workspace_bytes(const THCSlices &g, size_t *bytes) {
  SortWork w;
  if (g.n <= 1) {  // nothing to sort
    *bytes = 0;
    return cudaSuccess;
  }
  return sort_layout<S>(g, nullptr, &w, bytes);
}

template <typename S>
cudaError_t sort_slices(const THCSlices &g, bool descending, int64_t first, int64_t count,
                        char *ws, size_t ws_bytes, cudaStream_t stream) {
  typedef typename KeyOf<S>::type K;
  const int64_t total = g.n * g.nslices;
  const int64_t *sorted = nullptr; // slices of one element stay as they are
  if (g.n > 1) {
    SortWork w;
    size_t need;
    THC_TRY(sort_layout<S>(g, ws, &w, &need));
    if (!ws || need > ws_bytes) return cudaErrorInvalidValue;
    const K flip = descending ? key_mask<K>(KeyOf<S>::bits) : (K)0;
    K *keys_a = (K *)(void *)w.keys_a, *keys_b = (K *)(void *)w.keys_b;
    make_keys_kernel<S, K><<<grid_for(total), kThreads, 0, stream>>>(g, flip, keys_a, w.pos_a);
    THC_TRY(cudaGetLastError());
    THC_TRY(sort_pairs<K>(w.temp, w.temp_bytes, keys_a, keys_b, w.pos_a, w.pos_b, total,
                          KeyOf<S>::bits, stream));
    sorted = w.pos_b;
    if (g.nslices > 1) {
      THC_TRY(with_slice_key(g.nslices, [&](auto zero) {
        typedef decltype(zero) SK;
        SK *slice_a = (SK *)(void *)w.keys_a, *slice_b = (SK *)(void *)w.keys_b;
        slice_keys_kernel<SK><<<grid_for(total), kThreads, 0, stream>>>(w.pos_b, total, g.n,
                                                                         slice_a);
        cudaError_t e = cudaGetLastError();
        if (e != cudaSuccess) return e;
        return sort_pairs<SK>(w.temp, w.temp_bytes, slice_a, slice_b, w.pos_b, w.pos_a, total,
                              bits_for((uint64_t)(g.nslices - 1)), stream);
      }));
      sorted = w.pos_a;
    }
  }
  write_slices_kernel<<<grid_for(g.nslices * count), kThreads, 0, stream>>>(g, sorted, first,
                                                                            count);
  return cudaGetLastError();
}

// ======================================================================= unique

enum { kUniqueSorted = 0, kUniqueFirstSeen = 1, kUniqueConsecutive = 2 };

// The workspace of unique, laid out the same way by both steps.
template <typename K> struct UniqueWork {
  K *keys_a, *keys_b;
  int64_t *pos_a, *pos_b;
  int64_t *flags, *group_end; // group_end: inclusive scan of flags (group number + 1)
  int64_t *start;             // groups + 1 entries: where each group begins in sorted order
  int64_t *ngroups;
  uint64_t *first_a, *first_b; // in order of first appearance: each group's first position
  int64_t *group_a, *order, *rank;
  void *temp;
  size_t temp_bytes;
  int first_bits;
  // The sorted keys and their positions in x.
  const K *sorted_keys(int mode) const { return mode == kUniqueConsecutive ? keys_a : keys_b; }
  const int64_t *sorted_pos(int mode) const { return mode == kUniqueConsecutive ? pos_a : pos_b; }
};

template <typename S>
cudaError_t unique_layout(int64_t n, int mode, char *ws, UniqueWork<typename KeyOf<S>::type> *w,
                          size_t *bytes) {
  typedef typename KeyOf<S>::type K;
  Carver c{ws, 0};
  w->keys_a = c.take<K>(n);
  w->keys_b = c.take<K>(n);
  w->pos_a = c.take<int64_t>(n);
  w->pos_b = c.take<int64_t>(n);
  w->flags = c.take<int64_t>(n);
  w->group_end = c.take<int64_t>(n);
  w->start = c.take<int64_t>(n + 1);
  w->ngroups = c.take<int64_t>(1);
  const bool first_seen = mode == kUniqueFirstSeen;
  const int64_t m = first_seen ? n : 0;
  w->first_a = c.take<uint64_t>(m);
  w->first_b = c.take<uint64_t>(m);
  w->group_a = c.take<int64_t>(m);
  w->order = c.take<int64_t>(m);
  w->rank = c.take<int64_t>(m);
  w->first_bits = bits_for((uint64_t)(n - 1));
  size_t t = 0, need = 0;
  if (mode != kUniqueConsecutive) THC_TRY(sort_pairs_bytes<K>(n, KeyOf<S>::bits, &need));
  THC_TRY(cub::DeviceScan::InclusiveSum(nullptr, t, (const int64_t *)nullptr, (int64_t *)nullptr,
                                        n));
  need = t > need ? t : need;
  if (first_seen) {
    THC_TRY(sort_pairs_bytes<uint64_t>(n, w->first_bits, &t));
    need = t > need ? t : need;
  }
  w->temp = c.take<char>((int64_t)need);
  w->temp_bytes = need;
  *bytes = c.used;
  return cudaSuccess;
}

// flags[q] = 1 where a group starts in the sorted keys: at a new key, and at every NaN (NaN
// differs from everything, itself included).
template <typename K>
__global__ void group_flags_kernel(const K *keys, int64_t n, bool has_nan, K nan_key,
                                   int64_t *flags) {
  THC_GRID_LOOP(q, n) {
    K k = keys[q];
    flags[q] = q == 0 || k != keys[q - 1] || (has_nan && k == nan_key);
  }
}

__global__ void group_starts_kernel(const int64_t *flags, const int64_t *group_end, int64_t n,
                                    int64_t *start, int64_t *ngroups) {
  THC_GRID_LOOP(q, n) {
    if (flags[q]) start[group_end[q] - 1] = q;
    if (q == n - 1) {
      start[group_end[q]] = n;
      *ngroups = group_end[q];
    }
  }
}

// first[g] = the first position in x of group g (the sort is stable); group[g] = g.
__global__ void group_first_kernel(const int64_t *pos, const int64_t *start, int64_t groups,
                                   uint64_t *first, int64_t *group) {
  THC_GRID_LOOP(g, groups) {
    first[g] = (uint64_t)pos[start[g]];
    group[g] = g;
  }
}

__global__ void rank_kernel(const int64_t *order, int64_t groups, int64_t *rank) {
  THC_GRID_LOOP(p, groups) rank[order[p]] = p;
}

// Output p holds group order[p] (order NULL: group p): its first element and its size.
__global__ void unique_values_kernel(const char *x, int esize, const int64_t *pos,
                                     const int64_t *start, const int64_t *order, int64_t groups,
                                     char *values, int64_t *counts) {
  THC_GRID_LOOP(p, groups) {
    int64_t g = order ? order[p] : p, b = start[g];
    copy_element(values + p * esize, x + pos[b] * esize, esize);
    if (counts) counts[p] = start[g + 1] - b;
  }
}

__global__ void unique_inverse_kernel(const int64_t *pos, const int64_t *group_end,
                                      const int64_t *rank, int64_t n, int64_t *inverse) {
  THC_GRID_LOOP(q, n) {
    int64_t g = group_end[q] - 1;
    inverse[pos[q]] = rank ? rank[g] : g;
  }
}

// The one slice of a contiguous x, for make_keys_kernel.
THCSlices flat_slices(const void *x, int64_t n) {
  THCSlices g;
  memset(&g, 0, sizeof g);
  g.n = n;
  g.nslices = 1;
  g.x.data = (char *)x;
  g.x.dstride = 1;
  return g;
}

template <typename S>
cudaError_t unique_groups(const void *x, int64_t n, int mode, char *ws, size_t ws_bytes,
                          int64_t *groups, cudaStream_t stream) {
  typedef typename KeyOf<S>::type K;
  UniqueWork<K> w;
  size_t need;
  THC_TRY(unique_layout<S>(n, mode, ws, &w, &need));
  if (need > ws_bytes) return cudaErrorInvalidValue;
  make_keys_kernel<S, K><<<grid_for(n), kThreads, 0, stream>>>(flat_slices(x, n), (K)0,
                                                                w.keys_a, w.pos_a);
  THC_TRY(cudaGetLastError());
  if (mode != kUniqueConsecutive)
    THC_TRY(sort_pairs<K>(w.temp, w.temp_bytes, w.keys_a, w.keys_b, w.pos_a, w.pos_b, n,
                          KeyOf<S>::bits, stream));
  group_flags_kernel<K><<<grid_for(n), kThreads, 0, stream>>>(
      w.sorted_keys(mode), n, KeyOf<S>::has_nan, key_mask<K>(KeyOf<S>::bits), w.flags);
  THC_TRY(cudaGetLastError());
  size_t temp_bytes = w.temp_bytes; // (cub takes it by reference)
  THC_TRY(cub::DeviceScan::InclusiveSum(w.temp, temp_bytes, (const int64_t *)w.flags,
                                        w.group_end, n, stream));
  group_starts_kernel<<<grid_for(n), kThreads, 0, stream>>>(w.flags, w.group_end, n, w.start,
                                                            w.ngroups);
  THC_TRY(cudaGetLastError());
  THC_TRY(cudaMemcpyAsync(groups, w.ngroups, sizeof(int64_t), cudaMemcpyDeviceToHost, stream));
  return cudaStreamSynchronize(stream);
}

template <typename S>
cudaError_t unique_outputs(const void *x, int esize, int64_t n, int mode, char *ws,
                           size_t ws_bytes, int64_t groups, void *values, int64_t *counts,
                           int64_t *inverse, cudaStream_t stream) {
  typedef typename KeyOf<S>::type K;
  UniqueWork<K> w;
  size_t need;
  THC_TRY(unique_layout<S>(n, mode, ws, &w, &need));
  if (need > ws_bytes) return cudaErrorInvalidValue;
  const int64_t *pos = w.sorted_pos(mode);
  const int64_t *order = nullptr, *rank = nullptr;
  if (mode == kUniqueFirstSeen && groups > 1) {
    group_first_kernel<<<grid_for(groups), kThreads, 0, stream>>>(pos, w.start, groups,
                                                                  w.first_a, w.group_a);
    THC_TRY(cudaGetLastError());
    THC_TRY(sort_pairs<uint64_t>(w.temp, w.temp_bytes, w.first_a, w.first_b, w.group_a, w.order,
                                 groups, w.first_bits, stream));
    rank_kernel<<<grid_for(groups), kThreads, 0, stream>>>(w.order, groups, w.rank);
    THC_TRY(cudaGetLastError());
    order = w.order;
    rank = w.rank;
  }
  unique_values_kernel<<<grid_for(groups), kThreads, 0, stream>>>(
      (const char *)x, esize, pos, w.start, order, groups, (char *)values, counts);
  THC_TRY(cudaGetLastError());
  if (inverse) {
    unique_inverse_kernel<<<grid_for(n), kThreads, 0, stream>>>(pos, w.group_end, rank, n,
                                                                inverse);
    THC_TRY(cudaGetLastError());
  }
  return cudaSuccess;
}

// ======================================================================= searchsorted

// PyTorch's comparisons, in the element's arithmetic type: left finds the first element not
// < v, right the first element > v (so a NaN value goes to the end).
template <typename S>
__global__ void search_kernel(const S *seq, int64_t m, bool seq1d, const int64_t *sorter,
                              const S *values, int64_t nval, int64_t inner, bool right,
                              int64_t *out64, int32_t *out32) {
  typedef typename Acc<S>::type A;
  THC_GRID_LOOP(j, nval) {
    int64_t row = seq1d ? 0 : j / inner;
    const S *b = seq + row * m;
    const int64_t *srt = sorter ? sorter + row * m : nullptr;
    const A v = to_acc(values[j]);
    int64_t lo = 0, hi = m;
    while (lo < hi) {
      int64_t mid = lo + ((hi - lo) >> 1);
      A mv = to_acc(b[srt ? srt[mid] : mid]);
      if (right ? !(mv > v) : !(mv >= v)) lo = mid + 1;
      else hi = mid;
    }
    if (out64) out64[j] = lo;
    else out32[j] = (int32_t)lo;
  }
}

}  // namespace

// ======================================================================= launchers

extern "C" cudaError_t THC_sortWorkspaceBytes(const THCSlices *s, size_t *bytes) {
  THC_DTYPE_CASES(s->dtype, return sort_workspace_bytes<S>(*s, bytes));
  return cudaSuccess;
}

extern "C" cudaError_t THC_launchSortSlices(const THCSlices *s, bool descending, int64_t first,
                                            int64_t count, void *workspace,
                                            size_t workspace_bytes, cudaStream_t stream) {
  if (s->nslices == 0 || count == 0) return cudaSuccess;
  THC_DTYPE_CASES(s->dtype, return sort_slices<S>(*s, descending, first, count,
                                                  (char *)workspace, workspace_bytes, stream));
  return cudaSuccess;
}

extern "C" cudaError_t THC_uniqueWorkspaceBytes(int dtype, int64_t n, int mode, size_t *bytes) {
  THC_DTYPE_CASES(dtype, {
    UniqueWork<typename KeyOf<S>::type> w;
    return unique_layout<S>(n, mode, nullptr, &w, bytes);
  });
  return cudaSuccess;
}

extern "C" cudaError_t THC_launchUniqueGroups(const void *x, int dtype, int64_t n, int mode,
                                              void *workspace, size_t workspace_bytes,
                                              int64_t *groups, cudaStream_t stream) {
  THC_DTYPE_CASES(dtype, return unique_groups<S>(x, n, mode, (char *)workspace, workspace_bytes,
                                                 groups, stream));
  return cudaSuccess;
}

extern "C" cudaError_t THC_launchUniqueOutputs(const void *x, int dtype, int esize, int64_t n,
                                               int mode, void *workspace,
                                               size_t workspace_bytes, int64_t groups,
                                               void *values, int64_t *counts, int64_t *inverse,
                                               cudaStream_t stream) {
  THC_DTYPE_CASES(dtype, return unique_outputs<S>(x, esize, n, mode, (char *)workspace,
                                                  workspace_bytes, groups, values, counts,
                                                  inverse, stream));
  return cudaSuccess;
}

extern "C" cudaError_t THC_launchSearch(int64_t *out64, int32_t *out32, const void *seq,
                                        int dtype, int64_t m, bool seq1d, const int64_t *sorter,
                                        const void *values, int64_t nval, int64_t inner,
                                        bool right, cudaStream_t stream) {
  if (nval == 0) return cudaSuccess;
  THC_DTYPE_CASES(dtype, (search_kernel<S><<<grid_for(nval), kThreads, 0, stream>>>(
                             (const S *)seq, m, seq1d, sorter, (const S *)values, nval, inner,
                             right, out64, out32)));
  return cudaGetLastError();
}
