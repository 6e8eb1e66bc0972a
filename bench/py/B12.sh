#!/usr/bin/env bash
# B12 startup: wall time (ms) and peak RSS (MiB) of a fresh process that imports torch
# and prints a 2x2 tensor.
here="$(cd -- "$(dirname -- "$0")" && pwd)"
exec "$here/../lib/startup.sh" B12 "${BENCH_PYTHON:-/usr/bin/python3}" -c 'import torch; print(torch.ones(2,2))'
