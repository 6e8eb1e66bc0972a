/* lb_nnf.c: C entry points of torch.nn.functional (lua/torch/nn/functional.lua) that the
 * low-level torch._nn bindings (lb_nn.c) do not cover, installed on the core module with the
 * prefix nnf_.
 *
 *   nnf_embedding(indices, weight, padding_idx, scale_grad_by_freq)
 *     weight's rows at indices (1-based, any integer dtype), recording padding_idx (1-based,
 *     negative from the end, or nil) and scale_grad_by_freq for the weight's gradient.
 */
#include <stdio.h>
#include "THNN.h"
#include "lb.h"

static int raise(lua_State *L, const char *msg) {
  TH_setError("%s", msg);
  return lb_error(L);
}

static int lb_nnf_embedding(lua_State *L) {
  char msg[256];
  THTensor *ix = lb_checktensor(L, 1), *w = lb_checktensor(L, 2);
  if (w->ndim != 2) {
    char b[TH_SHAPE_STRLEN];
    snprintf(msg, sizeof msg, "[embedding] expected a 2-D weight (num_embeddings, embedding_dim), "
             "got weight of shape %s", TH_formatShape(b, w->ndim, w->size));
    return raise(L, msg);
  }
  if (THDtype_kind(ix->dtype) != TH_KIND_INT) {
    snprintf(msg, sizeof msg, "[embedding] expected indices of an integer dtype, got %s",
             THDtype_name(ix->dtype));
    return raise(L, msg);
  }
  int64_t V = w->size[0], pad = -1;
  if (!lua_isnoneornil(L, 3)) {
    int64_t p = lb_checkint(L, 3);
    if (p == 0 || p > V || p < -V) {
      snprintf(msg, sizeof msg, "[embedding] padding_idx %lld is out of range (expected 1..%lld "
               "or -%lld..-1)", (long long)p, (long long)V, (long long)V);
      return raise(L, msg);
    }
    pad = p > 0 ? p - 1 : V + p;
  }
  bool scale = lua_toboolean(L, 4);
  /* the indices minus one, checked on the host (device indices through a CPU copy, then
   * copied back), as a new int64 tensor on ix's device owned by a slot on the stack */
  THTensor **islot = lb_newslot(L);
  THTensor *ix0 = THTensor_empty(TH_I64, TH_CPU, ix->ndim, ix->size);
  if (!ix0) return lb_error(L);
  lb_fill(L, islot, ix0);
  if (THTensor_copy(ix0, ix) != TH_OK) return lb_error(L);
  int64_t *p = THTensor_data(ix0), n = THTensor_numel(ix0);
  for (int64_t i = 0; i < n; i++) {
    if (p[i] < 1 || p[i] > V) {
      snprintf(msg, sizeof msg, "[embedding] index %lld is out of range (expected 1..%lld)",
               (long long)p[i], (long long)V);
      return raise(L, msg);
    }
    p[i]--;
  }
  if (THTensor_device(ix).type != TH_DEVICE_CPU) {
    THTensor **dslot = lb_newslot(L);
    THTensor *dev = THTensor_empty(TH_I64, THTensor_device(ix), ix->ndim, ix->size);
    if (!dev) return lb_error(L);
    lb_fill(L, dslot, dev);
    if (THTensor_copy(dev, ix0) != TH_OK) return lb_error(L);
    ix0 = dev;
  }
  THTensor **slot = lb_newslot(L);
  THTensor *y = THNN_embedding_padded(w, ix0, pad, scale);
  if (!y) return lb_error(L);
  lb_fill(L, slot, y);
  return 1;
}

void lb_open_nnf(lua_State *L) {
  static const luaL_Reg funcs[] = {
      {"nnf_embedding", lb_nnf_embedding},
      {NULL, NULL},
  };
  lb_register(L, funcs);
}
