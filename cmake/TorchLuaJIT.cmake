# Locate the LuaJIT headers and provide Torch::LuaJITHeaders (include directories
# only).  Lua C modules must not link libluajit: the Lua C API is resolved from
# the host process (the luajit executable or an application embedding LuaJIT).
#
# Override with -DLUAJIT_INCLUDE_DIR=/path/to/luajit-2.1

if(TARGET Torch::LuaJITHeaders)
  return()
endif()

if(PKG_CONFIG_FOUND)
  pkg_check_modules(PC_LUAJIT QUIET luajit)
endif()

find_path(LUAJIT_INCLUDE_DIR
  NAMES luajit.h
  HINTS ${PC_LUAJIT_INCLUDE_DIRS}
  PATH_SUFFIXES luajit-2.1 luajit-2.0 luajit)

if(NOT LUAJIT_INCLUDE_DIR OR NOT EXISTS "${LUAJIT_INCLUDE_DIR}/lua.h")
  message(FATAL_ERROR
    "LuaJIT headers not found (luajit.h, lua.h).\n"
    "On Debian/Ubuntu: apt-get install libluajit-5.1-dev (or run `make deps`).")
endif()

add_library(Torch::LuaJITHeaders INTERFACE IMPORTED)
set_target_properties(Torch::LuaJITHeaders PROPERTIES
  INTERFACE_INCLUDE_DIRECTORIES "${LUAJIT_INCLUDE_DIR}")

find_program(LUAJIT_EXECUTABLE NAMES luajit luajit-2.1.0-beta3 luajit-2.1)
message(STATUS "LuaJIT: headers ${LUAJIT_INCLUDE_DIR}, interpreter ${LUAJIT_EXECUTABLE}")
