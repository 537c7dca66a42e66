#!/bin/sh
# SNMP inventory of recorded real devices (snmpsim) beside fusioninventory-netinventory,
# each agent alone and one device at a time: per device the share of fields that agree
# and the wall time of each, then the totals and the time ratio. First the ten devices
# of the issue (target: <= 0.1 x the reference's time), then every recording
# (SNMPSIM_BENCH_ALL=0 to skip; it takes an hour or more: the reference spends seconds
# on each device, and snmpsim indexes every recording when it starts).
# Needs root, snmp, python3-venv/python3-gdbm/bzip2 (snmpsim from PyPI, t/snmpsim/serve.sh)
# and fusioninventory-agent-task-network. snmpsim is started and stopped by the test.
set -eu
SNMPSIM_DIR=${SNMPSIM_DIR:-/var/lib/snmpsim-test-snmp}
export SNMPSIM_DIR SNMP_LIVE=1 SNMP_BENCH=1
command -v fusioninventory-netinventory >/dev/null || {
  echo "needs fusioninventory-netinventory (apt-get install fusioninventory-agent-task-network)"; exit 1; }
run() { # label, SNMPSIM_DEVICES
  echo "== $1"
  SNMPSIM_DEVICES=$2 SNMPSIM_START_TIMEOUT=${SNMPSIM_START_TIMEOUT:-1800} \
    cargo test --quiet --profile test-fast --test servers snmp_live::recorded_devices_agree_with_the_reference \
    -- --nocapture 2>&1 | sed -n '/^recording /,/^below 95/p'
}
run "the ten recordings of issue 21" ""
[ "${SNMPSIM_BENCH_ALL:-1}" = 0 ] || run "every snmpsim recording" all
