# Thin wrapper around CMake/ctest.
#
#   make deps            install the Debian packages the build and tests need
#   make build           configure + build into build/
#   make demo            run examples/logistic_regression.lua (plot in build/plots/)
#   make tour            run examples/tour.lua
#   make check           all tests (C, busted specs, examples, luarocks install) via ctest
#   make bench           bench/run
#   make sanitize-check  all tests again under ASan + UBSan, in build-asan/
#   make clean

BUILD      ?= build
ASAN_BUILD ?= build-asan
JOBS       ?= $(shell nproc 2>/dev/null || echo 2)
CMAKE_ARGS ?=

DEB_PACKAGES := build-essential cmake pkg-config luajit libluajit-5.1-dev \
                libopenblas-openmp-dev libsleef-dev lua-busted luarocks gnuplot-nox

.PHONY: all deps build demo tour check bench sanitize-build sanitize-check clean

all: build

deps:
	@if ! command -v dpkg-query >/dev/null 2>&1; then \
	  echo "deps: not a Debian-based system; install the equivalents of: $(DEB_PACKAGES)"; \
	  exit 0; \
	fi; \
	missing=""; \
	for p in $(DEB_PACKAGES); do \
	  case "$$(dpkg-query -W -f='$${Status}' $$p 2>/dev/null)" in \
	    *" installed") ;; \
	    *) missing="$$missing $$p" ;; \
	  esac; \
	done; \
	if [ -z "$$missing" ]; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ]; then \
	  echo "deps: installing$$missing"; \
	  apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y $$missing; \
	else \
	  echo "deps: missing Debian packages; run:"; \
	  echo "  sudo apt-get install -y$$missing"; \
	  exit 1; \
	fi

build: deps
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release $(CMAKE_ARGS)
	cmake --build $(BUILD) -j $(JOBS)

demo: build
	TORCH_BUILD_DIR=$(abspath $(BUILD)) TORCH_PLOT_DIR=$(abspath $(BUILD))/plots ./th examples/logistic_regression.lua

tour: build
	TORCH_BUILD_DIR=$(abspath $(BUILD)) ./th examples/tour.lua

check: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

bench: build
	bench/run

# The sanitizer build leaves out the CUDA backend: the CUDA runtime does not run under
# AddressSanitizer's default options, and `make check` already builds and tests it.
# luajit is not instrumented: the test environment (LD_PRELOAD of libasan and
# libubsan, ASAN_OPTIONS=detect_leaks=1:halt_on_error=1, LSan suppressions from
# scripts/lsan.supp) is set by CMake when TORCH_SANITIZE=ON.
sanitize-build: deps
	cmake -S . -B $(ASAN_BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DTORCH_SANITIZE=ON -DWITH_CUDA=off $(CMAKE_ARGS)
	cmake --build $(ASAN_BUILD) -j $(JOBS)

sanitize-check: sanitize-build
	cd $(ASAN_BUILD) && ctest --output-on-failure -j $(JOBS)

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) build.luarocks
