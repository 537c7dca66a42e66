#!/usr/bin/env bash
# Deploy: a 50 MB package in 50 fragments from the real OCS server (t/ocs-server, the
# deploy instance), by this agent, then by a second instance of it that takes the
# fragments from the first one's daemon (P2P), then by the Debian Perl agent
# (ocsinventory-agent) from the same server in the same run. Each time: wall time from
# the start of the run to SUCCESS in the server's database, and peak RSS (this agent:
# /usr/bin/time over the whole process tree; the Perl agent forks its download child
# away, so its processes' VmHWM is sampled from /proc). The server's latencies are set
# to 0 for the run (both agents then go as fast as they can) and restored after.
#
#   OCS_TESTSRV_DIR=... OCS_HTTP_PORT=... OCS_HTTPS_PORT=... bash t/bench/deploy.sh [BIN]
set -euo pipefail
cd "$(dirname "$0")/../.."
BIN=${1:-target/release/ocsinventory-agent}
SIZE_MB=${SIZE_MB:-50}
FRAGS=${FRAGS:-50}
export OCS_TESTSRV_DIR=${OCS_TESTSRV_DIR:-/var/lib/ocsinv-agent-testsrv-deploy}
export OCS_HTTP_PORT=${OCS_HTTP_PORT:-18380} OCS_HTTPS_PORT=${OCS_HTTPS_PORT:-18743}
export OCS_BADNAME_PORT=${OCS_BADNAME_PORT:-18744}
URL=http://127.0.0.1:$OCS_HTTP_PORT/ocsinventory
CA=$OCS_TESTSRV_DIR/ssl/ca.crt
PEER_PORT=${PEER_PORT:-62430}
W=$(mktemp -d /tmp/ocsa-bench-deploy.XXXXXX)
DAEMON_PID=""
cleanup() {
  [ -n "$DAEMON_PID" ] && kill "$DAEMON_PID" 2>/dev/null || true
  [ -n "${OLD_LAT:-}" ] && db -e "UPDATE config SET IVALUE=CASE NAME $OLD_LAT END WHERE NAME IN ('DOWNLOAD_FRAG_LATENCY','DOWNLOAD_CYCLE_LATENCY','DOWNLOAD_PERIOD_LATENCY')" || true
  rm -rf "$W"
}
trap cleanup EXIT
command -v /usr/bin/time >/dev/null || { echo "needs /usr/bin/time (apt-get install time)"; exit 1; }
[ -x "$BIN" ] || { echo "no $BIN: make build"; exit 1; }

db() { bash t/ocs-server/db.sh -N -B "$@"; }
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
status_of() { # deviceid pkg
  db -e "SELECT d.TVALUE FROM devices d JOIN download_enable e ON e.ID=d.IVALUE JOIN hardware h
         ON h.ID=d.HARDWARE_ID WHERE d.NAME='DOWNLOAD' AND h.DEVICEID='$1' AND e.FILEID='$2'"
}
wait_status() { # deviceid pkg timeout_s -> prints the final status
  local end=$(( $(date +%s) + $3 )) s=""
  while [ "$(date +%s)" -lt "$end" ]; do
    s=$(status_of "$1" "$2")
    case "$s" in SUCCESS*|ERR*) echo "$s"; return 0 ;; esac
    sleep 0.1
  done
  echo "${s:-none}"
}

bash t/ocs-server/start.sh >/dev/null
OLD_LAT=$(db -e "SELECT GROUP_CONCAT(CONCAT('WHEN ''',NAME,''' THEN ',IVALUE) SEPARATOR ' ') FROM config
                 WHERE NAME IN ('DOWNLOAD_FRAG_LATENCY','DOWNLOAD_CYCLE_LATENCY','DOWNLOAD_PERIOD_LATENCY')")
db -e "UPDATE config SET IVALUE=0 WHERE NAME IN ('DOWNLOAD_FRAG_LATENCY','DOWNLOAD_CYCLE_LATENCY','DOWNLOAD_PERIOD_LATENCY')"

head -c $((SIZE_MB << 20)) /dev/urandom > "$W/payload.bin"
host=$(hostname | cut -d. -f1)
PKG=$(( 1900000000 + $(date +%s) % 100000000 ))

# ---- this agent, from the server
ours() { # name p2p-port -> "deploy_ms deploy_rss_kb whole_ms whole_rss_kb status"
  local v=$W/$1 id
  mkdir -p "$v"
  id="$host-2032-01-01-00-00-$(printf %02d $(( RANDOM % 60 )))"
  [ "$1" = peer ] && id="$host-2032-01-01-00-01-$(printf %02d $(( RANDOM % 60 )))"
  echo "deviceid=$id" > "$v/agent.state"
  "$BIN" --vardir "$v" --server "$URL" --force --tasks Inventory >/dev/null 2>&1
  bash t/ocs-server/make-package.sh "$id" "$PKG" EXECUTE "cmp -s payload.bin payload.bin" \
      --frags "$FRAGS" --file "$W/payload.bin" --latency 0 >/dev/null
  local args=(--vardir "$v" --server "$URL" --ca-cert-file "$CA" --deploy-p2p-subnet 127.0.0.1/32
              --deploy-p2p-port "$2" --logfile "$W/$1.log")
  # A whole run is the inventory (its PROLOG brings the package) and then the Deploy
  # task; both are timed, the Deploy task alone too.
  local t0 t1 t2 st
  t0=$(now_ms)
  /usr/bin/time -f '%M' -o "$W/$1.inv.rss" "$BIN" "${args[@]}" --tasks Inventory >/dev/null 2>&1 || true
  t1=$(now_ms)
  /usr/bin/time -f '%M' -o "$W/$1.rss" "$BIN" "${args[@]}" --tasks Deploy >/dev/null 2>&1 || true
  st=$(wait_status "$id" "$PKG" 60)
  t2=$(now_ms)
  local r1 r2; r1=$(cat "$W/$1.inv.rss"); r2=$(cat "$W/$1.rss")
  echo "$((t2 - t1)) $r2 $((t2 - t0)) $(( r1 > r2 ? r1 : r2 )) $st"
}
read -r s_dep s_dep_rss s_wall s_rss s_st < <(ours server 62499)

# ---- a second instance, from the first one's daemon
"$BIN" --daemon --no-fork --httpd-ip 127.0.0.1 --httpd-port "$PEER_PORT" --local "$W" \
    --vardir "$W/server" --logfile "$W/daemon.log" </dev/null >/dev/null 2>&1 &
DAEMON_PID=$!
# ready once its first run (a local inventory) is over, so that it does not compete
for _ in $(seq 300); do grep -q "task Inventory for local" "$W/daemon.log" 2>/dev/null && break; sleep 0.1; done
before=$(grep -c "GET /download/$PKG/$PKG-" "$OCS_TESTSRV_DIR/log/apache-access.log" || true)
read -r p_dep p_dep_rss p_wall p_rss p_st < <(ours peer "$PEER_PORT")
sleep 0.5
after=$(grep -c "GET /download/$PKG/$PKG-" "$OCS_TESTSRV_DIR/log/apache-access.log" || true)
from_peer=$(grep -c "from peer 127.0.0.1:$PEER_PORT" "$W/peer.log" || true)
kill "$DAEMON_PID"; wait "$DAEMON_PID" 2>/dev/null || true; DAEMON_PID=""

# ---- the Debian Perl agent, same server, same package
perl_wall=0 perl_rss=0 perl_st="not installed (apt-get install ocsinventory-agent)"
if command -v ocsinventory-agent >/dev/null; then
  pv=$W/perl; mkdir -p "$pv"
  ocsinventory-agent --nolocal --server "$URL" --basevardir="$pv" --ca "$CA" >/dev/null 2>&1 || true
  pid=$(sed -n 's:.*<DEVICEID>\(.*\)</DEVICEID>.*:\1:p' "$pv"/*/ocsinv.conf | head -1)
  bash t/ocs-server/make-package.sh "$pid" "$PKG" EXECUTE "cmp -s payload.bin payload.bin" \
      --frags "$FRAGS" --file "$W/payload.bin" --latency 0 >/dev/null
  t0=$(now_ms)
  ocsinventory-agent --nolocal --server "$URL" --basevardir="$pv" --ca "$CA" >/dev/null 2>&1 &
  top=$!
  peak=0 end=$(( $(date +%s) + 600 )) perl_st=none
  while [ "$(date +%s)" -lt "$end" ]; do
    # every process of the Perl agent (the parent and the download child it forks)
    for p in $(pgrep -f "ocsinventory-agent --nolocal --server $URL --basevardir=$pv" || true); do
      h=$(awk '/VmHWM/ {print $2}' "/proc/$p/status" 2>/dev/null || echo 0)
      [ "${h:-0}" -gt "$peak" ] && peak=$h
    done
    perl_st=$(status_of "$pid" "$PKG")
    case "$perl_st" in SUCCESS*|ERR*) break ;; esac
    sleep 0.05
  done
  perl_wall=$(( $(now_ms) - t0 )); perl_rss=$peak
  wait "$top" 2>/dev/null || true
fi

row() { printf '%-46s %10s %14s  %s\n' "$@"; }
row "deploy ${SIZE_MB} MB / ${FRAGS} fragments" "wall ms" "peak RSS KiB" "server status"
row "ocsinventory-agent, server: Deploy task" "$s_dep" "$s_dep_rss" "$s_st"
row "ocsinventory-agent, server: whole run" "$s_wall" "$s_rss" ""
row "ocsinventory-agent, peer: Deploy task" "$p_dep" "$p_dep_rss" "$p_st"
row "ocsinventory-agent, peer: whole run" "$p_wall" "$p_rss" ""
row "Debian ocsinventory-agent (Perl): whole run" "$perl_wall" "$perl_rss" "$perl_st"
echo "P2P: $from_peer fragments from the peer, $((after - before)) fragment requests to the server"
if [ "$perl_wall" -gt 0 ]; then
  awk -v a="$s_wall" -v b="$perl_wall" -v c="$p_wall" -v d="$s_dep" -v e="$p_dep" \
    'BEGIN {printf "time ratio, ours / Perl (target <= 0.25): whole run from the server %.3f, from a peer %.3f; Deploy task alone %.3f, %.3f\n", a/b, c/b, d/b, e/b}'
  awk -v a="$s_rss" -v b="$perl_rss" 'BEGIN {printf "peak RSS ratio, ours / Perl: %.3f\n", a/b}'
fi
