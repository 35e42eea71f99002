#!/usr/bin/env bash
# The benchmark command (quality.md "Performance"): P1-P6, each beside its sqlite3
# counterpart on the same catalog file, whole process against whole process.
#
#   cargo xtask bench  (or bench/run.sh)   build the release binary and the large
#                                          catalog, run P1-P6, then P10-P11 (serve_cases)
#
# The work is running processes and timing them, which a shell does with no extra
# dependency; `cargo xtask bench` only runs this script.
# Environment: BENCH_RUNS (runs per fast case, default 15), BENCH_HEAVY_RUNS (runs of P3
# and P4, default 5), BENCH_DIR (where the catalogs go; default a temporary folder, removed
# at the end unless BENCH_KEEP=1).
#
# It exits 1 when a case misses its target (a row ending in NO), so that it can gate.
#
# Runs alternate between dwctl and sqlite3 (which goes first alternates too), so drift in
# the machine's speed hits both; each figure is the median. It installs nothing but the
# Debian package sqlite3, when missing.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
runs=${BENCH_RUNS:-15}
heavy=${BENCH_HEAVY_RUNS:-5}

source "$root/bench/common.sh"
# holds, line (which remembers the cases that missed) and verdict.
source "$root/bench/verdict.sh"

# ---- the large catalog ----------------------------------------------------------------
build_large $((2 * runs))
sqlite3 -cmd "ATTACH 'empty.db' AS empty" large.db < "$root/bench/sql/p3_make_inserts.sql" > p3_inserts.sql

echo "machine: $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p'); sqlite3 $(sqlite3 --version | cut -d' ' -f1)"
line case what dwctl sqlite3 ratio target holds
line ---- -------------------------------------------- ------------ ------------ ------- ---------------------- -----

# ---- P1: one member add ---------------------------------------------------------------
dw_t=(); sq_t=()
for ((i = 0; i < runs; i++)); do
  dw_user=$(printf 'p1_user_%03d' $((2 * i)))
  sq_user=$(printf 'p1_user_%03d' $((2 * i + 1)))
  for side in $( ((i % 2)) && echo "sq dw" || echo "dw sq"); do
    if [[ $side == dw ]]; then
      timed "$dw" --catalog large.db -q member add ws_0500 "$dw_user" --role dev; dw_t+=("$us")
    else
      timed sqlite3 -cmd ".parameter set @ws 'ws_0500'" -cmd ".parameter set @user '$sq_user'" large.db ".read $root/bench/sql/p1_member_add.sql"; sq_t+=("$us")
    fi
  done
done
a=$(median "${dw_t[@]}"); b=$(median "${sq_t[@]}"); r=$(ratio "$a" "$b")
line P1 "member add (write, permission check, audit)" "$(ms "$a")" "$(ms "$b")" "$r" "<= 1.25x" "$(holds "$r" 1.25)"

# ---- P2: member list of the 20,000-member workspace -----------------------------------
dw_t=(); sq_t=()
for ((i = 0; i < runs; i++)); do
  for side in $( ((i % 2)) && echo "sq dw" || echo "dw sq"); do
    if [[ $side == dw ]]; then
      timed "$dw" --catalog large.db member list ws_0000 -o json; dw_t+=("$us")
    else
      timed sqlite3 -json -cmd ".parameter set @ws 'ws_0000'" large.db ".read $root/bench/sql/p2_member_list.sql"; sq_t+=("$us")
    fi
  done
done
a=$(median "${dw_t[@]}"); b=$(median "${sq_t[@]}"); r=$(ratio "$a" "$b")
line P2 "member list ws_0000 -o json (20,000 rows)" "$(ms "$a")" "$(ms "$b")" "$r" "<= 1.0x" "$(holds "$r" 1.0)"

# ---- P3: apply of the whole manifest into an empty catalog ----------------------------
dw_t=(); sq_t=()
for ((i = 0; i < heavy; i++)); do
  for side in $( ((i % 2)) && echo "sq dw" || echo "dw sq"); do
    if [[ $side == dw ]]; then
      cp empty.db p3.db; rm -f p3.db-wal p3.db-shm
      timed "$dw" --catalog p3.db -q apply --file large.toml --yes; dw_t+=("$us")
    else
      cp empty.db p3sql.db; rm -f p3sql.db-wal p3sql.db-shm
      timed sqlite3 p3sql.db ".read p3_inserts.sql"; sq_t+=("$us")
    fi
  done
done
[[ $(sqlite3 p3.db "SELECT count(*) FROM member") == $(sqlite3 p3sql.db "SELECT count(*) FROM member") ]] || fail "P3: the two sides differ"
a=$(median "${dw_t[@]}"); b=$(median "${sq_t[@]}"); r=$(ratio "$a" "$b")
ok=$(holds "$r" 2.0); [[ $ok == yes ]] && ok=$(holds "$a" 5000000)
line P3 "apply of the large manifest, empty catalog" "$(ms "$a")" "$(ms "$b")" "$r" "<= 2x and < 5 s" "$ok"

# ---- P4: the same apply again: no changes ---------------------------------------------
dw_t=()
for ((i = 0; i < heavy; i++)); do
  timed "$dw" --catalog large.db -q apply --file large.toml --yes; dw_t+=("$us")
done
a=$(median "${dw_t[@]}")
line P4 "apply again (no changes)" "$(ms "$a")" "-" "-" "< 1 s" "$(holds "$a" 1000000)"

# ---- P5: start-up ---------------------------------------------------------------------
dw_t=(); sq_t=()
for ((i = 0; i < 3 * runs; i++)); do
  for side in $( ((i % 2)) && echo "sq dw" || echo "dw sq"); do
    if [[ $side == dw ]]; then timed "$dw" --version; dw_t+=("$us")
    else timed sqlite3 --version; sq_t+=("$us"); fi
  done
done
a=$(median "${dw_t[@]}"); b=$(median "${sq_t[@]}"); r=$(ratio "$a" "$b")
line P5 "--version (start-up)" "$(ms "$a")" "$(ms "$b")" "$r" "<= 1.2x" "$(holds "$r" 1.2)"

# ---- P6: peak memory ------------------------------------------------------------------
if [[ -x /usr/bin/time ]]; then
  a=$(rss "$dw" --catalog large.db member list ws_0000 -o json)
  b=$(rss sqlite3 -json -cmd ".parameter set @ws 'ws_0000'" large.db ".read $root/bench/sql/p2_member_list.sql")
  line P6a "peak RSS: member list ws_0000 -o json" "$(mib "$a")" "$(mib "$b")" "-" "<= 30 MiB" "$(holds "$a" 30720)"
  a=$(rss "$dw" --catalog large.db audit list --limit 100000 -o jsonl)
  b=$(rss sqlite3 -json large.db "SELECT * FROM (SELECT * FROM audit ORDER BY seq DESC LIMIT 100000) ORDER BY seq")
  line P6b "peak RSS: audit list --limit 100000 -o jsonl" "$(mib "$a")" "$(mib "$b")" "-" "<= 30 MiB" "$(holds "$a" 30720)"
else
  line P6 "peak RSS (needs /usr/bin/time)" "n/a" "n/a" "-" "<= 30 MiB" "n/a"
fi

# ---- P10-P11: dwctl serve under signed load (bench/serve.sh runs them alone) ----------
serve_cases

verdict || exit 1
