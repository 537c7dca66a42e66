#!/usr/bin/env bash
# Starts a real OCS Inventory NG communication server on loopback for the integration
# tests: the Debian 12 packages (Apache + mod_perl + MariaDB), with private state under
# $OCS_TESTSRV_DIR; the system's own Apache/MariaDB configuration and services are not
# used. Idempotent (reuses what runs); needs root.
#
#   http://127.0.0.1:$OCS_HTTP_PORT/ocsinventory     (default 18080)
#   https://127.0.0.1:$OCS_HTTPS_PORT/ocsinventory   (default 18443, cert by ssl/ca.crt)
#   https://127.0.0.1:$OCS_BADNAME_PORT/ocsinventory (default 18444, cert for another name)
#   ssl/other-ca.crt: a CA that signed nothing here (the "wrong CA" of the tests)
#
# Options: --reset-db (empty ocsweb). Env: OCS_TESTSRV_DIR (default
# /var/lib/ocsinv-agent-testsrv), OCS_HTTP_PORT, OCS_HTTPS_PORT, OCS_BADNAME_PORT.
set -euo pipefail

OCS_DIR=${OCS_TESTSRV_DIR:-/var/lib/ocsinv-agent-testsrv}
HTTP_PORT=${OCS_HTTP_PORT:-18080}
HTTPS_PORT=${OCS_HTTPS_PORT:-18443}
BADNAME_PORT=${OCS_BADNAME_PORT:-18444}
TIMEOUT=60
BIND=127.0.0.1
DB_NAME=ocsweb
DB_USER=ocs
DB_PASS=ocs
# libxml-parser-perl: the server sets XML::Parser as XML::Simple's parser, but the package
# only recommends it (absent with --no-install-recommends on a machine without it).
PACKAGES=(ocsinventory-server libxml-parser-perl libapache2-mod-perl2 apache2 mariadb-server mariadb-client openssl curl iproute2)

RESET_DB=0
for a in "$@"; do
  case "$a" in
    --reset-db) RESET_DB=1 ;;
    -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
    *) echo "start.sh: unknown argument: $a" >&2; exit 2 ;;
  esac
done

RUN=$OCS_DIR/run; LOG=$OCS_DIR/log; DATA=$OCS_DIR/mysql; SSL=$OCS_DIR/ssl; SQL=$OCS_DIR/sql
CONF=$OCS_DIR/apache2.conf; SOCK=$RUN/mysqld.sock; MY_PID=$RUN/mysqld.pid; AP_PID=$RUN/apache2.pid

say() { printf '[testsrv] %s\n' "$*"; }
die() { printf '[testsrv] ERROR: %s\n' "$*" >&2; exit 1; }
[ "$(id -u)" = 0 ] || die "must run as root"

mkdir -p "$(dirname "$OCS_DIR")"
exec 9>"${OCS_DIR%/}.lock"
flock -w 900 9 || die "timed out waiting for ${OCS_DIR%/}.lock"

# ---- packages (their own services must not start: deny-all policy-rc.d during install)
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  say "installing: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  APT=(apt-get -y -q -o DPkg::Lock::Timeout=900)
  tmp_policy=0
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d; chmod 755 /usr/sbin/policy-rc.d; tmp_policy=1
    trap '[ "$tmp_policy" = 1 ] && rm -f /usr/sbin/policy-rc.d' EXIT
  fi
  if ! "${APT[@]}" install --no-install-recommends "${missing[@]}" >/tmp/ocsinv-testsrv-apt.log 2>&1; then
    "${APT[@]}" update >>/tmp/ocsinv-testsrv-apt.log 2>&1 || true
    "${APT[@]}" install --no-install-recommends "${missing[@]}" >>/tmp/ocsinv-testsrv-apt.log 2>&1 \
      || { tail -n 20 /tmp/ocsinv-testsrv-apt.log >&2; die "apt-get install failed"; }
  fi
  if [ "$tmp_policy" = 1 ]; then rm -f /usr/sbin/policy-rc.d; tmp_policy=0; fi
fi

mkdir -p "$OCS_DIR" "$RUN" "$LOG/ocs" "$SSL" "$OCS_DIR/htdocs"
# Deployment packages (t/ocs-server/make-package.sh writes them), served at /download.
DL_DIR=$OCS_DIR/download; mkdir -p "$DL_DIR"; chmod 755 "$OCS_DIR" "$DL_DIR"
chmod 755 "$OCS_DIR" "$RUN" "$LOG" "$OCS_DIR/htdocs"
chown www-data:www-data "$LOG/ocs"
chown mysql:mysql "$RUN"

# ---- the schema ships in ocsinventory-reports (PHP console): take only its SQL file
if [ ! -s "$SQL/ocsbase_new.sql" ]; then
  rm -rf "$SQL"; mkdir -p "$SQL"
  if [ -s /usr/share/ocsinventory-reports/files/ocsbase_new.sql ]; then
    cp /usr/share/ocsinventory-reports/files/ocsbase_new.sql "$SQL/"
  else
    ver=$(dpkg-query -W -f='${Version}' ocsinventory-server)
    tmp=$(mktemp -d); chmod 777 "$tmp"
    ( cd "$tmp" && { apt-get -q download "ocsinventory-reports=$ver" >/dev/null 2>&1 \
        || { apt-get -q update >/dev/null 2>&1; apt-get -q download "ocsinventory-reports=$ver" >/dev/null 2>&1; }; } ) \
      || die "cannot download ocsinventory-reports=$ver (for its SQL schema)"
    dpkg-deb -x "$tmp"/ocsinventory-reports_*.deb "$tmp/x"
    cp "$tmp/x/usr/share/ocsinventory-reports/files/ocsbase_new.sql" "$SQL/"
    rm -rf "$tmp"
  fi
fi
# ocsbase_new.sql is the level the Debian server code writes to: no update scripts.
SCHEMA_VER=$(grep -o "'GUI_VERSION',0,'[0-9]*'" "$SQL/ocsbase_new.sql" | grep -o '[0-9]\{4,\}' || true)
[ -n "$SCHEMA_VER" ] || die "cannot read GUI_VERSION from $SQL/ocsbase_new.sql"

# ---- TLS: a CA and its leaf for localhost/127.0.0.1 (CA:FALSE), a leaf for another
# name signed by the same CA, and an unrelated CA.
if [ ! -s "$SSL/server.crt" ] || [ ! -s "$SSL/badname.crt" ] || [ ! -s "$SSL/other-ca.crt" ]; then
  say "generating certificates in $SSL"
  (
    cd "$SSL"; umask 077
    mkca() {
      openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -sha256 -subj "/CN=$2" -keyout "$1.key" -out "$1.crt" \
        -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
    }
    leaf() { # leaf NAME CN SAN
      openssl req -new -newkey rsa:2048 -nodes -sha256 -subj "/CN=$2" -keyout "$1.key" -out "$1.csr" 2>/dev/null
      printf '%s\n' "basicConstraints=critical,CA:FALSE" "keyUsage=critical,digitalSignature,keyEncipherment" \
        "extendedKeyUsage=serverAuth" "subjectAltName=$3" >"$1.ext"
      openssl x509 -req -in "$1.csr" -CA ca.crt -CAkey ca.key -CAcreateserial -days 3650 -sha256 \
        -extfile "$1.ext" -out "$1.crt" 2>/dev/null
      rm -f "$1.csr" "$1.ext"
    }
    mkca ca "ocsinventory-agent test CA"
    mkca other-ca "unrelated test CA"
    leaf server localhost "DNS:localhost,IP:127.0.0.1"
    leaf badname wrong.invalid "DNS:wrong.invalid"
    chmod 644 ca.crt other-ca.crt server.crt badname.crt
  )
fi

alive() { # alive PIDFILE EXE MARK
  local pid
  [ -s "$1" ] || return 1
  pid=$(cat "$1" 2>/dev/null) || return 1
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  [ "$(readlink "/proc/$pid/exe" 2>/dev/null)" = "$2" ] || return 1
  tr '\0' '\n' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$3"
}
sql() { mariadb --no-defaults -S "$SOCK" -uroot "$@"; }

# ---- MariaDB: socket only, no TCP port
if [ ! -d "$DATA/mysql" ]; then
  say "initialising MariaDB in $DATA"
  rm -rf "$DATA"; mkdir -p "$DATA"; chown mysql:mysql "$DATA"; chmod 700 "$DATA"
  mariadb-install-db --no-defaults --user=mysql --datadir="$DATA" \
    --auth-root-authentication-method=socket --skip-test-db >"$LOG/mysql-install.log" 2>&1 \
    || { tail -n 20 "$LOG/mysql-install.log" >&2; die "mariadb-install-db failed"; }
fi
if ! { alive "$MY_PID" /usr/sbin/mariadbd "$DATA" && sql -e 'SELECT 1' >/dev/null 2>&1; }; then
  rm -f "$MY_PID" "$SOCK"
  say "starting MariaDB"
  setsid /usr/sbin/mariadbd --no-defaults --user=mysql --datadir="$DATA" \
    --socket="$SOCK" --pid-file="$MY_PID" --skip-networking \
    --innodb-flush-log-at-trx-commit=2 --innodb-buffer-pool-size=64M --performance-schema=OFF \
    --character-set-server=utf8mb4 --collation-server=utf8mb4_general_ci \
    </dev/null >>"$LOG/mysqld.log" 2>&1 9>&- &
  for ((i = 0; i < TIMEOUT * 10; i++)); do sql -e 'SELECT 1' >/dev/null 2>&1 && break; sleep 0.1; done
  sql -e 'SELECT 1' >/dev/null 2>&1 || { tail -n 20 "$LOG/mysqld.log" >&2; die "MariaDB did not come up"; }
  for ((i = 0; i < 50; i++)); do alive "$MY_PID" /usr/sbin/mariadbd "$DATA" && break; sleep 0.1; done
fi

# ---- database
cur_ver=$(sql -N -e "SELECT TVALUE FROM $DB_NAME.config WHERE NAME='GUI_VERSION'" 2>/dev/null || true)
if [ "$RESET_DB" = 1 ] || [ "$cur_ver" != "$SCHEMA_VER" ]; then
  say "loading the schema into $DB_NAME"
  sql -e "DROP DATABASE IF EXISTS $DB_NAME;
          CREATE DATABASE $DB_NAME CHARACTER SET utf8 COLLATE utf8_bin;
          CREATE USER IF NOT EXISTS '$DB_USER'@'localhost' IDENTIFIED BY '$DB_PASS';
          ALTER USER '$DB_USER'@'localhost' IDENTIFIED BY '$DB_PASS';
          GRANT ALL PRIVILEGES ON $DB_NAME.* TO '$DB_USER'@'localhost';
          FLUSH PRIVILEGES;"
  sql --default-character-set=utf8 "$DB_NAME" <"$SQL/ocsbase_new.sql" >"$LOG/schema.log" 2>&1 \
    || { tail -n 20 "$LOG/schema.log" >&2; die "loading ocsbase_new.sql failed"; }
fi
sql "$DB_NAME" -e "UPDATE config SET IVALUE=1 WHERE NAME='LOGLEVEL'"
# IPDISCOVER safety: the server elects by itself a unix agent seen more than twice to
# ARP-scan one of its subnets. Every IPv4 subnet of this host (loopback excepted) goes
# into blacklist_subnet ("ignored networks"), so our agent is never sent to scan the LAN.
ip2int() { local IFS=.; set -- $1; echo $(( ($1 << 24) + ($2 << 16) + ($3 << 8) + $4 )); }
int2ip() { echo "$(( ($1 >> 24) & 255 )).$(( ($1 >> 16) & 255 )).$(( ($1 >> 8) & 255 )).$(( $1 & 255 ))"; }
bl=""
while read -r _ _ _ cidr _; do
  addr=${cidr%/*}; plen=${cidr#*/}
  [[ "$addr" =~ ^[0-9]+(\.[0-9]+){3}$ && "$plen" =~ ^[0-9]+$ ]] || continue
  case "$addr" in 127.*) continue ;; esac
  mask=$(( plen == 0 ? 0 : (0xFFFFFFFF << (32 - plen)) & 0xFFFFFFFF ))
  bl+="${bl:+,}('$(int2ip $(( $(ip2int "$addr") & mask )))','$(int2ip "$mask")')"
done < <(ip -o -4 addr show 2>/dev/null || true)
if [ -n "$bl" ]; then sql "$DB_NAME" -e "INSERT IGNORE INTO blacklist_subnet(SUBNET,MASK) VALUES $bl"; fi

# ---- Apache + mod_perl with the OCS handler
UA_FILE=$OCS_DIR/extra_useragents
echo "FusionInventory-Agent" >"$UA_FILE"; chmod 644 "$UA_FILE"
M=/usr/lib/apache2/modules
cat >"$CONF.new" <<CONF
# Generated by t/ocs-server/start.sh
ServerRoot /etc/apache2
ServerName localhost
Listen $BIND:$HTTP_PORT
Listen $BIND:$HTTPS_PORT
Listen $BIND:$BADNAME_PORT
PidFile $AP_PID
DefaultRuntimeDir $RUN
Mutex file:$RUN default
User www-data
Group www-data
ErrorLog $LOG/apache-error.log
LogLevel warn
LogFormat "%h %t \"%r\" %>s %b \"%{User-Agent}i\" %Dus" ocs
CustomLog $LOG/apache-access.log ocs
DocumentRoot $OCS_DIR/htdocs
Timeout 120
KeepAlive On
LoadModule mpm_prefork_module $M/mod_mpm_prefork.so
LoadModule authz_core_module $M/mod_authz_core.so
LoadModule socache_shmcb_module $M/mod_socache_shmcb.so
LoadModule ssl_module $M/mod_ssl.so
LoadModule perl_module $M/mod_perl.so
LoadModule alias_module $M/mod_alias.so
StartServers 2
MinSpareServers 1
MaxSpareServers 4
MaxRequestWorkers 16
<Directory />
  AllowOverride None
  Require all denied
</Directory>
SSLSessionCache shmcb:$RUN/ssl_scache(512000)
<VirtualHost $BIND:$HTTPS_PORT>
  SSLEngine on
  SSLCertificateFile $SSL/server.crt
  SSLCertificateKeyFile $SSL/server.key
</VirtualHost>
<VirtualHost $BIND:$BADNAME_PORT>
  SSLEngine on
  SSLCertificateFile $SSL/badname.crt
  SSLCertificateKeyFile $SSL/badname.key
</VirtualHost>
PerlSetEnv OCS_MODPERL_VERSION 2
PerlSetEnv OCS_DB_HOST localhost
PerlSetEnv OCS_DB_PORT 3306
PerlSetEnv OCS_DB_NAME $DB_NAME
PerlSetEnv OCS_DB_LOCAL $DB_NAME
PerlSetEnv OCS_DB_USER $DB_USER
PerlSetVar OCS_DB_PWD $DB_PASS
PerlSetEnv OCS_OPT_DBI_MYSQL_SOCKET $SOCK
PerlSetEnv OCS_OPT_LOGPATH "$LOG/ocs/"
PerlSetEnv OCS_OPT_LOGLEVEL 1
PerlSetEnv OCS_OPT_DBI_PRINT_ERROR 1
PerlSetEnv OCS_OPT_UNICODE_SUPPORT 1
PerlAddVar OCS_OPT_TRUSTED_IP 127.0.0.1
PerlSetEnv OCS_OPT_OPTIONS_NOT_OVERLOADED 0
PerlSetEnv OCS_OPT_COMPRESS_TRY_OTHERS 1
PerlSetEnv OCS_OPT_PROLOG_FREQ 12
PerlSetEnv OCS_OPT_INVENTORY_ON_STARTUP 0
PerlSetEnv OCS_OPT_AUTO_DUPLICATE_LVL 15
PerlSetEnv OCS_OPT_SECURITY_LEVEL 0
PerlSetEnv OCS_OPT_LOCK_REUSE_TIME 600
PerlSetEnv OCS_OPT_TRACE_DELETED 0
PerlSetEnv OCS_OPT_FREQUENCY 0
PerlSetEnv OCS_OPT_INVENTORY_DIFF 1
PerlSetEnv OCS_OPT_INVENTORY_TRANSACTION 1
PerlSetEnv OCS_OPT_INVENTORY_WRITE_DIFF 1
PerlSetEnv OCS_OPT_INVENTORY_CACHE_ENABLED 1
PerlSetEnv OCS_OPT_INVENTORY_CACHE_REVALIDATE 7
PerlSetEnv OCS_OPT_INVENTORY_CACHE_KEEP 1
PerlSetEnv OCS_OPT_DOWNLOAD 0
PerlSetEnv OCS_OPT_DEPLOY 0
PerlSetEnv OCS_OPT_ENABLE_GROUPS 1
PerlSetEnv OCS_OPT_GROUPS_CACHE_OFFSET 43200
PerlSetEnv OCS_OPT_GROUPS_CACHE_REVALIDATE 43200
PerlSetEnv OCS_OPT_IPDISCOVER 2
PerlSetEnv OCS_OPT_IPDISCOVER_BETTER_THRESHOLD 1
PerlSetEnv OCS_OPT_IPDISCOVER_LATENCY 100
PerlSetEnv OCS_OPT_IPDISCOVER_MAX_ALIVE 14
PerlSetEnv OCS_OPT_IPDISCOVER_NO_POSTPONE 0
PerlSetEnv OCS_OPT_IPDISCOVER_USE_GROUPS 1
PerlSetEnv OCS_OPT_IPDISCOVER_LINK_TAG_NETWORK 0
PerlSetEnv OCS_OPT_GENERATE_OCS_FILES 0
PerlSetEnv OCS_OPT_PROLOG_FILTER_ON 0
PerlSetEnv OCS_OPT_INVENTORY_FILTER_ENABLED 0
PerlSetEnv OCS_OPT_INVENTORY_FILTER_FLOOD_IP 0
PerlSetEnv OCS_OPT_INVENTORY_FILTER_ON 0
PerlSetEnv OCS_OPT_DATA_FILTER 0
PerlSetEnv OCS_OPT_REGISTRY 1
PerlSetEnv OCS_OPT_SNMP 0
PerlSetEnv OCS_OPT_SESSION_VALIDITY_TIME 600
PerlSetEnv OCS_OPT_SESSION_CLEAN_TIME 86400
PerlSetEnv OCS_OPT_INVENTORY_SESSION_ONLY 0
PerlSetEnv OCS_OPT_ACCEPT_TAG_UPDATE_FROM_CLIENT 0
PerlSetEnv OCS_OPT_EXT_USERAGENTS_FILE_PATH $UA_FILE
PerlSetEnv OCS_PLUGINS_PERL_DIR "/usr/share/perl5/"
PerlSetEnv OCS_PLUGINS_CONF_DIR "/etc/ocsinventory/plugins"
PerlSetEnv OCS_OPT_UPDATE 0
PerlModule Apache::DBI
PerlModule Compress::Zlib
PerlModule XML::Simple
PerlModule Apache::Ocsinventory::Plugins
PerlModule Apache::Ocsinventory
PerlModule Apache::Ocsinventory::Server::Constants
PerlModule Apache::Ocsinventory::Server::System
PerlModule Apache::Ocsinventory::Server::Communication
PerlModule Apache::Ocsinventory::Server::Inventory
PerlModule Apache::Ocsinventory::Server::Duplicate
PerlModule Apache::Ocsinventory::Server::Capacities::Registry
PerlModule Apache::Ocsinventory::Server::Capacities::Update
PerlModule Apache::Ocsinventory::Server::Capacities::Ipdiscover
PerlModule Apache::Ocsinventory::Server::Capacities::Download
PerlModule Apache::Ocsinventory::Server::Capacities::Notify
PerlModule Apache::Ocsinventory::Server::Capacities::Snmp
<Location /ocsinventory>
  Require all granted
  SetHandler perl-script
  PerlHandler Apache::Ocsinventory
</Location>
# Package info files and fragments, as the console's /download alias serves them.
Alias /download $DL_DIR
<Directory $DL_DIR>
  Require all granted
  Options None
</Directory>
CONF

if alive "$AP_PID" /usr/sbin/apache2 "$CONF" && cmp -s "$CONF.new" "$CONF"; then
  rm -f "$CONF.new"
else
  mv "$CONF.new" "$CONF"
  /usr/sbin/apache2 -f "$CONF" -t >"$LOG/apache-configtest.log" 2>&1 \
    || { cat "$LOG/apache-configtest.log" >&2; die "Apache config test failed"; }
  if alive "$AP_PID" /usr/sbin/apache2 "$CONF"; then
    pid=$(cat "$AP_PID"); kill -TERM "$pid"
    for ((i = 0; i < 100; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  fi
  rm -f "$AP_PID"
  say "starting Apache on $BIND:$HTTP_PORT, :$HTTPS_PORT and :$BADNAME_PORT"
  /usr/sbin/apache2 -f "$CONF" -k start >>"$LOG/apache-start.log" 2>&1 9>&- \
    || { tail -n 20 "$LOG/apache-start.log" "$LOG/apache-error.log" >&2; die "Apache failed to start"; }
fi

# ---- ready when a GET answers 400 (the handler reached the DB, then refused the GET)
URL=http://$BIND:$HTTP_PORT/ocsinventory
code=000
for ((i = 0; i < TIMEOUT * 10; i++)); do
  code=$(curl -s -o /dev/null -m 5 -w '%{http_code}' "$URL" 2>/dev/null || true)
  [ "$code" = 400 ] && break
  sleep 0.1
done
[ "$code" = 400 ] || { tail -n 20 "$LOG/apache-error.log" >&2; die "server not ready at $URL (HTTP $code)"; }
scode=$(curl -s -o /dev/null -m 5 --cacert "$SSL/ca.crt" -w '%{http_code}' "https://$BIND:$HTTPS_PORT/ocsinventory" || true)
[ "$scode" = 400 ] || die "HTTPS endpoint not ready (HTTP $scode)"
# ---- and a real PROLOG is understood (a missing Perl XML parser answers 500 only here)
PROLOG='<?xml version="1.0" encoding="UTF-8"?><REQUEST><DEVICEID>testsrv-ready-2000-01-01-00-00-00</DEVICEID><QUERY>PROLOG</QUERY></REQUEST>'
pcode=$(printf '%s' "$PROLOG" | perl -MCompress::Zlib -0777 -ne 'print compress($_)' \
  | curl -s -o /dev/null -m 10 -w '%{http_code}' -A 'OCS-NG_unified_unix_agent_v2.10.0' \
      -H 'Content-Type: application/x-compress' --data-binary @- "$URL" || true)
[ "$pcode" = 200 ] || { tail -n 5 "$LOG/apache-error.log" >&2; die "the server answers a PROLOG with HTTP $pcode"; }
say "READY http://$BIND:$HTTP_PORT/ocsinventory https://$BIND:$HTTPS_PORT/ocsinventory CA=$SSL/ca.crt"
