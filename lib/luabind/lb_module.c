/* lb_module.c: luaopen_torch_core, the entry point of `require 'torch.core'`.
 *
 * Returns a table of C functions plus `Tensor`, the tensor metatable, which every function
 * holds as its upvalue.  lua/torch/init.lua turns these into the public API (methods,
 * __index for fields, options tables). */
#include "lb.h"

int luaopen_torch_core(lua_State *L) {
  if (lua_pushthread(L)) { /* remember the main thread for callbacks that run later */
    lua_pushlightuserdata(L, L);
    lua_setfield(L, LUA_REGISTRYINDEX, "torch.mainthread");
  }
  lua_pop(L, 1);
  lua_newtable(L);         /* the module */
  lua_newtable(L);         /* the tensor metatable */
  lua_pushstring(L, "torch.Tensor");
  lua_setfield(L, -2, "__name");
  lb_open_tensor(L);
  lb_open_ops(L);
  lb_open_pointwise(L);
  lb_open_create(L);
  lb_open_sort(L);
  lb_open_random(L);
  lb_open_linalg(L);
  lb_open_index(L);
  lb_open_reduce(L);
  lb_open_autograd(L);
  lb_open_torch7(L);
  lb_open_nn(L);
  lb_open_nnf(L);
  lua_setfield(L, -2, "Tensor");
  return 1;
}
