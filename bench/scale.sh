#!/usr/bin/env bash
# The scale benchmark (issue 17; quality.md P12-P14): cost follows the work, not the tenant.
#
#   cargo xtask bench --size xl  (or bench/scale.sh)
#
# Builds two catalogs with `apply` from bench/gen_manifest.awk: S (100 workspaces, 10,000
# memberships) and XL (10,000 workspaces, 1,000,000 memberships, 200,000 principals,
# 50,000 data sources, 2,000 resource groups), then:
#   P12  each command about one object on XL: within 1.25x of the same command on S, and
#        within 1.5x of sqlite3 doing the same reads on XL (bench/sql/p12_*.sql);
#   P13  peak memory of the whole-tenant commands on XL: <= 64 MiB each;
#   P14  the apply that builds XL: peak memory <= 4x the manifest's size + 64 MiB, time
#        <= 2x sqlite3 running the same inserts in one transaction.
# It takes a few minutes and several GiB of disk in the work folder, and stays out of CI.
# Environment: BENCH_RUNS (runs per P12 case and side, default 15); BENCH_DIR, BENCH_KEEP
# (bench/common.sh). Exits 1 when a case misses its target.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
runs=${BENCH_RUNS:-15}

source "$root/bench/common.sh"
source "$root/bench/verdict.sh"
[[ -x /usr/bin/time ]] || fail "P13 and P14 need /usr/bin/time (Debian package time)"

# ---- the catalogs ---------------------------------------------------------------------
p1_users=$((2 * runs))
echo "bench: generating the S and XL manifests in $work" >&2
for size in s xl; do
  awk -v p1_users="$p1_users" -v size="$size" -f "$root/bench/gen_manifest.awk" > "$size.toml"
done
rm -f empty.db s.db xl.db xlsql.db
"$dw" --catalog empty.db -q init --account-id 1234567890123456 >/dev/null
cp empty.db s.db
"$dw" --catalog s.db -q apply --file s.toml --yes >/dev/null || fail "apply of the S manifest failed"

# P14 is the apply that builds XL: one run each side (the XL apply takes tens of seconds).
echo "bench: applying the XL manifest (P14)" >&2
cp empty.db xl.db
/usr/bin/time -f '%e %M' -o p14.time "$dw" --catalog xl.db -q apply --file xl.toml --yes >/dev/null 2>p14.err \
  || fail "apply of the XL manifest failed: $(head -c 500 p14.err)"
read -r p14_s p14_kib < p14.time
sqlite3 -cmd "ATTACH 'empty.db' AS empty" xl.db < "$root/bench/sql/p3_make_inserts.sql" > xl_inserts.sql
cp empty.db xlsql.db
timed sqlite3 xlsql.db ".read xl_inserts.sql"
p14_sq_us=$us
[[ $(sqlite3 xl.db "SELECT count(*) FROM member") == $(sqlite3 xlsql.db "SELECT count(*) FROM member") ]] || fail "P14: the two sides differ"
rm -f xlsql.db xl_inserts.sql
for db in s.db xl.db; do
  sqlite3 "$db" "SELECT 'bench: $db: ' || (SELECT count(*) FROM workspace) || ' workspaces, ' || (SELECT count(*) FROM member) || ' memberships, ' || (SELECT count(*) FROM principal) || ' principals, ' || (SELECT count(*) FROM datasource) || ' data sources, ' || (SELECT count(*) FROM audit) || ' audit events'" >&2
done

# The one workspace of P12 (81 members and 5 data sources at both sizes), its export for
# plan/apply, the secrets that export names (the values the manifests gave).
ws=ws_0050
export DWCTL_SECRET_WS__0050_DS__0_PROD_PASSWORD=bench-secret-value
export DWCTL_SECRET_WS__0050_DS__3_DEV_PASSWORD=bench-secret-value
export DWCTL_SECRET_WS__0050_DS__1_DEV_PASSWORD=plain-bench-pw
export DWCTL_SECRET_WS__0050_DS__4_PROD_PASSWORD=plain-bench-pw
for size in s xl; do "$dw" --catalog "$size.db" export "$ws" > "$size.ws.toml"; done
# A user-name prefix that matches 100 principals at both sizes (user names have 5 digits
# at S and 6 at XL).
declare -A prefix=([s]=user_001 [xl]=user_0001) next=([s]=user_002 [xl]=user_0002)

echo "machine: $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p'); sqlite3 $(sqlite3 --version | cut -d' ' -f1)"
line case what dwctl sqlite3 ratio target holds
line ---- -------------------------------------------- ------------ ------------ ------- ---------------------- -----

# ---- P13: the whole tenant, in bounded memory -----------------------------------------
# First, while the audit chain is dwctl's alone (P12's sqlite3 side appends events with
# stand-in hashes, which `audit verify` would rightly refuse).
p13() {
  local id=$1 what=$2 kib
  shift 2
  kib=$(rss "$@")
  line "$id" "peak RSS at XL: $what" "$(mib "$kib")" "-" "-" "<= 64 MiB" "$(holds "$kib" 65536)"
}
p13 P13a "export --all" "$dw" --catalog xl.db export --all
p13 P13b "user list -o json" "$dw" --catalog xl.db user list -o json
p13 P13c "check -o jsonl" "$dw" --catalog xl.db check -o jsonl
p13 P13d "audit verify" "$dw" --catalog xl.db audit verify

# ---- P12: one object ------------------------------------------------------------------
# One case: dwside SIZE (dwctl on s.db or xl.db) and sq (sqlite3 on xl.db), defined by the
# caller, run $runs times each in a rotating order; run $i is in $i. Then the row: dwctl
# on XL beside sqlite3 on XL, and dwctl XL against dwctl S in the text.
case12() {
  local id=$1 what=$2 xl=() s=() sq=() order
  for ((i = 0; i < runs; i++)); do
    case $((i % 3)) in 0) order="s xl sq" ;; 1) order="xl sq s" ;; *) order="sq s xl" ;; esac
    for side in $order; do
      case $side in
        s) dwside s; s+=("$us") ;;
        xl) dwside xl; xl+=("$us") ;;
        sq) sq; sq+=("$us") ;;
      esac
    done
  done
  local a b c r rs ok
  a=$(median "${xl[@]}"); b=$(median "${sq[@]}"); c=$(median "${s[@]}")
  r=$(ratio "$a" "$b"); rs=$(ratio "$a" "$c")
  ok=$(holds "$r" 1.5); [[ $ok == yes ]] && ok=$(holds "$rs" 1.25)
  line "$id" "$what (S $(ms "$c"), XL/S ${rs}x)" "$(ms "$a")" "$(ms "$b")" "$r" "<= 1.5x, XL/S <= 1.25x" "$ok"
}
sqp() { # sqlite3 on xl.db with the parameters @ws, @user, @prefix, @next, @value set
  timed sqlite3 "$@"
}
param() { printf '.parameter set %s %s' "$1" "'$2'"; }

dwside() { timed "$dw" --catalog "$1.db" workspace show "$ws" -o json; }
sq() { sqp -json -cmd "$(param @ws $ws)" xl.db ".read $root/bench/sql/p12_show.sql"; }
case12 P12a "workspace show $ws -o json"

dwside() { timed "$dw" --catalog "$1.db" -q member add "$ws" "$(printf 'p1_user_%03d' $((2 * i)))" --role dev; }
sq() { sqp -cmd "$(param @ws $ws)" -cmd "$(param @user "$(printf 'p1_user_%03d' $((2 * i + 1)))")" xl.db ".read $root/bench/sql/p1_member_add.sql"; }
case12 P12b "member add $ws USER --role dev"

dwside() { timed "$dw" --catalog "$1.db" -q member remove "$ws" "$(printf 'p1_user_%03d' $((2 * i)))" --yes; }
sq() { sqp -cmd "$(param @ws $ws)" -cmd "$(param @user "$(printf 'p1_user_%03d' $((2 * i + 1)))")" xl.db ".read $root/bench/sql/p12_member_remove.sql"; }
case12 P12c "member remove $ws USER --yes"

dwside() { timed "$dw" --catalog "$1.db" member list "$ws" -o json; }
sq() { sqp -json -cmd "$(param @ws $ws)" xl.db ".read $root/bench/sql/p2_member_list.sql"; }
case12 P12d "member list $ws -o json"

dwside() { timed "$dw" --catalog "$1.db" export "$ws"; }
sq() { sqp -cmd "$(param @ws $ws)" xl.db ".read $root/bench/sql/p12_export.sql"; }
case12 P12e "export $ws"

dwside() { timed "$dw" --catalog "$1.db" plan --file "$1.ws.toml"; }
case12 P12f "plan of export $ws (no changes)"

dwside() { timed "$dw" --catalog "$1.db" -q apply --file "$1.ws.toml" --yes; }
case12 P12g "apply of export $ws (no changes)"

dwside() {
  local t0=$EPOCHREALTIME
  DWCTL_CATALOG=$1.db DWCTL_COMPLETE=fish "$dw" -- dwctl member add "$ws" "${prefix[$1]}" > complete.out 2>&1 \
    || fail "completion failed: $(head -c 500 complete.out)"
  local t1=$EPOCHREALTIME
  us=$(( ${t1/./} - ${t0/./} ))
  [[ -s complete.out ]] || fail "completion of ${prefix[$1]} offered nothing"
}
sq() { sqp -cmd "$(param @ws $ws)" -cmd "$(param @prefix "${prefix[xl]}")" -cmd "$(param @next "${next[xl]}")" xl.db ".read $root/bench/sql/p12_complete.sql"; }
case12 P12h "completion of member add $ws user_0..."

dwside() { timed "$dw" --catalog "$1.db" audit list --workspace "$ws" --limit 100 -o json; }
sq() { sqp -json -cmd "$(param @ws $ws)" xl.db ".read $root/bench/sql/p12_audit.sql"; }
case12 P12i "audit list --workspace $ws --limit 100"

dwside() { timed "$dw" --catalog "$1.db" workspace list --tag serial=w50 -o json; }
sq() { sqp -json -cmd "$(param @value w50)" xl.db ".read $root/bench/sql/p12_tag.sql"; }
case12 P12j "workspace list --tag serial=w50 -o json"

# ---- P14: the apply that built XL -----------------------------------------------------
size_kib=$(( $(stat -c %s xl.toml) / 1024 ))
r=$(ratio "${p14_s}" "$(awk -v u="$p14_sq_us" 'BEGIN { print u / 1e6 }')")
line P14a "apply of the XL manifest, empty catalog" "${p14_s} s" "$(awk -v u="$p14_sq_us" 'BEGIN { printf "%.2f s", u / 1e6 }')" "$r" "<= 2x" "$(holds "$r" 2.0)"
line P14b "peak RSS of that apply ($(mib "$size_kib") manifest)" "$(mib "$p14_kib")" "-" "-" "<= 4x manifest + 64 MiB" "$(holds "$p14_kib" $((4 * size_kib + 65536)))"

verdict || exit 1
