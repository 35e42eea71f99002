# The verdict of a benchmark run: one row per case, and the exit status. Sourced by
# bench/run.sh; tests/cli/bench.rs runs it on made-up figures (never the benchmark).

missed=()

# yes when $1 <= $2, else NO.
holds() { awk -v v="$1" -v max="$2" 'BEGIN { print (v <= max) ? "yes" : "NO" }'; }

# One row of the table: case, what, dwctl, sqlite3, ratio, target, holds. A case whose
# last column is NO is remembered as missed.
line() {
  printf '%-4s %-44s %12s %12s %7s  %-22s %s\n' "$@"
  if [[ ${7:-} == NO ]]; then missed+=("$1"); fi
}

# Fails (status 1) when any case missed its target, so that the benchmark can gate.
verdict() {
  if ((${#missed[@]})); then
    echo "bench: missed the target: ${missed[*]}" >&2
    return 1
  fi
  echo "bench: every case holds its target" >&2
}
