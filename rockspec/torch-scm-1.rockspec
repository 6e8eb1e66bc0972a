-- LuaRocks build description for torch (LuaJIT / Lua 5.1 ABI).
--
--   luarocks --lua-version=5.1 make rockspec/torch-scm-1.rockspec [--tree=DIR]
--
-- CMake builds lib/TH (libTH.so) and lib/luabind (torch/core.so) and installs
--   $(LIBDIR)/torch/core.so, $(LIBDIR)/torch/libTH.so   -> <tree>/lib/lua/5.1/torch/
--   $(LUADIR)/torch/**.lua, $(LUADIR)/*.lua (nn, optim) -> <tree>/share/lua/5.1/
-- core.so finds libTH.so through an $ORIGIN RPATH.  Requires CMake >= 3.25, a C11
-- compiler with OpenMP, OpenBLAS and the LuaJIT headers (Debian:
-- libopenblas-openmp-dev libluajit-5.1-dev; `make deps` installs them).
rockspec_format = "3.0"
package = "torch"
version = "scm-1"

source = {
   url = "git+https://github.com/torch/torch.git",
   branch = "main",
}

description = {
   summary = "Tensors, autograd, nn and optim for LuaJIT",
   detailed = [[
A C tensor library (TH) with autograd, bound to LuaJIT through the Lua C API,
with nn and optim modules written in Lua.
]],
   license = "BSD-3-Clause",
}

dependencies = {
   "lua >= 5.1, < 5.2",
}

build = {
   type = "cmake",
   variables = {
      CMAKE_BUILD_TYPE = "Release",
      CMAKE_INSTALL_PREFIX = "$(PREFIX)",
      LUA_LIBDIR = "$(LIBDIR)",
      LUA_DIR = "$(LUADIR)",
      BUILD_TESTING = "OFF",
   },
}
