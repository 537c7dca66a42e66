#!/usr/bin/env bash
# Stops what start.sh started (its Apache, then its MariaDB), found through their pid
# files and checked by executable and command line. Keeps the data unless --purge.
set -uo pipefail
OCS_DIR=${OCS_TESTSRV_DIR:-/var/lib/ocsinv-agent-testsrv}
RUN=$OCS_DIR/run
[ "$(id -u)" = 0 ] || { echo "stop.sh: must run as root" >&2; exit 1; }
if [ -d "$(dirname "$OCS_DIR")" ]; then exec 9>"${OCS_DIR%/}.lock"; flock -w 900 9 || exit 1; fi
stop_one() { # NAME PIDFILE EXE MARK WAIT
  local pid i
  [ -s "$2" ] || return 0
  pid=$(cat "$2" 2>/dev/null)
  if ! [[ "$pid" =~ ^[0-9]+$ ]] || [ "$(readlink "/proc/$pid/exe" 2>/dev/null)" != "$3" ] \
     || ! tr '\0' '\n' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$4"; then
    rm -f "$2"; return 0
  fi
  kill -TERM "$pid" 2>/dev/null
  for ((i = 0; i < $5 * 10; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null
  rm -f "$2"
  echo "[testsrv] $1 stopped"
}
stop_one apache2 "$RUN/apache2.pid" /usr/sbin/apache2 "$OCS_DIR/apache2.conf" 15
if [ "${1:-}" != "--apache-only" ]; then
  stop_one mariadbd "$RUN/mysqld.pid" /usr/sbin/mariadbd "$OCS_DIR/mysql" 60
  rm -f "$RUN/mysqld.sock"
fi
if [ "${1:-}" = "--purge" ]; then
  case "$OCS_DIR" in /|/var|/var/lib|"") exit 1 ;; esac
  rm -rf "$OCS_DIR"
fi
