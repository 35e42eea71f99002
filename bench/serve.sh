#!/usr/bin/env bash
# P10-P11 alone (`cargo xtask bench --serve`): dwctl serve under signed load on the large
# catalog, beside its anchors (the same server answering a constant; 8 concurrent dwctl
# member add processes). The cases themselves are xtask/src/serve_bench.rs; bench/run.sh
# runs them too, after P1-P6. Environment as bench/run.sh's (BENCH_DIR, BENCH_KEEP).
# It exits 1 when a case misses its target.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

source "$root/bench/common.sh"
source "$root/bench/verdict.sh"

build_large 0
echo "machine: $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p')"
line case what dwctl anchor ratio target holds
line ---- -------------------------------------------- ------------ ------------ ------- ---------------------- -----
serve_cases

verdict || exit 1
