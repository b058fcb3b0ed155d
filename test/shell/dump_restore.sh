#!/usr/bin/env bash
#
# dump_restore.sh: pg_dump and pg_restore of a database that uses
# schema_guard, in plain and custom format, into
#   1. a fresh database (plain through psql, custom through pg_restore);
#   2. a database that already has the schema (custom with --clean
#      --if-exists, and a plain dump made with --clean --if-exists);
#   3. databases without schema_guard, from dumps that do not include it
#      (pg_dump -n public of the guarded database; a database where
#      schema_guard was never installed);
#   4. a database where schema_guard is installed before an application
#      dump without it is restored;
#   5. fresh databases, from a database whose functions were created in a
#      session with search_path = app, public and use app's objects
#      unqualified (plain, custom, custom with -j 2, --clean --if-exists
#      into an existing copy, and a restore whose functions are analysed by
#      another session before the data section is loaded): the dump
#      carries schema_guard.creation_path, so the restored functions
#      resolve as in the source.  A --schema-only dump does not carry it;
#      a data-only dump of that table brings it.
# Every restore must finish without errors and without WARNINGs.  After
# each restore with schema_guard, the guard is active (DROP TABLE
# processing_jobs is refused with SQLSTATE 2BP01), the reference catalog
# catches up with the restored functions, and validate() reports no
# errors.
#
# Uses the PG* environment of the caller (a superuser connection); creates
# databases named sg_dr_<pid>_* and removes them at the end.  Prints TAP.

set -u

prefix="sg_dr_$$"
workdir=$(mktemp -d "/tmp/${prefix}.XXXXXX")
. "$(dirname "$0")/lib/tap.sh"

cleanup() {
    local db
    for db in $(psql -X -At -d postgres -c \
        "SELECT datname FROM pg_database WHERE datname LIKE '${prefix}\_%'" 2>/dev/null); do
        dropdb --if-exists "$db" >/dev/null 2>&1
    done
    rm -rf "$workdir"
}
trap cleanup EXIT

# sql DB SQL: run SQL, print unaligned tuples; stderr to stderr.
sql() {
    psql -X -q -At -v ON_ERROR_STOP=1 -d "$1" -c "$2"
}

# The application: a table, a trigger function inserting into a second
# table, a view, and a SQL function reading the view.
app_sql='
CREATE TABLE documents (id serial PRIMARY KEY, title text NOT NULL);
CREATE TABLE processing_jobs (id serial PRIMARY KEY, document_id int NOT NULL,
                              status text NOT NULL);
CREATE FUNCTION trigger_document_processing() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO processing_jobs (document_id, status) VALUES (NEW.id, '"'queued'"');
    RETURN NEW;
END
$$;
CREATE TRIGGER document_processing AFTER INSERT ON documents
    FOR EACH ROW EXECUTE FUNCTION trigger_document_processing();
CREATE VIEW queued_jobs AS
    SELECT id, document_id FROM processing_jobs WHERE status = '"'queued'"';
CREATE FUNCTION queued_count() RETURNS bigint LANGUAGE sql AS $$
    SELECT count(*) FROM queued_jobs
$$;
INSERT INTO documents (title) VALUES ('"'first'"'), ('"'second'"');
'

# restore_clean NAME STATUS OUTPUT_FILE: the restore succeeded and said
# nothing about errors or warnings.
restore_clean() {
    local name=$1 status=$2 out=$3
    if [ "$status" -ne 0 ] || grep -Eq 'ERROR|error:|WARNING|warning:' "$out"; then
        ok 1 "$name: no errors or warnings"
        diag <"$out"
    else
        ok 0 "$name: no errors or warnings"
    fi
}

# app_works NAME DB: the restored application still runs.
app_works() {
    local got
    got=$(sql "$2" "INSERT INTO documents (title) VALUES ('third');
                    SELECT queued_count();" 2>&1)
    [ "$got" = "3" ]
    ok $? "$1: the restored application works (queued_count() = $got, want 3)"
}

# guard_active NAME DB: DROP TABLE processing_jobs is refused with 2BP01,
# the catalog catches up after the next DDL, validate() finds no errors.
guard_active() {
    local name=$1 db=$2 out status
    out=$(psql -X -q -d "$db" -v ON_ERROR_STOP=1 -v VERBOSITY=verbose \
        -c 'DROP TABLE public.processing_jobs' 2>&1)
    status=$?
    if [ "$status" -ne 0 ] && printf '%s\n' "$out" | grep -q 'ERROR:  2BP01'; then
        ok 0 "$name: DROP TABLE processing_jobs is refused with 2BP01"
    else
        ok 1 "$name: DROP TABLE processing_jobs is refused with 2BP01"
        printf '%s\n' "$out" | diag
    fi
    [ "$(sql "$db" "SELECT to_regclass('public.processing_jobs') IS NOT NULL")" = "t" ]
    ok $? "$name: processing_jobs is still there"

    out=$(sql "$db" "CREATE TABLE public.sg_dr_probe (); DROP TABLE public.sg_dr_probe;
                     SELECT count(*) FROM schema_guard.pending_analysis;
                     SELECT string_agg(DISTINCT function, ', ')
                       FROM schema_guard.dependents('public.processing_jobs'::regclass);" 2>&1)
    [ "$out" = "0
public.trigger_document_processing()" ]
    ok $? "$name: after the next DDL the catalog has caught up (dependents(processing_jobs))"
    [ "$out" = "0
public.trigger_document_processing()" ] || printf '%s\n' "$out" | diag

    out=$(sql "$db" "SELECT count(*) FROM schema_guard.validate(NULL, 'error')" 2>&1)
    [ "$out" = "0" ]
    ok $? "$name: validate() reports no errors"
    [ "$out" = "0" ] || sql "$db" "SELECT * FROM schema_guard.validate(NULL, 'error')" 2>&1 | diag
}

# has_no_guard NAME DB
has_no_guard() {
    [ "$(sql "$2" "SELECT count(*) FROM pg_extension WHERE extname = 'schema_guard'")" = "0" ]
    ok $? "$1: schema_guard is not installed"
}

# The second application: its functions are created from a session whose
# search_path is app, public, and name app's view and table unqualified.
app_path_sql='
CREATE SCHEMA app;
CREATE TABLE app.docs (id int, title text);
CREATE VIEW app.v AS SELECT id, title FROM app.docs;
SET search_path = app, public;
CREATE FUNCTION app.cnt() RETURNS bigint LANGUAGE plpgsql
    AS $$ BEGIN RETURN (SELECT count(*) FROM v); END $$;
CREATE FUNCTION app.titles(d docs) RETURNS SETOF text LANGUAGE sql
    AS $$ SELECT title FROM docs WHERE id = d.id $$;
RESET search_path;
'

# same_resolution NAME DB: in DB, from a session with the default
# search_path, validate() reports nothing for app, DROP VIEW app.v is
# refused with 2BP01 as in the source, and creation_path equals the
# source's.
same_resolution() {
    local name=$1 db=$2 out status
    out=$(sql "$db" "SELECT severity || ' ' || object_name || ': ' || message
                       FROM schema_guard.validate(ARRAY['app'])" 2>&1)
    [ -z "$out" ]
    ok $? "$name: validate() reports nothing for app, as in the source"
    [ -z "$out" ] || printf '%s\n' "$out" | diag
    out=$(psql -X -q -d "$db" -v ON_ERROR_STOP=1 -v VERBOSITY=verbose \
        -c 'DROP VIEW app.v' 2>&1)
    status=$?
    if [ "$status" -ne 0 ] && printf '%s\n' "$out" | grep -q 'ERROR:  2BP01'; then
        ok 0 "$name: DROP VIEW app.v is refused with 2BP01, as in the source"
    else
        ok 1 "$name: DROP VIEW app.v is refused with 2BP01, as in the source"
        printf '%s\n' "$out" | diag
    fi
    out=$(sql "$db" "SELECT string_agg(function || ' ' || session_path, '; ' ORDER BY function)
                       FROM schema_guard.creation_path" 2>&1)
    [ "$out" = "$src_paths" ]
    ok $? "$name: creation_path is the source's"
    [ "$out" = "$src_paths" ] || printf 'got: %s\nwant: %s\n' "$out" "$src_paths" | diag
}

echo "1..74"

#
# The source databases.
#
createdb "${prefix}_src"
sql "${prefix}_src" "SET client_min_messages = warning;
                     CREATE EXTENSION schema_guard CASCADE; $app_sql" >/dev/null
createdb "${prefix}_noguard_src"
sql "${prefix}_noguard_src" "$app_sql" >/dev/null

pg_dump -d "${prefix}_src" -Fp -f "$workdir/plain.sql"
pg_dump -d "${prefix}_src" -Fc -f "$workdir/custom.dump"
pg_dump -d "${prefix}_src" -Fp --clean --if-exists -f "$workdir/plain_clean.sql"
pg_dump -d "${prefix}_src" -Fc -n public -f "$workdir/public_only.dump"
pg_dump -d "${prefix}_noguard_src" -Fc -f "$workdir/noguard.dump"
pg_dump -d "${prefix}_noguard_src" -Fp -f "$workdir/noguard.sql"
grep -q 'CREATE EXTENSION IF NOT EXISTS schema_guard' "$workdir/plain.sql"
ok $? "the dump of the guarded database includes CREATE EXTENSION schema_guard"
! pg_restore -l "$workdir/public_only.dump" | grep -q 'EXTENSION.*schema_guard'
ok $? "the -n public dump does not include schema_guard"

#
# 1. Fresh databases.
#
db="${prefix}_plain"
createdb "$db"
psql -X -q -d "$db" -f "$workdir/plain.sql" >"$workdir/out" 2>&1
restore_clean "plain dump, psql, fresh database" $? "$workdir/out"
app_works "plain dump, psql, fresh database" "$db"
guard_active "plain dump, psql, fresh database" "$db"

db="${prefix}_custom"
createdb "$db"
pg_restore -d "$db" "$workdir/custom.dump" >"$workdir/out" 2>&1
restore_clean "custom dump, pg_restore, fresh database" $? "$workdir/out"
app_works "custom dump, pg_restore, fresh database" "$db"
guard_active "custom dump, pg_restore, fresh database" "$db"

#
# 2. Databases that already have the schema (restored from the same dump).
#
db="${prefix}_custom_clean"
createdb "$db"
pg_restore -d "$db" "$workdir/custom.dump" >/dev/null 2>&1
pg_restore --clean --if-exists -d "$db" "$workdir/custom.dump" >"$workdir/out" 2>&1
restore_clean "custom dump, pg_restore --clean --if-exists, existing schema" $? "$workdir/out"
app_works "custom dump, pg_restore --clean --if-exists, existing schema" "$db"
guard_active "custom dump, pg_restore --clean --if-exists, existing schema" "$db"

db="${prefix}_plain_clean"
createdb "$db"
psql -X -q -d "$db" -f "$workdir/plain.sql" >/dev/null 2>&1
psql -X -q -d "$db" -f "$workdir/plain_clean.sql" >"$workdir/out" 2>&1
restore_clean "plain dump --clean --if-exists, psql, existing schema" $? "$workdir/out"
app_works "plain dump --clean --if-exists, psql, existing schema" "$db"
guard_active "plain dump --clean --if-exists, psql, existing schema" "$db"

#
# 3. Databases without schema_guard, from dumps without it.
#
db="${prefix}_public_only"
createdb "$db"
# A -n public dump creates schema public itself.
sql "$db" "DROP SCHEMA public" >/dev/null
pg_restore -d "$db" "$workdir/public_only.dump" >"$workdir/out" 2>&1
restore_clean "pg_dump -n public of the guarded database, fresh database" $? "$workdir/out"
app_works "pg_dump -n public of the guarded database, fresh database" "$db"
has_no_guard "pg_dump -n public of the guarded database, fresh database" "$db"

db="${prefix}_noguard"
createdb "$db"
pg_restore -d "$db" "$workdir/noguard.dump" >"$workdir/out" 2>&1
restore_clean "database that never had schema_guard, fresh database" $? "$workdir/out"
app_works "database that never had schema_guard, fresh database" "$db"
has_no_guard "database that never had schema_guard, fresh database" "$db"

#
# 4. schema_guard installed first, then an application dump without it
#    (pg_restore creates the functions before the tables they use).
#
db="${prefix}_guard_first"
createdb "$db"
sql "$db" "SET client_min_messages = warning; CREATE EXTENSION schema_guard" >/dev/null
psql -X -q -d "$db" -f "$workdir/noguard.sql" >"$workdir/out" 2>&1
restore_clean "schema_guard installed first, plain dump without it" $? "$workdir/out"
app_works "schema_guard installed first, plain dump without it" "$db"
guard_active "schema_guard installed first, plain dump without it" "$db"

#
# 5. The creating session's search_path survives dump and restore.
#
createdb "${prefix}_path_src"
sql "${prefix}_path_src" "SET client_min_messages = warning;
                          CREATE EXTENSION schema_guard CASCADE; $app_path_sql" >/dev/null
src_paths=$(sql "${prefix}_path_src" "SELECT string_agg(function || ' ' || session_path, '; ' ORDER BY function)
                                        FROM schema_guard.creation_path")
[ "$src_paths" = "app.cnt() app, public; app.titles(app.docs) app, public" ]
ok $? "source: creation_path records the creating session's path ($src_paths)"
same_resolution "source" "${prefix}_path_src"

pg_dump -d "${prefix}_path_src" -Fp -f "$workdir/path_plain.sql"
pg_dump -d "${prefix}_path_src" -Fc -f "$workdir/path_custom.dump"
pg_dump -d "${prefix}_path_src" -Fp --clean --if-exists -f "$workdir/path_clean.sql"
pg_dump -d "${prefix}_path_src" -Fp --schema-only -f "$workdir/path_schema.sql"
pg_dump -d "${prefix}_path_src" -Fp --data-only -t schema_guard.creation_path \
    -f "$workdir/path_paths.sql"
grep -q "^app.cnt()	app, public$" "$workdir/path_plain.sql"
ok $? "the dump carries the row of app.cnt() by identity, not OID"

db="${prefix}_path_plain"
createdb "$db"
psql -X -q -d "$db" -f "$workdir/path_plain.sql" >"$workdir/out" 2>&1
restore_clean "search_path of creation, plain dump, psql" $? "$workdir/out"
same_resolution "search_path of creation, plain dump, psql" "$db"

db="${prefix}_path_custom"
createdb "$db"
pg_restore -d "$db" "$workdir/path_custom.dump" >"$workdir/out" 2>&1
restore_clean "search_path of creation, custom dump, pg_restore" $? "$workdir/out"
same_resolution "search_path of creation, custom dump, pg_restore" "$db"

db="${prefix}_path_jobs"
createdb "$db"
pg_restore -j 2 -d "$db" "$workdir/path_custom.dump" >"$workdir/out" 2>&1
restore_clean "search_path of creation, custom dump, pg_restore -j 2" $? "$workdir/out"
same_resolution "search_path of creation, custom dump, pg_restore -j 2" "$db"

db="${prefix}_path_clean"
createdb "$db"
pg_restore -d "$db" "$workdir/path_custom.dump" >/dev/null 2>&1
pg_restore --clean --if-exists -d "$db" "$workdir/path_custom.dump" >"$workdir/out" 2>&1
restore_clean "search_path of creation, pg_restore --clean --if-exists" $? "$workdir/out"
same_resolution "search_path of creation, pg_restore --clean --if-exists" "$db"
psql -X -q -d "$db" -f "$workdir/path_clean.sql" >"$workdir/out" 2>&1
restore_clean "search_path of creation, plain dump --clean --if-exists, psql" $? "$workdir/out"
same_resolution "search_path of creation, plain dump --clean --if-exists, psql" "$db"

# Another session analyses the restored functions (with its own path)
# after they are created and before the dumped rows are loaded: the rows,
# when they come, have the functions analysed again.
db="${prefix}_path_sections"
createdb "$db"
pg_restore --section=pre-data -d "$db" "$workdir/path_custom.dump" >"$workdir/out" 2>&1
[ "$(sql "$db" "SELECT count(*) FROM schema_guard.validate(ARRAY['app'], 'error')")" = "2" ]
ok $? "sections: analysed before the data section, app's functions resolve with the analysing session's path"
pg_restore --section=data -d "$db" "$workdir/path_custom.dump" >>"$workdir/out" 2>&1 &&
    pg_restore --section=post-data -d "$db" "$workdir/path_custom.dump" >>"$workdir/out" 2>&1
restore_clean "search_path of creation, pg_restore by sections, analysed in between" $? "$workdir/out"
same_resolution "search_path of creation, pg_restore by sections, analysed in between" "$db"

# A --schema-only dump has no table data, creation_path's included: the
# restored functions get the path of the session that analyses them
# first.  A data-only dump of creation_path, restored after, puts them
# right.
db="${prefix}_path_schema_only"
createdb "$db"
psql -X -q -d "$db" -f "$workdir/path_schema.sql" >"$workdir/out" 2>&1
restore_clean "search_path of creation, --schema-only dump" $? "$workdir/out"
out=$(sql "$db" "SELECT object_name || ': ' || message FROM schema_guard.validate(ARRAY['app'], 'error')" 2>&1)
[ "$out" = 'app.cnt(): relation "v" does not exist
app.titles(app.docs): relation "docs" does not exist' ]
ok $? "--schema-only dump: without creation_path, app's functions resolve with the analysing session's path"
psql -X -q -d "$db" -f "$workdir/path_paths.sql" >"$workdir/out" 2>&1
restore_clean "search_path of creation, --data-only -t schema_guard.creation_path after it" $? "$workdir/out"
same_resolution "search_path of creation, --data-only -t schema_guard.creation_path after it" "$db"

tap_exit
