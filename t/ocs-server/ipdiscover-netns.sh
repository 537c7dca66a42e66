#!/usr/bin/env bash
# An isolated little LAN for IPDISCOVER tests, so that the agent's ARP scan never
# touches the host's real network. Everything stays in 127.0.0.0/8:
#
#   netns ocsipd-agent: lo 127.0.0.1/32, ocsipd0 127.99.0.1/24, default via 127.99.0.2
#   netns ocsipd-peer : ocsipd1 127.99.0.2/24 (veth peer of ocsipd0, named "ocs-ipd-peer"
#                       in the agent namespace's /etc/hosts) and ocsipd2 127.99.0.3/24
#                       (macvlan on ocsipd1, no name)
#   (route_localnet=1 in both namespaces lets the kernel use 127.x on a veth; IPv6 is off)
#
# Inside ocsipd-agent, 127.0.0.1:HTTP_PORT and :HTTPS_PORT are bridged (socat, through
# unix sockets) to the host's 127.0.0.1 ports, so an agent started there reaches the
# test server with the usual URLs; /etc/resolv.conf there says nameserver 127.0.0.1.
#
#   ipdiscover-netns.sh up [--http-target PORT] [--https-target PORT]
#                                  create it (targets default to OCS_HTTP_PORT/OCS_HTTPS_PORT,
#                                  e.g. give the port of a wire_recorder.py instead)
#   ipdiscover-netns.sh run CMD... run CMD inside ocsipd-agent (e.g. ocsinventory-agent ...)
#   ipdiscover-netns.sh down       stop the bridges, delete both namespaces
#   ipdiscover-netns.sh status
# The network to force with enable-ipdiscover.sh is 127.99.0.0. Needs root, iproute2, socat.
set -euo pipefail

OCS_DIR=${OCS_TESTSRV_DIR:-/var/lib/ocs-testsrv}
HTTP_PORT=${OCS_HTTP_PORT:-8080}
HTTPS_PORT=${OCS_HTTPS_PORT:-8443}
RUN=$OCS_DIR/run
# Namespace and link names: OCS_IPD_PREFIX (default ocsipd) lets parallel users keep apart.
P=${OCS_IPD_PREFIX:-ocsipd}
NA=$P-agent NP=$P-peer
say() { printf '[ipdiscover-netns] %s\n' "$*"; }
die() { printf '[ipdiscover-netns] ERROR: %s\n' "$*" >&2; exit 1; }
[ "$(id -u)" = 0 ] || die "must run as root"

ours() { # ours PIDFILE -> pid if it is one of our socat bridges
  local pid
  [ -s "$1" ] || return 1
  pid=$(cat "$1"); [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  [ "$(readlink "/proc/$pid/exe" 2>/dev/null)" = /usr/bin/socat ] || return 1
  tr '\0' '\n' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF "$RUN/ipd-" || return 1
  echo "$pid"
}

down() {
  local f pid ns
  for f in "$RUN"/ipd-*.pid; do
    [ -e "$f" ] || continue
    if pid=$(ours "$f"); then kill -TERM "$pid" 2>/dev/null || true; fi
    rm -f "$f"
  done
  rm -f "$RUN"/ipd-*.sock
  sleep 0.2
  # snmpd.sh --netns ocsipd-peer agents would keep the namespace alive: stop them too
  for ns in "$NA" "$NP"; do
    for pid in $(ip netns pids "$ns" 2>/dev/null); do
      if [ "$(readlink "/proc/$pid/exe" 2>/dev/null)" = /usr/sbin/snmpd ] \
         && tr '\0' '\n' <"/proc/$pid/cmdline" 2>/dev/null | grep -q "^$OCS_DIR/snmp/snmpd-127\.99\."; then
        kill -TERM "$pid" 2>/dev/null || true
      else
        say "warning: pid $pid ($(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | cut -c1-60)) still runs in $ns"
      fi
    done
  done
  ip netns del "$NA" 2>/dev/null || true
  ip netns del "$NP" 2>/dev/null || true
  rm -rf "/etc/netns/$NA"; rmdir /etc/netns 2>/dev/null || true
}

case "${1:-}" in
  up)
    shift
    HT=$HTTP_PORT ST=$HTTPS_PORT
    while [ $# -gt 0 ]; do
      case "$1" in
        --http-target) HT=${2:?}; shift 2 ;;
        --https-target) ST=${2:?}; shift 2 ;;
        *) die "unknown option $1" ;;
      esac
    done
    command -v socat >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get -y -q install socat >/dev/null \
      || die "socat is missing and could not be installed"
    [ -d "$RUN" ] || die "$RUN missing: run start.sh first"
    down
    ip netns add "$NA"; ip netns add "$NP"
    ip link add ${P}0 type veth peer name ${P}1
    ip link set ${P}0 netns "$NA"; ip link set ${P}1 netns "$NP"
    for ns in "$NA" "$NP"; do
      ip netns exec "$ns" sysctl -q -w net.ipv4.conf.all.route_localnet=1 net.ipv4.conf.default.route_localnet=1 \
        net.ipv4.conf.all.arp_ignore=1 net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
    done   # no IPv6 at all: no link-local chatter on the veth
    for ns in "$NA" "$NP"; do   # lo up, but only 127.0.0.1/32 local: 127.99.0.0/24 must go to the veth
      ip -n "$ns" link set lo up
      ip -n "$ns" addr del 127.0.0.1/8 dev lo; ip -n "$ns" addr add 127.0.0.1/32 dev lo
    done
    ip -n "$NA" addr add 127.99.0.1/24 dev ${P}0; ip -n "$NA" link set ${P}0 up
    ip -n "$NP" addr add 127.99.0.2/24 dev ${P}1; ip -n "$NP" link set ${P}1 up
    ip -n "$NP" link add ${P}2 link ${P}1 type macvlan mode bridge
    ip -n "$NP" addr add 127.99.0.3/24 dev ${P}2; ip -n "$NP" link set ${P}2 up
    ip -n "$NA" route add default via 127.99.0.2 dev ${P}0
    mkdir -p "/etc/netns/$NA"   # ip netns exec bind-mounts these over /etc/hosts, /etc/resolv.conf
    printf '127.0.0.1\tlocalhost\n127.99.0.1\tocs-ipd-agent\n127.99.0.2\tocs-ipd-peer\n' >"/etc/netns/$NA/hosts"
    printf 'nameserver 127.0.0.1\n' >"/etc/netns/$NA/resolv.conf"
    for pair in "http:$HTTP_PORT:$HT" "https:$HTTPS_PORT:$ST"; do
      IFS=: read -r name lport target <<<"$pair"
      setsid socat "UNIX-LISTEN:$RUN/ipd-$name.sock,fork,mode=600" "TCP:127.0.0.1:$target" </dev/null >/dev/null 2>&1 &
      echo $! >"$RUN/ipd-host-$name.pid"
      setsid ip netns exec "$NA" socat "TCP-LISTEN:$lport,bind=127.0.0.1,fork,reuseaddr" \
        "UNIX-CONNECT:$RUN/ipd-$name.sock" </dev/null >/dev/null 2>&1 &
      echo $! >"$RUN/ipd-ns-$name.pid"
    done
    for ((i = 0; i < 50; i++)); do
      [ -S "$RUN/ipd-http.sock" ] && ip netns exec "$NA" curl -s -o /dev/null -m 2 "http://127.0.0.1:$HTTP_PORT/ocsinventory" && break
      sleep 0.1
    done
    code=$(ip netns exec "$NA" curl -s -o /dev/null -m 5 -w '%{http_code}' "http://127.0.0.1:$HTTP_PORT/ocsinventory" || true)
    say "up: netns $NA (${P}0 127.99.0.1/24) <-> $NP (127.99.0.2, 127.99.0.3); network to force: 127.99.0.0"
    say "inside $NA: http://127.0.0.1:$HTTP_PORT -> host 127.0.0.1:$HT, https://127.0.0.1:$HTTPS_PORT -> host 127.0.0.1:$ST (GET /ocsinventory answered $code)"
    ;;
  run)
    shift; [ $# -gt 0 ] || die "run needs a command"
    ip netns list | grep -qw "$NA" || die "not up (run: $0 up)"
    exec ip netns exec "$NA" "$@"
    ;;
  down) down; say "down" ;;
  status)
    ip netns list | grep -E "^($NA|$NP)( |$)" || { say "not up"; exit 0; }
    ip -n "$NA" -br addr; ip -n "$NP" -br addr
    for f in "$RUN"/ipd-*.pid; do [ -e "$f" ] && echo "$(basename "$f"): $(ours "$f" || echo dead)"; done
    ;;
  *) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 2 ;;
esac
