// THCReduceSelect.cu: median, nanmedian and mode on CUDA: the reductions that need a whole
// row in order.
//
// Every row is gathered into (key, index) pairs, where the key is an unsigned integer that
// orders like the CPU's comparison (THCpuReduceSelect.c): floats as their value with -0 equal
// to +0 and every NaN above every number, integers as int64.  cub's radix sort (one sort for a
// single row, a segmented sort for many) is stable, so equal values stay in index order, as
// the CPU's (value, index) ordering has them.  Then:
//   median     the NaN-free prefix of the sorted row is found by binary search; median takes
//              the first NaN when there is one, else the lower middle; nanmedian the lower
//              middle of the numbers (the first NaN when the row has nothing else);
//   mode       one block per row finds the runs of equal keys (each NaN a run of its own, as
//              NaN != NaN on the CPU) and keeps the longest, the smallest value on ties; its
//              last element carries the largest index, as PyTorch's CPU kernel returns.
// The value written is the input's own element at the chosen index.
#include <cub/cub.cuh>
#include "THCReduceDevice.cuh"

using namespace thc;

namespace {

constexpr int kThreads = 256;

// Bits of the sort key of a dtype: 64 for float64 and int64, 32 for the others.
template <typename S> constexpr int key_bits() { return sizeof(S) == 8 ? 64 : 32; }
// The key every NaN gets: above every number's.
template <typename S> constexpr uint64_t nan_key() {
  return key_bits<S>() == 64 ? ~0ull : 0xffffffffull;
}

// The order-preserving key of an element.
template <typename S> __device__ __forceinline__ uint64_t sort_key(S s) {
  if constexpr (std::is_same<S, double>::value) {
    double v = s;
    if (v != v) return nan_key<S>();
    if (v == 0) v = 0; /* -0 sorts with +0 */
    uint64_t u = (uint64_t)__double_as_longlong(v);
    return (u >> 63) ? ~u : (u | (1ull << 63));
  } else if constexpr (is_floating<S>()) {
    float v = to_acc(s);
    if (v != v) return nan_key<S>();
    if (v == 0) v = 0;
    uint32_t u = __float_as_uint(v);
    return (u >> 31) ? (uint32_t)~u : (u | 0x80000000u);
  } else if constexpr (std::is_same<S, int64_t>::value) {
    return (uint64_t)s ^ (1ull << 63);
  } else if constexpr (std::is_signed<S>::value) {
    return (uint32_t)(int32_t)s ^ 0x80000000u;
  } else {
    return (uint64_t)s;
  }
}

// Offsets in x of the rows (kept dims in row-major order) and of their elements.
struct Rows {
  int nk;
  int64_t ksize[TH_MAX_DIMS], kstride[TH_MAX_DIMS];
  int64_t n, stride; // the reduced dim (n 1, stride 0 when none)
  int64_t count;     // rows
  __device__ int64_t row_offset(int64_t o) const {
    int64_t off = 0;
    for (int d = nk - 1; d >= 0; d--) {
      int64_t q = o / ksize[d];
      off += (o - q * ksize[d]) * kstride[d];
      o = q;
    }
    return off;
  }
};

template <typename S>
__global__ void gather_kernel(const S *x, Rows rows, uint64_t *keys, int *index, int *offsets) {
  const int64_t total = rows.count * rows.n;
  for (int64_t i = blockIdx.x * (int64_t)blockDim.x + threadIdx.x; i < total;
       i += (int64_t)blockDim.x * gridDim.x) {
    int64_t o = i / rows.n, k = i - o * rows.n;
    keys[i] = sort_key(x[rows.row_offset(o) + k * rows.stride]);
    index[i] = (int)k;
  }
  for (int64_t o = blockIdx.x * (int64_t)blockDim.x + threadIdx.x; o <= rows.count;
       o += (int64_t)blockDim.x * gridDim.x)
    offsets[o] = (int)(o * rows.n);
}

// median / nanmedian of each sorted row, one thread per row.
template <typename S>
__global__ void median_kernel(const S *x, Rows rows, const uint64_t *keys, const int *index,
                              bool skip_nan, S *values, int64_t *indices) {
  for (int64_t o = blockIdx.x * (int64_t)blockDim.x + threadIdx.x; o < rows.count;
       o += (int64_t)blockDim.x * gridDim.x) {
    const uint64_t *k = keys + o * rows.n;
    int64_t valid = rows.n; /* the sorted position of the first NaN */
    if (is_floating<S>()) {
      int64_t lo = 0, hi = rows.n;
      while (lo < hi) {
        int64_t mid = lo + (hi - lo) / 2;
        if (k[mid] == nan_key<S>()) hi = mid;
        else lo = mid + 1;
      }
      valid = lo;
    }
    int64_t pos;
    if (!skip_nan && valid < rows.n) pos = valid;
    else pos = valid > 0 ? (valid - 1) / 2 : 0;
    int64_t i = index[o * rows.n + pos];
    values[o] = x[rows.row_offset(o) + i * rows.stride];
    if (indices) indices[o] = i;
  }
}

// The median of nothing: NaN (only float tensors get here), index 0.
template <typename S> __global__ void empty_kernel(S *values, int64_t *indices) {
  values[0] = Store<S>::from(NAN);
  if (indices) indices[0] = 0;
}

// The longest run: larger len wins, then the smaller end (the smaller value).
struct Run {
  int64_t len, end;
};
struct LongerRun {
  __device__ Run operator()(const Run &a, const Run &b) const {
    return b.len > a.len || (b.len == a.len && b.end < a.end) ? b : a;
  }
};
struct Larger {
  __device__ int64_t operator()(int64_t a, int64_t b) const { return a > b ? a : b; }
};
// The last run start seen before this tile, carried from tile to tile.
struct StartCarry {
  int64_t last;
  __device__ int64_t operator()(int64_t tile_max) {
    int64_t before = last;
    last = tile_max > last ? tile_max : last;
    return before;
  }
};

// mode of each sorted row, one block per row.
template <typename S>
__global__ void __launch_bounds__(kThreads)
    mode_kernel(const S *x, Rows rows, const uint64_t *keys, const int *index, S *values,
                int64_t *indices) {
  typedef cub::BlockScan<int64_t, kThreads> Scan;
  typedef cub::BlockReduce<Run, kThreads> Reduce;
  __shared__ union {
    typename Scan::TempStorage scan;
    typename Reduce::TempStorage reduce;
  } tmp;
  const int64_t o = blockIdx.x, n = rows.n;
  const uint64_t *k = keys + o * n;
  const bool fl = is_floating<S>();
  StartCarry carry{-1};
  Run best{0, 0};
  for (int64_t tile = 0; tile < n; tile += kThreads) {
    const int64_t p = tile + threadIdx.x;
    const bool in = p < n;
    const bool is_nan = in && fl && k[p] == nan_key<S>();
    const bool starts = in && (p == 0 || is_nan || k[p - 1] != k[p]);
    const bool ends = in && (p == n - 1 || is_nan || k[p + 1] != k[p]);
    int64_t start;
    Scan(tmp.scan).InclusiveScan(starts ? p : (int64_t)-1, start, Larger(), carry);
    __syncthreads();
    if (ends) best = LongerRun()(best, Run{p - start + 1, p});
  }
  best = Reduce(tmp.reduce).Reduce(best, LongerRun());
  if (threadIdx.x == 0) {
    int64_t i = index[o * n + best.end];
    values[o] = x[rows.row_offset(o) + i * rows.stride];
    indices[o] = i;
  }
}

// The row layout of d; false when more than one reduced dim has more than one element.
bool make_rows(const THCReduceDesc &d, Rows *r) {
  r->nk = 0;
  r->n = 1;
  r->stride = 0;
  r->count = 1;
  int reduced = 0;
  for (int i = 0; i < d.ndim; i++) {
    if (d.reduced[i]) {
      if (d.size[i] != 1) {
        reduced++;
        r->n = d.size[i];
        r->stride = d.stride[i];
      }
    } else {
      r->ksize[r->nk] = d.size[i];
      r->kstride[r->nk] = d.stride[i];
      r->nk++;
      r->count *= d.size[i];
    }
  }
  return reduced <= 1;
}

size_t align_up(size_t n) { return (n + 255) & ~(size_t)255; }

// The workspace: keys and indices twice (sort input and output), row offsets, cub's scratch.
struct Layout {
  size_t keys_in, keys_out, index_in, index_out, offsets, temp, temp_bytes, total;
};

template <typename S> cudaError_t plan(const Rows &rows, Layout *L, cudaStream_t stream) {
  const int64_t total = rows.count * rows.n;
  if (total > INT32_MAX || rows.count + 1 > INT32_MAX) return THC_TOO_LARGE;
  const int n = (int)total, segs = (int)rows.count;
  L->temp_bytes = 0;
  cudaError_t e = cudaSuccess;
  if (n > 0) {
    if (segs == 1)
      e = cub::DeviceRadixSort::SortPairs(nullptr, L->temp_bytes, (const uint64_t *)nullptr,
                                          (uint64_t *)nullptr, (const int *)nullptr,
                                          (int *)nullptr, n, 0, key_bits<S>(), stream);
    else
      e = cub::DeviceSegmentedRadixSort::SortPairs(
          nullptr, L->temp_bytes, (const uint64_t *)nullptr, (uint64_t *)nullptr,
          (const int *)nullptr, (int *)nullptr, n, segs, (const int *)nullptr,
          (const int *)nullptr, 0, key_bits<S>(), stream);
  }
  size_t at = 0;
  L->keys_in = at;
  at += align_up((size_t)n * sizeof(uint64_t));
  L->keys_out = at;
  at += align_up((size_t)n * sizeof(uint64_t));
  L->index_in = at;
  at += align_up((size_t)n * sizeof(int));
  L->index_out = at;
  at += align_up((size_t)n * sizeof(int));
  L->offsets = at;
  at += align_up((size_t)(segs + 1) * sizeof(int));
  L->temp = at;
  at += align_up(L->temp_bytes);
  L->total = at;
  return e;
}

template <typename S>
cudaError_t select_rows(const THCReduceDesc &d, char *ws, size_t bytes, size_t *need,
                        cudaStream_t stream) {
  Rows rows;
  if (!make_rows(d, &rows)) return THC_UNSUPPORTED;
  Layout L;
  cudaError_t e = plan<S>(rows, &L, stream);
  if (e != cudaSuccess) return e;
  if (need) {
    *need = L.total;
    return cudaSuccess;
  }
  if (bytes < L.total) return cudaErrorInvalidValue;
  S *values = (S *)d.out[0];
  int64_t *indices = d.nout > 1 ? (int64_t *)d.out[1] : nullptr;
  const S *x = (const S *)d.x;
  if (rows.n == 0) { /* the median of an empty float tensor: NaN at index 0 */
    empty_kernel<S><<<1, 1, 0, stream>>>(values, indices);
    return cudaGetLastError();
  }
  uint64_t *keys_in = (uint64_t *)(ws + L.keys_in), *keys_out = (uint64_t *)(ws + L.keys_out);
  int *index_in = (int *)(ws + L.index_in), *index_out = (int *)(ws + L.index_out);
  int *offsets = (int *)(ws + L.offsets);
  const int64_t total = rows.count * rows.n;
  gather_kernel<S><<<grid_for(total + 1), kThreads, 0, stream>>>(x, rows, keys_in, index_in,
                                                                  offsets);
  if ((e = cudaGetLastError()) != cudaSuccess) return e;
  size_t temp_bytes = L.temp_bytes;
  if (rows.count == 1)
    e = cub::DeviceRadixSort::SortPairs(ws + L.temp, temp_bytes, keys_in, keys_out, index_in,
                                        index_out, (int)total, 0, key_bits<S>(), stream);
  else
    e = cub::DeviceSegmentedRadixSort::SortPairs(
        ws + L.temp, temp_bytes, keys_in, keys_out, index_in, index_out, (int)total,
        (int)rows.count, offsets, offsets + 1, 0, key_bits<S>(), stream);
  if (e != cudaSuccess) return e;
  if (d.op == THC_OP_mode) {
    if (rows.count > INT32_MAX) return THC_TOO_LARGE;
    mode_kernel<S><<<(unsigned)rows.count, kThreads, 0, stream>>>(x, rows, keys_out, index_out,
                                                                   values, indices);
  } else {
    median_kernel<S><<<grid_for(rows.count), kThreads, 0, stream>>>(
        x, rows, keys_out, index_out, d.op == THC_OP_nanmedian, values, indices);
  }
  return cudaGetLastError();
}

cudaError_t select_dispatch(const THCReduceDesc *d, char *ws, size_t bytes, size_t *need,
                            cudaStream_t stream) {
  if (d->op != THC_OP_median && d->op != THC_OP_nanmedian && d->op != THC_OP_mode)
    return THC_UNSUPPORTED;
  THC_DTYPE_CASES(d->dtype, return select_rows<S>(*d, ws, bytes, need, stream));
  return THC_UNSUPPORTED;
}

}  // namespace

extern "C" cudaError_t THC_selectWorkspace(const THCReduceDesc *d, size_t *bytes) {
  *bytes = 0;
  return select_dispatch(d, nullptr, 0, bytes, nullptr);
}

extern "C" cudaError_t THC_launchSelect(const THCReduceDesc *d, void *workspace, size_t bytes,
                                        cudaStream_t stream) {
  return select_dispatch(d, (char *)workspace, bytes, nullptr, stream);
}
