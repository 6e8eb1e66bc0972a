#!/usr/bin/env bash
# B12 startup: wall time (ms) and peak RSS (MiB) of a fresh process that loads the library
# and prints a 2x2 tensor.
here="$(cd -- "$(dirname -- "$0")" && pwd)"
root="$(cd -- "$here/../.." && pwd)"
exec "$here/../lib/startup.sh" B12 "$root/th" -e "local torch=require'torch'; print(torch.ones(2,2))"
