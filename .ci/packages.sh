#!/bin/sh
# .ci/packages.sh SUITE…: the Debian packages of .ci/packages for these suites. As root,
# installs the missing ones with apt-get; otherwise prints the one apt-get line that
# would, and the tests that need them are marked ignored (build.rs). Never fails the
# build by itself.
cd "$(dirname "$0")/.." || exit 0
wanted=""
for suite in "$@"; do
  wanted="$wanted $(sed -n "s/^$suite:\([^#]*\).*/\1/p" .ci/packages)"
done
command -v dpkg-query >/dev/null 2>&1 || exit 0   # not Debian: nothing to say
missing=""
for p in $wanted; do
  case " $missing " in *" $p "*) continue ;; esac
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing what the tests need:$missing"
  export DEBIAN_FRONTEND=noninteractive
  # Packaged services (snmpd…) must not start on install: a deny-all policy-rc.d.
  policy=0
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d; chmod 755 /usr/sbin/policy-rc.d; policy=1
  fi
  { apt-get install -y -q --no-install-recommends $missing >/dev/null ||
    { apt-get update -q >/dev/null && apt-get install -y -q --no-install-recommends $missing >/dev/null; }; } ||
    echo "could not install:$missing (the tests that need them are ignored)"
  [ "$policy" = 1 ] && rm -f /usr/sbin/policy-rc.d
else
  echo "the tests that need these packages are ignored; to run them:"
  echo "  apt-get install$missing"
fi
exit 0
