# Locate OpenBLAS (cblas + LAPACK) and provide the imported target Torch::BLAS.
#
# The OpenMP flavour (Debian: libopenblas-openmp-dev) is preferred, so that our
# OpenMP loops and BLAS share one thread pool.  Debian installs each flavour in
# its own directory and points the generic libopenblas.so at one of them via
# update-alternatives, so the flavour directories are searched first.
#
# Override with -DTORCH_BLAS_LIBRARY=/path/libopenblas.so -DTORCH_BLAS_INCLUDE_DIR=/path

if(TARGET Torch::BLAS)
  return()
endif()

set(_blas_lib_hints "")
set(_blas_inc_hints "")
foreach(_prefix /usr /usr/local)
  foreach(_flavour openblas-openmp openblas-pthread openblas-serial)
    if(CMAKE_LIBRARY_ARCHITECTURE)
      list(APPEND _blas_lib_hints "${_prefix}/lib/${CMAKE_LIBRARY_ARCHITECTURE}/${_flavour}")
      list(APPEND _blas_inc_hints "${_prefix}/include/${CMAKE_LIBRARY_ARCHITECTURE}/${_flavour}")
    endif()
    list(APPEND _blas_lib_hints "${_prefix}/lib/${_flavour}")
    list(APPEND _blas_inc_hints "${_prefix}/include/${_flavour}")
  endforeach()
endforeach()

# 1. The Debian flavour directories, OpenMP first.
find_library(TORCH_BLAS_LIBRARY NAMES openblas PATHS ${_blas_lib_hints} NO_DEFAULT_PATH)
find_path(TORCH_BLAS_INCLUDE_DIR NAMES cblas.h PATHS ${_blas_inc_hints} NO_DEFAULT_PATH)

# 2. pkg-config openblas.
if((NOT TORCH_BLAS_LIBRARY OR NOT TORCH_BLAS_INCLUDE_DIR) AND PKG_CONFIG_FOUND)
  pkg_check_modules(PC_OPENBLAS QUIET openblas)
  if(PC_OPENBLAS_FOUND)
    find_library(TORCH_BLAS_LIBRARY NAMES openblas HINTS ${PC_OPENBLAS_LIBRARY_DIRS})
    find_path(TORCH_BLAS_INCLUDE_DIR NAMES cblas.h HINTS ${PC_OPENBLAS_INCLUDE_DIRS})
  endif()
endif()

# 3. Default search paths.
find_library(TORCH_BLAS_LIBRARY NAMES openblas)
find_path(TORCH_BLAS_INCLUDE_DIR NAMES cblas.h PATH_SUFFIXES openblas)

if(NOT TORCH_BLAS_LIBRARY OR NOT TORCH_BLAS_INCLUDE_DIR)
  message(FATAL_ERROR
    "OpenBLAS not found (library: ${TORCH_BLAS_LIBRARY}, cblas.h: ${TORCH_BLAS_INCLUDE_DIR}).\n"
    "On Debian/Ubuntu: apt-get install libopenblas-openmp-dev (or run `make deps`).")
endif()

if(NOT TORCH_BLAS_LIBRARY MATCHES "openmp")
  message(STATUS "Note: ${TORCH_BLAS_LIBRARY} may not be the OpenMP flavour of OpenBLAS; "
                 "nested pthread-OpenBLAS under OpenMP can be much slower")
endif()

add_library(Torch::BLAS INTERFACE IMPORTED)
set_target_properties(Torch::BLAS PROPERTIES
  INTERFACE_LINK_LIBRARIES "${TORCH_BLAS_LIBRARY}"
  INTERFACE_INCLUDE_DIRECTORIES "${TORCH_BLAS_INCLUDE_DIR}")
message(STATUS "BLAS/LAPACK: ${TORCH_BLAS_LIBRARY} (cblas.h in ${TORCH_BLAS_INCLUDE_DIR})")
