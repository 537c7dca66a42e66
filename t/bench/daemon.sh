#!/bin/sh
# Daemon cost: ocsinventory-agent --daemon --no-fork beside fusioninventory-agent
# --daemon --no-fork, measured the same way in the same run, on loopback only.
#
#   RSS (VmRSS) and RssAnon right after start, after 10 s idle, after N wake-ups that
#   each run the inventory (/now, waiting for each run to end); CPU time used while idle;
#   /status latency (median and worst of 20) while 50 idle connections are held open.
#
# Usage: sh t/bench/daemon.sh [BIN]     (RUNS=200 by default; make bench-daemon)
# Needs: python3, curl; fusioninventory-agent for the comparison (apt-get install
# fusioninventory-agent), skipped when absent.
set -eu

BIN=${1:-target/release/ocsinventory-agent}
RUNS=${RUNS:-200}
IDLE=${IDLE:-10}
T=$(mktemp -d /tmp/ocsa-bench-daemon.XXXXXX)
PIDS=""
cleanup() {
    for p in $PIDS; do kill "$p" 2>/dev/null || true; done
    # The daemons may still be writing their last inventory: wait for them to go.
    for p in $PIDS; do
        i=0
        while kill -0 "$p" 2>/dev/null && [ $i -lt 50 ]; do sleep 0.1; i=$((i+1)); done
    done
    rm -rf "$T" 2>/dev/null || { sleep 1; rm -rf "$T"; } || true
}
trap cleanup EXIT INT TERM

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

mem() { # pid -> "VmRSS RssAnon" in KiB
    awk '/^VmRSS:/{r=$2} /^RssAnon:/{a=$2} END{print r, a}' "/proc/$1/status"
}

cpu_ticks() { # pid -> utime+stime (clock ticks)
    sed 's/.*) //' "/proc/$1/stat" | awk '{print $12 + $13}'
}

count() { # file pattern -> number of lines matching
    c=$(grep -F -c -- "$2" "$1" 2>/dev/null || true)
    echo "${c:-0}"
}

wait_count() { # file pattern n
    tries=0
    while [ "$(count "$1" "$2")" -lt "$3" ]; do
        tries=$((tries + 1))
        if [ $tries -gt 1200 ]; then echo "timeout waiting for run $3" >&2; return 1; fi
        sleep 0.05
    done
}

wait_waiting() { # port: until /status says waiting (the run is over, rescheduled)
    tries=0
    until curl -s "http://127.0.0.1:$1/status" | grep -q "status: waiting"; do
        tries=$((tries + 1))
        if [ $tries -gt 1200 ]; then echo "timeout waiting for idle status" >&2; return 1; fi
        sleep 0.02
    done
}

latency() { # port -> "median_ms max_ms"
    python3 - "$1" <<'PY'
import socket, sys, time
port = int(sys.argv[1])
idle = [socket.create_connection(("127.0.0.1", port)) for _ in range(50)]
times = []
for _ in range(20):
    t = time.monotonic()
    s = socket.create_connection(("127.0.0.1", port))
    s.sendall(b"GET /status HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    data = b""
    while True:
        chunk = s.recv(4096)
        if not chunk:
            break
        data += chunk
    s.close()
    assert data.startswith(b"HTTP/1.") and b"status:" in data, data[:80]
    times.append((time.monotonic() - t) * 1000)
times.sort()
print("%.1f %.1f" % (times[len(times) // 2], times[-1]))
for s in idle:
    s.close()
PY
}

# measure NAME PID PORT LOG DONE_PATTERN INITIAL_RUNS -> variables NAME_*
measure() {
    name=$1 pid=$2 port=$3 log=$4 pattern=$5 initial=$6
    wait_count "$log" "$pattern" "$initial"
    wait_waiting "$port"
    sleep 1
    set -- $(mem "$pid"); eval "${name}_rss0=$1 ${name}_anon0=$2"
    t0=$(cpu_ticks "$pid")
    sleep "$IDLE"
    t1=$(cpu_ticks "$pid")
    set -- $(mem "$pid"); eval "${name}_rss1=$1 ${name}_anon1=$2"
    eval "${name}_idlecpu=$((t1 - t0))"
    start=$(date +%s)
    n=$initial
    i=0
    while [ $i -lt "$RUNS" ]; do
        i=$((i + 1))
        n=$((n + 1))
        curl -s -o /dev/null "http://127.0.0.1:$port/now"
        wait_count "$log" "$pattern" "$n"
        wait_waiting "$port"
    done
    eval "${name}_runtime=$(( $(date +%s) - start ))"
    eval "${name}_runs=$(( $(count "$log" "$pattern") - initial ))"
    sleep 1
    set -- $(mem "$pid"); eval "${name}_rss2=$1 ${name}_anon2=$2"
    set -- $(latency "$port"); eval "${name}_lat=$1 ${name}_latmax=$2"
}

[ -x "$BIN" ] || { echo "no binary $BIN (make build)" >&2; exit 1; }
echo "ocsinventory-agent: $RUNS runs..." >&2
P1=$(free_port)
mkdir -p "$T/o/out" "$T/o/var"
"$BIN" --daemon --no-fork --local "$T/o/out" --vardir "$T/o/var" --logfile "$T/o/log" \
    --httpd-ip 127.0.0.1 --httpd-port "$P1" --httpd-trust 127.0.0.1 >/dev/null 2>&1 &
OPID=$!
PIDS="$OPID"
measure ours "$OPID" "$P1" "$T/o/log" "[core][INFO] task Inventory for local" 1
ours_exe=$(readlink "/proc/$OPID/exe")
ours_threads=$(awk '/^Threads:/{print $2}' "/proc/$OPID/status")

# The same with an HTTPS interface: then the full binary (with OpenSSL) is the parent.
have_tls=0
if command -v openssl >/dev/null 2>&1 &&
    openssl req -x509 -newkey rsa:2048 -nodes -keyout "$T/key.pem" -out "$T/cert.pem" \
        -days 1 -subj /CN=localhost >/dev/null 2>&1; then
    have_tls=1
    P3=$(free_port)
    mkdir -p "$T/s/out" "$T/s/var"
    "$BIN" --daemon --no-fork --local "$T/s/out" --vardir "$T/s/var" --logfile "$T/s/log" \
        --httpd-ip 127.0.0.1 --httpd-port "$P3" --ssl-cert-file "$T/cert.pem" \
        --ssl-key-file "$T/key.pem" >/dev/null 2>&1 &
    SPID=$!
    PIDS="$PIDS $SPID"
    wait_count "$T/s/log" "[core][INFO] task Inventory for local" 1
    sleep "$IDLE"
    set -- $(mem "$SPID"); tls_rss=$1 tls_anon=$2
    tls_exe=$(readlink "/proc/$SPID/exe")
fi

have_fi=0
if command -v fusioninventory-agent >/dev/null 2>&1; then
    have_fi=1
    echo "fusioninventory-agent: $RUNS runs..." >&2
    P2=$(free_port)
    mkdir -p "$T/f/out"
    (cd "$T/f" && exec fusioninventory-agent --config=none --daemon --no-fork \
        --local "$T/f/out" --logfile "$T/f/log" --httpd-ip 127.0.0.1 \
        --httpd-port "$P2" --httpd-trust 127.0.0.1 >/dev/null 2>&1) &
    FPID=$!
    PIDS="$PIDS $FPID"
    wait_count "$T/f/log" "HTTPD service started" 1
    # Fusion plans its first local run up to delaytime later: start it now, like ours.
    curl -s -o /dev/null "http://127.0.0.1:$P2/now"
    measure fi "$FPID" "$P2" "$T/f/log" "Inventory saved in" 1
fi

mib() { awk -v k="$1" 'BEGIN{printf "%.2f MiB", k/1024}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN{ if (a > 0) printf "%.1fx", b/a; else print "-" }'; }

printf '\n%-34s %16s %16s %8s\n' "metric" "ocsinventory" "fusioninventory" "ratio"
row() { # label ours fi raw_ours raw_fi
    if [ $have_fi = 1 ]; then
        printf '%-34s %16s %16s %8s\n' "$1" "$2" "$3" "$(ratio "$4" "$5")"
    else
        printf '%-34s %16s %16s %8s\n' "$1" "$2" "-" "-"
    fi
}
v() { eval "echo \${$1:-0}"; }
row "RSS after start" "$(mib $ours_rss0)" "$(mib $(v fi_rss0))" "$ours_rss0" "$(v fi_rss0)"
row "RssAnon after start" "$(mib $ours_anon0)" "$(mib $(v fi_anon0))" "$ours_anon0" "$(v fi_anon0)"
row "RSS after ${IDLE} s idle" "$(mib $ours_rss1)" "$(mib $(v fi_rss1))" "$ours_rss1" "$(v fi_rss1)"
row "RssAnon after ${IDLE} s idle" "$(mib $ours_anon1)" "$(mib $(v fi_anon1))" "$ours_anon1" "$(v fi_anon1)"
row "CPU ticks during ${IDLE} s idle" "$ours_idlecpu" "$(v fi_idlecpu)" "$ours_idlecpu" "$(v fi_idlecpu)"
row "RSS after $RUNS runs" "$(mib $ours_rss2)" "$(mib $(v fi_rss2))" "$ours_rss2" "$(v fi_rss2)"
row "RssAnon after $RUNS runs" "$(mib $ours_anon2)" "$(mib $(v fi_anon2))" "$ours_anon2" "$(v fi_anon2)"
row "runs seen in the log" "$ours_runs" "$(v fi_runs)" "$ours_runs" "$(v fi_runs)"
row "time for $RUNS runs (s)" "$ours_runtime" "$(v fi_runtime)" "$ours_runtime" "$(v fi_runtime)"
row "/status median, 50 idle conns" "$ours_lat ms" "$(v fi_lat) ms" "$ours_lat" "$(v fi_lat)"
row "/status worst of 20" "$ours_latmax ms" "$(v fi_latmax) ms" "$ours_latmax" "$(v fi_latmax)"
growth=$((ours_rss2 - ours_rss1))
echo
echo "ocsinventory-agent parent: $ours_exe, $ours_threads thread(s)"
if [ $have_tls = 1 ]; then
    echo "with an HTTPS interface the parent is $tls_exe:" \
        "RSS $(mib "$tls_rss"), RssAnon $(mib "$tls_anon") after ${IDLE} s idle"
fi
echo "ocsinventory-agent RSS growth over $RUNS runs: ${growth} KiB (target: none); idle RSS target <= 3 MiB"
