#!/usr/bin/env bash
#
# scripts/setup.sh: the set-up run-demo.sh and run-tests.sh share.
#
#   sg_install_packages   PostgreSQL 15, its server headers, pgTAP, pg_prove,
#                         pg_partman and plpgsql_check, a C compiler and make
#   sg_build              build schema_guard and install it into PostgreSQL
#   sg_start_cluster      a throwaway cluster, removed when the script exits
#
# Everything is idempotent and runs as root (the cluster itself runs as the
# postgres user, which the postmaster requires).

set -euo pipefail

SG_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SG_PG_VERSION=15
SG_PG_BIN=/usr/lib/postgresql/$SG_PG_VERSION/bin
SG_PACKAGES="postgresql-$SG_PG_VERSION postgresql-server-dev-$SG_PG_VERSION
    postgresql-$SG_PG_VERSION-pgtap libtap-parser-sourcehandler-pgtap-perl
    postgresql-$SG_PG_VERSION-partman postgresql-$SG_PG_VERSION-plpgsql-check
    gcc make"

sg_log() { printf '==> %s\n' "$*" >&2; }

# Re-run the calling script as root if needed.
sg_require_root() {
    if [ "$(id -u)" -ne 0 ]; then
        exec sudo -E "$0" "$@"
    fi
}

sg_install_packages() {
    local missing="" p
    for p in $SG_PACKAGES; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
            missing="$missing $p"
    done
    [ -z "$missing" ] && return 0
    sg_log "installing:$missing"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    if ! apt-cache show "postgresql-$SG_PG_VERSION" >/dev/null 2>&1; then
        # Ubuntu releases without PostgreSQL 15: use the PGDG repository,
        # as postgresql-common sets it up.
        apt-get install -y -qq postgresql-common >/dev/null
        /usr/share/postgresql-common/pgdg/apt.postgresql.org.sh -y >/dev/null
        apt-get update -qq
    fi
    # shellcheck disable=SC2086
    apt-get install -y -qq --no-install-recommends $missing >/dev/null
}

sg_build() {
    sg_log "building and installing schema_guard"
    export PATH="$SG_PG_BIN:$PATH"
    make -s -C "$SG_ROOT" PG_CONFIG="$SG_PG_BIN/pg_config" all
    make -s -C "$SG_ROOT" PG_CONFIG="$SG_PG_BIN/pg_config" install >/dev/null
    # the two-version extension the tests create and upgrade
    install -m 644 "$SG_ROOT"/test/extension/sg_test_ext* \
        "$("$SG_PG_BIN/pg_config" --sharedir)/extension/"
}

# Start a scratch cluster on a free port; export PGHOST, PGPORT, PGUSER.
sg_start_cluster() {
    SG_CLUSTER=$(mktemp -d /tmp/schema_guard_cluster.XXXXXX)
    chown postgres "$SG_CLUSTER"
    local port=${SG_PORT:-54329}
    while su postgres -s /bin/sh -c "$SG_PG_BIN/pg_isready -q -h /tmp -p $port" 2>/dev/null ||
          [ -e "/tmp/.s.PGSQL.$port" ]; do
        port=$((port + 1))
    done
    sg_log "starting a scratch cluster on port $port"
    su postgres -s /bin/sh -c "$SG_PG_BIN/initdb -D $SG_CLUSTER/data -A trust \
        -E UTF8 --locale=C.UTF-8 --lc-messages=C >/dev/null"
    cat >>"$SG_CLUSTER/data/postgresql.conf" <<CONF
port = $port
unix_socket_directories = '/tmp'
listen_addresses = ''
max_prepared_transactions = 10
fsync = off
CONF
    su postgres -s /bin/sh -c "$SG_PG_BIN/pg_ctl -D $SG_CLUSTER/data -l $SG_CLUSTER/log -w start >/dev/null"
    trap sg_stop_cluster EXIT
    export PGHOST=/tmp PGPORT=$port PGUSER=postgres PATH="$SG_PG_BIN:$PATH"
}

sg_stop_cluster() {
    if [ -n "${SG_CLUSTER:-}" ] && [ -d "$SG_CLUSTER/data" ]; then
        su postgres -s /bin/sh -c "$SG_PG_BIN/pg_ctl -D $SG_CLUSTER/data -m fast stop >/dev/null" || true
        rm -rf "$SG_CLUSTER"
    fi
}
