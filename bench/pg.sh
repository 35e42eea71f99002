#!/usr/bin/env bash
# The PostgreSQL cases (issue 13): P7-P9, each beside psql on the same server, whole
# process against whole process (psql pays its own start-up and connection too).
#
#   cargo xtask bench --pg  (or bench/pg.sh)
#
# The server: BENCH_PG_URL (a database the login may create schemas in; the bench makes
# and drops its own schemas there), else a throwaway cluster started and removed here by
# .ci/pg-cluster.sh (as .ci/run does; on loopback, fsync off, so both sides pay the same).
# Environment: BENCH_RUNS (runs per fast case, default 15), BENCH_HEAVY_RUNS (runs of P8,
# default 5), BENCH_DIR and BENCH_KEEP as for bench/run.sh.
#
# It exits 1 when a case misses its target (a row ending in NO).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
runs=${BENCH_RUNS:-15}
heavy=${BENCH_HEAVY_RUNS:-5}

source "$root/bench/common.sh"
source "$root/bench/verdict.sh"

if [[ -n "${BENCH_PG_URL:-}" ]]; then
  base=$BENCH_PG_URL
  command -v psql >/dev/null || fail "psql is needed beside BENCH_PG_URL"
else
  source "$root/.ci/pg-cluster.sh"
  pg_cluster_start
  base=$PG_URL
  export PATH="$PG_BIN:$PATH"
  # common.sh's clean-up of the work folder, beside the cluster's.
  if [[ -z "${BENCH_DIR:-}" && -z "${BENCH_KEEP:-}" ]]; then
    trap 'pg_cluster_stop; rm -rf "$work"' EXIT
  fi
fi
# The bench's schemas: the catalog dwctl is given, and psql on the same schema.
cat_url() { local sep='?'; [[ $base == *\?* ]] && sep='&'; echo "$base${sep}schema=$1"; }
# No psqlrc, no prompts, stop at the first error; the schema as search_path.
sq() { local schema=$1; shift; PGOPTIONS="-c search_path=$schema" psql -X -q -v ON_ERROR_STOP=1 -d "$base" "$@"; }
drop() { psql -X -q -d "$base" -c "DROP SCHEMA IF EXISTS $1 CASCADE" >/dev/null; }
init() { drop "$1"; "$dw" --catalog "$(cat_url "$1")" -q init --account-id 1234567890123456 >/dev/null; }

# ---- the large catalog ----------------------------------------------------------------
p1_users=$((2 * runs))
echo "bench: generating the manifest and building the catalog in schema large" >&2
awk -v p1_users="$p1_users" -f "$root/bench/gen_manifest.awk" > large.toml
init p8_empty
init large
"$dw" --catalog "$(cat_url large)" -q apply --file large.toml --yes >/dev/null || fail "apply of the large manifest failed"
sq large -At -c "SELECT 'bench: ' || (SELECT count(*) FROM workspace) || ' workspaces, ' || (SELECT count(*) FROM member) || ' memberships, ' || (SELECT count(*) FROM audit) || ' audit events'" >&2
# P8's psql side loads what the apply added: every table of `large` minus `p8_empty`
# (both made by dwctl init), written by psql's \copy into p8_*.copy files here.
psql -X -q -v ON_ERROR_STOP=1 -d "$base" -f "$root/bench/sql/p8_copy_out.sql"

echo "machine: $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p'); $(psql -X -At -d "$base" -c 'SELECT version()' | cut -d' ' -f1-2)"
line case what dwctl psql ratio target holds
line ---- -------------------------------------------- ------------ ------------ ------- ---------------------- -----

# ---- P7: one member add ---------------------------------------------------------------
dw_t=(); sq_t=()
for ((i = 0; i < runs; i++)); do
  dw_user=$(printf 'p1_user_%03d' $((2 * i)))
  sq_user=$(printf 'p1_user_%03d' $((2 * i + 1)))
  for side in $( ((i % 2)) && echo "sq dw" || echo "dw sq"); do
    if [[ $side == dw ]]; then
      timed "$dw" --catalog "$(cat_url large)" -q member add ws_0500 "$dw_user" --role dev; dw_t+=("$us")
    else
      timed sq large -v ws=ws_0500 -v user="$sq_user" -f "$root/bench/sql/p7_member_add.sql"; sq_t+=("$us")
    fi
  done
done
a=$(median "${dw_t[@]}"); b=$(median "${sq_t[@]}"); r=$(ratio "$a" "$b")
line P7 "member add on PostgreSQL (loopback)" "$(ms "$a")" "$(ms "$b")" "$r" "<= 1.0x" "$(holds "$r" 1.0)"

# ---- P8: apply of the whole manifest into an empty catalog ----------------------------
dw_t=(); sq_t=()
for ((i = 0; i < heavy; i++)); do
  for side in $( ((i % 2)) && echo "sq dw" || echo "dw sq"); do
    if [[ $side == dw ]]; then
      init p8_dw
      timed "$dw" --catalog "$(cat_url p8_dw)" -q apply --file large.toml --yes; dw_t+=("$us")
    else
      init p8_sq
      timed sq p8_sq -f "$root/bench/sql/p8_load.sql"; sq_t+=("$us")
    fi
  done
done
[[ $(sq p8_dw -At -c "SELECT count(*) FROM member") == $(sq p8_sq -At -c "SELECT count(*) FROM member") ]] || fail "P8: the two sides differ"
drop p8_dw; drop p8_sq
a=$(median "${dw_t[@]}"); b=$(median "${sq_t[@]}"); r=$(ratio "$a" "$b")
ok=$(holds "$r" 2.0); [[ $ok == yes ]] && ok=$(holds "$a" 10000000)
line P8 "apply of the large manifest, empty catalog" "$(ms "$a")" "$(ms "$b")" "$r" "<= 2x and < 10 s" "$ok"

# ---- P9: member list of the 20,000-member workspace -----------------------------------
dw_t=(); sq_t=()
for ((i = 0; i < runs; i++)); do
  for side in $( ((i % 2)) && echo "sq dw" || echo "dw sq"); do
    if [[ $side == dw ]]; then
      timed "$dw" --catalog "$(cat_url large)" member list ws_0000 -o json; dw_t+=("$us")
    else
      timed sq large -At -v ws=ws_0000 -f "$root/bench/sql/p9_member_list.sql"; sq_t+=("$us")
    fi
  done
done
# The same members in the same order on both sides.
"$dw" --catalog "$(cat_url large)" member list ws_0000 -o json | python3 -c 'import json,sys; print("\n".join(m["user"] for m in json.load(sys.stdin)))' > p9_dw.txt
sq large -At -v ws=ws_0000 -f "$root/bench/sql/p9_member_list.sql" | python3 -c 'import json,sys; print("\n".join(m["user"] for m in json.load(sys.stdin)))' > p9_sq.txt
cmp -s p9_dw.txt p9_sq.txt || fail "P9: the two sides list different members or orders"
a=$(median "${dw_t[@]}"); b=$(median "${sq_t[@]}"); r=$(ratio "$a" "$b")
line P9 "member list ws_0000 -o json on PostgreSQL" "$(ms "$a")" "$(ms "$b")" "$r" "<= 1.0x" "$(holds "$r" 1.0)"

drop large; drop p8_empty
verdict || exit 1
