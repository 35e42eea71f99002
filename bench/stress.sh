#!/usr/bin/env bash
# The stress command (quality.md, Reliability): R1 and R2 at full size.
#   R1: 8 processes at once, each adding 250 distinct members and reading lists.
#   R2: apply of a 5,000-member manifest killed with SIGKILL at random moments, 20 times.
# They are the #[ignore]d `*stress*` tests of the cli test binary; `cargo test` runs the
# small versions. Usage: cargo xtask stress [--release] (or bench/stress.sh [--release])
set -euo pipefail
cd "$(dirname "$0")/.."
profile=()
if [[ "${1:-}" == "--release" ]]; then profile=(--release); fi
exec cargo test "${profile[@]}" --test cli -- --ignored --nocapture --test-threads 1 stress
