// THCScan.cu: the CUDA kernels of THOps.def's SCAN rows: cumsum, cumprod, cummax, cummin and
// logcumsumexp along one dim of a contiguous input seen as (outer, n, inner).
//
// Two shapes:
//   lines  one thread per line (outer index, inner index) walks it in order: the scanned dim
//          is not the innermost (neighbouring threads read neighbouring columns), or rows
//          are short;
//   rows   the scanned dim is the innermost and rows are long: a block scans a row tile by
//          tile with cub's BlockScan, carrying the running total from tile to tile.  When
//          there are too few rows to fill the device, rows are cut into chunks: a first pass
//          scans each chunk for its total only, a small kernel turns the totals into each
//          chunk's carry-in, and the second pass scans the chunks again from those carries.
// Scans combine in order, so cummax/cummin (not commutative) are exact.  Accumulators follow
// the CPU's (THCpuScan.c): double for float32/float64, float for float16/bfloat16, wrapping
// int64 for integers and bool; cummax/cummin take the later index on ties and a NaN (and
// then the latest NaN) wins.
#include <algorithm>
#include <cub/cub.cuh>
#include "THCReduceDevice.cuh"

using namespace thc;

namespace {

constexpr int kThreads = 256;
constexpr int kItems = 4;
constexpr int64_t kTile = kThreads * kItems;
constexpr int64_t kShortRow = 64; // rows up to this long are scanned a thread per row

// The accumulator of cumsum / cumprod / logcumsumexp.
template <typename S> struct ScanAcc { typedef int64_t type; };
template <> struct ScanAcc<float> { typedef double type; };
template <> struct ScanAcc<double> { typedef double type; };
template <> struct ScanAcc<Half> { typedef float type; };
template <> struct ScanAcc<BFloat16> { typedef float type; };

// Each scan: in_t, state_t, identity(), make(element, index in its row), combine(earlier,
// later), store(state, out, indices, position).

template <typename S> struct SumProd {
  typedef S in_t;
  typedef typename ScanAcc<S>::type state_t;
  bool mul;
  __device__ state_t identity() const { return mul ? 1 : 0; }
  __device__ state_t make(S s, int64_t) const { return (state_t)to_acc(s); }
  __device__ state_t combine(state_t a, state_t b) const { return mul ? times(a, b) : plus(a, b); }
  __device__ void store(state_t a, S *out, int64_t *, int64_t p) const {
    out[p] = Store<S>::from(a);
  }
};

// PyTorch's log-add-exp: exact for equal infinities, NaN-propagating.
__device__ __forceinline__ double log_add_exp(double x, double y) {
  double mn = y != y ? y : (y < x ? y : x);
  double mx = y != y ? y : (x < y ? y : x);
  if (mn != mx || isfinite(mn)) return mx + log1p(exp(mn - mx));
  return x;
}

template <typename S> struct LogAddExp {
  typedef S in_t;
  typedef typename ScanAcc<S>::type state_t;
  __device__ state_t identity() const { return -INFINITY; }
  __device__ state_t make(S s, int64_t) const { return (state_t)to_acc(s); }
  __device__ state_t combine(state_t a, state_t b) const {
    return (state_t)log_add_exp((double)a, (double)b);
  }
  __device__ void store(state_t a, S *out, int64_t *, int64_t p) const {
    out[p] = Store<S>::from(a);
  }
};

template <typename W> struct ExtState {
  W v;
  int64_t i; // -1: nothing yet
};

template <typename S> struct CumExt {
  typedef S in_t;
  typedef typename Wide<S>::type W;
  typedef ExtState<W> state_t;
  bool is_min;
  __device__ state_t identity() const { return state_t{W(0), -1}; }
  __device__ state_t make(S s, int64_t i) const { return state_t{(W)to_acc(s), i}; }
  // b takes over when it is NaN, or ties or beats a number
  __device__ state_t combine(state_t a, state_t b) const {
    if (b.i < 0) return a;
    if (a.i < 0) return b;
    bool takes = b.v != b.v || (a.v == a.v && (is_min ? b.v <= a.v : b.v >= a.v));
    return takes ? b : a;
  }
  __device__ void store(state_t a, S *out, int64_t *idx, int64_t p) const {
    out[p] = Store<S>::from(a.v);
    idx[p] = a.i;
  }
};

// ---------------------------------------------------------------- lines

template <class Op>
__global__ void scan_lines_kernel(const typename Op::in_t *__restrict__ x,
                                  typename Op::in_t *__restrict__ out, int64_t *__restrict__ idx,
                                  int64_t outer, int64_t n, int64_t inner, const Op op) {
  const int64_t lines = outer * inner;
  for (int64_t l = blockIdx.x * (int64_t)blockDim.x + threadIdx.x; l < lines;
       l += (int64_t)blockDim.x * gridDim.x) {
    const int64_t o = l / inner, j = l - o * inner;
    int64_t p = o * n * inner + j;
    typename Op::state_t st = op.identity();
#pragma unroll 4 /* the loads of four steps in flight at once */
    for (int64_t i = 0; i < n; i++, p += inner) {
      st = op.combine(st, op.make(x[p], i));
      op.store(st, out, idx, p);
    }
  }
}

// ---------------------------------------------------------------- rows

template <class Op> struct Combine {
  Op op;
  __device__ typename Op::state_t operator()(const typename Op::state_t &a,
                                             const typename Op::state_t &b) const {
    return op.combine(a, b);
  }
};

// cub's prefix callback: hands each tile the total of everything before it.
template <class Op> struct Carry {
  typename Op::state_t running;
  Op op;
  __device__ typename Op::state_t operator()(const typename Op::state_t &tile_total) {
    typename Op::state_t before = running;
    running = op.combine(running, tile_total);
    return before;
  }
};

// Block b scans chunk b % nchunks of row b / nchunks, starting from carry_in[b] (identity
// when carry_in is NULL).  With totals given it writes nothing but the chunk's total there.
template <class Op>
__global__ void __launch_bounds__(kThreads)
    scan_rows_kernel(const typename Op::in_t *x, typename Op::in_t *out, int64_t *idx, int64_t n,
                     int64_t chunk, int64_t nchunks, const typename Op::state_t *carry_in,
                     typename Op::state_t *totals, const Op op) {
  typedef typename Op::state_t T;
  typedef cub::BlockScan<T, kThreads> Scan;
  __shared__ typename Scan::TempStorage tmp;
  const int64_t b = blockIdx.x, row = b / nchunks, c = b - row * nchunks;
  const int64_t begin = c * chunk, end = begin + chunk < n ? begin + chunk : n;
  const typename Op::in_t *xr = x + row * n;
  Carry<Op> carry{carry_in ? carry_in[b] : op.identity(), op};
  for (int64_t tile = begin; tile < end; tile += kTile) {
    const int64_t p0 = tile + (int64_t)threadIdx.x * kItems;
    T items[kItems];
#pragma unroll
    for (int k = 0; k < kItems; k++)
      items[k] = p0 + k < end ? op.make(xr[p0 + k], p0 + k) : op.identity();
    Scan(tmp).InclusiveScan(items, items, Combine<Op>{op}, carry);
    __syncthreads();
    if (!totals)
#pragma unroll
      for (int k = 0; k < kItems; k++)
        if (p0 + k < end) op.store(items[k], out, idx, row * n + p0 + k);
  }
  if (totals && threadIdx.x == 0) totals[b] = carry.running; /* thread 0 keeps the carry */
}

// Chunk totals -> each chunk's carry-in (everything before it in its row), one thread a row.
template <class Op>
__global__ void carries_kernel(typename Op::state_t *totals, int64_t rows, int64_t nchunks,
                               const Op op) {
  for (int64_t r = blockIdx.x * (int64_t)blockDim.x + threadIdx.x; r < rows;
       r += (int64_t)blockDim.x * gridDim.x) {
    typename Op::state_t run = op.identity();
    for (int64_t c = 0; c < nchunks; c++) {
      typename Op::state_t t = totals[r * nchunks + c];
      totals[r * nchunks + c] = run;
      run = op.combine(run, t);
    }
  }
}

// ---------------------------------------------------------------- planning

struct ScanPlan {
  bool lines;
  int64_t chunk, nchunks;
  size_t ws_bytes;
};

cudaError_t make_plan(const THCScanDesc &d, size_t state_size, ScanPlan *P) {
  P->lines = d.inner > 1 || d.n <= kShortRow;
  P->chunk = d.n;
  P->nchunks = 1;
  P->ws_bytes = 0;
  if (P->lines) return cudaSuccess;
  int sms;
  cudaError_t e = multiprocessors(&sms);
  if (e != cudaSuccess) return e;
  const int64_t target = (int64_t)sms * 8; /* blocks of 256 threads that fit at once */
  if (d.outer < target && d.n >= 4 * kTile) {
    int64_t want = std::min(ceil_div(target, d.outer), ceil_div(d.n, 4 * kTile));
    P->chunk = ceil_div(ceil_div(d.n, want), kTile) * kTile;
    P->nchunks = ceil_div(d.n, P->chunk);
  }
  if (d.outer * P->nchunks > INT32_MAX) return cudaErrorInvalidConfiguration;
  if (P->nchunks > 1) P->ws_bytes = (size_t)(d.outer * P->nchunks) * state_size;
  return cudaSuccess;
}

template <class Op>
cudaError_t run(const THCScanDesc &d, const Op &op, void *ws, size_t *ws_bytes,
                cudaStream_t stream) {
  typedef typename Op::in_t S;
  typedef typename Op::state_t T;
  ScanPlan P;
  cudaError_t e = make_plan(d, sizeof(T), &P);
  if (e != cudaSuccess) return e;
  if (ws_bytes) {
    *ws_bytes = P.ws_bytes;
    return cudaSuccess;
  }
  const S *x = (const S *)d.x;
  S *out = (S *)d.out;
  if (P.lines) {
    scan_lines_kernel<Op><<<grid_for(d.outer * d.inner), kThreads, 0, stream>>>(
        x, out, d.indices, d.outer, d.n, d.inner, op);
    return cudaGetLastError();
  }
  const unsigned blocks = (unsigned)(d.outer * P.nchunks);
  T *carries = nullptr;
  if (P.nchunks > 1) {
    carries = (T *)ws;
    scan_rows_kernel<Op><<<blocks, kThreads, 0, stream>>>(x, out, d.indices, d.n, P.chunk,
                                                          P.nchunks, nullptr, carries, op);
    if ((e = cudaGetLastError()) != cudaSuccess) return e;
    carries_kernel<Op><<<grid_for(d.outer), kThreads, 0, stream>>>(carries, d.outer, P.nchunks,
                                                                     op);
    if ((e = cudaGetLastError()) != cudaSuccess) return e;
  }
  scan_rows_kernel<Op><<<blocks, kThreads, 0, stream>>>(x, out, d.indices, d.n, P.chunk,
                                                        P.nchunks, carries, nullptr, op);
  return cudaGetLastError();
}

template <class F> cudaError_t with_op(const THCScanDesc &d, F &&f) {
  switch (d.op) {
  case THC_OP_cumsum:
  case THC_OP_cumprod:
    THC_DTYPE_CASES(d.dtype, return f(SumProd<S>{d.op == THC_OP_cumprod}));
    break;
  case THC_OP_logcumsumexp: THC_FLOAT_DTYPE_CASES(d.dtype, return f(LogAddExp<S>{})); break;
  case THC_OP_cummax:
  case THC_OP_cummin:
    THC_DTYPE_CASES(d.dtype, return f(CumExt<S>{d.op == THC_OP_cummin}));
    break;
  default: break;
  }
  return THC_UNSUPPORTED;
}

}  // namespace

extern "C" cudaError_t THC_scanWorkspace(const THCScanDesc *d, size_t *bytes) {
  *bytes = 0;
  return with_op(*d, [&](const auto &op) { return run(*d, op, nullptr, bytes, nullptr); });
}

extern "C" cudaError_t THC_launchScan(const THCScanDesc *d, void *workspace, cudaStream_t stream) {
  return with_op(*d, [&](const auto &op) { return run(*d, op, workspace, nullptr, stream); });
}
