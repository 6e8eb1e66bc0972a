#!/usr/bin/env bash
# Install test: `luarocks make` the rockspec into a temporary tree (from a copy of
# the sources, since luarocks builds in the source directory), then load torch
# from that tree alone, from an unrelated working directory.
#
#   scripts/test-install.sh          (registered with ctest as install_rockspec)
#
# Set KEEP_TMP=1 to keep the temporary directory for inspection.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
tmp="$(mktemp -d "${TMPDIR:-/tmp}/torch-install.XXXXXX")"
cleanup() {
  if [ "${KEEP_TMP:-0}" = 1 ]; then
    echo "kept $tmp"
  else
    rm -rf "$tmp"
  fi
}
trap cleanup EXIT

for tool in luarocks luajit cmake; do
  command -v "$tool" >/dev/null || { echo "test-install: $tool not found (run make deps)" >&2; exit 1; }
done

# A clean environment: nothing from an in-tree ./th session may leak in.
unset LUA_PATH LUA_CPATH LUA_INIT LUA_PATH_5_1 LUA_CPATH_5_1 TORCH_BUILD_DIR
unset LD_PRELOAD ASAN_OPTIONS LSAN_OPTIONS UBSAN_OPTIONS
# The install layout is what is tested here; the CUDA backend is built and tested by the main
# build, so the rock is built without it (nvcc would double the test's time).
export TORCH_WITH_CUDA=off
export CMAKE_BUILD_PARALLEL_LEVEL="${CMAKE_BUILD_PARALLEL_LEVEL:-$(nproc 2>/dev/null || echo 2)}"

# ---- copy the sources (without build trees) ---------------------------------
mkdir -p "$tmp/src"
tar -C "$root" \
    --exclude=./.git --exclude='./build' --exclude='./build-*' --exclude='./build.luarocks' \
    --exclude='./lua_modules' \
    -cf - . | tar -C "$tmp/src" -xf -

# ---- luarocks make ---------------------------------------------------------------
tree="$tmp/tree"
incdir=""
for d in "$(pkg-config --variable=includedir luajit 2>/dev/null || true)" \
         /usr/include/luajit-2.1 /usr/local/include/luajit-2.1; do
  if [ -n "$d" ] && [ -f "$d/lua.h" ]; then incdir="$d"; break; fi
done
lr_args=(--lua-version=5.1 make rockspec/torch-scm-1.rockspec --tree="$tree" --deps-mode=none)
if [ -n "$incdir" ]; then lr_args+=("LUA_INCDIR=$incdir"); fi

echo "test-install: luarocks ${lr_args[*]}"
(cd "$tmp/src" && luarocks "${lr_args[@]}") >"$tmp/luarocks.log" 2>&1 || {
  cat "$tmp/luarocks.log" >&2
  echo "test-install: luarocks make failed" >&2
  exit 1
}

# ---- check the installed layout ------------------------------------------------------
lmod="$tree/share/lua/5.1"
cmod="$tree/lib/lua/5.1"
fail=0
[ -f "$cmod/torch/core.so" ] || { echo "missing $cmod/torch/core.so" >&2; fail=1; }
ls "$cmod"/torch/libTH.so* >/dev/null 2>&1 || { echo "missing $cmod/torch/libTH.so" >&2; fail=1; }
while IFS= read -r -d '' f; do
  rel="${f#"$root"/lua/}"
  [ -f "$lmod/$rel" ] || { echo "missing installed Lua file $lmod/$rel" >&2; fail=1; }
done < <(find "$root/lua" -name '*.lua' -print0)
if [ "$fail" != 0 ]; then
  echo "--- installed tree:" >&2
  (cd "$tree" && find . -path ./lib/luarocks -prune -o -print) >&2
  exit 1
fi
if ldd "$cmod/torch/core.so" | grep -q 'libTH.*not found'; then
  ldd "$cmod/torch/core.so" >&2
  echo "test-install: core.so cannot find libTH.so" >&2
  exit 1
fi

# ---- load it from elsewhere ------------------------------------------------------------
mkdir -p "$tmp/elsewhere"
cd "$tmp/elsewhere"
export LUA_PATH="$lmod/?.lua;$lmod/?/init.lua;;"
export LUA_CPATH="$cmod/?.so;;"
luajit - "$tree" <<'LUA'
local tree = ...
local torch = require 'torch'
assert(type(torch) == 'table', "require 'torch' did not return a table")
local core = package.loaded['torch.core']
assert(core ~= nil, "torch.core was not loaded by require 'torch'")
local where = package.searchpath('torch.core', package.cpath)
assert(where and where:sub(1, #tree) == tree,
       'torch.core resolved outside the installed tree: ' .. tostring(where))
local init = package.searchpath('torch', package.path)
assert(init and init:sub(1, #tree) == tree,
       'torch resolved outside the installed tree: ' .. tostring(init))
if type(torch.zeros) == 'function' then
  print(torch.zeros(2, 2))
end
print('test-install: ok (' .. where .. ')')
LUA
