#!/bin/sh
# Remote inventory over SSH: this agent (--remote) against the GLPI agent's RemoteInventory
# in ssh mode (../shared/glpi-agent), against the same private sshd on 127.0.0.1, same
# run. Prints the wall time of each, the SSH connections each opened (sshd's log) and,
# for ours, the round trips of a first run (nothing learned) and of the next runs.
# Needs root, openssh-server (sshd is started here and stopped by its PID, never the
# system's service) and the GLPI agent's Perl modules (serve.sh deps installs them).
set -eu
RUNS=${RUNS:-5}
GLPI_RUNS=${GLPI_RUNS:-1}
BIN=${1:-${BIN:-target/release/ocsinventory-agent}}
GLPI=${GLPI:-../shared/glpi-agent}
OUT=$(mktemp -d)
SSHD_PID=""
cleanup() {
  if [ -n "$SSHD_PID" ]; then
    kill "$SSHD_PID" 2>/dev/null || true
    while kill -0 "$SSHD_PID" 2>/dev/null; do sleep 0.05; done
  fi
  rm -rf "$OUT"
}
trap cleanup EXIT INT TERM

[ "$(id -u)" = 0 ] || { echo "needs root (sshd's privilege separation)"; exit 1; }
[ -x /usr/sbin/sshd ] || { echo "needs sshd (apt-get install openssh-server, with a deny-all policy-rc.d)"; exit 1; }
BIN=$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")

# The lab: host key, client key, known_hosts, ssh_config; sshd on a free port.
ssh-keygen -q -t ed25519 -N '' -f "$OUT/host_key"
ssh-keygen -q -t ed25519 -N '' -f "$OUT/client_key"
cp "$OUT/client_key.pub" "$OUT/authorized_keys"
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' 2>/dev/null || echo 62922)
mkdir -p /run/sshd
cat >"$OUT/sshd_config" <<CONF
Port $PORT
ListenAddress 127.0.0.1
HostKey $OUT/host_key
AuthorizedKeysFile $OUT/authorized_keys
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
StrictModes no
PidFile none
LogLevel VERBOSE
CONF
echo "[127.0.0.1]:$PORT $(cat "$OUT/host_key.pub")" >"$OUT/known_hosts"
cat >"$OUT/ssh_config" <<CONF
Host *
  IdentityFile $OUT/client_key
  IdentitiesOnly yes
  UserKnownHostsFile $OUT/known_hosts
  GlobalKnownHostsFile /dev/null
  StrictHostKeyChecking yes
CONF
/usr/sbin/sshd -D -f "$OUT/sshd_config" -E "$OUT/sshd.log" </dev/null &
SSHD_PID=$!
i=0
until grep -q "Server listening" "$OUT/sshd.log" 2>/dev/null; do
  i=$((i+1)); [ $i -lt 200 ] || { echo "sshd did not start: $(cat "$OUT/sshd.log")"; exit 1; }
  sleep 0.05
done
URL="ssh://root@127.0.0.1:$PORT"
conns() { grep -c "Accepted publickey" "$OUT/sshd.log" || true; }
ms() { echo $(( ($(date +%s%N) - $1) / 1000000 )); }
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

# Ours: a first run (nothing learned about the host), then RUNS more.
ours() {
  "$BIN" --remote "$URL" --ssh-config "$OUT/ssh_config" --vardir "$OUT/var" \
    --local "$OUT/ours" "$@" 2>"$OUT/ours.log"
}
mkdir -p "$OUT/ours"
c0=$(conns); s=$(date +%s%N); ours; first_ms=$(ms "$s")
first_trips=$(sed -n 's/.* \([0-9]*\) round trips.*/\1/p' "$OUT/ours.log")
first_conns=$(( $(conns) - c0 ))
: >"$OUT/ours.times"
i=0; c0=$(conns)
while [ $i -lt "$RUNS" ]; do
  s=$(date +%s%N); ours; ms "$s" >>"$OUT/ours.times"; i=$((i+1))
done
ours_ms=$(median <"$OUT/ours.times")
ours_trips=$(sed -n 's/.* \([0-9]*\) round trips.*/\1/p' "$OUT/ours.log")
ours_conns=$(( ($(conns) - c0) / RUNS ))

# The GLPI agent's RemoteInventory in ssh mode: it runs `ssh` from PATH, so a wrapper
# gives it the same ssh_config.
glpi_ms=0; glpi_conns=0
if [ -x "$GLPI/serve.sh" ]; then
  mkdir -p "$OUT/wrap" "$OUT/glpi" "$OUT/glpivar"
  printf '#!/bin/sh\nexec /usr/bin/ssh -F %s "$@"\n' "$OUT/ssh_config" >"$OUT/wrap/ssh"
  chmod +x "$OUT/wrap/ssh"
  "$GLPI/serve.sh" deps
  : >"$OUT/glpi.times"
  i=0; c0=$(conns)
  while [ $i -lt "$GLPI_RUNS" ]; do
    s=$(date +%s%N)
    GLPI_AGENT_WORK="$OUT/glpiwork" PATH="$OUT/wrap:$PATH" "$GLPI/serve.sh" run \
      --remote "$URL?mode=ssh" --tasks remoteinventory --local "$OUT/glpi" \
      --vardir "$OUT/glpivar" >"$OUT/glpi.log" 2>&1 || echo "GLPI agent failed: $(tail -n 3 "$OUT/glpi.log")"
    ms "$s" >>"$OUT/glpi.times"; i=$((i+1))
  done
  glpi_ms=$(median <"$OUT/glpi.times")
  glpi_conns=$(( ($(conns) - c0) / GLPI_RUNS ))
  ls "$OUT/glpi"/*.xml >/dev/null 2>&1 || echo "GLPI agent wrote no inventory: $(tail -n 3 "$OUT/glpi.log")"
else
  echo "no GLPI agent in $GLPI: only ours is measured"
fi

printf '%-36s %10s %12s %12s\n' "remote inventory over SSH" "wall ms" "connections" "round trips"
printf '%-36s %10s %12s %12s\n' "ocsinventory-agent, first run" "$first_ms" "$first_conns" "$first_trips"
printf '%-36s %10s %12s %12s\n' "ocsinventory-agent (median of $RUNS)" "$ours_ms" "$ours_conns" "$ours_trips"
printf '%-36s %10s %12s %12s\n' "glpi-agent RemoteInventory ssh ($GLPI_RUNS)" "$glpi_ms" "$glpi_conns" "-"
if [ "$glpi_ms" -gt 0 ]; then
  awk -v a="$ours_ms" -v b="$glpi_ms" 'BEGIN {printf "%-36s %10.4f\n", "ratio (ours / glpi-agent)", a/b}'
fi
