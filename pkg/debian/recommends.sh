#!/bin/sh
# Computes the .deb's Recommends from the source, not from memory: the external commands
# the Linux inventory runs (`command(&["X"…` / `run(&["X"…` / lvm's `run(ctx, "X"`) and
# the id databases it reads (`/usr/share/…/*.ids`), each resolved to the Debian package
# that ships it on this (build) machine with `dpkg -S`. Left out: packages always there
# (Essential, or Priority required) and tools that only describe themselves (`rpm` lists
# RPM packages, `pvs`/`vgs`/`lvs` list LVM volumes: without them there is nothing to
# list). A fallback (`ifconfig`, run only when `ip` fails) becomes an alternative
# ("iproute2 | net-tools"). A command or file found on no path here is an error: install it and run again.
#
#   sh pkg/debian/recommends.sh          prints "dmidecode, hwdata, …"
set -eu
cd "$(dirname "$0")/../.."
SRC="src/task/inventory/module.rs src/task/inventory/generic src/task/inventory/os/linux"
SELF_DESCRIBING="rpm pvs vgs lvs"
FALLBACK_OF_ip="ifconfig"

commands=$(grep -rhoE '(command|run)\(&\[\s*"[a-z][a-zA-Z0-9_.-]*"|run\(\s*ctx,\s*"[a-z][a-zA-Z0-9_.-]*"' $SRC \
    | sed -E 's/.*"([^"]*)"$/\1/' | sort -u)
# lvm.rs spells its calls over several lines: `run(\n ctx,\n "pvs",`.
commands="$commands $(grep -A2 -hE '^\s*run\($' src/task/inventory/os/linux/lvm.rs | grep -oE '"[a-z]+"' | tr -d '"')"

packages=""
missing=""
owner() { dpkg -S "$1" 2>/dev/null | sed -n '1s/:.*//p' | cut -d, -f1; }
package_of() {
    for d in /usr/sbin /usr/bin /sbin /bin; do
        [ -x "$d/$1" ] || continue
        p=$(owner "$d/$1"); [ -n "$p" ] && { echo "$p"; return; }
        p=$(owner "$(readlink -f "$d/$1")"); [ -n "$p" ] && { echo "$p"; return; }
    done
}
for c in $(echo "$commands" | tr ' ' '\n' | sort -u); do
    case " $SELF_DESCRIBING $FALLBACK_OF_ip " in *" $c "*) continue ;; esac
    p=$(package_of "$c")
    [ -n "$p" ] || { missing="$missing $c"; continue; }
    if [ "$c" = ip ]; then
        alt=$(package_of "$FALLBACK_OF_ip")
        [ -n "$alt" ] || missing="$missing $FALLBACK_OF_ip"
        p="$p|$alt"
    fi
    packages="$packages $p"
done
# Each id database: the first of the module's paths that exists here.
for name in pci.ids usb.ids pnp.ids; do
    p=""
    for f in $(grep -rhoE "\"/usr/share/[a-zA-Z0-9_./-]*/?$name\"" src/task/inventory | tr -d '"'); do
        [ -f "$f" ] && p=$(owner "$f") && [ -n "$p" ] && break
    done
    [ -n "$p" ] && packages="$packages $p" || missing="$missing $name"
done
if [ -n "$missing" ]; then
    echo "recommends.sh: not found on this machine:$missing (install them and run again)" >&2
    exit 1
fi
out=""
for p in $(echo "$packages" | tr ' ' '\n' | sort -u); do
    fields=$(dpkg-query -W -f='${Essential} ${Priority}' "${p%%|*}")
    case "$fields" in yes*|*required) continue ;; esac
    out="${out:+$out, }$(echo "$p" | sed 's/|/ | /')"
done
echo "$out"
