#!/bin/sh
# P8's baseline (issue 13): psql loading, with COPY in one transaction, the rows of a
# PostgreSQL catalog that `dwctl apply` of the large manifest filled, into an empty schema
# made by the same migrations. Prints the seconds psql took (its start-up included).
#   bench/pg_copy_baseline.sh 'postgres://USER@HOST:PORT/DB' FILLED_SCHEMA
# The schema FILLED_SCHEMA_copy is made and dropped.
set -eu
url=$1
src=$2
dst="${src}_copy"
here=$(cd "$(dirname "$0")" && pwd)
dir=$(mktemp -d)
trap 'rm -rf "$dir"; psql "$url" -qc "DROP SCHEMA IF EXISTS $dst CASCADE" >/dev/null 2>&1 || true' EXIT
tables="principal resource_group workspace workspace_tag member binding compute datasource audit tenant dwctl_meta"
for t in $tables; do
    psql "$url" -qAtc "\\copy $src.$t TO '$dir/$t'"
done
{
    echo "CREATE SCHEMA $dst; SET search_path = $dst;"
    cat "$here"/../src/storage/postgres/migrations/*.sql
    echo "TRUNCATE dwctl_meta;"
} > "$dir/schema.sql"
psql "$url" -q -v ON_ERROR_STOP=1 -f "$dir/schema.sql" >/dev/null
{
    echo "SET search_path = $dst;"
    for t in $tables; do printf '%s\n' "\copy $t FROM '$dir/$t'"; done
} > "$dir/load.sql"
start=$(date +%s.%N)
psql "$url" -q -1 -v ON_ERROR_STOP=1 -f "$dir/load.sql" >/dev/null
end=$(date +%s.%N)
echo "$end - $start" | bc
