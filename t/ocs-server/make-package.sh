#!/usr/bin/env bash
# Build an OCS deployment package and affect it to one device, the way the web
# console (ocsreports) does it, on the test server started by start.sh.
#
#   make-package.sh [options] DEVICEID PKGID ACTION ARG
#
#   DEVICEID  a device the server already knows (hardware.DEVICEID; send one inventory first)
#   PKGID     the package ID (FILEID): digits only, at most 2147483647; the console uses
#             the Unix time, e.g. $(date +%s)
#   ACTION    EXECUTE  ARG is the shell command run in the unpacked dir (info COMMAND)
#             STORE    ARG is the directory the files are copied to (info PATH)
#             LAUNCH   ARG is shell code; it is written into launch.sh in the archive,
#                      and info NAME="launch.sh" (the agent runs ./launch.sh)
# Options:
#   --pri N          PRI, 0..10 (default 5, the console's default)
#   --frags N        number of fragments (default 1); 0 = no archive at all (FRAGS="0",
#                    DIGEST=""), for EXECUTE of a command only
#   --proto P        HTTP or HTTPS: scheme of the fragment URLs (default HTTP)
#   --format F       tar.gz (default) or zip
#   --file PATH      put this file in the archive (repeatable; default: a small README.txt)
#   --digest HEX     write this DIGEST instead of the real MD5 (to test ERR_BAD_DIGEST)
#   --force          also set DOWNLOAD_FORCE (the package is sent again even if the
#                    device's history has it, and the agent ignores its own history)
#   --latency N      per-device DOWNLOAD_FRAG/CYCLE/PERIOD_LATENCY in seconds (default 1,
#                    so the Debian agent finishes in seconds); 0 = keep the server's defaults
#   --info-loc LOC   INFO_LOC, host[:port]/path without scheme; the Perl agent fetches
#                    https://LOC/PKGID/info (default 127.0.0.1:$OCS_HTTPS_PORT/download)
#   --pack-loc LOC   PACK_LOC, fragments are PROTO://LOC/PKGID/PKGID-N (default
#                    127.0.0.1:$OCS_HTTP_PORT/download, or the https port with --proto HTTPS)
# Env: OCS_TESTSRV_DIR, OCS_HTTP_PORT, OCS_HTTPS_PORT as for start.sh.
set -euo pipefail

OCS_DIR=${OCS_TESTSRV_DIR:-/var/lib/ocsinv-agent-testsrv}
HTTP_PORT=${OCS_HTTP_PORT:-18080}
HTTPS_PORT=${OCS_HTTPS_PORT:-18443}
DL_DIR=$OCS_DIR/download
SOCK=$OCS_DIR/run/mysqld.sock

die() { printf '[make-package] ERROR: %s\n' "$*" >&2; exit 1; }
usage() { sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit "${1:-0}"; }

PRI=5 FRAGS=1 PROTO=HTTP FORMAT=tar.gz DIGEST_OVERRIDE="" FORCE=0 LATENCY=1 INFO_LOC="" PACK_LOC=""
FILES=()
POS=()
while [ $# -gt 0 ]; do
  case "$1" in
    --pri) PRI=${2:?}; shift 2 ;;
    --frags) FRAGS=${2:?}; shift 2 ;;
    --proto) PROTO=${2:?}; shift 2 ;;
    --format) FORMAT=${2:?}; shift 2 ;;
    --file) FILES+=("${2:?}"); shift 2 ;;
    --digest) DIGEST_OVERRIDE=${2:?}; shift 2 ;;
    --force) FORCE=1; shift ;;
    --latency) LATENCY=${2:?}; shift 2 ;;
    --info-loc) INFO_LOC=${2:?}; shift 2 ;;
    --pack-loc) PACK_LOC=${2:?}; shift 2 ;;
    -h|--help) usage 0 ;;
    --) shift; POS+=("$@"); break ;;
    -*) die "unknown option $1 (see --help)" ;;
    *) POS+=("$1"); shift ;;
  esac
done
[ ${#POS[@]} -eq 4 ] || usage 2
DEVICEID=${POS[0]} PKGID=${POS[1]} ACTION=${POS[2]} ARG=${POS[3]}

[ "$(id -u)" = 0 ] || die "must run as root"
[[ "$PKGID" =~ ^[1-9][0-9]{0,9}$ ]] && [ "$PKGID" -le 2147483647 ] \
  || die "PKGID must be digits, 1..2147483647 (the agent only handles all-digit IDs; download_history.PKG_ID is an INT)"
case "$ACTION" in EXECUTE|STORE|LAUNCH) ;; *) die "ACTION must be EXECUTE, STORE or LAUNCH" ;; esac
[[ "$PRI" =~ ^([0-9]|10)$ ]] || die "--pri must be 0..10"
[[ "$FRAGS" =~ ^[0-9]+$ ]] || die "--frags must be a number"
[[ "$LATENCY" =~ ^[0-9]+$ ]] || die "--latency must be a number"
case "$PROTO" in HTTP|HTTPS) ;; *) die "--proto must be HTTP or HTTPS" ;; esac
case "$FORMAT" in tar.gz|zip) ;; *) die "--format must be tar.gz or zip" ;; esac
if [ "$FRAGS" = 0 ] && [ "$ACTION" != EXECUTE ]; then die "--frags 0 only makes sense with EXECUTE"; fi
for f in "${FILES[@]}"; do [ -f "$f" ] || die "no such file: $f"; done
[ -S "$SOCK" ] || die "no DB socket $SOCK: run start.sh first"

sql() { mariadb --no-defaults -S "$SOCK" -uroot ocsweb -N -B "$@"; }
q() { local s=${1//\\/\\\\}; printf "'%s'" "${s//\'/\\\'}"; }   # SQL string literal

HID=$(sql -e "SELECT ID FROM hardware WHERE DEVICEID=$(q "$DEVICEID")")
[ -n "$HID" ] || die "device '$DEVICEID' is not in hardware; let the agent send one inventory first"

[ -n "$INFO_LOC" ] || INFO_LOC=127.0.0.1:$HTTPS_PORT/download
if [ -z "$PACK_LOC" ]; then
  if [ "$PROTO" = HTTPS ]; then PACK_LOC=127.0.0.1:$HTTPS_PORT/download; else PACK_LOC=127.0.0.1:$HTTP_PORT/download; fi
fi
case "$INFO_LOC$PACK_LOC" in *://*) die "--info-loc/--pack-loc take no scheme (host[:port]/path)" ;; esac

# ---------------------------------------------------------------- files
PKG_DIR=$DL_DIR/$PKGID
mkdir -p "$DL_DIR"; chmod 755 "$DL_DIR"
rm -rf "$PKG_DIR"; mkdir -m 755 "$PKG_DIR"
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
mkdir "$work/c"
NAME_ATTR=""
SIZE=0 DIGEST=""
if [ "$FRAGS" -gt 0 ]; then
  if [ ${#FILES[@]} -eq 0 ]; then
    printf 'OCS test package %s (%s)\n' "$PKGID" "$ACTION" >"$work/c/README.txt"
  else
    cp -p "${FILES[@]}" "$work/c/"
  fi
  if [ "$ACTION" = LAUNCH ]; then
    printf '#!/bin/sh\n%s\n' "$ARG" >"$work/c/launch.sh"; chmod 755 "$work/c/launch.sh"
    NAME_ATTR=launch.sh
  fi
  # Deterministic archive: the same content gives the same bytes and digest.
  if [ "$FORMAT" = tar.gz ]; then
    (cd "$work/c" && tar --sort=name --mtime=@946684800 --owner=0 --group=0 --numeric-owner \
       -cf - -- * | gzip -n -9 >"$work/pkg")
  else
    python3 - "$work/c" "$work/pkg" <<'PY'
import os, sys, zipfile
src, out = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
    for n in sorted(os.listdir(src)):
        zi = zipfile.ZipInfo(n, (2000, 1, 1, 0, 0, 0))
        zi.external_attr = (os.stat(os.path.join(src, n)).st_mode & 0xFFFF) << 16
        zi.compress_type = zipfile.ZIP_DEFLATED
        with open(os.path.join(src, n), "rb") as f:
            z.writestr(zi, f.read())
PY
  fi
  SIZE=$(stat -c %s "$work/pkg")
  [ "$FRAGS" -le "$SIZE" ] || die "--frags $FRAGS is more than the archive's $SIZE bytes"
  DIGEST=$(md5sum "$work/pkg" | cut -d' ' -f1)
  # Split like the console: FRAGS-1 pieces of int(size/FRAGS) bytes, the rest in the last one.
  python3 - "$work/pkg" "$PKG_DIR" "$PKGID" "$FRAGS" <<'PY'
import sys
src, d, pid, n = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
data = open(src, "rb").read()
step = len(data) // n
for i in range(1, n + 1):
    part = data[(i - 1) * step:(i * step if i < n else len(data))]
    open(f"{d}/{pid}-{i}", "wb").write(part)
PY
fi
[ -n "$DIGEST_OVERRIDE" ] && DIGEST=$DIGEST_OVERRIDE

# The info file, attribute for attribute as ocsreports' create_pack() writes it
# (values HTML-escaped like PHP htmlspecialchars(ENT_QUOTES)).
python3 - "$PKG_DIR/info" "$PKGID" "$PRI" "$ACTION" "$DIGEST" "$PROTO" "$FRAGS" "$ARG" "$NAME_ATTR" <<'PY'
import html, sys
out, pid, pri, act, digest, proto, frags, arg, name = sys.argv[1:]
e = lambda s: html.escape(s, quote=True).replace("&#x27;", "&#039;")
s = ('<?xml version="1.0" encoding="UTF-8"?>\n'
     f'<DOWNLOAD ID="{pid}" PRI="{pri}" ACT="{act}" DIGEST="{e(digest)}" PROTO="{proto}" '
     f'FRAGS="{frags}" DIGEST_ALGO="MD5" DIGEST_ENCODE="Hexa" ')
if act == "STORE":
    s += f'PATH="{e(arg)}" '
elif act == "LAUNCH":
    s += f'NAME="{e(name)}" '
else:
    s += f'COMMAND="{e(arg)}" '
s += ('NOTIFY_USER="0" NOTIFY_TEXT="" NOTIFY_COUNTDOWN="" NOTIFY_CAN_ABORT="0" '
      'NOTIFY_CAN_DELAY="0" NEED_DONE_ACTION="0" NEED_DONE_ACTION_TEXT="" GARDEFOU="rien" />\n')
open(out, "w").write(s)
PY
chmod 644 "$PKG_DIR"/*

# ---------------------------------------------------------------- database
# Same rows as the console: download_available (package list), download_enable
# (activation = where info and fragments are), devices NAME='DOWNLOAD' (affectation,
# TVALUE NULL = waiting to be notified), and the global switch config DOWNLOAD=1.
EID=$(sql <<SQL
START TRANSACTION;
UPDATE config SET IVALUE=1 WHERE NAME='DOWNLOAD';
DELETE FROM download_available WHERE FILEID='$PKGID';
INSERT INTO download_available(FILEID,NAME,PRIORITY,FRAGMENTS,SIZE,OSNAME,COMMENT)
  VALUES('$PKGID', $(q "test-$PKGID-$ACTION"), $PRI, $FRAGS, $SIZE, 'LINUX', $(q "make-package.sh: $ACTION $ARG"));
SET @eid := (SELECT MIN(ID) FROM download_enable WHERE FILEID='$PKGID'
             AND INFO_LOC=$(q "$INFO_LOC") AND PACK_LOC=$(q "$PACK_LOC"));
INSERT INTO download_enable(FILEID,INFO_LOC,PACK_LOC,CERT_PATH,CERT_FILE)
  SELECT '$PKGID', $(q "$INFO_LOC"), $(q "$PACK_LOC"), 'INSTALL_PATH', 'INSTALL_PATH/cacert.pem' FROM DUAL WHERE @eid IS NULL;
SET @eid := COALESCE(@eid, LAST_INSERT_ID());
DELETE d FROM devices d JOIN download_enable e ON e.ID=d.IVALUE
  WHERE d.HARDWARE_ID=$HID AND e.FILEID='$PKGID'
  AND d.NAME IN ('DOWNLOAD','DOWNLOAD_FORCE','DOWNLOAD_SCHEDULE','DOWNLOAD_POSTCMD');
INSERT INTO devices(HARDWARE_ID,NAME,IVALUE,TVALUE,COMMENTS) VALUES($HID,'DOWNLOAD',@eid,NULL,NULL);
INSERT INTO devices(HARDWARE_ID,NAME,IVALUE,TVALUE,COMMENTS) SELECT $HID,'DOWNLOAD_FORCE',@eid,'1',NULL FROM DUAL WHERE $FORCE=1;
COMMIT;
SELECT @eid;
SQL
)
if [ "$LATENCY" -gt 0 ]; then
  sql <<SQL
DELETE FROM devices WHERE HARDWARE_ID=$HID
  AND NAME IN ('DOWNLOAD_FRAG_LATENCY','DOWNLOAD_CYCLE_LATENCY','DOWNLOAD_PERIOD_LATENCY');
INSERT INTO devices(HARDWARE_ID,NAME,IVALUE) VALUES ($HID,'DOWNLOAD_FRAG_LATENCY',$LATENCY),
  ($HID,'DOWNLOAD_CYCLE_LATENCY',$LATENCY), ($HID,'DOWNLOAD_PERIOD_LATENCY',$LATENCY);
SQL
fi

case "$ACTION" in
  LAUNCH) expect="SUCCESS_<exit code of launch.sh> (e.g. SUCCESS_0)" ;;
  *) expect="SUCCESS" ;;
esac
frag_urls=""
for ((i = 1; i <= FRAGS; i++)); do frag_urls+=" ${PROTO,,}://$PACK_LOC/$PKGID/$PKGID-$i"; done
cat <<EOF
[make-package] package $PKGID ($ACTION) affected to $DEVICEID (hardware.ID $HID)
  files     : $PKG_DIR/{$(cd "$PKG_DIR" && ls | paste -sd, -)}
  info URL  : https://$INFO_LOC/$PKGID/info   (the Perl agent always fetches it over https)
  fragments :${frag_urls:- none}
  archive   : $( [ "$FRAGS" -gt 0 ] && echo "$FORMAT, $SIZE bytes, MD5 $DIGEST" || echo none)
  info      : $(sed -n 2p "$PKG_DIR/info")
  DB        : config DOWNLOAD=1; download_available FILEID=$PKGID; download_enable ID=$EID
              (INFO_LOC=$INFO_LOC PACK_LOC=$PACK_LOC); devices (HARDWARE_ID=$HID, NAME='DOWNLOAD', IVALUE=$EID, TVALUE=NULL)$( [ "$FORCE" = 1 ] && echo " + DOWNLOAD_FORCE")$( [ "$LATENCY" -gt 0 ] && echo "; DOWNLOAD_{FRAG,CYCLE,PERIOD}_LATENCY=$LATENCY for this device")
  expect    : next PROLOG -> OPTION DOWNLOAD PARAM TYPE=PACK ID=$PKGID (devices.TVALUE becomes NOTIFIED),
              then QUERY=DOWNLOAD ID=$PKGID ERR=$expect
  status    : bash $(cd "$(dirname "$0")" && pwd)/db.sh -e "SELECT TVALUE,COMMENTS FROM devices WHERE HARDWARE_ID=$HID AND NAME='DOWNLOAD' AND IVALUE=$EID"
EOF
