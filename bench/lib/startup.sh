#!/usr/bin/env bash
# startup.sh ID CMD [ARGS...]
#
# Start-up cost of a fresh process: runs CMD once untimed (warm page cache), then
# BENCH_STARTUP_RUNS times (default 5) for wall time and as many times again under
# /usr/bin/time for peak RSS. Prints the medians as two result lines:
#   ID_time <ms>
#   ID_rss  <MiB>
# Wall time is read with bash's $EPOCHREALTIME (microseconds, no extra fork).
set -u
id="$1"; shift
runs="${BENCH_STARTUP_RUNS:-5}"

median() { sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

if ! "$@" >/dev/null 2>&1; then
  echo "startup.sh: command failed: $*" >&2
  exit 1
fi

times=()
for ((i = 0; i < runs; i++)); do
  t0=$EPOCHREALTIME
  "$@" >/dev/null 2>&1 || { echo "startup.sh: command failed: $*" >&2; exit 1; }
  t1=$EPOCHREALTIME
  times+=("$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", (b - a) * 1000 }')")
done
printf '%s\n' "${times[@]}" | median | awk -v id="$id" '{ printf "%s_time %s\n", id, $1 }'

if [ -x /usr/bin/time ]; then
  tmp="$(mktemp)"
  rss=()
  for ((i = 0; i < runs; i++)); do
    /usr/bin/time -f '%M' -o "$tmp" "$@" >/dev/null 2>&1 || { rm -f "$tmp"; exit 1; }
    rss+=("$(tail -n 1 "$tmp")")
  done
  rm -f "$tmp"
  printf '%s\n' "${rss[@]}" | median | awk -v id="$id" '{ printf "%s_rss %.1f\n", id, $1 / 1024 }'
else
  echo "startup.sh: /usr/bin/time not found; no RSS row" >&2
fi
