// THCNN.cu: the CUDA kernels of the NN rows that THCNN.c registers: softmax/log_softmax,
// layer and group norm, embedding, nll_loss and the binary cross entropies, forward and
// backward.  Each mirrors its CPU kernel in THCpuNNNorm.c / THCpuNNLoss.c, which is the
// specification: the same formulas, sums in double where the CPU sums in double, exp/log in
// the element type's precision where the CPU uses it.  Only float and double are instantiated
// (THNN.c hands every kernel float32 copies of float16/bfloat16 tensors); embedding's gather
// copies elements of any dtype by size.
//
// Softmax and the norms work on "lines" (LineGeom): one softmax row or column, one layer norm
// row, one group, one column of a parameter gradient.  A block takes several lines at a time
// with a power-of-two number of threads per line and reduces each line through shared memory.
// The losses reduce in two stages (fixed blocks, then one block over their partial sums), so a
// loss is the same from run to run.
#include <math.h>
#include "THCDevice.cuh"
#include "THCNNKernels.h"

using namespace thc;

namespace {

// ---- math in the element type's precision, as the CPU kernels' expf/logf for float ----
__device__ __forceinline__ float exp_t(float v) { return expf(v); }
__device__ __forceinline__ double exp_t(double v) { return exp(v); }
__device__ __forceinline__ float log_t(float v) { return logf(v); }
__device__ __forceinline__ double log_t(double v) { return log(v); }
__device__ __forceinline__ float log1p_t(float v) { return log1pf(v); }
__device__ __forceinline__ double log1p_t(double v) { return log1p(v); }

__device__ __forceinline__ double log_sigmoid(double x) {  // log(1 / (1 + exp(-x))), stably
  return x >= 0 ? -log1p(exp(-x)) : x - log1p(exp(x));
}

// Lowers *bad to pos (the smallest bad position wins).
__device__ __forceinline__ void note_bad(uint64_t *bad, int64_t pos) {
  atomicMin((unsigned long long *)bad, (unsigned long long)pos);
}

// ---- lines ----
// `count` lines of n elements; element d of line l lives at
// (l / inner) * n * inner + l % inner + d * inner.  A block takes per_block lines at a time,
// `lanes` threads each (a power of two).  Contiguous lines (inner == 1) give a line consecutive
// threads (lane_stride 1); strided lines give consecutive threads consecutive lines
// (lane_stride == per_block), so that both read memory coalesced.
struct LineGeom {
  int64_t count, n, inner;
  int lanes, lane_stride, per_block, threads;
};

int pow2_at_least(int64_t v, int cap) {
  int p = 1;
  while (p < v && p < cap) p <<= 1;
  return p;
}

LineGeom line_geom(int64_t count, int64_t n, int64_t inner) {
  LineGeom g;
  g.count = count;
  g.n = n;
  g.inner = inner;
  if (inner == 1) {
    g.lanes = pow2_at_least(n, kThreads);
    g.lane_stride = 1;
    g.per_block = kThreads / g.lanes;
  } else {
    int cols = pow2_at_least(inner, 32);
    g.lanes = pow2_at_least(n, kThreads / cols);
    g.lane_stride = cols;
    g.per_block = cols;
  }
  g.threads = g.lanes * g.per_block;
  return g;
}

unsigned line_blocks(const LineGeom &g) {
  int64_t b = (g.count + g.per_block - 1) / g.per_block;
  const int64_t cap = 65535LL * 32;
  return (unsigned)(b < 1 ? 1 : b > cap ? cap : b);
}

// This thread's place: its lane in its line, the block-relative line number `pos` and the
// thread index of its line's lane 0.
struct Line {
  int lane, pos, slot0;
  __device__ explicit Line(const LineGeom &g) {
    const int t = threadIdx.x;
    lane = (t / g.lane_stride) % g.lanes;
    pos = t % g.lane_stride + (t / (g.lane_stride * g.lanes)) * g.lane_stride;
    slot0 = t - lane * g.lane_stride;
  }
};

struct SumOp {
  __device__ double operator()(double a, double b) const { return a + b; }
};
struct MaxOp {  // NaN is not propagated here; a NaN in a line makes its sum NaN anyway
  __device__ double operator()(double a, double b) const { return a > b ? a : b; }
};

// Combines v over the lanes of each line; every thread of the block must call it (the lanes
// of a line past the last one pass the identity).  buf: blockDim.x doubles of shared memory.
template <typename Op>
__device__ double line_reduce(double v, const LineGeom &g, const Line &ln, double *buf, Op op) {
  buf[threadIdx.x] = v;
  __syncthreads();
  for (int s = g.lanes / 2; s > 0; s >>= 1) {
    if (ln.lane < s) buf[threadIdx.x] = op(buf[threadIdx.x], buf[threadIdx.x + s * g.lane_stride]);
    __syncthreads();
  }
  const double r = buf[ln.slot0];
  __syncthreads();
  return r;
}

__device__ __forceinline__ double line_sum(double v, const LineGeom &g, const Line &ln,
                                           double *buf) {
  return line_reduce(v, g, ln, buf, SumOp());
}

// Iterates the block over its groups of lines: `l` is this thread's line (active when
// l < count), `base` the offset of its element 0.  All threads run the same iterations.
#define FOR_LINES(g, ln, l, base)                                                          \
  for (int64_t first_ = (int64_t)blockIdx.x * (g).per_block; first_ < (g).count;           \
       first_ += (int64_t)gridDim.x * (g).per_block)                                       \
    for (int64_t l = first_ + (ln).pos, base = (l / (g).inner) * (g).n * (g).inner +       \
                                              l % (g).inner, once_ = 1;                    \
         once_; once_ = 0)

// Element loop of this thread's lanes in line l (none when the line is inactive); d is the
// element's number in the line, i its offset.
#define FOR_ELEMS(g, ln, l, base, d, i)                                                    \
  for (int64_t d = (l) < (g).count ? (ln).lane : (g).n, i = (base) + d * (g).inner;        \
       d < (g).n; d += (g).lanes, i = (base) + d * (g).inner)

// ====================================================================== softmax

template <typename T>
__global__ void softmax_kernel(const LineGeom g, T *out, const T *x, bool is_log) {
  extern __shared__ double buf[];
  const Line ln(g);
  FOR_LINES(g, ln, l, base) {
    T m = (T)-INFINITY;
    FOR_ELEMS(g, ln, l, base, d, i) m = x[i] > m ? x[i] : m;
    const T mx = (T)line_reduce((double)m, g, ln, buf, MaxOp());
    double s = 0;
    FOR_ELEMS(g, ln, l, base, d, i) s += exp_t(x[i] - mx);
    s = line_sum(s, g, ln, buf);
    if (is_log) {
      const T ls = (T)log(s);
      FOR_ELEMS(g, ln, l, base, d, i) out[i] = (x[i] - mx) - ls;
    } else {
      const T inv = (T)(1.0 / s);
      FOR_ELEMS(g, ln, l, base, d, i) out[i] = exp_t(x[i] - mx) * inv;
    }
  }
}

// softmax: gi = y (go - sum(go y)); log_softmax: gi = go - exp(y) sum(go)
template <typename T>
__global__ void softmax_backward_kernel(const LineGeom g, T *gi, const T *go, const T *y,
                                        bool is_log) {
  extern __shared__ double buf[];
  const Line ln(g);
  FOR_LINES(g, ln, l, base) {
    double s = 0;
    FOR_ELEMS(g, ln, l, base, d, i) s += is_log ? (double)go[i] : (double)go[i] * y[i];
    const T st = (T)line_sum(s, g, ln, buf);
    FOR_ELEMS(g, ln, l, base, d, i) gi[i] = is_log ? go[i] - exp_t(y[i]) * st : y[i] * (go[i] - st);
  }
}

// ====================================================================== layer norm

// Lines are the M rows of D; statistics in double, two passes, as the CPU.
template <typename T>
__global__ void layer_norm_kernel(const LineGeom g, const THCNormArgs a) {
  extern __shared__ double buf[];
  const Line ln(g);
  const T *x = (const T *)a.x, *w = (const T *)a.w, *b = (const T *)a.b;
  T *y = (T *)a.out;
  const double D = (double)a.D;
  FOR_LINES(g, ln, l, base) {
    double sum = 0, sq = 0;
    FOR_ELEMS(g, ln, l, base, d, i) sum += x[i];
    const double mean = line_sum(sum, g, ln, buf) / D;
    FOR_ELEMS(g, ln, l, base, d, i) {
      const double dv = x[i] - mean;
      sq += dv * dv;
    }
    const double rstd = 1.0 / sqrt(line_sum(sq, g, ln, buf) / D + a.eps);
    if (l < g.count && ln.lane == 0) {
      ((T *)a.smean)[l] = (T)mean;
      ((T *)a.srstd)[l] = (T)rstd;
    }
    FOR_ELEMS(g, ln, l, base, d, i) {
      double v = (x[i] - mean) * rstd;
      if (w) v *= w[d];
      if (b) v += b[d];
      y[i] = (T)v;
    }
  }
}

template <typename T>
__global__ void layer_norm_backward_input_kernel(const LineGeom g, const THCNormArgs a) {
  extern __shared__ double buf[];
  const Line ln(g);
  const T *x = (const T *)a.x, *go = (const T *)a.go, *w = (const T *)a.w;
  T *gi = (T *)a.gi;
  const double D = (double)a.D;
  FOR_LINES(g, ln, l, base) {
    const bool active = l < g.count;
    const double mean = active ? (double)((const T *)a.mean)[l] : 0;
    const double r = active ? (double)((const T *)a.rstd)[l] : 0;
    double ds = 0, db = 0;
    FOR_ELEMS(g, ln, l, base, d, i) {
      const double gw = w ? (double)go[i] * w[d] : (double)go[i];
      ds += gw * x[i];
      db += gw;
    }
    ds = line_sum(ds, g, ln, buf);
    db = line_sum(db, g, ln, buf);
    const double bb = (db * mean - ds) * r * r * r / D;
    const double cc = -bb * mean - db * r / D;
    FOR_ELEMS(g, ln, l, base, d, i) {
      const double gw = w ? (double)go[i] * w[d] : (double)go[i];
      gi[i] = (T)(r * gw + bb * x[i] + cc);
    }
  }
}

// Lines are the D columns (strided by D); element d of a column is row d.
template <typename T>
__global__ void layer_norm_backward_params_kernel(const LineGeom g, const THCNormArgs a) {
  extern __shared__ double buf[];
  const Line ln(g);
  const T *x = (const T *)a.x, *go = (const T *)a.go;
  const T *mean = (const T *)a.mean, *rstd = (const T *)a.rstd;
  FOR_LINES(g, ln, l, base) {
    double sw = 0, sb = 0;
    FOR_ELEMS(g, ln, l, base, d, i) {
      sw += (double)go[i] * ((double)x[i] - mean[d]) * rstd[d];
      sb += go[i];
    }
    sw = line_sum(sw, g, ln, buf);
    sb = line_sum(sb, g, ln, buf);
    if (l < g.count && ln.lane == 0) {
      if (a.gw) ((T *)a.gw)[l] = (T)sw;
      if (a.gb) ((T *)a.gb)[l] = (T)sb;
    }
  }
}

// ====================================================================== group norm

// Lines are the N * G groups of D = (C / G) * S contiguous elements.
template <typename T>
__global__ void group_norm_kernel(const LineGeom g, const THCNormArgs a) {
  extern __shared__ double buf[];
  const Line ln(g);
  const T *x = (const T *)a.x, *w = (const T *)a.w, *b = (const T *)a.b;
  T *y = (T *)a.out;
  const int64_t Cg = a.C / a.G, S = a.S, D = g.n;
  FOR_LINES(g, ln, l, base) {
    double sum = 0, sq = 0;
    FOR_ELEMS(g, ln, l, base, d, i) sum += x[i];
    sum = line_sum(sum, g, ln, buf);
    const double mean = D ? sum / (double)D : 0;
    FOR_ELEMS(g, ln, l, base, d, i) {
      const double dv = x[i] - mean;
      sq += dv * dv;
    }
    sq = line_sum(sq, g, ln, buf);
    const double rstd = 1.0 / sqrt((D ? sq / (double)D : 0) + a.eps);
    if (l < g.count && ln.lane == 0) {
      ((T *)a.smean)[l] = (T)mean;
      ((T *)a.srstd)[l] = (T)rstd;
    }
    const int64_t grp = l % a.G;
    FOR_ELEMS(g, ln, l, base, d, i) {
      const int64_t ch = grp * Cg + d / S;
      const double alpha = rstd * (w ? (double)w[ch] : 1.0);
      const double beta = (b ? (double)b[ch] : 0.0) - mean * alpha;
      y[i] = x[i] * (T)alpha + (T)beta;
    }
  }
}

// Lines are the N * C planes of S: ds = sum(go x), db = sum(go) per (sample, channel).
template <typename T>
__global__ void group_norm_sums_kernel(const LineGeom g, const THCNormArgs a) {
  extern __shared__ double buf[];
  const Line ln(g);
  const T *x = (const T *)a.x, *go = (const T *)a.go;
  FOR_LINES(g, ln, l, base) {
    double ds = 0, db = 0;
    FOR_ELEMS(g, ln, l, base, d, i) {
      ds += (double)go[i] * x[i];
      db += go[i];
    }
    ds = line_sum(ds, g, ln, buf);
    db = line_sum(db, g, ln, buf);
    if (l < g.count && ln.lane == 0) {
      a.ds[l] = ds;
      a.db[l] = db;
    }
  }
}

// Lines are the N * G groups: the group's weighted sums of ds/db, then its grad_input.
template <typename T>
__global__ void group_norm_backward_input_kernel(const LineGeom g, const THCNormArgs a) {
  extern __shared__ double buf[];
  const Line ln(g);
  const T *x = (const T *)a.x, *go = (const T *)a.go, *w = (const T *)a.w;
  T *gi = (T *)a.gi;
  const int64_t C = a.C, G = a.G, Cg = C / G, S = a.S;
  FOR_LINES(g, ln, l, base) {
    const bool active = l < g.count;
    const int64_t n = l / G, grp = l % G;
    double sum1 = 0, sum2 = 0;
    for (int64_t k = active ? ln.lane : Cg; k < Cg; k += g.lanes) {
      const int64_t ch = grp * Cg + k;
      const double wv = w ? (double)w[ch] : 1.0;
      sum1 += a.ds[n * C + ch] * wv;
      sum2 += a.db[n * C + ch] * wv;
    }
    sum1 = line_sum(sum1, g, ln, buf);
    sum2 = line_sum(sum2, g, ln, buf);
    const double mean = active ? (double)((const T *)a.mean)[l] : 0;
    const double rstd = active ? (double)((const T *)a.rstd)[l] : 0;
    const double s = 1.0 / (double)(Cg * S);
    const double bb = (sum2 * mean - sum1) * rstd * rstd * rstd * s;
    const double cc = -bb * mean - sum2 * rstd * s;
    FOR_ELEMS(g, ln, l, base, d, i) {
      const int64_t ch = grp * Cg + d / S;
      const double f = rstd * (w ? (double)w[ch] : 1.0);
      gi[i] = (T)(f * go[i] + bb * x[i] + cc);
    }
  }
}

// One thread per channel: sums over the samples of ds/db.
template <typename T> __global__ void group_norm_backward_params_kernel(const THCNormArgs a) {
  const int64_t N = a.N, C = a.C, G = a.G, Cg = C / G;
  const T *mean = (const T *)a.mean, *rstd = (const T *)a.rstd;
  for (int64_t ch = blockIdx.x * (int64_t)blockDim.x + threadIdx.x; ch < C;
       ch += (int64_t)gridDim.x * blockDim.x) {
    double sw = 0, sb = 0;
    for (int64_t n = 0; n < N; n++) {
      const int64_t it = n * G + ch / Cg;
      sw += (a.ds[n * C + ch] - a.db[n * C + ch] * (double)mean[it]) * (double)rstd[it];
      sb += a.db[n * C + ch];
    }
    if (a.gw) ((T *)a.gw)[ch] = (T)sw;
    if (a.gb) ((T *)a.gb)[ch] = (T)sb;
  }
}

// ====================================================================== embedding

// E: an unsigned integer type of the element's size (the rows are copied, not converted).
template <typename E>
__global__ void embedding_kernel(E *out, const E *w, const int64_t *ix, int64_t n, int64_t V,
                                 int64_t D, uint64_t *bad) {
  const int64_t total = n * D;
  for (int64_t e = blockIdx.x * (int64_t)blockDim.x + threadIdx.x; e < total;
       e += (int64_t)gridDim.x * blockDim.x) {
    const int64_t i = e / D, j = e - i * D, k = ix[i];
    if (k < 0 || k >= V) {
      note_bad(bad, i);
      continue;
    }
    out[e] = w[k * D + j];
  }
}

__global__ void embedding_check_kernel(const int64_t *ix, int64_t n, int64_t V, int64_t *counts,
                                       uint64_t *bad) {
  for (int64_t i = blockIdx.x * (int64_t)blockDim.x + threadIdx.x; i < n;
       i += (int64_t)gridDim.x * blockDim.x) {
    const int64_t k = ix[i];
    if (k < 0 || k >= V) note_bad(bad, i);
    else if (counts) atomicAdd((unsigned long long *)&counts[k], 1ULL);
  }
}

template <typename T>
__global__ void embedding_backward_kernel(T *gw, const T *go, const int64_t *ix,
                                          const int64_t *counts, int64_t n, int64_t D,
                                          int64_t padding_idx) {
  const int64_t total = n * D;
  for (int64_t e = blockIdx.x * (int64_t)blockDim.x + threadIdx.x; e < total;
       e += (int64_t)gridDim.x * blockDim.x) {
    const int64_t i = e / D, j = e - i * D, k = ix[i];
    if (k == padding_idx) continue;
    T v = go[e];
    if (counts) v *= (T)(1.0 / (double)counts[k]);
    atomicAdd(&gw[k * D + j], v);
  }
}

// ====================================================================== losses

// Stage 2 of a reduced loss: out = sum(part) / (weighted ? sum(weights) : div), and the
// total weight when asked.  One block; part holds `parts` sums, then `parts` weights.
template <typename T>
__global__ void loss_finish_kernel(T *out, T *total_weight, const double *part, int parts,
                                   bool weighted, double div) {
  double s = 0, sw = 0;
  for (int i = threadIdx.x; i < parts; i += blockDim.x) {
    s += part[i];
    if (weighted) sw += part[parts + i];
  }
  s = block_sum(s);
  sw = block_sum(sw);
  if (threadIdx.x == 0) {
    out[0] = (T)(s / (weighted ? sw : div));
    if (total_weight) total_weight[0] = (T)sw;
  }
}

// Positions p of the N * S targets; partial sums of the losses and of the weights.
template <typename T> __global__ void nll_loss_kernel(const THCLossArgs a) {
  const T *x = (const T *)a.x, *w = (const T *)a.w;
  const int64_t *t = (const int64_t *)a.t;
  const int64_t NS = a.N * a.S;
  double s = 0, sw = 0;
  for (int64_t p = blockIdx.x * (int64_t)blockDim.x + threadIdx.x; p < NS;
       p += (int64_t)gridDim.x * blockDim.x) {
    const int64_t k = t[p], n = p / a.S, sp = p % a.S;
    double v = 0;
    if (k != a.ignore_index) {
      if (k < 0 || k >= a.C) {
        note_bad(a.bad, p);
      } else {
        const double wt = w ? (double)w[k] : 1.0;
        v = -(double)x[(n * a.C + k) * a.S + sp] * wt;
        s += v;
        sw += wt;
      }
    }
    if (a.reduction == THC_REDUCTION_NONE) ((T *)a.out)[p] = (T)v;
  }
  s = block_sum(s);
  sw = block_sum(sw);
  if (threadIdx.x == 0) {
    a.part[blockIdx.x] = s;
    a.part[gridDim.x + blockIdx.x] = sw;
  }
}

// grad_input is zeroed by the glue; each target not ignored writes its one element.
template <typename T> __global__ void nll_loss_backward_kernel(const THCLossArgs a) {
  const T *w = (const T *)a.w, *go = (const T *)a.go;
  const int64_t *t = (const int64_t *)a.t;
  T *gi = (T *)a.gi;
  const int64_t NS = a.N * a.S;
  const double scale = a.reduction == THC_REDUCTION_MEAN ? 1.0 / (double)((const T *)a.tw)[0]
                                                           : 1.0;
  for (int64_t p = blockIdx.x * (int64_t)blockDim.x + threadIdx.x; p < NS;
       p += (int64_t)gridDim.x * blockDim.x) {
    const int64_t k = t[p], n = p / a.S, sp = p % a.S;
    if (k == a.ignore_index) continue;
    if (k < 0 || k >= a.C) {
      note_bad(a.bad, p);
      continue;
    }
    const double gv = a.reduction == THC_REDUCTION_NONE ? (double)go[p] : (double)go[0] * scale;
    gi[(n * a.C + k) * a.S + sp] = (T)(-(w ? (double)w[k] : 1.0) * gv);
  }
}

template <typename T> __global__ void bce_kernel(const THCLossArgs a, bool logits) {
  const T *x = (const T *)a.x, *t = (const T *)a.t, *w = (const T *)a.w, *pw = (const T *)a.pw;
  double s = 0;
  for (int64_t i = blockIdx.x * (int64_t)blockDim.x + threadIdx.x; i < a.n;
       i += (int64_t)gridDim.x * blockDim.x) {
    const double xv = x[i], tv = t[i];
    double v;
    if (!logits) {
      if (!(xv >= 0 && xv <= 1)) {
        note_bad(a.bad, i);
        continue;
      }
      const double lx = log_t(x[i]), l1x = log1p_t(-x[i]);
      v = (tv - 1) * (l1x > -100 ? l1x : -100) - tv * (lx > -100 ? lx : -100);
    } else {
      const double m = -xv > 0 ? -xv : 0;
      const double sp = log(exp(-m) + exp(-xv - m)) + m;  // softplus(-x)
      v = pw ? (1 - tv) * xv + ((pw[i] - 1) * tv + 1) * sp : (1 - tv) * xv + sp;
    }
    if (w) v *= w[i];
    if (a.reduction == THC_REDUCTION_NONE) ((T *)a.out)[i] = (T)v;
    s += v;
  }
  s = block_sum(s);
  if (threadIdx.x == 0) a.part[blockIdx.x] = s;
}

template <typename T> __global__ void bce_backward_kernel(const THCLossArgs a, bool logits) {
  const T *x = (const T *)a.x, *t = (const T *)a.t, *w = (const T *)a.w, *pw = (const T *)a.pw;
  const T *go = (const T *)a.go;
  T *gi = (T *)a.gi, *gt = (T *)a.gt;
  const double scale = a.reduction == THC_REDUCTION_MEAN ? 1.0 / (double)a.n : 1.0;
  for (int64_t i = blockIdx.x * (int64_t)blockDim.x + threadIdx.x; i < a.n;
       i += (int64_t)gridDim.x * blockDim.x) {
    const double xv = x[i], tv = t[i];
    double g = (a.reduction == THC_REDUCTION_NONE ? (double)go[i] : (double)go[0]) * scale;
    if (w) g *= w[i];
    if (!logits) {
      if (gi) {
        const double den = (1 - xv) * xv;
        gi[i] = (T)(g * (xv - tv) / (den > 1e-12 ? den : 1e-12));
      }
      if (gt) gt[i] = (T)(g * (log1p(-xv) - log(xv)));
    } else {
      const double sig = 1.0 / (1.0 + exp(-xv));
      if (gi) {
        if (pw) {
          const double tt = pw[i] * tv;
          gi[i] = (T)(((tt + 1 - tv) * sig - tt) * g);
        } else {
          gi[i] = (T)((sig - tv) * g);
        }
      }
      if (gt) gt[i] = (T)(pw ? (log_sigmoid(-xv) - pw[i] * log_sigmoid(xv)) * g : -xv * g);
    }
  }
}

// ====================================================================== typed launches

size_t line_shared(const LineGeom &g) { return (size_t)g.threads * sizeof(double); }

template <typename K, typename... Args>
cudaError_t launch_lines(K kernel, const LineGeom &g, cudaStream_t stream, Args... args) {
  if (g.count == 0) return cudaSuccess;
  kernel<<<line_blocks(g), g.threads, line_shared(g), stream>>>(g, args...);
  return cudaGetLastError();
}

template <typename T>
cudaError_t layer_norm_backward_run(const THCNormArgs &a, cudaStream_t stream) {
  cudaError_t e = cudaSuccess;
  if (a.gi) e = launch_lines(layer_norm_backward_input_kernel<T>, line_geom(a.M, a.D, 1), stream, a);
  // the parameters sum columns of the (M, D) view: lines of M elements strided by D
  if (e == cudaSuccess && (a.gw || a.gb))
    e = launch_lines(layer_norm_backward_params_kernel<T>, line_geom(a.D, a.M, a.D), stream, a);
  return e;
}

template <typename T>
cudaError_t group_norm_backward_run(const THCNormArgs &a, cudaStream_t stream) {
  cudaError_t e = launch_lines(group_norm_sums_kernel<T>, line_geom(a.N * a.C, a.S, 1), stream, a);
  if (e == cudaSuccess && a.gi)
    e = launch_lines(group_norm_backward_input_kernel<T>,
                     line_geom(a.N * a.G, (a.C / a.G) * a.S, 1), stream, a);
  if (e == cudaSuccess && (a.gw || a.gb) && a.C > 0) {
    group_norm_backward_params_kernel<T><<<grid_for(a.C), kThreads, 0, stream>>>(a);
    e = cudaGetLastError();
  }
  return e;
}

// Blocks of a loss's first stage over n elements (each writes one partial sum of each kind).
int loss_parts(int64_t n) {
  int64_t b = (n + kThreads - 1) / kThreads;
  return (int)(b < 1 ? 1 : b > THC_LOSS_PARTS ? THC_LOSS_PARTS : b);
}

template <typename T> cudaError_t nll_loss_run(const THCLossArgs &a, cudaStream_t stream) {
  const int parts = loss_parts(a.N * a.S);
  nll_loss_kernel<T><<<parts, kThreads, 0, stream>>>(a);
  cudaError_t e = cudaGetLastError();
  if (e != cudaSuccess || a.reduction == THC_REDUCTION_NONE) return e;
  loss_finish_kernel<T><<<1, kThreads, 0, stream>>>(
      (T *)a.out, (T *)a.total_weight, a.part, parts, a.reduction == THC_REDUCTION_MEAN, 1.0);
  return cudaGetLastError();
}

template <typename T>
cudaError_t bce_run(const THCLossArgs &a, bool logits, cudaStream_t stream) {
  const int parts = loss_parts(a.n);
  bce_kernel<T><<<parts, kThreads, 0, stream>>>(a, logits);
  cudaError_t e = cudaGetLastError();
  if (e != cudaSuccess || a.reduction == THC_REDUCTION_NONE) return e;
  loss_finish_kernel<T><<<1, kThreads, 0, stream>>>(
      (T *)a.out, (T *)NULL, a.part, parts, false,
      a.reduction == THC_REDUCTION_MEAN ? (double)a.n : 1.0);
  return cudaGetLastError();
}

// A grid-stride kernel over n elements (nothing to do when n is 0).
template <typename K, typename... Args>
cudaError_t launch_flat(K kernel, int64_t n, cudaStream_t stream, Args... args) {
  if (n == 0) return cudaSuccess;
  kernel<<<grid_for(n), kThreads, 0, stream>>>(args...);
  return cudaGetLastError();
}

}  // namespace

// ====================================================================== launchers

extern "C" cudaError_t THC_launchSoftmax(void *out, const void *x, int dtype, int64_t outer,
                                         int64_t n, int64_t inner, bool log,
                                         cudaStream_t stream) {
  const LineGeom g = line_geom(n > 0 ? outer * inner : 0, n, inner);
  THC_F32_F64_CASES(dtype, return launch_lines(softmax_kernel<T>, g, stream, (T *)out,
                                             (const T *)x, log));
  return cudaSuccess;
}

extern "C" cudaError_t THC_launchSoftmaxBackward(void *grad_input, const void *grad_output,
                                                 const void *output, int dtype, int64_t outer,
                                                 int64_t n, int64_t inner, bool log,
                                                 cudaStream_t stream) {
  const LineGeom g = line_geom(n > 0 ? outer * inner : 0, n, inner);
  THC_F32_F64_CASES(dtype, return launch_lines(softmax_backward_kernel<T>, g, stream,
                                             (T *)grad_input, (const T *)grad_output,
                                             (const T *)output, log));
  return cudaSuccess;
}

extern "C" cudaError_t THC_launchLayerNorm(const THCNormArgs *a, cudaStream_t stream) {
  THC_F32_F64_CASES(a->dtype,
                  return launch_lines(layer_norm_kernel<T>, line_geom(a->M, a->D, 1), stream, *a));
  return cudaSuccess;
}

extern "C" cudaError_t THC_launchLayerNormBackward(const THCNormArgs *a, cudaStream_t stream) {
  THC_F32_F64_CASES(a->dtype, return layer_norm_backward_run<T>(*a, stream));
  return cudaSuccess;
}

extern "C" cudaError_t THC_launchGroupNorm(const THCNormArgs *a, cudaStream_t stream) {
  THC_F32_F64_CASES(a->dtype, return launch_lines(group_norm_kernel<T>,
                                                line_geom(a->N * a->G, (a->C / a->G) * a->S, 1),
                                                stream, *a));
  return cudaSuccess;
}

extern "C" cudaError_t THC_launchGroupNormBackward(const THCNormArgs *a, cudaStream_t stream) {
  THC_F32_F64_CASES(a->dtype, return group_norm_backward_run<T>(*a, stream));
  return cudaSuccess;
}

extern "C" cudaError_t THC_launchEmbedding(void *out, const void *weight, const int64_t *ix,
                                           int64_t n, int64_t V, int64_t D, int elem_size,
                                           uint64_t *bad, cudaStream_t stream) {
  if (D == 0) return THC_launchEmbeddingCheck(ix, n, V, NULL, bad, stream);
  switch (elem_size) {
  case 1: return launch_flat(embedding_kernel<uint8_t>, n * D, stream, (uint8_t *)out,
                             (const uint8_t *)weight, ix, n, V, D, bad);
  case 2: return launch_flat(embedding_kernel<uint16_t>, n * D, stream, (uint16_t *)out,
                             (const uint16_t *)weight, ix, n, V, D, bad);
  case 4: return launch_flat(embedding_kernel<uint32_t>, n * D, stream, (uint32_t *)out,
                             (const uint32_t *)weight, ix, n, V, D, bad);
  case 8: return launch_flat(embedding_kernel<uint64_t>, n * D, stream, (uint64_t *)out,
                             (const uint64_t *)weight, ix, n, V, D, bad);
  default: return THC_UNSUPPORTED;
  }
}

extern "C" cudaError_t THC_launchEmbeddingCheck(const int64_t *ix, int64_t n, int64_t V,
                                                int64_t *counts, uint64_t *bad,
                                                cudaStream_t stream) {
  return launch_flat(embedding_check_kernel, n, stream, ix, n, V, counts, bad);
}

extern "C" cudaError_t THC_launchEmbeddingBackward(void *grad_weight, const void *grad_output,
                                                   const int64_t *ix, const int64_t *counts,
                                                   int dtype, int64_t n, int64_t D,
                                                   int64_t padding_idx, cudaStream_t stream) {
  THC_F32_F64_CASES(dtype, return launch_flat(embedding_backward_kernel<T>, n * D, stream,
                                            (T *)grad_weight, (const T *)grad_output, ix,
                                            counts, n, D, padding_idx));
  return cudaSuccess;
}

extern "C" cudaError_t THC_launchNllLoss(const THCLossArgs *a, cudaStream_t stream) {
  THC_F32_F64_CASES(a->dtype, return nll_loss_run<T>(*a, stream));
  return cudaSuccess;
}

extern "C" cudaError_t THC_launchNllLossBackward(const THCLossArgs *a, cudaStream_t stream) {
  THC_F32_F64_CASES(a->dtype,
                  return launch_flat(nll_loss_backward_kernel<T>, a->N * a->S, stream, *a));
  return cudaSuccess;
}

extern "C" cudaError_t THC_launchBce(const THCLossArgs *a, bool logits, cudaStream_t stream) {
  THC_F32_F64_CASES(a->dtype, return bce_run<T>(*a, logits, stream));
  return cudaSuccess;
}

extern "C" cudaError_t THC_launchBceBackward(const THCLossArgs *a, bool logits,
                                             cudaStream_t stream) {
  THC_F32_F64_CASES(a->dtype,
                  return launch_flat(bce_backward_kernel<T>, a->n, stream, *a, logits));
  return cudaSuccess;
}
