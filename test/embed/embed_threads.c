/* embed_threads.c: a C host embedding LuaJIT + torch, as a game engine or server would.
 *
 * Two threads each run their own lua_State concurrently, requiring torch and doing tensor
 * work; one changes its default dtype, which must not leak into the other (per-thread state).
 * Each state also wraps a host-owned C array with torch.from_pointer and writes through it,
 * and the host checks the writes.  Exits non-zero on any failure.
 */
#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>
#include <pthread.h>
#include <stdio.h>

static const char *script =
    "local torch = require 'torch'\n"
    "local id = ...\n"
    "if id == 1 then torch.set_default_dtype(torch.float64) end\n"
    "local s = torch.zeros(64)\n"
    "for i = 1, 3000 do s:add_(torch.ones(64) * 2) end\n"
    "assert(s[1] == 6000 and s[64] == 6000, 'sum ' .. tostring(s[1]))\n"
    "local want = id == 1 and 'float64' or 'float32'\n"
    "for i = 1, 200 do\n"
    "  local d = torch.tensor({1.5}).dtype.name\n"
    "  assert(d == want, 'thread ' .. id .. ' sees default dtype ' .. d)\n"
    "end\n"
    "local t = torch.from_pointer(hostbuf, {4}, {dtype = torch.float32})\n"
    "t:mul_(10 * id)\n"
    "return s:numel()\n";

typedef struct {
  int id;
  float buf[4];
  int ok;
  char err[512];
} Job;

static void *run(void *arg) {
  Job *job = arg;
  lua_State *L = luaL_newstate();
  luaL_openlibs(L);
  lua_pushlightuserdata(L, job->buf);
  lua_setglobal(L, "hostbuf");
  if (luaL_loadstring(L, script) != 0) {
    snprintf(job->err, sizeof job->err, "%s", lua_tostring(L, -1));
  } else {
    lua_pushinteger(L, job->id);
    if (lua_pcall(L, 1, 1, 0) != 0)
      snprintf(job->err, sizeof job->err, "%s", lua_tostring(L, -1));
    else
      job->ok = lua_tointeger(L, -1) == 64;
  }
  lua_close(L);
  return NULL;
}

int main(void) {
  Job jobs[2] = {{.id = 1, .buf = {1, 2, 3, 4}}, {.id = 2, .buf = {1, 2, 3, 4}}};
  pthread_t th[2];
  for (int i = 0; i < 2; i++) pthread_create(&th[i], NULL, run, &jobs[i]);
  for (int i = 0; i < 2; i++) pthread_join(th[i], NULL);
  int failures = 0;
  for (int i = 0; i < 2; i++) {
    Job *j = &jobs[i];
    if (!j->ok) {
      fprintf(stderr, "thread %d failed: %s\n", j->id, j->err);
      failures++;
      continue;
    }
    for (int k = 0; k < 4; k++)
      if (j->buf[k] != (float)((k + 1) * 10 * j->id)) {
        fprintf(stderr, "thread %d: host buffer[%d] = %g, expected %g\n", j->id, k, j->buf[k],
                (double)((k + 1) * 10 * j->id));
        failures++;
      }
  }
  printf("%d passed, %d failed\n", 2 - (failures > 0), failures > 0);
  return failures ? 1 : 0;
}
