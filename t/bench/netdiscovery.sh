#!/bin/sh
# Network discovery, same machine, same run (needs root for snmpd on 127.0.1.x):
# 1. 40 loopback addresses with five private snmpd agents: this agent against
#    fusioninventory-netdiscovery --threads 10 (Debian fusioninventory-agent-task-network);
#    both must find the same five SNMP devices; target: our wall time <= 0.1 of its.
# 2. A loopback /16 (every 127/8 address answers ICMP: 65 534 live hosts): wall time and
#    peak RSS (of the task child, which /usr/bin/time counts).
# The snmpd agents are started here and stopped by PID at exit.
set -eu
BIN=${BIN:-target/release/ocsinventory-agent}
OUT=$(mktemp -d /tmp/ocsdisc-bench.XXXXXX)
PIDS=""
cleanup() {
  for p in $PIDS; do kill "$p" 2>/dev/null || true; done
  for p in $PIDS; do while kill -0 "$p" 2>/dev/null; do sleep 0.1; done; done
  rm -rf "$OUT"
}
trap cleanup EXIT INT TERM

[ "$(id -u)" = 0 ] || { echo "netdiscovery bench: needs root (snmpd on 127.0.1.x)"; exit 1; }
[ -x /usr/sbin/snmpd ] && command -v snmpget >/dev/null \
  || { echo "netdiscovery bench: needs snmpd and snmp (apt-get install snmpd snmp)"; exit 1; }
command -v /usr/bin/time >/dev/null || { echo "needs /usr/bin/time (apt-get install time)"; exit 1; }

COMM=ocsbench
n=0
for a in 127.0.1.2 127.0.1.9 127.0.1.17 127.0.1.26 127.0.1.40; do
  n=$((n + 1))
  mkdir -p "$OUT/snmpd-$a"
  printf 'agentAddress udp:%s:161\nrocommunity %s 127.0.0.0/8\nsysName bench-%s\nsysLocation bench\n' \
    "$a" "$COMM" "$n" >"$OUT/snmpd-$a/conf"
  SNMP_PERSISTENT_DIR=$OUT/snmpd-$a /usr/sbin/snmpd -f -C -c "$OUT/snmpd-$a/conf" \
    -Lf "$OUT/snmpd-$a/log" -I -smux,mteTrigger,mteTriggerConf </dev/null >/dev/null 2>&1 &
  PIDS="$PIDS $!"
done
# Both scans start with every agent answering (snmpd is slow to start on a busy machine).
for a in 127.0.1.2 127.0.1.9 127.0.1.17 127.0.1.26 127.0.1.40; do
  i=0
  until snmpget -v2c -c "$COMM" -t 0.3 -r 0 "udp:$a:161" 1.3.6.1.2.1.1.5.0 >/dev/null 2>&1; do
    i=$((i + 1)); [ $i -lt 100 ] || { echo "snmpd on $a does not answer"; exit 1; }
    sleep 0.1
  done
done

ms() { echo $(( ($2 - $1) / 1000000 )); }
# IPs of the devices that answered SNMP, sorted, from a stream of NETDISCOVERY messages.
snmp_ips() {
  awk '/<DEVICE>/{ip=""; s=0} /<IP>/ && ip=="" {gsub(/.*<IP>|<\/IP>.*/,""); ip=$0}
       /<SNMPHOSTNAME>/{s=1} /<\/DEVICE>/{if (s) print ip}' "$1" | sort -t. -k4 -n | tr '\n' ' '
}

start=$(date +%s%N)
"$BIN" --vardir "$OUT/var" --netdiscovery 127.0.1.1-127.0.1.40 --credentials "version:2c,community:$COMM" \
  --stdout --tasks NetDiscovery >"$OUT/ours.xml" 2>"$OUT/ours.err"
end=$(date +%s%N)
ours=$(ms "$start" "$end")
ours_ips=$(snmp_ips "$OUT/ours.xml")

if command -v fusioninventory-netdiscovery >/dev/null; then
  start=$(date +%s%N)
  fusioninventory-netdiscovery --first 127.0.1.1 --last 127.0.1.40 \
    --credentials "version:2c,community:$COMM" --threads 10 >"$OUT/fi.xml" 2>"$OUT/fi.err" || true
  end=$(date +%s%N)
  fi=$(ms "$start" "$end")
  fi_ips=$(snmp_ips "$OUT/fi.xml")
else
  fi=0; fi_ips="(fusioninventory-netdiscovery not installed: apt-get install fusioninventory-agent-task-network)"
fi

printf '%-40s %10s  %s\n' "netdiscovery 40 addresses, 5 snmpd" "wall ms" "SNMP devices"
printf '%-40s %10s  %s\n' "ocsinventory-agent" "$ours" "$ours_ips"
printf '%-40s %10s  %s\n' "fusioninventory-netdiscovery --threads 10" "$fi" "$fi_ips"
if [ "$fi" -gt 0 ]; then
  awk -v a="$ours" -v b="$fi" 'BEGIN {printf "%-40s %10.4f\n", "ratio (ours / fusion)", a/b}'
  [ "$ours_ips" = "$fi_ips" ] && echo "same SNMP devices: yes" || echo "same SNMP devices: NO"
  echo "target: wall <= 0.1 of Fusion's, same five devices"
fi

start=$(date +%s%N)
/usr/bin/time -f '%M' -o "$OUT/rss" "$BIN" --vardir "$OUT/var" --netdiscovery 127.0.0.0/16 \
  --credentials "version:2c,community:$COMM" --local "$OUT/b16.xml" --tasks NetDiscovery 2>"$OUT/b16.err" || true
end=$(date +%s%N)
found=$(grep -c '<DEVICE>' "$OUT/b16.xml" || true)
printf '%-40s %10s ms, peak RSS %s KiB, %s devices of 65534\n' "netdiscovery 127.0.0.0/16" \
  "$(ms "$start" "$end")" "$(cat "$OUT/rss")" "$found"
