# A throwaway PostgreSQL cluster, for .ci/run and bench/run.sh. Source this file, then:
#
#   pg_cluster_start     # sets PG_BIN, PG_DIR, PG_PORT, PG_URL, PG_SSLROOTCERT; installs the
#                        # EXIT/INT/TERM trap
#   ...                  # PG_URL = postgresql://postgres@127.0.0.1:PORT/dwctl (trust, loopback)
#   pg_cluster_stop      # also run by the trap on every exit path
#
# TLS: the server also accepts TLS (ssl=on; plain connections as before), with a
# certificate for localhost and 127.0.0.1 signed by a throwaway CA made here with openssl
# (installed from Debian's packages when missing); PG_SSLROOTCERT is that CA's file, for
# `sslmode=verify-full&sslrootcert=...`. It listens on 127.0.0.2 too (the same loopback
# interface), an address the certificate does not name: a verify-full connection there
# must fail.
#
# Works as root with no stdin (CI=true): when no `initdb` is found (PATH, then
# /usr/lib/postgresql/*/bin), Debian's `postgresql` is installed non-interactively, without
# its `main` cluster (no server is left behind). initdb and pg_ctl run as the `postgres`
# user when we are root (PostgreSQL refuses to run as root). The cluster lives in a temp
# dir, listens on 127.0.0.1 on a free port and on a socket in its own dir, with fsync off;
# it is stopped and its dir removed when the calling script exits, however it exits.
# The caller's own EXIT trap, if any, must call pg_cluster_stop (this file sets the traps).

PG_DIR=""
PG_PORT=""
PG_URL=""
PG_BIN=""
PG_SSLROOTCERT=""

# The directory holding initdb/pg_ctl/psql, or nothing.
pg_find_bin() {
    local d
    if command -v initdb >/dev/null 2>&1; then
        d=$(dirname "$(readlink -f "$(command -v initdb)")")
        if [ -x "$d/pg_ctl" ]; then
            echo "$d"
            return
        fi
    fi
    # The newest version installed by Debian's packages.
    for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -t/ -k4 -n -r); do
        if [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ]; then
            echo "$d"
            return
        fi
    done
}

pg_install() {
    echo "pg-cluster: no initdb found; installing Debian's postgresql" >&2
    if [ "$(id -u)" != 0 ]; then
        echo "pg-cluster: not root: install PostgreSQL (initdb, pg_ctl, psql) first" >&2
        return 1
    fi
    # No `main` cluster: documented by postgresql-common (createcluster.conf, read when the
    # server package is configured); --force-confold keeps this file over the package's.
    mkdir -p /etc/postgresql-common
    if [ ! -e /etc/postgresql-common/createcluster.conf ]; then
        echo "create_main_cluster = false" >/etc/postgresql-common/createcluster.conf
    fi
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq </dev/null
    apt-get install -y -qq -o Dpkg::Options::=--force-confold postgresql </dev/null >/dev/null
}

# Run a PostgreSQL program as the cluster's owner.
pg_as_owner() {
    if [ "$(id -u)" = 0 ]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

pg_free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# A throwaway CA and a server certificate for localhost and 127.0.0.1 in DIR (ca.crt,
# server.crt, server.key; the key readable by the postgres user only). ECDSA P-256 keys,
# valid for two days.
pg_make_certs() {
    local dir=$1
    if ! command -v openssl >/dev/null 2>&1; then
        echo "pg-cluster: no openssl found; installing Debian's openssl" >&2
        if [ "$(id -u)" != 0 ]; then
            echo "pg-cluster: not root: install openssl first" >&2
            return 1
        fi
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq </dev/null
        apt-get install -y -qq openssl </dev/null >/dev/null
    fi
    mkdir -p "$dir"
    (
        set -e
        cd "$dir"
        key="-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes"
        # shellcheck disable=SC2086 # $key is several words
        openssl req -x509 $key -days 2 -subj "/CN=dwctl test CA" \
            -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
            -keyout ca.key -out ca.crt
        # shellcheck disable=SC2086
        openssl req $key -subj "/CN=localhost" -keyout server.key -out server.csr
        printf '%s\n' "subjectAltName=DNS:localhost,IP:127.0.0.1" "basicConstraints=critical,CA:FALSE" \
            "keyUsage=critical,digitalSignature" "extendedKeyUsage=serverAuth" >server.ext
        openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 2 \
            -extfile server.ext -out server.crt
        rm -f ca.key server.csr server.ext ca.srl
        chmod 600 server.key
        if [ "$(id -u)" = 0 ]; then
            chown postgres: server.key server.crt
        fi
    ) >"$dir/openssl.log" 2>&1 || {
        cat "$dir/openssl.log" >&2
        return 1
    }
}

pg_cluster_stop() {
    if [ -n "$PG_DIR" ] && [ -d "$PG_DIR" ]; then
        if [ -f "$PG_DIR/data/postmaster.pid" ]; then
            pg_as_owner "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m immediate -w -t 30 stop >/dev/null 2>&1 || true
        fi
        rm -rf "$PG_DIR"
    fi
    PG_DIR=""
}

pg_cluster_start() {
    PG_BIN=$(pg_find_bin)
    if [ -z "$PG_BIN" ]; then
        pg_install || return 1
        PG_BIN=$(pg_find_bin)
        if [ -z "$PG_BIN" ]; then
            echo "pg-cluster: PostgreSQL was installed but no initdb was found" >&2
            return 1
        fi
    fi
    trap 'pg_cluster_stop' EXIT
    trap 'pg_cluster_stop; trap - INT; kill -INT $$' INT
    trap 'pg_cluster_stop; trap - TERM; kill -TERM $$' TERM
    PG_DIR=$(mktemp -d "${TMPDIR:-/tmp}/dwctl-pg.XXXXXX")
    chmod 755 "$PG_DIR"
    mkdir "$PG_DIR/data" "$PG_DIR/run"
    if [ "$(id -u)" = 0 ]; then
        chown postgres: "$PG_DIR/data" "$PG_DIR/run"
    fi
    pg_make_certs "$PG_DIR/tls" || return 1
    PG_SSLROOTCERT="$PG_DIR/tls/ca.crt"
    pg_as_owner "$PG_BIN/initdb" -D "$PG_DIR/data" -A trust -U postgres -E UTF8 --locale=C.UTF-8 \
        --no-sync >"$PG_DIR/initdb.log" 2>&1 || {
        cat "$PG_DIR/initdb.log" >&2
        return 1
    }
    # A free port can be taken between finding it and binding it: try a few.
    local try
    for try in 1 2 3 4 5; do
        PG_PORT=$(pg_free_port)
        if pg_as_owner "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/run/server.log" -w -t 60 \
            -o "-c listen_addresses=127.0.0.1,127.0.0.2 -p $PG_PORT -c unix_socket_directories=$PG_DIR/run \
                -c ssl=on -c ssl_cert_file=$PG_DIR/tls/server.crt -c ssl_key_file=$PG_DIR/tls/server.key \
                -c fsync=off -c synchronous_commit=off -c full_page_writes=off \
                -c max_connections=300 -c shared_buffers=64MB" start >/dev/null; then
            break
        fi
        if [ "$try" = 5 ]; then
            cat "$PG_DIR/run/server.log" >&2
            return 1
        fi
    done
    "$PG_BIN/psql" -q -X -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres \
        -c "CREATE DATABASE dwctl" </dev/null || return 1
    PG_URL="postgresql://postgres@127.0.0.1:$PG_PORT/dwctl"
    echo "pg-cluster: PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}') at $PG_URL (data in $PG_DIR)" >&2
}
