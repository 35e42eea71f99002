# What bench/run.sh (P1-P6) and bench/scale.sh (P12-P14) share: sqlite3, the release
# binary, the work folder, a clean environment, timing, medians and peak memory. Sourced
# with $root set to the source tree; leaves the shell in the work folder with $dw set.
# Environment: BENCH_DIR (where the catalogs go; default a temporary folder, removed at the
# end unless BENCH_KEEP=1).

if ! command -v sqlite3 >/dev/null; then
  echo "bench: installing sqlite3" >&2
  apt-get install -y sqlite3 >/dev/null
fi

cargo build --release --quiet
dw=$root/target/release/dwctl
work=${BENCH_DIR:-$(mktemp -d -t dwctl-bench.XXXXXX)}
mkdir -p "$work"
if [[ -z "${BENCH_DIR:-}" && -z "${BENCH_KEEP:-}" ]]; then trap 'rm -rf "$work"' EXIT; fi
cd "$work"

# dwctl sees only what it needs: no config file, no prompts, the manifest's secret.
unset DWCTL_CATALOG DWCTL_ACTOR DWCTL_OUTPUT DWCTL_NOW DWCTL_LOCK_TIMEOUT
export DWCTL_NO_CONFIG=1 DWCTL_NO_INPUT=1 BENCH_DS_PASSWORD=bench-secret-value

fail() { echo "bench: $*" >&2; exit 1; }

# ---- timing ---------------------------------------------------------------------------
# elapsed microseconds of one command, in $us (EPOCHREALTIME: no fork to read the clock).
us=0
timed() {
  local t0=$EPOCHREALTIME
  "$@" >/dev/null 2>"$work/last.err" || fail "failed: $* ($(head -c 500 "$work/last.err"))"
  local t1=$EPOCHREALTIME
  us=$(( ${t1/./} - ${t0/./} ))
}
median() { printf '%s\n' "$@" | sort -n | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
ms() { awk -v u="$1" 'BEGIN { printf "%.2f ms", u / 1000 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
# peak RSS in KiB of one command
rss() {
  /usr/bin/time -f '%M' -o "$work/rss" "$@" >/dev/null 2>&1 || fail "failed: $*"
  cat "$work/rss"
}
mib() { awk -v k="$1" 'BEGIN { printf "%.1f MiB", k / 1024 }'; }

# ---- the large catalog ----------------------------------------------------------------
# large.db (and large.toml, empty.db) in the work folder: the large manifest with $1 spare
# principals for P1 and the p11_user_NNNN ones P11 adds (serve_bench.rs's count).
p11_users=800
build_large() {
  echo "bench: generating the manifest and building the catalog in $work" >&2
  awk -v p1_users="$1" -v p11_users="$p11_users" -f "$root/bench/gen_manifest.awk" > large.toml
  rm -f empty.db large.db
  "$dw" --catalog empty.db -q init --account-id 1234567890123456 >/dev/null
  cp empty.db large.db
  "$dw" --catalog large.db -q apply --file large.toml --yes >/dev/null || fail "apply of the large manifest failed"
  sqlite3 large.db "SELECT 'bench: ' || (SELECT count(*) FROM workspace) || ' workspaces, ' || (SELECT count(*) FROM member) || ' memberships, ' || (SELECT count(*) FROM datasource) || ' data sources, ' || (SELECT count(*) FROM resource_group) || ' resource groups, ' || (SELECT count(*) FROM audit) || ' audit events'" >&2
}

# ---- P10-P11: dwctl serve under load ----------------------------------------------------
# The load generator is xtask's (xtask/src/serve_bench.rs), built in release: it prints
# one tab-separated row per case, printed here by verdict.sh's line. Needs large.db.
serve_cases() {
  cargo build --release --quiet -p xtask --manifest-path "$root/Cargo.toml"
  echo "bench: P10-P11 on large.db; load average $(cut -d' ' -f1-3 /proc/loadavg)" >&2
  local rows
  rows=$("$root/target/release/xtask" serve-cases "$dw" large.db) || fail "P10-P11 failed"
  while IFS=$'\t' read -r c what a b r target ok; do
    line "$c" "$what" "$a" "$b" "$r" "$target" "$ok"
  done <<< "$rows"
}
