#!/usr/bin/env bash
#
# scripts/dev-cluster.sh: a persistent development cluster, for working on
# schema_guard by hand (the test command makes its own throwaway cluster).
#
#   scripts/dev-cluster.sh start PORT    initdb if needed, then start
#   scripts/dev-cluster.sh stop PORT
#   scripts/dev-cluster.sh env PORT      print the PG* exports to eval
#
# Data lives in /tmp/schema_guard_dev_PORT.  Run as root.
set -euo pipefail
cmd=${1:?usage: $0 start|stop|env PORT}
port=${2:?usage: $0 start|stop|env PORT}
bin=/usr/lib/postgresql/15/bin
dir=/tmp/schema_guard_dev_$port
case $cmd in
start)
    if [ ! -d "$dir/data" ]; then
        mkdir -p "$dir" && chown postgres "$dir"
        su postgres -s /bin/sh -c "$bin/initdb -D $dir/data -A trust -E UTF8 --locale=C.UTF-8 --lc-messages=C >/dev/null"
        printf "port = %s\nunix_socket_directories = '/tmp'\nlisten_addresses = ''\nmax_prepared_transactions = 10\nfsync = off\n" \
            "$port" >>"$dir/data/postgresql.conf"
    fi
    su postgres -s /bin/sh -c "$bin/pg_ctl -D $dir/data -l $dir/log -w start >/dev/null"
    ;;
stop)
    su postgres -s /bin/sh -c "$bin/pg_ctl -D $dir/data -m fast stop >/dev/null"
    ;;
env)
    echo "export PGHOST=/tmp PGPORT=$port PGUSER=postgres PATH=$bin:\$PATH"
    ;;
esac
