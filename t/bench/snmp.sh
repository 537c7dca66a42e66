#!/bin/sh
# SNMP inventory: this agent against fusioninventory-netinventory on the same snmpd
# agent, same run (median wall time and peak RSS of each, and the ratios); then 50
# loopback snmpd agents inventoried at once, against the slowest and the sum of the
# same 50 inventoried one by one. Needs root (snmpd on port 161 of 127.0.3.x), snmpd,
# /usr/bin/time, and fusioninventory-agent-task-network for the comparison.
# Every snmpd is started here and stopped by its PID.
set -eu
RUNS=${RUNS:-5}
N=${N:-50}
BIN=${1:-${BIN:-target/release/ocsinventory-agent}}
OUT=$(mktemp -d)
PIDS=""
cleanup() {
  for p in $PIDS; do kill "$p" 2>/dev/null || true; done
  for p in $PIDS; do while kill -0 "$p" 2>/dev/null; do sleep 0.05; done; done
  rm -rf "$OUT"
}
trap cleanup EXIT INT TERM

[ -x /usr/sbin/snmpd ] || { echo "needs snmpd (apt-get install snmpd snmp)"; exit 1; }
command -v /usr/bin/time >/dev/null || { echo "needs /usr/bin/time (apt-get install time)"; exit 1; }

start_snmpd() { # address
  d="$OUT/snmpd-$1"; mkdir -p "$d/persist"
  printf 'agentAddress udp:%s:161\nrocommunity bench 127.0.0.0/8\nsysName bench-%s\nsysLocation bench\nsysContact bench@example.invalid\n' "$1" "$1" >"$d/snmpd.conf"
  SNMP_PERSISTENT_DIR="$d/persist" MIBS="" /usr/sbin/snmpd -f -C -c "$d/snmpd.conf" -Lf "$d/log" \
    -I -smux,mteTrigger,mteTriggerConf >/dev/null 2>&1 &
  PIDS="$PIDS $!"
}

wait_snmpd() { # address
  w=0
  while [ $w -lt 100 ]; do
    snmpget -v2c -c bench -t 0.2 -r 0 "$1" 1.3.6.1.2.1.1.5.0 >/dev/null 2>&1 && return 0
    sleep 0.1; w=$((w+1))
  done
  echo "snmpd on $1 did not answer"; exit 1
}

measure() { # command...: prints "wall_ms rss_kb" per run
  r=0
  while [ $r -lt "$RUNS" ]; do
    start=$(date +%s%N)
    /usr/bin/time -f '%M' -o "$OUT/t" "$@" >"$OUT/out" 2>&1 || true
    end=$(date +%s%N)
    echo "$(( (end - start) / 1000000 )) $(tail -n 1 "$OUT/t")"
    r=$((r+1))
  done
}

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }

# ---- one agent, beside the reference ----
start_snmpd 127.0.3.1
wait_snmpd 127.0.3.1
CRED=version:2c,community:bench
measure "$BIN" --netinventory 127.0.3.1 --credentials "$CRED" --stdout --vardir "$OUT/var" >"$OUT/ours"
grep -q '<NAME>bench-127.0.3.1</NAME>' "$OUT/out" || { echo "our inventory failed:"; cat "$OUT/out"; exit 1; }
ours_wall=$(cut -d' ' -f1 "$OUT/ours" | median); ours_rss=$(cut -d' ' -f2 "$OUT/ours" | median)
if command -v fusioninventory-netinventory >/dev/null; then
  measure fusioninventory-netinventory --host 127.0.3.1 --credentials "$CRED" >"$OUT/fusion"
  fi_wall=$(cut -d' ' -f1 "$OUT/fusion" | median); fi_rss=$(cut -d' ' -f2 "$OUT/fusion" | median)
else
  fi_wall=0; fi_rss=0
  echo "fusioninventory-netinventory not installed: apt-get install fusioninventory-agent-task-network"
fi
printf '%-34s %12s %14s\n' "SNMP inventory, 1 snmpd (median of $RUNS)" "wall ms" "peak RSS KiB"
printf '%-34s %12s %14s\n' "ocsinventory-agent" "$ours_wall" "$ours_rss"
printf '%-34s %12s %14s\n' "fusioninventory-netinventory" "$fi_wall" "$fi_rss"
if [ "$fi_wall" -gt 0 ]; then
  awk -v a="$ours_wall" -v b="$fi_wall" -v c="$ours_rss" -v d="$fi_rss" \
    'BEGIN {printf "%-34s %12.3f %14.3f\n", "ratio (ours / fusion)", a/b, c/d}'
  echo "targets: wall <= 0.1, peak RSS <= 0.15 of the reference's"
fi

# ---- N agents at once ----
i=2
while [ $i -le "$N" ]; do start_snmpd "127.0.3.$i"; i=$((i+1)); done
i=1; HOSTS=""
while [ $i -le "$N" ]; do wait_snmpd "127.0.3.$i"; HOSTS="$HOSTS --netinventory 127.0.3.$i"; i=$((i+1)); done
sum=0; max=0; i=1
while [ $i -le "$N" ]; do
  t0=$(now_ms)
  "$BIN" --netinventory "127.0.3.$i" --credentials "$CRED" --stdout --vardir "$OUT/var" >/dev/null 2>&1
  d=$(( $(now_ms) - t0 )); sum=$((sum + d)); [ $d -gt $max ] && max=$d
  i=$((i+1))
done
# The snmpd agents' own CPU time (utime+stime ticks) during the run at once: on a
# machine with few cores, answering the walks is itself work that cannot overlap.
snmpd_ticks() {
  t=0
  for p in $PIDS; do
    [ -r "/proc/$p/stat" ] && t=$((t + $(awk '{print $14 + $15}' "/proc/$p/stat")))
  done
  echo "$t"
}
ticks0=$(snmpd_ticks)
t0=$(now_ms)
# shellcheck disable=SC2086
/usr/bin/time -f '%M' -o "$OUT/t" "$BIN" $HOSTS --credentials "$CRED" --stdout --vardir "$OUT/var" >"$OUT/all" 2>"$OUT/all.err"
all=$(( $(now_ms) - t0 )); all_rss=$(tail -n 1 "$OUT/t")
hz=$(getconf CLK_TCK); cores=$(nproc)
snmpd_ms=$(( ($(snmpd_ticks) - ticks0) * 1000 / hz ))
got=$(grep -c '<NAME>bench-' "$OUT/all" || true)
printf '%-34s %12s\n' "$N snmpd agents" "wall ms"
printf '%-34s %12s\n' "one by one: slowest" "$max"
printf '%-34s %12s\n' "one by one: sum" "$sum"
printf '%-34s %12s   (%s of %s inventoried, peak RSS %s KiB)\n' "all at once" "$all" "$got" "$N" "$all_rss"
awk -v a="$all" -v m="$max" -v s="$sum" 'BEGIN {printf "%-34s %12.2f x slowest, %.2f x sum\n", "all at once /", a/m, a/s}'
printf '%-34s %12s   (floor on %s cores: %s ms)\n' "snmpd CPU during the run at once" "$snmpd_ms" "$cores" "$((snmpd_ms / cores))"
echo "target: all at once about the slowest one, not the sum"
