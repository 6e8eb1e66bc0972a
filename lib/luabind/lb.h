/* lb.h: the Lua binding's shared helpers (prefix lb_).
 *
 * A tensor is a full userdata holding one THTensor pointer (one reference); its metatable is
 * the first upvalue of every binding function, so checking "is this a tensor" is a pointer
 * comparison.  Arguments are checked here, at the boundary; lib/TH reports failures with a
 * status and a message, which lb_error raises as the Lua error — after the binding has let go
 * of everything it owns.  Dimensions and indices arrive 1-based and are converted exactly once,
 * by lb_checkdim / lb_checkindex.
 */
#ifndef LB_H
#define LB_H

#include <lauxlib.h>
#include <lua.h>
#include "TH.h"

#define LB_TENSOR_MT lua_upvalueindex(1)

/* A new tensor userdata (holding NULL) on the stack; fill the slot when the tensor exists.
 * Creating the userdata first means an out-of-memory error from Lua can't leak the tensor. */
THTensor **lb_newslot(lua_State *L);
/* Puts t in the slot at the top of the stack and lets the GC feel the C memory. */
void lb_fill(lua_State *L, THTensor **slot, THTensor *t);
/* Pushes t (taking over its reference); on NULL raises TH_lastError(). */
int lb_push(lua_State *L, THTensor *t);

THTensor *lb_totensor(lua_State *L, int idx); /* NULL when not a tensor */
THTensor *lb_checktensor(lua_State *L, int idx);
int lb_error(lua_State *L); /* raises TH_lastError() */

/* 1-based (or negative) dim -> lib/TH's 0-based (or negative) dim; 0 is an error. */
int lb_checkdim(lua_State *L, int idx);
int64_t lb_checkindex(lua_State *L, int idx);
int64_t lb_checkint(lua_State *L, int idx);
/* Sizes from a table at idx or numbers from idx to the last number argument. Returns the
 * count of Lua arguments consumed (1 for a table). */
int lb_checksizes(lua_State *L, int idx, int *ndim, int64_t *sizes);
THDtype lb_checkdtype(lua_State *L, int idx); /* a dtype id (number) */
THDevice lb_checkdevice(lua_State *L, int idx_type, int idx_index);

/* An op argument: a tensor, a number or a boolean. */
THArg lb_checkarg(lua_State *L, int idx);

void lb_open_tensor(lua_State *L); /* register into the table at the top (metatable upvalue below it) */
void lb_open_ops(lua_State *L);
void lb_open_pointwise(lua_State *L);
void lb_open_create(lua_State *L);
void lb_open_sort(lua_State *L);
void lb_open_random(lua_State *L);
void lb_open_linalg(lua_State *L);
void lb_open_index(lua_State *L);
void lb_open_reduce(lua_State *L);
void lb_open_autograd(lua_State *L);
void lb_open_torch7(lua_State *L);
void lb_open_nn(lua_State *L); /* the subtable `nn` of the module (torch._nn) */
void lb_open_nnf(lua_State *L); /* nnf_* functions for torch.nn.functional */

/* Registers funcs into the table at -2 with the metatable at -1 as their upvalue. */
void lb_register(lua_State *L, const luaL_Reg *funcs);

#endif
