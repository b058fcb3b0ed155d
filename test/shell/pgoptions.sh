#!/usr/bin/env bash
#
# pgoptions.sh: a non-superuser cannot turn schema_guard off through the
# routes that act before the library is loaded in a session:
#   - PGOPTIONS='-c schema_guard.mode=off' at connection start;
#   - SET schema_guard.mode = off (or set_config()) before the library is
#     loaded: a placeholder, which must not survive the load;
#   - ALTER ROLE ... SET / ALTER DATABASE ... SET made before the library
#     is loaded, applied at the next connection.
# In each case SHOW schema_guard.mode says enforce once the first DDL has
# loaded the library, and DROP TABLE processing_jobs is refused (2BP01).
# A superuser's PGOPTIONS does turn the guard off.
#
# Uses the PG* environment of the caller (a superuser connection); creates
# a database and a role named sg_pgo_<pid>/regress_sg_pgo_<pid> and
# removes them at the end.  Prints TAP.

set -u

db="sg_pgo_$$"
role="regress_sg_pgo_$$"
. "$(dirname "$0")/lib/tap.sh"

cleanup() {
    dropdb --if-exists "$db" >/dev/null 2>&1
    psql -X -q -d postgres -c "DROP ROLE IF EXISTS $role" >/dev/null 2>&1
}
trap cleanup EXIT

# check NAME OUTPUT PATTERN: OUTPUT has a line matching PATTERN.
check() {
    if printf '%s\n' "$2" | grep -Eq "$3"; then
        ok 0 "$1"
    else
        ok 1 "$1"
        printf '%s\n' "$2" | diag
    fi
}

# as_role SQL: run SQL in one session of the role, errors included in the
# output with their SQLSTATE, not stopping at errors.
as_role() {
    psql -X -q -At -U "$role" -d "$db" -v VERBOSITY=verbose 2>&1 <<<"$1"
}

table_exists() {
    [ "$(psql -X -q -At -d "$db" -c "SELECT to_regclass('public.processing_jobs') IS NOT NULL")" = "t" ]
}

# The statements that show the guard's state once the library is loaded:
# a harmless DDL (loads it), SHOW, then the breaking DROP.
probe="
CREATE TABLE probe_loaded ();
DROP TABLE probe_loaded;
SELECT 'after load: ' || current_setting('schema_guard.mode');
DROP TABLE processing_jobs;
"

echo "1..23"

psql -X -q -d postgres -c "CREATE ROLE $role LOGIN" >/dev/null
createdb -O "$role" "$db"
psql -X -q -d "$db" -c "SET client_min_messages = warning" \
    -c "CREATE EXTENSION schema_guard CASCADE" >/dev/null
psql -X -q -U "$role" -d "$db" >/dev/null <<'SQL'
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
SQL

# Sanity: with nothing set, the role's DROP is refused by the guard (not
# for want of privileges: the role owns the table).
out=$(as_role "DROP TABLE processing_jobs;")
check "role, nothing set: DROP TABLE processing_jobs is refused with 2BP01" "$out" '^ERROR:  2BP01'

#
# PGOPTIONS at connection start.
#
out=$(PGOPTIONS='-c schema_guard.mode=off' as_role "$probe")
if printf '%s\n' "$out" | grep -q '^FATAL:  42501'; then
    # A server that knows the setting at connection start refuses it.
    ok 0 "role, PGOPTIONS mode=off: the connection is refused (42501)"
    ok 0 "role, PGOPTIONS mode=off: (connection refused) SHOW not reached"
    ok 0 "role, PGOPTIONS mode=off: (connection refused) DROP not reached"
else
    ok 0 "role, PGOPTIONS mode=off: the connection is accepted"
    check "role, PGOPTIONS mode=off: SHOW schema_guard.mode is enforce once loaded" "$out" '^after load: enforce$'
    check "role, PGOPTIONS mode=off: DROP TABLE processing_jobs is refused with 2BP01" "$out" '^ERROR:  2BP01'
fi
table_exists
ok $? "role, PGOPTIONS mode=off: processing_jobs is still there"

out=$(PGOPTIONS='-c schema_guard.function_check=off -c schema_guard.mode=warn' as_role "
$probe
SELECT 'function_check: ' || current_setting('schema_guard.function_check');")
check "role, PGOPTIONS mode=warn: DROP TABLE processing_jobs is refused with 2BP01" "$out" '^ERROR:  2BP01|^FATAL:  42501'
check "role, PGOPTIONS function_check=off: function_check is warning once loaded" "$out" '^function_check: warning$|^FATAL:  42501'
table_exists
ok $? "role, PGOPTIONS mode=warn: processing_jobs is still there"

#
# A placeholder set before the library is loaded.
#
out=$(as_role "
SET schema_guard.mode = off;
SELECT 'before load: ' || current_setting('schema_guard.mode');
$probe")
check "role, SET before load: the placeholder was set (the case under test)" "$out" '^before load: off$'
check "role, SET before load: SHOW schema_guard.mode is enforce once loaded" "$out" '^after load: enforce$'
check "role, SET before load: DROP TABLE processing_jobs is refused with 2BP01" "$out" '^ERROR:  2BP01'
table_exists
ok $? "role, SET before load: processing_jobs is still there"

out=$(as_role "
SELECT 'before load: ' || set_config('schema_guard.mode', 'off', false);
$probe")
check "role, set_config() before load: the placeholder was set (the case under test)" "$out" '^before load: off$'
check "role, set_config() before load: SHOW schema_guard.mode is enforce once loaded" "$out" '^after load: enforce$'
check "role, set_config() before load: DROP TABLE processing_jobs is refused with 2BP01" "$out" '^ERROR:  2BP01'

out=$(as_role "
BEGIN;
SET LOCAL schema_guard.mode = off;
SELECT 'before load: ' || current_setting('schema_guard.mode');
$probe
COMMIT;")
check "role, SET LOCAL before load in a transaction: SHOW is enforce once loaded" "$out" '^after load: enforce$'
table_exists
ok $? "role, SET LOCAL before load in a transaction: processing_jobs is still there"

#
# ALTER ROLE / ALTER DATABASE ... SET, made before the library is loaded
# in the session that makes it; the next connection must not be unguarded.
#
as_role "ALTER ROLE CURRENT_USER SET schema_guard.mode = off;" | diag
out=$(as_role "$probe")
check "role, ALTER ROLE SET before load: the next session's SHOW is enforce once loaded" "$out" '^after load: enforce$|^FATAL:  42501'
check "role, ALTER ROLE SET before load: the next session's DROP is refused with 2BP01" "$out" '^ERROR:  2BP01|^FATAL:  42501'
psql -X -q -d postgres -c "ALTER ROLE $role RESET ALL" >/dev/null

as_role "ALTER DATABASE $db SET schema_guard.mode = off;" | diag
out=$(as_role "$probe")
check "role, ALTER DATABASE SET before load: the next session's DROP is refused with 2BP01" "$out" '^ERROR:  2BP01|^FATAL:  42501'
psql -X -q -d postgres -c "ALTER DATABASE $db RESET ALL" >/dev/null
table_exists
ok $? "role, ALTER ROLE/DATABASE SET: processing_jobs is still there"

#
# A superuser's PGOPTIONS does turn it off.
#
out=$(PGOPTIONS='-c schema_guard.mode=off' psql -X -q -At -d "$db" -v VERBOSITY=verbose 2>&1 <<<"$probe")
check "superuser, PGOPTIONS mode=off: SHOW schema_guard.mode is off once loaded" "$out" '^after load: off$'
! table_exists
ok $? "superuser, PGOPTIONS mode=off: DROP TABLE processing_jobs went through"

tap_exit
