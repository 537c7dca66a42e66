#!/usr/bin/env bash
# Builds the fuzz targets on stable Rust and runs each for a bounded time.
#
#   fuzz/run.sh                 every target, FUZZ_SECONDS (default 15) each
#   fuzz/run.sh ocs_reply       one target
#   FUZZ_SECONDS=14400 fuzz/run.sh ocs_reply    one target for 4 hours
#
# Why libFuzzer built this way: CI has only stable Rust, and cargo-fuzz needs nightly for
# its sanitizer flags. The coverage instrumentation itself (LLVM's SanitizerCoverage, the
# `sancov-module` pass) is reachable on stable through -Cpasses and -Cllvm-args, and
# libfuzzer-sys compiles libFuzzer from source with the C++ compiler; so the same targets
# cargo-fuzz would build are built here without any nightly toolchain and without
# installing cargo-fuzz (nothing to compile but the crate and libFuzzer: ~2 minutes).
# What stable cannot have is AddressSanitizer: memory errors in unsafe code are not
# caught (the agent's parsers are safe Rust), panics, aborts, timeouts and allocations
# past the cap (src/lib.rs) are.
#
# A run fails on a crash (panic, abort), a timeout (-timeout, per input) or memory past
# -rss_limit_mb. The input is kept in fuzz/artifacts/<target>/: copy it into
# fuzz/regressions/<target>/ once fixed, where every later run replays it first.
#
# Seeds: fuzz/seeds/<target>/, fuzz/regressions/<target>/, and what the target's first
# line names (`//! seeds: fixtures/edid t/snapshots`): `fixtures/…` and `snmp-walks/…` in
# ../shared (the real command outputs, the real devices' walks), other paths in the
# repository. The growing corpus is fuzz/corpus/.
set -euo pipefail
cd "$(dirname "$0")"
repo=$(cd .. && pwd)
shared=${SHARED_DIR:-$repo/../shared}
seconds=${FUZZ_SECONDS:-15}
rss_mb=${FUZZ_RSS_MB:-1024}
per_input=${FUZZ_TIMEOUT:-10}

export RUSTFLAGS="${RUSTFLAGS:-} -Cpasses=sancov-module \
 -Cllvm-args=-sanitizer-coverage-level=4 \
 -Cllvm-args=-sanitizer-coverage-inline-8bit-counters \
 -Cllvm-args=-sanitizer-coverage-pc-table \
 -Cllvm-args=-sanitizer-coverage-trace-compares \
 --cfg fuzzing -Cdebug-assertions -Coverflow-checks"
# With an explicit --target the flags reach only the targets' code, not build scripts
# and proc macros (which could not link without libFuzzer), as cargo-fuzz does.
host=$(rustc -vV | sed -n 's/^host: //p')
cargo build --release --quiet --bins --target "$host"
bin_dir=target/$host/release

if [ $# -gt 0 ]; then
  targets=("$@")
else
  targets=()
  for f in fuzz_targets/*.rs; do targets+=("$(basename "$f" .rs)"); done
fi

failed=()
for t in "${targets[@]}"; do
  corpus=corpus/$t
  mkdir -p "$corpus" "artifacts/$t"
  seeds=()
  for d in "seeds/$t" "regressions/$t"; do [ -d "$d" ] && seeds+=("$d"); done
  spec=$(sed -n '1s|^//! seeds:||p' "fuzz_targets/$t.rs")
  for s in $spec; do
    case $s in
      fixtures/*|snmp-walks/*) for p in "$shared"/$s; do [ -e "$p" ] && seeds+=("$p"); done ;;
      fuzz/*) [ -e "$repo/$s" ] && seeds+=("$repo/$s") ;;
      *) [ -e "$repo/$s" ] && seeds+=("$repo/$s") ;;
    esac
  done
  # libFuzzer reads seed directories, not single files or nested trees: flatten them.
  seeddir=$(mktemp -d)
  for s in "${seeds[@]}"; do
    find "$s" -type f -size -1024k -print0 | while IFS= read -r -d '' f; do
      cp "$f" "$seeddir/$(printf '%s' "$f" | cksum | cut -d' ' -f1)"
    done
  done
  echo "== $t: ${seconds} s, $(ls "$seeddir" | wc -l) seeds"
  log=artifacts/$t/last.log
  if "$bin_dir/$t" "$corpus" "$seeddir" -max_total_time="$seconds" \
      -rss_limit_mb="$rss_mb" -timeout="$per_input" -max_len=1048576 \
      -artifact_prefix="artifacts/$t/" -print_final_stats=1 > "$log" 2>&1; then
    grep -E '^stat::number_of_executed_units|^Done' "$log" | tr '\n' ' '; echo
  else
    failed+=("$t")
    tail -n 30 "$log"
    echo "!! $t failed: input kept in fuzz/artifacts/$t/"
  fi
  rm -rf "$seeddir"
done
if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzzing found problems in: ${failed[*]}"
  exit 1
fi
echo "fuzzing: ${#targets[@]} targets, no crash, no timeout, no allocation past the cap"
