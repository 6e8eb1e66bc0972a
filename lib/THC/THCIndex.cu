// THCIndex.cu: the CUDA kernels of THOps.def's INDEX rows (launchers in THCIndexKernels.h).
//
// Kernels that only move elements are instantiated per element size (uint8/16/32/64 stand
// for every dtype of that size), the arithmetic ones per dtype, each with a 32-bit index
// type when the element count allows it (cheap divisions) and a 64-bit one otherwise.
// Results follow lib/TH's CPU kernels: arithmetic in the CPU's accumulation type (float for
// the 16-bit floats, int64 wrapping for integers and bool), rounded per update as the CPU
// does.  Updates that may collide (index_add, scatter's reductions) are atomic: the native
// atomicAdd for float32/float64/int32/int64, a compare-and-swap loop on the enclosing 32- or
// 64-bit word for the others and for multiplication, so a result differs from the CPU's only
// by the order of the updates.
#include <cub/device/device_select.cuh>
#include <thrust/iterator/counting_iterator.h>
#include "THCDevice.cuh"
#include "THCIndexKernels.h"

using namespace thc;

namespace {

// ---------------------------------------------------------------- shared pieces

// Element offsets of N operands at a flat row-major position, over dims merged where every
// operand is contiguous across them.
template <int N, typename I> struct Strided {
  int ndim;
  I shape[TH_MAX_DIMS];
  int64_t st[N][TH_MAX_DIMS];

  __host__ __device__ __forceinline__ void get(I p, int64_t *off) const {
#pragma unroll
    for (int k = 0; k < N; k++) off[k] = 0;
    for (int d = ndim - 1; d >= 0; d--) {
      I q = p / shape[d], r = p - q * shape[d];
      p = q;
#pragma unroll
      for (int k = 0; k < N; k++) off[k] += (int64_t)r * st[k][d];
    }
  }
};

template <int N, typename I>
Strided<N, I> make_strided(int ndim, const int64_t *shape, const int64_t *const *strides) {
  Strided<N, I> s{};
  int64_t sh[TH_MAX_DIMS], st[N][TH_MAX_DIMS];
  int n = 0;
  for (int d = 0; d < ndim; d++) {
    if (shape[d] == 1) continue;  // contributes nothing to any offset
    bool merge = n > 0;
    for (int k = 0; k < N && merge; k++) merge = st[k][n - 1] == strides[k][d] * shape[d];
    if (merge) {
      sh[n - 1] *= shape[d];
      for (int k = 0; k < N; k++) st[k][n - 1] = strides[k][d];
    } else {
      sh[n] = shape[d];
      for (int k = 0; k < N; k++) st[k][n] = strides[k][d];
      n++;
    }
  }
  s.ndim = n;
  for (int d = 0; d < n; d++) {
    s.shape[d] = (I)sh[d];
    for (int k = 0; k < N; k++) s.st[k][d] = st[k][d];
  }
  return s;
}

// Runs f(I()) with the index type that counts to n.
template <typename F> cudaError_t with_index_type(int64_t n, F f) {
  if (n <= INT32_MAX) f(uint32_t());
  else f(uint64_t());
  return cudaGetLastError();
}

// Runs the statements with T, the unsigned type of ES bytes.
#define THC_SIZE_CASES(ES, ...)                          \
  switch (ES) {                                          \
  case 1: { typedef uint8_t T; __VA_ARGS__; } break;     \
  case 2: { typedef uint16_t T; __VA_ARGS__; } break;    \
  case 4: { typedef uint32_t T; __VA_ARGS__; } break;    \
  case 8: { typedef uint64_t T; __VA_ARGS__; } break;    \
  default: return THC_UNSUPPORTED;                       \
  }

#define THC_GRID_LOOP(I, p, n) \
  for (I p = blockIdx.x * (I)blockDim.x + threadIdx.x; p < (n); p += (I)blockDim.x * gridDim.x)

// The element bits of a (normalised) scalar in dtype S, converted on the host exactly as
// lib/TH's scalar_bytes: integers from .i, floats from .f, bool from whichever is exact.
template <typename S> uint64_t element_bits(THScalar v) {
  S x = (S)v.i;
  uint64_t bits = 0;
  memcpy(&bits, &x, sizeof x);
  return bits;
}
template <> uint64_t element_bits<float>(THScalar v) {
  float x = (float)v.f;
  uint32_t bits;
  memcpy(&bits, &x, 4);
  return bits;
}
template <> uint64_t element_bits<double>(THScalar v) {
  uint64_t bits;
  memcpy(&bits, &v.f, 8);
  return bits;
}
template <> uint64_t element_bits<Half>(THScalar v) { return th_float2half((float)v.f); }
template <> uint64_t element_bits<BFloat16>(THScalar v) { return th_float2bfloat16((float)v.f); }
template <> uint64_t element_bits<bool>(THScalar v) {
  return v.kind == TH_KIND_FLOAT ? v.f != 0 : v.i != 0;
}

uint64_t dtype_bits(int dtype, THScalar v) {
  uint64_t bits = 0;
  switch (dtype) {
#define THC_BITS(ID, S) case ID: bits = element_bits<S>(v); break;
    THC_BITS(TH_F32, float)
    THC_BITS(TH_F64, double)
    THC_BITS(TH_F16, Half)
    THC_BITS(TH_BF16, BFloat16)
    THC_BITS(TH_I8, int8_t)
    THC_BITS(TH_I16, int16_t)
    THC_BITS(TH_I32, int32_t)
    THC_BITS(TH_I64, int64_t)
    THC_BITS(TH_U8, uint8_t)
    THC_BITS(TH_BOOL, bool)
#undef THC_BITS
  default: break;
  }
  return bits;
}

// Bytes of one element (lib/TH's THDtype_size is C, not callable from here); 0 for none.
int dtype_size(int dtype) {
  switch (dtype) {
  case TH_F64: case TH_I64: return 8;
  case TH_F32: case TH_I32: return 4;
  case TH_F16: case TH_BF16: case TH_I16: return 2;
  case TH_I8: case TH_U8: case TH_BOOL: return 1;
  default: return 0;
  }
}

// ---------------------------------------------------------------- CPU-exact arithmetic

// The CPU's accumulation type: float for the 16-bit floats, int64 for integers and bool.
template <typename S> struct IAcc { typedef int64_t type; };
template <> struct IAcc<float> { typedef float type; };
template <> struct IAcc<double> { typedef double type; };
template <> struct IAcc<Half> { typedef float type; };
template <> struct IAcc<BFloat16> { typedef float type; };

template <typename S> __device__ __forceinline__ typename IAcc<S>::type load_acc(S v) {
  return (typename IAcc<S>::type)to_acc(v);
}

// Separately rounded (never fused into an FMA), and wrapping for integers, as on the CPU.
__device__ __forceinline__ float acc_add(float a, float b) { return __fadd_rn(a, b); }
[[maybe_unused]] __device__ __forceinline__ double acc_add(double a, double b) {
  return __dadd_rn(a, b);  // float64 sums take atomicAdd: kept for the overload set
}
__device__ __forceinline__ int64_t acc_add(int64_t a, int64_t b) {
  return (int64_t)((uint64_t)a + (uint64_t)b);
}
__device__ __forceinline__ float acc_mul(float a, float b) { return __fmul_rn(a, b); }
__device__ __forceinline__ double acc_mul(double a, double b) { return __dmul_rn(a, b); }
__device__ __forceinline__ int64_t acc_mul(int64_t a, int64_t b) {
  return (int64_t)((uint64_t)a * (uint64_t)b);
}

// THScalar in the accumulation type (lib/TH's TH_SCALAR_AS).
template <typename A> __device__ __forceinline__ A scalar_as(const THScalar &s) { return (A)s.f; }
template <> __device__ __forceinline__ int64_t scalar_as<int64_t>(const THScalar &s) { return s.i; }

// *addr = f(*addr) atomically, through a compare-and-swap on the enclosing 32-bit word (for
// 1-, 2- and 4-byte elements) or the 64-bit one.
template <typename S, typename F> __device__ void atomic_apply(S *addr, F f) {
  if constexpr (sizeof(S) == 8) {
    unsigned long long *p = (unsigned long long *)addr, old = *p, assumed;
    do {
      assumed = old;
      S cur, next;
      memcpy(&cur, &assumed, 8);
      next = f(cur);
      unsigned long long bits;
      memcpy(&bits, &next, 8);
      old = atomicCAS(p, assumed, bits);
    } while (old != assumed);
  } else {
    static_assert(sizeof(S) == 1 || sizeof(S) == 2 || sizeof(S) == 4, "element size");
    const uintptr_t at = (uintptr_t)addr;
    unsigned int *p = (unsigned int *)(at & ~(uintptr_t)3);
    const unsigned shift = sizeof(S) == 4 ? 0 : (unsigned)(at & 3) * 8;
    const unsigned mask = sizeof(S) == 4 ? 0xffffffffu : ((1u << (8 * sizeof(S))) - 1) << shift;
    unsigned int old = *p, assumed;
    do {
      assumed = old;
      unsigned int bits = (assumed & mask) >> shift;
      S cur, next;
      memcpy(&cur, &bits, sizeof(S));
      next = f(cur);
      unsigned int nbits = 0;
      memcpy(&nbits, &next, sizeof(S));
      old = atomicCAS(p, assumed, (assumed & ~mask) | ((nbits << shift) & mask));
    } while (old != assumed);
  }
}

template <typename S> struct AddTo {
  typename IAcc<S>::type d;
  __device__ S operator()(S x) const { return Store<S>::from(acc_add(load_acc(x), d)); }
};
template <typename S> struct MulBy {
  typename IAcc<S>::type d;
  __device__ S operator()(S x) const { return Store<S>::from(acc_mul(load_acc(x), d)); }
};

// *p = STORE(LOAD(*p) + d), atomically.
template <typename S> __device__ __forceinline__ void atomic_add(S *p, typename IAcc<S>::type d) {
  atomic_apply(p, AddTo<S>{d});
}
template <> __device__ __forceinline__ void atomic_add<float>(float *p, float d) { atomicAdd(p, d); }
template <> __device__ __forceinline__ void atomic_add<double>(double *p, double d) { atomicAdd(p, d); }
template <> __device__ __forceinline__ void atomic_add<int32_t>(int32_t *p, int64_t d) {
  atomicAdd((unsigned int *)p, (unsigned int)(uint64_t)d);  // wraps as the CPU's int64 sum does
}
template <> __device__ __forceinline__ void atomic_add<int64_t>(int64_t *p, int64_t d) {
  atomicAdd((unsigned long long *)p, (unsigned long long)d);
}

// ---------------------------------------------------------------- the gather/scatter walk

struct WalkArgs {
  char *a;
  char *b;
  const int64_t *index;
  int64_t a_dimstride;
  const int64_t *last;
  uint64_t bits;  // FILL
  int mode;
  THScalar value;
};

template <typename T, typename I>
__global__ void walk_move_kernel(WalkArgs w, Strided<3, I> s, I n) {
  THC_GRID_LOOP(I, p, n) {
    int64_t off[3];
    s.get(p, off);
    const int64_t k = w.index[off[2]];
    T *pa = (T *)w.a + off[0] + k * w.a_dimstride;
    if (w.mode == THC_INDEX_READ) {
      ((T *)w.b)[off[1]] = *pa;
    } else if (w.mode == THC_INDEX_WRITE) {
      if (!w.last || w.last[k] == off[2]) *pa = ((const T *)w.b)[off[1]];
    } else {
      *pa = (T)w.bits;
    }
  }
}

template <typename S, typename I>
__global__ void walk_arith_kernel(WalkArgs w, Strided<3, I> s, I n) {
  typedef typename IAcc<S>::type A;
  const A v = scalar_as<A>(w.value);
  THC_GRID_LOOP(I, p, n) {
    int64_t off[3];
    s.get(p, off);
    S *pa = (S *)w.a + off[0] + w.index[off[2]] * w.a_dimstride;
    switch (w.mode) {
    case THC_INDEX_ADD: atomic_add(pa, acc_mul(v, load_acc(((const S *)w.b)[off[1]]))); break;
    case THC_INDEX_ADD_VALUE: atomic_add(pa, v); break;
    case THC_INDEX_MUL: atomic_apply(pa, MulBy<S>{load_acc(((const S *)w.b)[off[1]])}); break;
    default: atomic_apply(pa, MulBy<S>{v}); break;  // MUL_VALUE
    }
  }
}

__global__ void last_occurrence_kernel(const int64_t *index, int64_t m, int64_t stride,
                                       int64_t *last) {
  THC_GRID_LOOP(int64_t, j, m) {
    const int64_t off = j * stride;
    atomicMax((long long *)&last[index[off]], (long long)off);
  }
}

// ---------------------------------------------------------------- index conversion

__global__ void index_convert_kernel(int64_t *out, const int64_t *src, int64_t m, int64_t n,
                                     int64_t base, bool wrap, unsigned long long *first_bad) {
  THC_GRID_LOOP(int64_t, i, m) {
    const int64_t v = src[i];
    int64_t r;
    if (v >= base && v - base < n) {
      r = v - base;
    } else if (wrap && v < 0 && v >= -n) {
      r = v + n;
    } else {
      r = INT64_MIN;
      if (first_bad) atomicMin(first_bad, (unsigned long long)i);
    }
    out[i] = r;
  }
}

// ---------------------------------------------------------------- masks and positions

template <typename T, typename I>
__global__ void masked_fill_kernel(T *t, const uint8_t *mask, Strided<2, I> s, I n, T v) {
  THC_GRID_LOOP(I, p, n) {
    int64_t off[2];
    s.get(p, off);
    if (mask[off[1]]) t[off[0]] = v;
  }
}

template <typename S>
__global__ void nonzero_flags_kernel(const S *src, int64_t n, uint8_t *flags) {
  THC_GRID_LOOP(int64_t, i, n) flags[i] = to_acc(src[i]) != 0;
}

__global__ void count_flags_kernel(const uint8_t *flags, int64_t n, unsigned long long *count) {
  __shared__ unsigned long long warp_sums[kThreads / 32];
  unsigned long long c = 0;
  THC_GRID_LOOP(int64_t, i, n) c += flags[i] != 0;
  for (int o = 16; o > 0; o >>= 1) c += __shfl_down_sync(0xffffffffu, c, o);
  if ((threadIdx.x & 31) == 0) warp_sums[threadIdx.x / 32] = c;
  __syncthreads();
  if (threadIdx.x == 0) {
    unsigned long long total = 0;
    for (int w = 0; w < kThreads / 32; w++) total += warp_sums[w];
    if (total) atomicAdd(count, total);
  }
}

template <typename T>
__global__ void gather_positions_kernel(T *out, const T *src, const int64_t *pos, int64_t n) {
  THC_GRID_LOOP(int64_t, k, n) out[k] = src[pos[k]];
}

template <typename T>
__global__ void scatter_positions_kernel(T *dst, const T *src, const int64_t *pos, int64_t n) {
  THC_GRID_LOOP(int64_t, k, n) dst[pos[k]] = src[k];
}

struct Sizes {
  int64_t v[TH_MAX_DIMS];
};

__global__ void unravel_kernel(int64_t *out, const int64_t *pos, int64_t count, int ndim,
                               Sizes sizes) {
  THC_GRID_LOOP(int64_t, k, count) {
    int64_t p = pos[k];
    for (int d = ndim - 1; d >= 0; d--) {
      out[k * ndim + d] = p % sizes.v[d];
      p /= sizes.v[d];
    }
  }
}

// ---------------------------------------------------------------- cat, remap, tri

template <typename T, typename I>
__global__ void cat_kernel(T *out, int64_t out_row, THCCatBatch b) {
  const int i = blockIdx.y;
  const T *src = (const T *)b.data[i];
  const I n = (I)b.numel[i], row = (I)b.row[i];
  const int64_t offset = b.offset[i];
  THC_GRID_LOOP(I, e, n) {
    I r = e / row;
    out[(int64_t)r * out_row + offset + (e - r * row)] = src[e];
  }
}

template <typename I> struct RemapDev {
  int ndim;
  I out_sizes[TH_MAX_DIMS];
  I src_sizes[TH_MAX_DIMS];
  I shifts[TH_MAX_DIMS];
  int64_t src_strides[TH_MAX_DIMS];
  bool flip[TH_MAX_DIMS];
};

template <typename T, typename I>
__global__ void remap_kernel(T *out, const T *src, RemapDev<I> m, I n) {
  THC_GRID_LOOP(I, p, n) {
    I rest = p;
    int64_t off = 0;
    for (int d = m.ndim - 1; d >= 0; d--) {
      I q = rest / m.out_sizes[d], c = rest - q * m.out_sizes[d];
      rest = q;
      if (m.flip[d]) c = m.out_sizes[d] - 1 - c;
      c += m.shifts[d];
      if (c >= m.src_sizes[d]) c %= m.src_sizes[d];
      off += (int64_t)c * m.src_strides[d];
    }
    out[p] = src[off];
  }
}

template <typename T, typename I>
__global__ void tri_kernel(T *out, const T *src, I n, I rows, I cols, int64_t k, bool upper) {
  THC_GRID_LOOP(I, p, n) {
    I line = p / cols;
    const int64_t col = (int64_t)(p - line * cols), row = (int64_t)(line % rows);
    const bool keep = upper ? col - row >= k : col - row <= k;
    out[p] = keep ? src[p] : (T)0;
  }
}

}  // namespace

// ================================================================ launchers

extern "C" cudaError_t THC_launchIndexWalk(const THCIndexWalk *w, cudaStream_t stream) {
  int64_t n = 1;
  for (int d = 0; d < w->ndim; d++) n *= w->shape[d];
  if (n == 0) return cudaSuccess;
  WalkArgs args;
  args.a = w->a;
  args.b = w->b;
  args.index = w->index;
  args.a_dimstride = w->a_dimstride;
  args.last = w->last;
  args.bits = dtype_bits(w->dtype, w->value);
  args.mode = w->mode;
  args.value = w->value;
  const int64_t *strides[3] = {w->a_strides, w->b_strides, w->i_strides};
  const bool moves = w->mode == THC_INDEX_READ || w->mode == THC_INDEX_WRITE ||
                     w->mode == THC_INDEX_FILL;
  if (moves) {
    THC_SIZE_CASES(dtype_size(w->dtype), return with_index_type(n, [&](auto i) {
      typedef decltype(i) I;
      walk_move_kernel<T, I><<<grid_for(n), kThreads, 0, stream>>>(
          args, make_strided<3, I>(w->ndim, w->shape, strides), (I)n);
    }));
  }
  THC_DTYPE_CASES(w->dtype, return with_index_type(n, [&](auto i) {
    typedef decltype(i) I;
    walk_arith_kernel<S, I><<<grid_for(n), kThreads, 0, stream>>>(
        args, make_strided<3, I>(w->ndim, w->shape, strides), (I)n);
  }));
  return THC_UNSUPPORTED;
}

extern "C" cudaError_t THC_launchLastOccurrence(const int64_t *index, int64_t m, int64_t stride,
                                                int64_t *last, int64_t n, cudaStream_t stream) {
  cudaError_t e = cudaMemsetAsync(last, 0xff, (size_t)n * sizeof(int64_t), stream);  // -1
  if (e != cudaSuccess || m == 0) return e;
  last_occurrence_kernel<<<grid_for(m), kThreads, 0, stream>>>(index, m, stride, last);
  return cudaGetLastError();
}

extern "C" cudaError_t THC_launchIndexConvert(int64_t *out, const int64_t *src, int64_t m,
                                              int64_t n, int64_t base, bool wrap_negative,
                                              uint64_t *first_bad, cudaStream_t stream) {
  if (first_bad) {
    cudaError_t e = cudaMemsetAsync(first_bad, 0xff, sizeof *first_bad, stream);  // UINT64_MAX
    if (e != cudaSuccess) return e;
  }
  if (m == 0) return cudaSuccess;
  index_convert_kernel<<<grid_for(m), kThreads, 0, stream>>>(
      out, src, m, n, base, wrap_negative, (unsigned long long *)first_bad);
  return cudaGetLastError();
}

extern "C" cudaError_t THC_launchMaskedFill(char *t, const int64_t *t_strides,
                                            const uint8_t *mask, const int64_t *mask_strides,
                                            int ndim, const int64_t *shape, int dtype,
                                            THScalar value, cudaStream_t stream) {
  int64_t n = 1;
  for (int d = 0; d < ndim; d++) n *= shape[d];
  if (n == 0) return cudaSuccess;
  const int64_t *strides[2] = {t_strides, mask_strides};
  const uint64_t bits = dtype_bits(dtype, value);
  THC_SIZE_CASES(dtype_size(dtype), return with_index_type(n, [&](auto i) {
    typedef decltype(i) I;
    masked_fill_kernel<T, I><<<grid_for(n), kThreads, 0, stream>>>(
        (T *)t, mask, make_strided<2, I>(ndim, shape, strides), (I)n, (T)bits);
  }));
  return THC_UNSUPPORTED;
}

extern "C" cudaError_t THC_launchNonzeroFlags(const void *src, int dtype, int64_t n,
                                              uint8_t *flags, cudaStream_t stream) {
  if (n == 0) return cudaSuccess;
  THC_DTYPE_CASES(dtype, (nonzero_flags_kernel<S><<<grid_for(n), kThreads, 0, stream>>>(
                             (const S *)src, n, flags)));
  return cudaGetLastError();
}

extern "C" cudaError_t THC_launchCountFlags(const uint8_t *flags, int64_t n, uint64_t *count,
                                            cudaStream_t stream) {
  cudaError_t e = cudaMemsetAsync(count, 0, sizeof *count, stream);
  if (e != cudaSuccess || n == 0) return e;
  unsigned blocks = grid_for(n, 16);
  if (blocks > 4096) blocks = 4096;  // one atomic per block
  count_flags_kernel<<<blocks, kThreads, 0, stream>>>(flags, n, (unsigned long long *)count);
  return cudaGetLastError();
}

extern "C" cudaError_t THC_launchFlaggedPositions(void *temp, size_t *temp_bytes,
                                                  const uint8_t *flags, int64_t n,
                                                  int64_t *positions, int64_t *num_selected,
                                                  cudaStream_t stream) {
  thrust::counting_iterator<int64_t> first(0);
  return cub::DeviceSelect::Flagged(temp, *temp_bytes, first, flags, positions, num_selected, n,
                                    stream);
}

extern "C" cudaError_t THC_launchGatherPositions(void *out, const void *src,
                                                 const int64_t *positions, int64_t n,
                                                 int elem_size, cudaStream_t stream) {
  if (n == 0) return cudaSuccess;
  THC_SIZE_CASES(elem_size, (gather_positions_kernel<T><<<grid_for(n), kThreads, 0, stream>>>(
                                (T *)out, (const T *)src, positions, n)));
  return cudaGetLastError();
}

extern "C" cudaError_t THC_launchScatterPositions(void *dst, const void *src,
                                                  const int64_t *positions, int64_t n,
                                                  int elem_size, cudaStream_t stream) {
  if (n == 0) return cudaSuccess;
  THC_SIZE_CASES(elem_size, (scatter_positions_kernel<T><<<grid_for(n), kThreads, 0, stream>>>(
                                (T *)dst, (const T *)src, positions, n)));
  return cudaGetLastError();
}

extern "C" cudaError_t THC_launchUnravel(int64_t *out, const int64_t *positions, int64_t count,
                                         int ndim, const int64_t *sizes, cudaStream_t stream) {
  if (count == 0 || ndim == 0) return cudaSuccess;
  Sizes s;
  for (int d = 0; d < ndim; d++) s.v[d] = sizes[d];
  unravel_kernel<<<grid_for(count), kThreads, 0, stream>>>(out, positions, count, ndim, s);
  return cudaGetLastError();
}

extern "C" cudaError_t THC_launchCatBatch(void *out, int64_t out_row, int elem_size,
                                          const THCCatBatch *b, cudaStream_t stream) {
  if (b->count == 0) return cudaSuccess;
  int64_t most = 0;
  for (int i = 0; i < b->count; i++) most = b->numel[i] > most ? b->numel[i] : most;
  dim3 grid(grid_for(most), (unsigned)b->count);
  const bool small = most <= INT32_MAX;  // offsets into out are computed in 64 bits
  THC_SIZE_CASES(elem_size, {
    if (small) cat_kernel<T, uint32_t><<<grid, kThreads, 0, stream>>>((T *)out, out_row, *b);
    else cat_kernel<T, uint64_t><<<grid, kThreads, 0, stream>>>((T *)out, out_row, *b);
  });
  return cudaGetLastError();
}

extern "C" cudaError_t THC_launchRemap(void *out, const void *src, int elem_size,
                                       const THCRemap *m, cudaStream_t stream) {
  int64_t n = 1;
  for (int d = 0; d < m->ndim; d++) n *= m->out_sizes[d];
  if (n == 0) return cudaSuccess;
  // shifted coordinates reach 2 * size: the 32-bit type only when that fits
  int64_t largest = n;
  for (int d = 0; d < m->ndim; d++)
    largest = 2 * m->src_sizes[d] > largest ? 2 * m->src_sizes[d] : largest;
  THC_SIZE_CASES(elem_size, return with_index_type(largest, [&](auto i) {
    typedef decltype(i) I;
    RemapDev<I> r;
    r.ndim = m->ndim;
    for (int d = 0; d < m->ndim; d++) {
      r.out_sizes[d] = (I)m->out_sizes[d];
      r.src_sizes[d] = (I)m->src_sizes[d];
      r.shifts[d] = (I)m->shifts[d];
      r.src_strides[d] = m->src_strides[d];
      r.flip[d] = m->flip[d];
    }
    remap_kernel<T, I><<<grid_for(n), kThreads, 0, stream>>>((T *)out, (const T *)src, r, (I)n);
  }));
  return THC_UNSUPPORTED;
}

extern "C" cudaError_t THC_launchTri(void *out, const void *src, int elem_size, int64_t n,
                                     int64_t rows, int64_t cols, int64_t k, bool upper,
                                     cudaStream_t stream) {
  if (n == 0) return cudaSuccess;
  THC_SIZE_CASES(elem_size, return with_index_type(n, [&](auto i) {
    typedef decltype(i) I;
    tri_kernel<T, I><<<grid_for(n), kThreads, 0, stream>>>((T *)out, (const T *)src, (I)n,
                                                         (I)rows, (I)cols, k, upper);
  }));
  return THC_UNSUPPORTED;
}
