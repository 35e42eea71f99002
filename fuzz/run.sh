#!/usr/bin/env bash
# Run every fuzz target for SECONDS each (quality.md R6: 10 minutes, i.e. 600).
# Usage: fuzz/run.sh SECONDS [TARGET...]
# Needs cargo-fuzz (cargo install cargo-fuzz). RUSTC_BOOTSTRAP=1 lets the stable
# toolchain take the nightly flags cargo-fuzz passes. Crashes land in
# fuzz/artifacts/TARGET/; the corpus grows in fuzz/corpus/TARGET/ (neither is committed).
# FUZZ_JOBS=N runs N fuzzing processes per target.
set -euo pipefail
cd "$(dirname "$0")"
secs="${1:?usage: fuzz/run.sh SECONDS [TARGET...]}"
shift
export RUSTC_BOOTSTRAP=1
targets=("$@")
if [[ ${#targets[@]} -eq 0 ]]; then
  mapfile -t targets < <(cargo fuzz list)
fi
parallel=()
if [[ -n "${FUZZ_JOBS:-}" ]]; then parallel=(-jobs="$FUZZ_JOBS" -workers="$FUZZ_JOBS"); fi
status=0
for t in "${targets[@]}"; do
  mkdir -p "corpus/$t"
  seeds=()
  if [[ -d "seeds/$t" ]]; then seeds=("seeds/$t"); fi
  echo "== $t: ${secs}s"
  if ! cargo fuzz run "$t" "corpus/$t" "${seeds[@]}" -- \
      -max_total_time="$secs" "${parallel[@]}" -print_final_stats=1; then
    echo "== $t: FAILED (see fuzz/artifacts/$t/)"
    status=1
  fi
done
exit $status
