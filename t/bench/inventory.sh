#!/bin/sh
# Local inventory: this agent against fusioninventory-agent --local, same machine, same
# run. Prints median wall time and peak RSS of each (the peak of the whole process tree,
# as /usr/bin/time reports it), the ratios, and where our peak comes from: the program
# and its shared libraries before any work (`--version`), and the inventory child alone.
set -eu
RUNS=${RUNS:-5}
BIN=${BIN:-target/release/ocsinventory-agent}
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT

command -v /usr/bin/time >/dev/null || { echo "needs /usr/bin/time (apt-get install time)"; exit 1; }

measure() { # name, command...: prints "wall_ms rss_kb" per run
  name=$1; shift
  i=0
  while [ $i -lt "$RUNS" ]; do
    # Wall time from the clock in nanoseconds (time's %e has a 10 ms resolution).
    start=$(date +%s%N)
    /usr/bin/time -f '%M' -o "$OUT/t" "$@" >/dev/null 2>&1 || true
    end=$(date +%s%N)
    echo "$(( (end - start) / 1000000 )) $(cat "$OUT/t")"
    i=$((i+1))
  done
}

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

measure ours "$BIN" --local "$OUT" --vardir "$OUT/var" > "$OUT/ours"
ours_wall=$(cut -d' ' -f1 "$OUT/ours" | median); ours_rss=$(cut -d' ' -f2 "$OUT/ours" | median)
measure startup "$BIN" --version > "$OUT/startup"
startup_rss=$(cut -d' ' -f2 "$OUT/startup" | median)
# External processes spawned by one run (the source layer counts them), the child's peak.
"$BIN" --local "$OUT" --vardir "$OUT/var" --debug > "$OUT/debug" 2>&1 || true
spawned=$(sed -n 's/.*with \([0-9]*\) external commands.*/\1/p' "$OUT/debug")
child_rss=$(sed -n 's/.*inventory child peak RSS: \([0-9]*\) KiB.*/\1/p' "$OUT/debug")

if command -v fusioninventory-agent >/dev/null; then
  measure fusion fusioninventory-agent --local "$OUT" > "$OUT/fusion"
  fi_wall=$(cut -d' ' -f1 "$OUT/fusion" | median); fi_rss=$(cut -d' ' -f2 "$OUT/fusion" | median)
else
  fi_wall=0; fi_rss=0
  echo "fusioninventory-agent not installed: apt-get install fusioninventory-agent"
fi

printf '%-28s %12s %14s\n' "local inventory (median of $RUNS)" "wall ms" "peak RSS KiB"
printf '%-28s %12s %14s\n' "ocsinventory-agent" "$ours_wall" "$ours_rss"
printf '%-28s %12s %14s\n' "fusioninventory-agent" "$fi_wall" "$fi_rss"
if [ "$fi_wall" -gt 0 ]; then
  awk -v a="$ours_wall" -v b="$fi_wall" -v c="$ours_rss" -v d="$fi_rss" \
    'BEGIN {printf "%-28s %12.3f %14.3f\n", "ratio (ours / fusion)", a/b, c/d}'
  echo "targets: wall <= 0.03, peak RSS <= 0.065 of Fusion's, at most one program (issue 21)"
fi
printf '%-28s %12s %14s\n' "  of which startup" "" "$startup_rss"
echo "    (--version: the program and its shared libraries mapped, before any work)"
printf '%-28s %12s %14s\n' "  inventory child alone" "" "${child_rss:-?}"
echo "external processes spawned by one inventory: ${spawned:-?}"
