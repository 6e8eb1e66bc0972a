// THCRandom.cu: the CUDA kernels of THOps.def's RANDOM rows.
//
// Numbers come from Philox-4x32-10 (Salmon et al., "Parallel random numbers: as easy as 1, 2,
// 3"), written here so that every kernel controls exactly which counter each element reads:
// output element i belongs to group i / E (E = 2 or 4 elements), and the group's four 32-bit
// numbers are philox(key = seed, counter = (offset / 4, group)).  A result therefore depends
// on the seed, the launch's offset and the element's position in the iteration order only,
// never on the grid size, and two launches never share a counter (THC_philoxReserve moves the
// offset on).  The transforms mirror lib/TH's CPU kernels (THCpuRandom.c): 53-bit uniforms
// where the CPU draws 64 bits (float64, and the distributions the CPU samples in double),
// 24-bit ones where it draws 32, Box-Muller for the normals (sincospi, so no 2*pi rounding),
// and the same integer arithmetic for random_.  The streams differ from the CPU's, as
// PyTorch's CUDA streams differ from its CPU ones.
//
// randperm sorts random 64-bit keys (cub radix sort).  multinomial without replacement takes
// the top k of p / q with q ~ Exp(1) per row (the CPU's exponential trick: an argmax for one
// sample, a segmented radix sort otherwise); with replacement it searches each row's
// normalised cumulative sums.
#include <cub/block/block_scan.cuh>
#include <cub/device/device_radix_sort.cuh>
#include <cub/device/device_segmented_radix_sort.cuh>
#include <type_traits>
#include "THCDevice.cuh"
#include "THCRandomKernels.h"

using namespace thc;

namespace {

// ======================================================================= Philox-4x32-10

__host__ __device__ __forceinline__ uint32_t mulhi32(uint32_t a, uint32_t b) {
#ifdef __CUDA_ARCH__
  return __umulhi(a, b);
#else
  return (uint32_t)(((uint64_t)a * b) >> 32);
#endif
}

// Four 32-bit numbers for (counter, subsequence) under key seed: Random123's philox4x32_10 with
// the counter words (counter lo, counter hi, subsequence lo, subsequence hi).
__host__ __device__ __forceinline__ uint4 philox(uint64_t seed, uint64_t counter,
                                                 uint64_t subsequence) {
  uint32_t c0 = (uint32_t)counter, c1 = (uint32_t)(counter >> 32);
  uint32_t c2 = (uint32_t)subsequence, c3 = (uint32_t)(subsequence >> 32);
  uint32_t k0 = (uint32_t)seed, k1 = (uint32_t)(seed >> 32);
#pragma unroll
  for (int round = 0; round < 10; round++) {
    if (round > 0) {
      k0 += 0x9E3779B9u;
      k1 += 0xBB67AE85u;
    }
    uint32_t hi0 = mulhi32(0xD2511F53u, c0), lo0 = 0xD2511F53u * c0;
    uint32_t hi1 = mulhi32(0xCD9E8D57u, c2), lo1 = 0xCD9E8D57u * c2;
    uint32_t n0 = hi1 ^ c1 ^ k0, n2 = hi0 ^ c3 ^ k1;
    c0 = n0;
    c1 = lo1;
    c2 = n2;
    c3 = lo0;
  }
  return make_uint4(c0, c1, c2, c3);
}

// The four numbers of group g in this launch.
__device__ __forceinline__ uint4 draw(const THCPhilox &ph, uint64_t g) {
  return philox(ph.seed, ph.offset / 4, g);
}

__device__ __forceinline__ uint32_t word(const uint4 &r, int k) {
  return k == 0 ? r.x : k == 1 ? r.y : k == 2 ? r.z : r.w;
}
// Pair k (0 or 1) of the group as one 64-bit number, the first word the high half.
__device__ __forceinline__ uint64_t word64(const uint4 &r, int k) {
  return k == 0 ? ((uint64_t)r.x << 32) | r.y : ((uint64_t)r.z << 32) | r.w;
}

constexpr double kPi = 3.14159265358979323846;

// [0, 1) from the low 24 bits (the CPU's float uniform) or the low 53 bits (its double one).
__device__ __forceinline__ float uniform24(uint32_t x) {
  return (float)(x & 0xffffffu) * 0x1p-24f;
}
__device__ __forceinline__ double uniform53(uint64_t x) {
  return (double)(x & ((1ull << 53) - 1)) * 0x1p-53;
}
// (0, 1), never an end: for logarithms of the uniform itself.
__device__ __forceinline__ double uniform_open(uint64_t x) {
  return ((double)(x >> 12) + 0.5) * 0x1p-52;
}

// Two independent standard normals from the group's two 53-bit uniforms (Box-Muller).
__device__ __forceinline__ void normal_pair(const uint4 &r, double *z) {
  double radius = sqrt(-2.0 * log(1.0 - uniform53(word64(r, 0))));
  double s, c;
  sincospi(2.0 * uniform53(word64(r, 1)), &s, &c);
  z[0] = radius * c;
  z[1] = radius * s;
}

// ======================================================================= element access

template <typename S> struct IsFloating {
  static constexpr bool value = std::is_same<S, float>::value || std::is_same<S, double>::value ||
                                std::is_same<S, Half>::value || std::is_same<S, BFloat16>::value;
};

// static_cast<S>(double) as the CPU's store_d: integers through int64.
template <typename S> __device__ __forceinline__ S from_double(double v) {
  if constexpr (IsFloating<S>::value || std::is_same<S, bool>::value) return Store<S>::from(v);
  else return (S)(int64_t)v;
}

// Byte offsets of element i for every operand: one multiply in the common one-dim case.
template <int N>
__device__ __forceinline__ void offsets(const OffsetCalc<N, uint64_t> &c, uint64_t i,
                                        int64_t *off) {
  if (c.ndim == 1) {
#pragma unroll
    for (int k = 0; k < N; k++) off[k] = (int64_t)i * c.strides[k][0];
  } else {
    c.get(i, off);
  }
}

// ======================================================================= distributions
//
// Each fills the E values of one group from its four numbers.  supports<S>() names the
// storage types it runs for (the CPU kernel's), per_group<S>() is E.

struct Uniform {
  double from, to;
  template <typename S> static constexpr bool supports() { return IsFloating<S>::value; }
  template <typename S> static constexpr int per_group() {
    return std::is_same<S, double>::value ? 2 : 4;
  }
  template <typename S> __device__ void sample(const uint4 &r, S *v) const {
    if constexpr (std::is_same<S, double>::value) {
      const double span = to - from;
      for (int k = 0; k < 2; k++) {
        double x = fma(uniform53(word64(r, k)), span, from);
        v[k] = x < to ? x : from; // rounding may reach `to`: [from, to) as promised
      }
    } else {
      const float lo = (float)from, span = (float)to - lo;
      for (int k = 0; k < 4; k++) {
        S x = Store<S>::from(fmaf(uniform24(word(r, k)), span, lo));
        v[k] = (double)to_acc(x) < to ? x : Store<S>::from(lo); // rounding may reach `to`
      }
    }
  }
};

struct Normal {
  double mean, std;
  template <typename S> static constexpr bool supports() { return IsFloating<S>::value; }
  template <typename S> static constexpr int per_group() {
    return std::is_same<S, double>::value ? 2 : 4;
  }
  template <typename S> __device__ void sample(const uint4 &r, S *v) const {
    if constexpr (std::is_same<S, double>::value) {
      double z[2];
      normal_pair(r, z);
      v[0] = fma(z[0], std, mean);
      v[1] = fma(z[1], std, mean);
    } else {
      const float m = (float)mean, sd = (float)std;
      for (int k = 0; k < 4; k += 2) {
        float radius = sqrtf(-2.0f * logf(1.0f - uniform24(word(r, k))));
        float s, c;
        sincospif(2.0f * uniform24(word(r, k + 1)), &s, &c);
        v[k] = Store<S>::from(fmaf(radius * c, sd, m));
        v[k + 1] = Store<S>::from(fmaf(radius * s, sd, m));
      }
    }
  }
};

// exponential, cauchy, log_normal (floating outputs) and geometric (every dtype but bool),
// computed in double from 53-bit uniforms as the CPU does.
struct InDouble {
  int op;
  double a, b;
  template <typename S> static constexpr bool supports() { return !std::is_same<S, bool>::value; }
  template <typename S> static constexpr int per_group() { return 2; }
  template <typename S> __device__ void sample(const uint4 &r, S *v) const {
    double x[2];
    switch (op) {
    case THC_OP_exponential:
      for (int k = 0; k < 2; k++) x[k] = -1.0 / a * log(1.0 - uniform53(word64(r, k)));
      break;
    case THC_OP_cauchy:
      for (int k = 0; k < 2; k++) x[k] = fma(b, tan(kPi * (uniform53(word64(r, k)) - 0.5)), a);
      break;
    case THC_OP_log_normal:
      normal_pair(r, x);
      for (int k = 0; k < 2; k++) x[k] = exp(fma(x[k], b, a));
      break;
    default: { // geometric: the number of trials up to the first success, >= 1
      const double log_q = log(1.0 - a);
      for (int k = 0; k < 2; k++) x[k] = ceil(log(uniform_open(word64(r, k))) / log_q);
    }
    }
    v[0] = from_double<S>(x[0]);
    v[1] = from_double<S>(x[1]);
  }
};

// random_: 64 bits per element; the CPU's 32-bit draws use the pair's low word.
struct Random {
  int mode;
  int64_t base;
  uint64_t range;
  template <typename S> static constexpr bool supports() { return true; }
  template <typename S> static constexpr int per_group() { return 2; }

  // random_() with no bounds: [0, 2^digits] for floats, [0, max] for integers, {0, 1} for bool
  template <typename S> __device__ static uint64_t default_range(uint64_t r64) {
    const uint32_t r32 = (uint32_t)r64;
    if constexpr (std::is_same<S, double>::value) return r64 % ((1ull << 53) + 1);
    else if constexpr (std::is_same<S, int64_t>::value) return r64 & (uint64_t)INT64_MAX;
    else if constexpr (std::is_same<S, float>::value) return r32 % ((1u << 24) + 1);
    else if constexpr (std::is_same<S, Half>::value) return r32 % ((1u << 11) + 1);
    else if constexpr (std::is_same<S, BFloat16>::value) return r32 % ((1u << 8) + 1);
    else if constexpr (std::is_same<S, int32_t>::value) return r32 % (1u << 31);
    else if constexpr (std::is_same<S, int16_t>::value) return r32 % (1u << 15);
    else if constexpr (std::is_same<S, int8_t>::value) return r32 % (1u << 7);
    else if constexpr (std::is_same<S, uint8_t>::value) return r32 % (1u << 8);
    else return r32 & 1u;
  }

  template <typename S> __device__ void sample(const uint4 &r, S *v) const {
    // the CPU draws 64 bits for a range of 2^32 or more in the dtypes that can hold one
    constexpr bool wide_dtype = std::is_same<S, int64_t>::value || std::is_same<S, double>::value ||
                                std::is_same<S, float>::value || std::is_same<S, BFloat16>::value;
    const bool wide = wide_dtype && range >= (1ull << 32);
    for (int k = 0; k < 2; k++) {
      uint64_t r64 = word64(r, k), x;
      if (mode == 0) x = (wide ? r64 : (uint32_t)r64) % range + (uint64_t)base;
      else if (mode == 1) x = default_range<S>(r64);
      else x = r64;
      v[k] = Store<S>::from((int64_t)x);
    }
  }
};

// bernoulli_(p) with a number: a 53-bit uniform below p, as on the CPU
struct Bernoulli {
  double p;
  template <typename S> static constexpr bool supports() { return true; }
  template <typename S> static constexpr int per_group() { return 2; }
  template <typename S> __device__ void sample(const uint4 &r, S *v) const {
    for (int k = 0; k < 2; k++) v[k] = Store<S>::from((int)(uniform53(word64(r, k)) < p));
  }
};

// ======================================================================= the fill kernel

template <typename S, typename Dist>
__global__ void fill_kernel(char *out, OffsetCalc<1, uint64_t> calc, uint64_t n, THCPhilox ph,
                            Dist dist) {
  constexpr int E = Dist::template per_group<S>();
  const uint64_t groups = (n + E - 1) / E;
  for (uint64_t g = blockIdx.x * (uint64_t)blockDim.x + threadIdx.x; g < groups;
       g += (uint64_t)blockDim.x * gridDim.x) {
    S v[E];
    dist.template sample<S>(draw(ph, g), v);
#pragma unroll
    for (int k = 0; k < E; k++) {
      uint64_t i = g * E + k;
      if (i < n) {
        int64_t off;
        offsets<1>(calc, i, &off);
        *(S *)(out + off) = v[k];
      }
    }
  }
}

template <typename S, typename Dist>
cudaError_t launch_fill(const THCIter &it, THCPhilox ph, cudaStream_t stream, const Dist &d) {
  if constexpr (!Dist::template supports<S>()) {
    return THC_UNSUPPORTED;
  } else {
    constexpr int E = Dist::template per_group<S>();
    fill_kernel<S, Dist><<<grid_for(it.numel, E), kThreads, 0, stream>>>(
        it.data[0], OffsetCalc<1, uint64_t>(it), (uint64_t)it.numel, ph, d);
    return cudaGetLastError();
  }
}

template <typename Dist>
cudaError_t fill(const THCIter &it, THCPhilox ph, cudaStream_t stream, const Dist &d) {
  THC_DTYPE_CASES(it.dtypes[0], return launch_fill<S>(it, ph, stream, d));
  return THC_UNSUPPORTED;
}

// ======================================================================= bernoulli with tensor p

// A floating probability; float64 ones compare with 53-bit uniforms, the others (as float)
// with 24-bit ones, as on the CPU.
__device__ __forceinline__ bool bernoulli_draw(const char *p, int dtype, uint64_t r64) {
  switch (dtype) {
  case TH_F64: return uniform53(r64) < *(const double *)p;
  case TH_F32: return uniform24((uint32_t)r64) < *(const float *)p;
  case TH_F16: return uniform24((uint32_t)r64) < to_acc(*(const Half *)p);
  default: return uniform24((uint32_t)r64) < to_acc(*(const BFloat16 *)p);
  }
}

template <typename S>
__global__ void bernoulli_tensor_kernel(char *out, const char *prob, int prob_dtype,
                                        OffsetCalc<2, uint64_t> calc, uint64_t n, THCPhilox ph) {
  const uint64_t groups = (n + 1) / 2;
  for (uint64_t g = blockIdx.x * (uint64_t)blockDim.x + threadIdx.x; g < groups;
       g += (uint64_t)blockDim.x * gridDim.x) {
    uint4 r = draw(ph, g);
    for (int k = 0; k < 2; k++) {
      uint64_t i = g * 2 + k;
      if (i < n) {
        int64_t off[2];
        offsets<2>(calc, i, off);
        *(S *)(out + off[0]) = Store<S>::from((int)bernoulli_draw(prob + off[1], prob_dtype, word64(r, k)));
      }
    }
  }
}

// ======================================================================= randperm

__global__ void randperm_keys_kernel(uint64_t *keys, int64_t *values, int64_t n, THCPhilox ph) {
  const uint64_t groups = ((uint64_t)n + 1) / 2;
  for (uint64_t g = blockIdx.x * (uint64_t)blockDim.x + threadIdx.x; g < groups;
       g += (uint64_t)blockDim.x * gridDim.x) {
    uint4 r = draw(ph, g);
    for (int k = 0; k < 2; k++) {
      int64_t i = (int64_t)(g * 2 + k);
      if (i < n) {
        keys[i] = word64(r, k);
        values[i] = i;
      }
    }
  }
}

constexpr size_t kAlign = 256;
inline size_t aligned(size_t bytes) { return (bytes + kAlign - 1) / kAlign * kAlign; }

// Carves consecutive, aligned pieces out of one workspace.
struct Carver {
  char *at;
  template <typename T> T *take(size_t count) {
    T *p = (T *)at;
    at += aligned(count * sizeof(T));
    return p;
  }
};

// ======================================================================= multinomial: access

template <typename S>
__device__ __forceinline__ double prob_at(const THCProbs &p, int64_t row, int64_t col) {
  return (double)to_acc(*(const S *)(p.data + (row * p.row_stride + col * p.col_stride) * (int64_t)sizeof(S)));
}

// Runs BODY with S the storage type of a floating dtype.
#define THC_RANDOM_FLOAT_CASES(DT, BODY)                    \
  switch (DT) {                                             \
  case TH_F32: { typedef float S; BODY; } break;            \
  case TH_F64: { typedef double S; BODY; } break;           \
  case TH_F16: { typedef thc::Half S; BODY; } break;        \
  case TH_BF16: { typedef thc::BFloat16 S; BODY; } break;   \
  default: return THC_UNSUPPORTED;                          \
  }

// One block per row, up to 65535 blocks striding over the rows.
unsigned row_grid(int64_t rows) { return (unsigned)(rows < 65535 ? (rows < 1 ? 1 : rows) : 65535); }

// ======================================================================= multinomial: checks

template <typename S> __global__ void multinomial_check_kernel(THCProbs p, int32_t *flags) {
  __shared__ int first_negative, first_inf, any_positive, any_positive_float;
  const int ncat = (int)p.ncat;
  for (int64_t row = blockIdx.x; row < p.rows; row += gridDim.x) {
    if (threadIdx.x == 0) {
      first_negative = first_inf = ncat;
      any_positive = any_positive_float = 0;
    }
    __syncthreads();
    int neg = ncat, inf = ncat;
    bool pos = false, pos_float = false;
    for (int j = threadIdx.x; j < ncat; j += blockDim.x) {
      double v = prob_at<S>(p, row, j);
      if (!(v >= 0)) neg = min(neg, j);
      else if (!isfinite(v)) inf = min(inf, j);
      pos |= v > 0;
      pos_float |= (float)v > 0;
    }
    atomicMin(&first_negative, neg);
    atomicMin(&first_inf, inf);
    if (pos) atomicOr(&any_positive, 1);
    if (pos_float) atomicOr(&any_positive_float, 1);
    __syncthreads();
    if (threadIdx.x == 0) {
      int32_t *f = flags + row * THC_MULTINOMIAL_NFLAGS;
      f[THC_MULTINOMIAL_FIRST_NEGATIVE] = first_negative;
      f[THC_MULTINOMIAL_FIRST_INF] = first_inf;
      f[THC_MULTINOMIAL_ANY_POSITIVE] = any_positive;
      f[THC_MULTINOMIAL_ANY_POSITIVE_FLOAT] = any_positive_float;
    }
    __syncthreads(); // the next row resets the shared flags
  }
}

// ======================================================================= without replacement

// The sort key of (row, col): p / q with q ~ Exp(1) > 0, in double for float64 weights and in
// float otherwise (the CPU's precision); larger keys come first.
template <typename S> struct KeyOf { typedef float type; };
template <> struct KeyOf<double> { typedef double type; };

template <typename S>
__device__ __forceinline__ typename KeyOf<S>::type topk_key(const THCProbs &p, int64_t row,
                                                           int64_t col, const THCPhilox &ph) {
  typedef typename KeyOf<S>::type K;
  uint64_t flat = (uint64_t)(row * p.ncat + col);
  double q = -log(uniform_open(word64(draw(ph, flat / 2), (int)(flat % 2))));
  return (K)prob_at<S>(p, row, col) / (K)q;
}

// One sample per row: the column of the largest key, the first one on ties.
template <typename S>
__global__ void multinomial_argmax_kernel(THCProbs p, int64_t *out, THCPhilox ph) {
  typedef typename KeyOf<S>::type K;
  __shared__ K best_key[kThreads];
  __shared__ int best_col[kThreads];
  const int ncat = (int)p.ncat;
  for (int64_t row = blockIdx.x; row < p.rows; row += gridDim.x) {
    K key = -1;
    int col = ncat;
    for (int j = threadIdx.x; j < ncat; j += blockDim.x) {
      K k = topk_key<S>(p, row, j, ph);
      if (k > key) { // columns rise within a thread: the first one wins ties
        key = k;
        col = j;
      }
    }
    best_key[threadIdx.x] = key;
    best_col[threadIdx.x] = col;
    __syncthreads();
    for (int half = blockDim.x / 2; half > 0; half /= 2) {
      if ((int)threadIdx.x < half) {
        K k2 = best_key[threadIdx.x + half];
        int c2 = best_col[threadIdx.x + half];
        if (k2 > best_key[threadIdx.x] || (k2 == best_key[threadIdx.x] && c2 < best_col[threadIdx.x])) {
          best_key[threadIdx.x] = k2;
          best_col[threadIdx.x] = c2;
        }
      }
      __syncthreads();
    }
    if (threadIdx.x == 0) out[row] = best_col[0];
    __syncthreads();
  }
}

// Keys and column numbers of rows [row0, row0 + rows) into the sort's input buffers.
template <typename S>
__global__ void multinomial_keys_kernel(THCProbs p, int64_t row0, int64_t rows,
                                        typename KeyOf<S>::type *keys, int32_t *cols,
                                        THCPhilox ph) {
  const uint64_t n = (uint64_t)(rows * p.ncat);
  for (uint64_t i = blockIdx.x * (uint64_t)blockDim.x + threadIdx.x; i < n;
       i += (uint64_t)blockDim.x * gridDim.x) {
    int64_t r = (int64_t)(i / (uint64_t)p.ncat), c = (int64_t)(i % (uint64_t)p.ncat);
    keys[i] = topk_key<S>(p, row0 + r, c, ph);
    cols[i] = (int32_t)c;
  }
}

__global__ void segment_offsets_kernel(int32_t *offsets, int64_t count, int32_t step) {
  for (int64_t i = blockIdx.x * (int64_t)blockDim.x + threadIdx.x; i <= count;
       i += (int64_t)blockDim.x * gridDim.x)
    offsets[i] = (int32_t)(i * step);
}

// The first nsample sorted columns of each row of the chunk into out.
__global__ void multinomial_gather_kernel(const int32_t *sorted_cols, int64_t ncat, int64_t rows,
                                          int64_t nsample, int64_t *out) {
  const uint64_t n = (uint64_t)(rows * nsample);
  for (uint64_t i = blockIdx.x * (uint64_t)blockDim.x + threadIdx.x; i < n;
       i += (uint64_t)blockDim.x * gridDim.x) {
    int64_t r = (int64_t)(i / (uint64_t)nsample), s = (int64_t)(i % (uint64_t)nsample);
    out[i] = sorted_cols[r * ncat + s];
  }
}

// Rows sorted together: at most 2^26 keys per sort, so that the buffers stay bounded.
int64_t chunk_rows(const THCProbs &p) {
  int64_t rows = ((int64_t)1 << 26) / p.ncat;
  if (rows < 1) rows = 1;
  return rows < p.rows ? rows : p.rows;
}

template <typename S> struct TopK {
  typedef typename KeyOf<S>::type K;

  static cudaError_t sort(void *temp, size_t &temp_bytes, const K *keys_in, K *keys_out,
                          const int32_t *cols_in, int32_t *cols_out, int64_t items, int64_t segments,
                          const int32_t *begins, const int32_t *ends, cudaStream_t stream) {
    return cub::DeviceSegmentedRadixSort::SortPairsDescending(
        temp, temp_bytes, keys_in, keys_out, cols_in, cols_out, (int)items, (int)segments,
        begins, ends, 0, (int)(sizeof(K) * 8), stream);
  }

  static cudaError_t workspace(const THCProbs &p, size_t *bytes) {
    int64_t rows = chunk_rows(p), items = rows * p.ncat;
    size_t temp = 0;
    cudaError_t e = sort(nullptr, temp, nullptr, nullptr, nullptr, nullptr, items, rows, nullptr,
                         nullptr, 0);
    if (e != cudaSuccess) return e;
    *bytes = 2 * aligned(items * sizeof(K)) + 2 * aligned(items * sizeof(int32_t)) +
             aligned((rows + 1) * sizeof(int32_t)) + temp;
    return cudaSuccess;
  }

  static cudaError_t run(const THCProbs &p, int64_t nsample, int64_t *out, void *ws, size_t bytes,
                         THCPhilox ph, cudaStream_t stream) {
    int64_t per_chunk = chunk_rows(p), items_max = per_chunk * p.ncat;
    Carver carve{(char *)ws};
    K *keys_in = carve.take<K>(items_max), *keys_out = carve.take<K>(items_max);
    int32_t *cols_in = carve.take<int32_t>(items_max), *cols_out = carve.take<int32_t>(items_max);
    int32_t *offsets = carve.take<int32_t>(per_chunk + 1);
    size_t temp_bytes = bytes - (size_t)(carve.at - (char *)ws);
    segment_offsets_kernel<<<grid_for(per_chunk + 1), kThreads, 0, stream>>>(offsets, per_chunk,
                                                                            (int32_t)p.ncat);
    cudaError_t e = cudaGetLastError();
    for (int64_t row0 = 0; row0 < p.rows && e == cudaSuccess; row0 += per_chunk) {
      int64_t rows = p.rows - row0 < per_chunk ? p.rows - row0 : per_chunk, items = rows * p.ncat;
      multinomial_keys_kernel<S><<<grid_for(items), kThreads, 0, stream>>>(p, row0, rows, keys_in,
                                                                           cols_in, ph);
      e = cudaGetLastError();
      size_t temp = temp_bytes;
      if (e == cudaSuccess)
        e = sort(carve.at, temp, keys_in, keys_out, cols_in, cols_out, items, rows, offsets,
                 offsets + 1, stream);
      if (e == cudaSuccess) {
        multinomial_gather_kernel<<<grid_for(rows * nsample), kThreads, 0, stream>>>(
            cols_out, p.ncat, rows, nsample, out + row0 * nsample);
        e = cudaGetLastError();
      }
    }
    return e;
  }
};

// ======================================================================= with replacement

constexpr int kScanItems = 4; // consecutive columns per thread in one tile of the scan
constexpr int kScanTile = kThreads * kScanItems;

// cum[row, j] = (p[row, 0] + ... + p[row, j]) / the row's sum, in float (double for float64
// weights).  Tiles run in order and carry the exact last value stored, so the last column of
// every row is 1 exactly.
template <typename S, typename T> __global__ void multinomial_cdf_kernel(THCProbs p, T *cum) {
  typedef cub::BlockScan<T, kThreads> Scan;
  __shared__ typename Scan::TempStorage scan_storage;
  __shared__ T tile_last;
  for (int64_t row = blockIdx.x; row < p.rows; row += gridDim.x) {
    T *out = cum + row * p.ncat;
    T carry = 0;
    for (int64_t base = 0; base < p.ncat; base += kScanTile) {
      T v[kScanItems];
      for (int k = 0; k < kScanItems; k++) {
        int64_t j = base + threadIdx.x * kScanItems + k;
        v[k] = j < p.ncat ? (T)prob_at<S>(p, row, j) : (T)0;
      }
      Scan(scan_storage).InclusiveSum(v, v);
      const int64_t tile_end = base + kScanTile < p.ncat ? base + kScanTile : p.ncat;
      for (int k = 0; k < kScanItems; k++) {
        int64_t j = base + threadIdx.x * kScanItems + k;
        if (j < p.ncat) out[j] = v[k] + carry;
        if (j == tile_end - 1) tile_last = out[j];
      }
      __syncthreads();
      carry = tile_last;
      __syncthreads(); // scan_storage and tile_last are reused by the next tile
    }
    // each thread rescales the columns it wrote itself
    for (int64_t base = 0; base < p.ncat; base += kScanTile)
      for (int k = 0; k < kScanItems; k++) {
        int64_t j = base + threadIdx.x * kScanItems + k;
        if (j < p.ncat) out[j] = j == p.ncat - 1 ? (T)1 : out[j] / carry;
      }
  }
}

// The column nearest after (else before) j with a positive weight; the check guarantees one.
template <typename S>
__device__ int64_t nearest_positive(const THCProbs &p, int64_t row, int64_t j) {
  for (int64_t k = j + 1; k < p.ncat; k++)
    if (prob_at<S>(p, row, k) > 0) return k;
  for (int64_t k = j - 1; k >= 0; k--)
    if (prob_at<S>(p, row, k) > 0) return k;
  return j;
}

// Sample i = row * nsample + s: the first column whose cumulative weight reaches an open
// uniform, moved off a zero-weight column if rounding left one there.
template <typename S, typename T>
__global__ void multinomial_search_kernel(THCProbs p, const T *cum, int64_t nsample, int64_t *out,
                                          THCPhilox ph) {
  const uint64_t n = (uint64_t)(p.rows * nsample), groups = (n + 1) / 2;
  for (uint64_t g = blockIdx.x * (uint64_t)blockDim.x + threadIdx.x; g < groups;
       g += (uint64_t)blockDim.x * gridDim.x) {
    uint4 r = draw(ph, g);
    for (int k = 0; k < 2; k++) {
      uint64_t i = g * 2 + k;
      if (i >= n) break;
      int64_t row = (int64_t)(i / (uint64_t)nsample);
      const T *c = cum + row * p.ncat;
      double u = uniform_open(word64(r, k));
      int64_t lo = 0, hi = p.ncat - 1; // c[ncat - 1] == 1 > u
      while (lo < hi) {
        int64_t mid = lo + (hi - lo) / 2;
        if ((double)c[mid] < u) lo = mid + 1;
        else hi = mid;
      }
      out[i] = prob_at<S>(p, row, lo) > 0 ? lo : nearest_positive<S>(p, row, lo);
    }
  }
}

template <typename S> struct WithReplacement {
  typedef typename std::conditional<std::is_same<S, double>::value, double, float>::type T;

  static size_t workspace(const THCProbs &p) { return aligned((size_t)(p.rows * p.ncat) * sizeof(T)); }

  static cudaError_t run(const THCProbs &p, int64_t nsample, int64_t *out, void *ws, THCPhilox ph,
                         cudaStream_t stream) {
    T *cum = (T *)ws;
    multinomial_cdf_kernel<S, T><<<row_grid(p.rows), kThreads, 0, stream>>>(p, cum);
    cudaError_t e = cudaGetLastError();
    if (e != cudaSuccess) return e;
    multinomial_search_kernel<S, T><<<grid_for(p.rows * nsample, 2), kThreads, 0, stream>>>(
        p, cum, nsample, out, ph);
    return cudaGetLastError();
  }
};

}  // namespace

// ======================================================================= launchers

extern "C" cudaError_t THC_launchRandomFill(int op, const THCIter *it, const THCRandomParams *p,
                                            THCPhilox ph, cudaStream_t stream) {
  if (it->numel == 0) return cudaSuccess;
  switch (op) {
  case THC_OP_uniform: return fill(*it, ph, stream, Uniform{p->a, p->b});
  case THC_OP_normal: return fill(*it, ph, stream, Normal{p->a, p->b});
  case THC_OP_exponential:
  case THC_OP_cauchy:
  case THC_OP_log_normal:
  case THC_OP_geometric: return fill(*it, ph, stream, InDouble{op, p->a, p->b});
  case THC_OP_random: return fill(*it, ph, stream, Random{p->mode, p->base, p->range});
  case THC_OP_bernoulli: return fill(*it, ph, stream, Bernoulli{p->a});
  default: return THC_UNSUPPORTED;
  }
}

extern "C" cudaError_t THC_launchBernoulliTensor(const THCIter *it, THCPhilox ph,
                                                 cudaStream_t stream) {
  if (it->numel == 0) return cudaSuccess;
  int pdt = it->dtypes[1];
  if (pdt != TH_F64 && pdt != TH_F32 && pdt != TH_F16 && pdt != TH_BF16) return THC_UNSUPPORTED;
  THC_DTYPE_CASES(it->dtypes[0],
                  (bernoulli_tensor_kernel<S><<<grid_for(it->numel, 2), kThreads, 0, stream>>>(
                      it->data[0], it->data[1], pdt, OffsetCalc<2, uint64_t>(*it),
                      (uint64_t)it->numel, ph)));
  return cudaGetLastError();
}

static cudaError_t randperm_sort(void *temp, size_t &temp_bytes, const uint64_t *keys_in,
                                 uint64_t *keys_out, const int64_t *values_in, int64_t *values_out,
                                 int64_t n, cudaStream_t stream) {
  return cub::DeviceRadixSort::SortPairs(temp, temp_bytes, keys_in, keys_out, values_in, values_out,
                                         n, 0, 64, stream);
}

extern "C" cudaError_t THC_randpermWorkspace(int64_t n, size_t *bytes) {
  size_t temp = 0;
  cudaError_t e = randperm_sort(nullptr, temp, nullptr, nullptr, nullptr, nullptr, n, 0);
  if (e != cudaSuccess) return e;
  *bytes = 3 * aligned((size_t)n * 8) + temp;
  return cudaSuccess;
}

extern "C" cudaError_t THC_launchRandperm(int64_t *out, int64_t n, void *workspace, size_t bytes,
                                          THCPhilox ph, cudaStream_t stream) {
  if (n == 0) return cudaSuccess;
  Carver carve{(char *)workspace};
  uint64_t *keys_in = carve.take<uint64_t>(n), *keys_out = carve.take<uint64_t>(n);
  int64_t *values = carve.take<int64_t>(n);
  size_t temp_bytes = bytes - (size_t)(carve.at - (char *)workspace);
  randperm_keys_kernel<<<grid_for(n, 2), kThreads, 0, stream>>>(keys_in, values, n, ph);
  cudaError_t e = cudaGetLastError();
  if (e != cudaSuccess) return e;
  return randperm_sort(carve.at, temp_bytes, keys_in, keys_out, values, out, n, stream);
}

extern "C" cudaError_t THC_launchMultinomialCheck(const THCProbs *p, int32_t *flags,
                                                  cudaStream_t stream) {
  if (p->rows == 0) return cudaSuccess;
  THC_RANDOM_FLOAT_CASES(p->dtype, (multinomial_check_kernel<S><<<row_grid(p->rows), kThreads, 0, stream>>>(
                                *p, flags)));
  return cudaGetLastError();
}

extern "C" cudaError_t THC_multinomialWorkspace(const THCProbs *p, int64_t nsample,
                                                bool replacement, size_t *bytes) {
  *bytes = 0;
  if (p->rows == 0 || p->ncat == 0) return cudaSuccess;
  if (replacement) {
    THC_RANDOM_FLOAT_CASES(p->dtype, *bytes = WithReplacement<S>::workspace(*p));
    return cudaSuccess;
  }
  if (nsample == 1) return cudaSuccess;
  THC_RANDOM_FLOAT_CASES(p->dtype, return TopK<S>::workspace(*p, bytes));
  return cudaSuccess;
}

extern "C" cudaError_t THC_launchMultinomial(const THCProbs *p, int64_t nsample, bool replacement,
                                             int64_t *out, void *workspace, size_t bytes,
                                             THCPhilox ph, cudaStream_t stream) {
  if (p->rows == 0 || nsample == 0) return cudaSuccess;
  if (replacement) {
    THC_RANDOM_FLOAT_CASES(p->dtype, return WithReplacement<S>::run(*p, nsample, out, workspace, ph, stream));
  } else if (nsample == 1) {
    THC_RANDOM_FLOAT_CASES(p->dtype, (multinomial_argmax_kernel<S><<<row_grid(p->rows), kThreads, 0, stream>>>(
                                  *p, out, ph)));
    return cudaGetLastError();
  } else {
    THC_RANDOM_FLOAT_CASES(p->dtype, return TopK<S>::run(*p, nsample, out, workspace, bytes, ph, stream));
  }
  return cudaSuccess;
}
