#!/usr/bin/env bash
#
# standby.sh: schema_guard on a physical hot standby (read-only).
#
# A database with schema_guard, the processing_jobs example, a broken
# function and a function created while check_function_bodies was off (so
# not yet in the reference catalog) is made on the test cluster; a hot
# standby is made from it with pg_basebackup -R (as the postgres user, in a
# temporary directory, on another port) and started.  Once the standby has
# replayed everything, validate(), the report view, dependencies() and
# dependents() must work there and give the same rows as on the primary.
# The standby is stopped and removed at the end.
#
# Uses the PG* environment of the caller (a superuser connection to the
# primary).  Run as root, the server programs run as postgres; run as any
# other user, they run as that user.  Prints TAP.

set -u

db="sg_sb_$$"
# the directory of the server programs (pg_ctl may be a symbolic link elsewhere)
bindir=$(dirname "$(readlink -f "$(command -v pg_ctl 2>/dev/null || echo "$(pg_config --bindir)/pg_ctl")")")
sbdir=$(mktemp -d "/tmp/sg_standby_$$.XXXXXX")
. "$(dirname "$0")/lib/tap.sh"
started=0

as_server_user() {
    if [ "$(id -u)" -eq 0 ]; then
        su postgres -s /bin/sh -c "$1"
    else
        sh -c "$1"
    fi
}

cleanup() {
    if [ "$started" -eq 1 ]; then
        as_server_user "'$bindir/pg_ctl' -D '$sbdir/data' -m immediate -w stop" >/dev/null 2>&1
    fi
    rm -rf "$sbdir"
    dropdb --if-exists "$db" >/dev/null 2>&1
}
trap cleanup EXIT

primary() {
    psql -X -q -At -v ON_ERROR_STOP=1 -d "$db" "$@"
}

standby() {
    psql -X -q -At -v ON_ERROR_STOP=1 -p "$sbport" -d "$db" "$@"
}

# same NAME SQL: SQL gives the same output (and no error) on both servers.
same() {
    local p s ps ss
    p=$(primary -c "$2" 2>&1); ps=$?
    s=$(standby -c "$2" 2>&1); ss=$?
    if [ "$ps" -eq 0 ] && [ "$ss" -eq 0 ] && [ "$p" = "$s" ]; then
        ok 0 "$1"
    else
        ok 1 "$1"
        { echo "primary (status $ps):"; printf '%s\n' "$p"; echo "standby (status $ss):"; printf '%s\n' "$s"; } | diag
    fi
}

echo "1..10"

#
# The primary's database.
#
createdb "$db"
primary >/dev/null <<'SQL'
SET client_min_messages = error;
CREATE EXTENSION schema_guard CASCADE;
CREATE TABLE documents (id serial PRIMARY KEY, title text NOT NULL);
CREATE TABLE processing_jobs (id serial PRIMARY KEY, document_id int NOT NULL,
                              status text NOT NULL);
CREATE FUNCTION trigger_document_processing() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO processing_jobs (document_id, status) VALUES (NEW.id, 'queued');
    RETURN NEW;
END
$$;
CREATE TRIGGER document_processing AFTER INSERT ON documents
    FOR EACH ROW EXECUTE FUNCTION trigger_document_processing();
CREATE VIEW queued_jobs AS
    SELECT id, document_id FROM processing_jobs WHERE status = 'queued';
CREATE FUNCTION queued_count() RETURNS bigint LANGUAGE sql AS $$
    SELECT count(*) FROM queued_jobs
$$;
CREATE FUNCTION mark_done(p_id int) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    UPDATE processing_jobs SET state = 'done' WHERE id = p_id;
END
$$;
SET check_function_bodies = off;
CREATE FUNCTION archive_jobs() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO job_archive SELECT * FROM processing_jobs;
END
$$;
SQL
[ "$(primary -c "SELECT count(*) FROM schema_guard.validate(NULL, 'error')")" -ge 2 ]
ok $? "primary: validate() reports the broken functions"

#
# The standby.
#
sbport=$((PGPORT + 101))
while [ -e "/tmp/.s.PGSQL.$sbport" ] || [ -e "${PGHOST:-/tmp}/.s.PGSQL.$sbport" ]; do
    sbport=$((sbport + 1))
done
[ "$(id -u)" -eq 0 ] && chown postgres "$sbdir"
as_server_user "'$bindir/pg_basebackup' -h '${PGHOST:-/tmp}' -p '$PGPORT' -U '${PGUSER:-postgres}' \
    -D '$sbdir/data' -R -X stream -c fast" >"$sbdir/basebackup.log" 2>&1
status=$?
ok $status "pg_basebackup -R made a standby"
[ "$status" -eq 0 ] || diag <"$sbdir/basebackup.log"

# A hot standby needs these at least as high as on the primary, which may
# have had them from its command line rather than from its files.
limits=$(psql -X -q -At -d postgres -c "SELECT string_agg(format('%s = %s', name, setting), E'\n')
    FROM pg_settings WHERE name IN ('max_connections', 'max_prepared_transactions',
        'max_locks_per_transaction', 'max_worker_processes', 'max_wal_senders')")
as_server_user "cat >>'$sbdir/data/postgresql.auto.conf' <<CONF
port = $sbport
unix_socket_directories = '${PGHOST:-/tmp}'
listen_addresses = ''
hot_standby = on
$limits
CONF"
as_server_user "'$bindir/pg_ctl' -D '$sbdir/data' -l '$sbdir/standby.log' -w -t 60 start" >/dev/null 2>&1
status=$?
[ "$status" -eq 0 ] && started=1
ok $status "the standby started"
[ "$status" -eq 0 ] || diag <"$sbdir/standby.log"

# Wait (a condition, with a limit) until the standby has replayed all the
# primary had written when it was made.
target=$(primary -c "SELECT pg_current_wal_lsn()")
replayed=f
for _ in $(seq 1 300); do
    replayed=$(standby -c "SELECT pg_is_in_recovery() AND
                                  pg_last_wal_replay_lsn() >= '$target'::pg_lsn" 2>/dev/null)
    [ "$replayed" = "t" ] && break
    sleep 0.2
done
[ "$replayed" = "t" ]
ok $? "the standby is in recovery and has replayed up to $target"

#
# The same answers on both.
#
[ "$(standby -c "SELECT count(*) FROM schema_guard.validate(NULL, 'error')" 2>&1)" -ge 2 ] 2>/dev/null
ok $? "standby: validate() runs and reports the broken functions"
same "validate() gives the same rows on the standby" \
    "SELECT * FROM schema_guard.validate()"
same "validate(public, error) gives the same rows on the standby" \
    "SELECT * FROM schema_guard.validate(ARRAY['public'], 'error')"
same "the report view gives the same rows on the standby" \
    "SELECT * FROM schema_guard.report"
same "dependencies() gives the same rows on the standby" \
    "SELECT * FROM schema_guard.dependencies('public.trigger_document_processing()')"
same "dependents() gives the same rows on the standby" \
    "SELECT * FROM schema_guard.dependents('public.processing_jobs'::regclass)"

tap_exit
