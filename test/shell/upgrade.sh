#!/usr/bin/env bash
#
# upgrade.sh: pg_upgrade of a cluster with a database that uses
# schema_guard.
#
# pg_upgrade refuses clusters whose user tables (extensions' tables
# included) have columns of the reg* types whose OIDs it does not keep,
# regprocedure among them; schema_guard's tables have none.  Function OIDs
# change, so the reference catalog is rebuilt in the new cluster; the
# search_path each function was created with is kept in
# schema_guard.creation_path by function identity, so the functions
# resolve there as in the old cluster.
#
# Two temporary clusters of the installed PostgreSQL (in a temporary
# directory, on other ports) are made with initdb, the old one gets a
# database whose functions were created in a session with search_path =
# app, public, and pg_upgrade moves it to the new one.  Both are removed at
# the end.  Run as root, the server programs run as postgres; run as any
# other user, they run as that user.  Prints TAP.

set -u

bindir=$(dirname "$(readlink -f "$(command -v pg_ctl 2>/dev/null || echo "$(pg_config --bindir)/pg_ctl")")")
dir=$(mktemp -d "/tmp/sg_upgrade_$$.XXXXXX")
. "$(dirname "$0")/lib/tap.sh"
running=""

as_server_user() {
    if [ "$(id -u)" -eq 0 ]; then
        su postgres -s /bin/sh -c "cd '$dir' && $1"
    else
        sh -c "cd '$dir' && $1"
    fi
}

cleanup() {
    if [ -n "$running" ]; then
        as_server_user "'$bindir/pg_ctl' -D '$dir/$running' -m immediate -w stop" >/dev/null 2>&1
    fi
    rm -rf "$dir"
}
trap cleanup EXIT

free_port() {
    local port=$1
    while [ -e "/tmp/.s.PGSQL.$port" ] || [ -e "${PGHOST:-/tmp}/.s.PGSQL.$port" ]; do
        port=$((port + 1))
    done
    echo "$port"
}
oldport=$(free_port $((PGPORT + 201)))
newport=$(free_port $((oldport + 1)))

start() {
    as_server_user "'$bindir/pg_ctl' -D '$dir/$1' -o '-p $2 -k $dir' -l '$dir/$1.log' -w start" >/dev/null &&
        running=$1
}

stop() {
    as_server_user "'$bindir/pg_ctl' -D '$dir/$1' -w stop" >/dev/null && running=""
}

# q PORT SQL: run SQL in database "app" of the cluster on PORT.
q() {
    psql -X -q -At -v ON_ERROR_STOP=1 -h "$dir" -p "$1" -U postgres -d app -c "$2"
}

echo "1..8"

[ "$(id -u)" -eq 0 ] && chown postgres "$dir"
for c in old new; do
    as_server_user "'$bindir/initdb' -D '$dir/$c' -U postgres -A trust -E UTF8 \
        --locale=C.UTF-8 --lc-messages=C" >"$dir/initdb_$c.log" 2>&1 || diag <"$dir/initdb_$c.log"
done

start old "$oldport"
psql -X -q -h "$dir" -p "$oldport" -U postgres -d postgres -c 'CREATE DATABASE app'
q "$oldport" "SET client_min_messages = warning;
              CREATE EXTENSION schema_guard;
              CREATE SCHEMA app;
              CREATE TABLE app.docs (id int, title text);
              CREATE VIEW app.v AS SELECT id, title FROM app.docs;
              SET search_path = app, public;
              CREATE FUNCTION app.cnt() RETURNS bigint LANGUAGE plpgsql
                  AS \$\$ BEGIN RETURN (SELECT count(*) FROM v); END \$\$;
              RESET search_path;" >/dev/null
[ "$(q "$oldport" "SELECT count(*) FROM schema_guard.validate(ARRAY['app'])")" = "0" ]
ok $? "old cluster: validate() reports nothing for app"
stop old

as_server_user "'$bindir/pg_upgrade' -b '$bindir' -B '$bindir' -d '$dir/old' -D '$dir/new' \
    -p $oldport -P $newport -U postgres -s '$dir'" >"$dir/upgrade.log" 2>&1
status=$?
ok $status "pg_upgrade succeeds"
[ "$status" -eq 0 ] || diag <"$dir/upgrade.log"
grep -q 'Checking for reg\* data types in user tables *ok' "$dir/upgrade.log"
ok $? "pg_upgrade finds no reg* column that it cannot keep"

start new "$newport"
[ "$(q "$newport" "SELECT function || ' ' || session_path FROM schema_guard.creation_path")" = "app.cnt() app, public" ]
ok $? "new cluster: creation_path is the old cluster's"
out=$(q "$newport" "SELECT severity || ' ' || object_name || ': ' || message
                      FROM schema_guard.validate(ARRAY['app'])" 2>&1)
[ -z "$out" ]
ok $? "new cluster: validate() reports nothing for app"
[ -z "$out" ] || printf '%s\n' "$out" | diag
out=$(psql -X -q -h "$dir" -p "$newport" -U postgres -d app -v VERBOSITY=verbose \
    -c 'DROP VIEW app.v' 2>&1)
printf '%s\n' "$out" | grep -q 'ERROR:  2BP01'
ok $? "new cluster: DROP VIEW app.v is refused with 2BP01"
q "$newport" "SELECT schema_guard.rebuild()" >/dev/null
[ "$(q "$newport" "SELECT fn::regprocedure || ' ' || session_path FROM schema_guard.analysis")" = "app.cnt() app, public" ]
ok $? "new cluster: the rebuilt catalog analysed app.cnt() with its creating session's path"
out=$(psql -X -q -h "$dir" -p "$newport" -U postgres -d app -v VERBOSITY=verbose \
    -c 'DROP VIEW app.v' 2>&1)
printf '%s\n' "$out" | grep -q 'ERROR:  2BP01'
ok $? "new cluster, rebuilt catalog: DROP VIEW app.v is refused with 2BP01"
stop new

tap_exit
