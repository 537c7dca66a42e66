#!/bin/sh
# Prints the .deb's Recommends from the facts in pkg/debian/commands (the packages of the
# lines whose relation is `recommends`, sorted, each once): `make deb` checks that
# Cargo.toml says the same. Needs nothing installed; t/package.rs checks the table itself.
#
#   sh pkg/debian/recommends.sh          prints "dmidecode, hwdata, smartmontools"
#   sh pkg/debian/recommends.sh rpm      the RHEL family's names, one per line
set -eu
cd "$(dirname "$0")/../.."
column=3
[ "${1:-}" = rpm ] && column=4
packages=$(awk -v c="$column" '!/^#/ && NF >= 5 && $5 == "recommends" { print $c }' \
    pkg/debian/commands | sort -u)
[ -n "$packages" ] || { echo "recommends.sh: no recommended package in pkg/debian/commands" >&2; exit 1; }
if [ "$column" = 4 ]; then
    echo "$packages"
else
    echo "$packages" | paste -sd, - | sed 's/,/, /g'
fi
