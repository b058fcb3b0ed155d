-- 03_recovery.sql
--
-- A superuser can always get out of the guard's way:
--   SET schema_guard.mode = off lets a breaking DDL through;
--   ALTER EVENT TRIGGER schema_guard_ddl_command_end DISABLE does too, and
--   ENABLE brings the guard back;
-- and both still work when the guard itself fails (simulated by a trigger
-- that makes every write to the reference catalog fail).
--
-- The guard refuses at once only outside a transaction block, so this file
-- runs in autocommit and removes what it creates at the end (the extension
-- too, if this file created it).  A refusal is checked as the user sees it:
-- the statement runs on its own and psql's SQLSTATE variable is compared
-- (the error line it prints shows only the SQLSTATE).  One check runs the
-- DDL inside a PL/pgSQL exception block, to see that a handler catches the
-- refusal.

SET client_min_messages = warning;
SELECT NOT EXISTS (SELECT FROM pg_catalog.pg_extension WHERE extname = 'schema_guard') AS sg03_new_ext \gset
CREATE EXTENSION IF NOT EXISTS schema_guard CASCADE;
-- What an interrupted earlier run may have left.
ALTER EVENT TRIGGER schema_guard_ddl_command_start DISABLE;
ALTER EVENT TRIGGER schema_guard_sql_drop DISABLE;
ALTER EVENT TRIGGER schema_guard_ddl_command_end DISABLE;
DROP TRIGGER IF EXISTS sg03_simulated_failure ON schema_guard.reference;
DROP SCHEMA IF EXISTS sg03 CASCADE;
ALTER EVENT TRIGGER schema_guard_ddl_command_start ENABLE;
ALTER EVENT TRIGGER schema_guard_sql_drop ENABLE;
ALTER EVENT TRIGGER schema_guard_ddl_command_end ENABLE;
SET client_min_messages = error;
\set VERBOSITY sqlstate

SELECT plan(38);

CREATE SCHEMA sg03;
CREATE TABLE sg03.documents (id serial PRIMARY KEY, title text);
CREATE TABLE sg03.processing_jobs (id serial PRIMARY KEY, document_id int, status text);
CREATE FUNCTION sg03.trigger_document_processing() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO sg03.processing_jobs (document_id, status) VALUES (NEW.id, 'queued');
    RETURN NEW;
END
$$;
CREATE TRIGGER document_processing AFTER INSERT ON sg03.documents
    FOR EACH ROW EXECUTE FUNCTION sg03.trigger_document_processing();

-- The SQL that puts processing_jobs back, as it was.
CREATE FUNCTION pg_temp.sg03_recreate() RETURNS void LANGUAGE sql AS $$
    CREATE TABLE sg03.processing_jobs (id serial PRIMARY KEY, document_id int, status text);
$$;

\set ON_ERROR_STOP 0
DROP TABLE sg03.processing_jobs;
\set ON_ERROR_STOP 1
SELECT is(:'SQLSTATE'::text, '2BP01', 'the guard refuses DROP TABLE processing_jobs');
SELECT has_table('sg03', 'processing_jobs', 'processing_jobs is still there');

-- The same DROP inside a PL/pgSQL block with an exception handler (a
-- subtransaction), still in autocommit: the handler catches the refusal.
CREATE TEMP TABLE sg03_caught (sqlstate text);
\set ON_ERROR_STOP 0
DO $$
BEGIN
    DROP TABLE sg03.processing_jobs;
EXCEPTION WHEN dependent_objects_still_exist THEN
    INSERT INTO sg03_caught VALUES (SQLSTATE);
END
$$;
\set ON_ERROR_STOP 1
SELECT is(:'SQLSTATE'::text, '00000', 'DO block with an exception handler: the block succeeds');
SELECT results_eq('SELECT sqlstate FROM sg03_caught', $$VALUES ('2BP01')$$,
                  'DO block with an exception handler: the handler caught 2BP01 at the DROP');

--
-- SET schema_guard.mode = off
--
SET schema_guard.mode = off;
SELECT lives_ok('DROP TABLE sg03.processing_jobs',
                'with schema_guard.mode = off, DROP TABLE processing_jobs goes through');
SELECT hasnt_table('sg03', 'processing_jobs', 'processing_jobs is gone');
RESET schema_guard.mode;
SELECT is(current_setting('schema_guard.mode'), 'enforce', 'RESET schema_guard.mode: enforce again');
SELECT lives_ok('SELECT pg_temp.sg03_recreate()', 'processing_jobs created again');
\set ON_ERROR_STOP 0
DROP TABLE sg03.processing_jobs;
\set ON_ERROR_STOP 1
SELECT is(:'SQLSTATE'::text, '2BP01', 'after RESET, the guard refuses DROP TABLE processing_jobs again');
SELECT has_table('sg03', 'processing_jobs', 'processing_jobs is still there');

-- In a transaction block, with SET LOCAL: the commit is not refused, and
-- the setting ends with the transaction.
BEGIN;
SET LOCAL schema_guard.mode = off;
DROP TABLE sg03.processing_jobs;
COMMIT;
SELECT hasnt_table('sg03', 'processing_jobs',
                   'SET LOCAL schema_guard.mode = off in a transaction: the DROP was committed');
SELECT is(current_setting('schema_guard.mode'), 'enforce', 'SET LOCAL ended with the transaction');
SELECT lives_ok('SELECT pg_temp.sg03_recreate()', 'processing_jobs created again');

-- A migration already under way (the DROP only warned): turning the guard
-- off before COMMIT lets it commit.
BEGIN;
DROP TABLE sg03.processing_jobs;
SET LOCAL schema_guard.mode = off;
COMMIT;
SELECT hasnt_table('sg03', 'processing_jobs',
                   'SET LOCAL schema_guard.mode = off before COMMIT: the DROP was committed');
SELECT lives_ok('SELECT pg_temp.sg03_recreate()', 'processing_jobs created again');

--
-- ALTER EVENT TRIGGER ... DISABLE / ENABLE
--
ALTER EVENT TRIGGER schema_guard_ddl_command_end DISABLE;
SELECT lives_ok('DROP TABLE sg03.processing_jobs',
                'with schema_guard_ddl_command_end disabled, DROP TABLE processing_jobs goes through');
ALTER EVENT TRIGGER schema_guard_ddl_command_end ENABLE;
SELECT lives_ok('SELECT pg_temp.sg03_recreate()', 'processing_jobs created again');
\set ON_ERROR_STOP 0
DROP TABLE sg03.processing_jobs;
\set ON_ERROR_STOP 1
SELECT is(:'SQLSTATE'::text, '2BP01', 'after ENABLE, the guard refuses DROP TABLE processing_jobs again');
SELECT has_table('sg03', 'processing_jobs', 'processing_jobs is still there');

--
-- The guard itself fails: once sg03.fail is on, every write to its
-- reference catalog raises.
--
CREATE FUNCTION sg03.simulated_failure() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('sg03.fail', true) = 'on' THEN
        RAISE EXCEPTION 'simulated internal failure of schema_guard';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER sg03_simulated_failure BEFORE INSERT ON schema_guard.reference
    FOR EACH ROW EXECUTE FUNCTION sg03.simulated_failure();
SET sg03.fail = on;

SELECT throws_ok($$CREATE FUNCTION sg03.status_of(int) RETURNS text LANGUAGE sql
                   AS 'SELECT status FROM sg03.processing_jobs WHERE id = $1'$$,
                 'P0001', 'simulated internal failure of schema_guard',
                 'the simulated failure makes DDL fail');

SET schema_guard.mode = off;
SELECT lives_ok($$CREATE FUNCTION sg03.status_of(int) RETURNS text LANGUAGE sql
                  AS 'SELECT status FROM sg03.processing_jobs WHERE id = $1'$$,
                'guard failing, schema_guard.mode = off: CREATE FUNCTION goes through');
SELECT lives_ok('DROP TABLE sg03.processing_jobs',
                'guard failing, schema_guard.mode = off: DROP TABLE goes through');
RESET schema_guard.mode;

ALTER EVENT TRIGGER schema_guard_ddl_command_start DISABLE;
ALTER EVENT TRIGGER schema_guard_sql_drop DISABLE;
ALTER EVENT TRIGGER schema_guard_ddl_command_end DISABLE;
SELECT lives_ok('SELECT pg_temp.sg03_recreate()', 'processing_jobs created again');
SELECT lives_ok($$CREATE FUNCTION sg03.status_of_job(int) RETURNS text LANGUAGE sql
                  AS 'SELECT status FROM sg03.processing_jobs WHERE id = $1'$$,
                'guard failing, its event triggers disabled: CREATE FUNCTION goes through');
SELECT lives_ok('DROP TABLE IF EXISTS sg03.processing_jobs',
                'guard failing, its event triggers disabled: DROP TABLE goes through');
SELECT lives_ok('DROP TRIGGER sg03_simulated_failure ON schema_guard.reference',
                'guard failing, its event triggers disabled: the cause can be removed');
ALTER EVENT TRIGGER schema_guard_ddl_command_start ENABLE;
ALTER EVENT TRIGGER schema_guard_sql_drop ENABLE;
ALTER EVENT TRIGGER schema_guard_ddl_command_end ENABLE;

RESET sg03.fail;
SELECT lives_ok('SELECT schema_guard.rebuild()', 'the catalog is rebuilt after the repair');
SELECT lives_ok('SELECT pg_temp.sg03_recreate()', 'processing_jobs created again');
\set ON_ERROR_STOP 0
DROP TABLE sg03.processing_jobs;
\set ON_ERROR_STOP 1
SELECT is(:'SQLSTATE'::text, '2BP01', 'after the repair, the guard refuses DROP TABLE processing_jobs again');
SELECT has_table('sg03', 'processing_jobs', 'processing_jobs is still there');

-- rebuild() over an empty catalog writes every row and builds the
-- catalog's indexes afterwards, unless something in this session has the
-- catalog open (here, the very query that calls it still holds an index
-- scan of it): then it writes the index entries as it goes.
DELETE FROM schema_guard.reference;
DELETE FROM schema_guard.analysis;
SET enable_seqscan = off;
SELECT lives_ok($$SELECT schema_guard.rebuild()
                    FROM (SELECT FROM schema_guard.analysis
                           WHERE fn = 'sg03.trigger_document_processing()'::regprocedure
                          UNION ALL SELECT LIMIT 1) AS r$$,
                'rebuild() while the calling query scans an index of the catalog');
RESET enable_seqscan;
\set ON_ERROR_STOP 0
DROP TABLE sg03.processing_jobs;
\set ON_ERROR_STOP 1
SELECT is(:'SQLSTATE'::text, '2BP01', 'after that rebuild, the guard refuses DROP TABLE processing_jobs');

-- rebuild() over a damaged catalog compares it with a new analysis: rows
-- changed, missing or left over (of a function that no longer exists, of
-- one it does not analyse, after the last function) are put right, and the
-- rows that were right stay where they are.
CREATE TEMP TABLE sg03_references AS
    SELECT fn, tg, line, kind, access, severity, classid, objid, objsubid,
           name, written, check_id, message, hint
      FROM schema_guard.reference;
CREATE TEMP TABLE sg03_units AS
    SELECT fn, tg, definition, search_path, session_path, interface, refs_hash
      FROM schema_guard.analysis;
CREATE TEMP TABLE sg03_untouched AS
    SELECT ctid AS row_at FROM schema_guard.reference
     WHERE fn <> 'sg03.trigger_document_processing()'::regprocedure;
SELECT ok((SELECT count(*) FROM sg03_untouched) > 0, 'the catalog holds rows of other functions');
DELETE FROM schema_guard.reference
 WHERE ctid = (SELECT ctid FROM schema_guard.reference
                WHERE fn = 'sg03.trigger_document_processing()'::regprocedure
                ORDER BY ctid LIMIT 1);
UPDATE schema_guard.reference SET message = 'damaged'
 WHERE fn = 'sg03.trigger_document_processing()'::regprocedure;
SELECT ok((SELECT count(*) FROM schema_guard.reference
            WHERE fn = 'sg03.trigger_document_processing()'::regprocedure
              AND message = 'damaged') > 0
          AND (SELECT count(*) FROM schema_guard.reference
                WHERE fn = 'sg03.trigger_document_processing()'::regprocedure)
            < (SELECT count(*) FROM sg03_references
                WHERE fn = 'sg03.trigger_document_processing()'::regprocedure),
          'the catalog is damaged: a row missing, others changed');
UPDATE schema_guard.analysis SET definition = definition # 1
 WHERE fn = 'sg03.trigger_document_processing()'::regprocedure;
INSERT INTO schema_guard.reference
    SELECT o.fn, r.tg, r.line, r.kind, r.access, r.severity, r.classid, r.objid,
           r.objsubid, r.name, r.written, r.check_id, r.message, r.hint
      FROM schema_guard.reference AS r,
           (VALUES ('pg_catalog.now()'::regprocedure::oid), (4000000000::oid)) AS o (fn)
     WHERE r.fn = 'sg03.trigger_document_processing()'::regprocedure;
INSERT INTO schema_guard.analysis
    SELECT 4000000000::oid, tg, definition, search_path, session_path,
           interface, refs_hash, findings
      FROM schema_guard.analysis
     WHERE fn = 'sg03.trigger_document_processing()'::regprocedure;
SELECT lives_ok('SELECT schema_guard.rebuild()', 'rebuild() over a damaged catalog');
SELECT bag_eq($$SELECT fn, tg, line, kind, access, severity, classid, objid, objsubid,
                       name, written, check_id, message, hint
                  FROM schema_guard.reference$$,
              'SELECT * FROM sg03_references',
              'rebuild() puts the reference rows right');
SELECT bag_eq($$SELECT fn, tg, definition, search_path, session_path, interface, refs_hash
                  FROM schema_guard.analysis$$,
              'SELECT * FROM sg03_units',
              'rebuild() puts the unit rows right');
SELECT is_empty($$SELECT row_at FROM sg03_untouched
                  EXCEPT SELECT ctid FROM schema_guard.reference$$,
                'rebuild() leaves the rows that were right where they are');

SELECT * FROM finish();

-- Clean up.
ALTER EVENT TRIGGER schema_guard_ddl_command_start DISABLE;
ALTER EVENT TRIGGER schema_guard_sql_drop DISABLE;
ALTER EVENT TRIGGER schema_guard_ddl_command_end DISABLE;
DROP TRIGGER IF EXISTS sg03_simulated_failure ON schema_guard.reference;
DROP SCHEMA sg03 CASCADE;
ALTER EVENT TRIGGER schema_guard_ddl_command_start ENABLE;
ALTER EVENT TRIGGER schema_guard_sql_drop ENABLE;
ALTER EVENT TRIGGER schema_guard_ddl_command_end ENABLE;
SELECT schema_guard.rebuild() \g /dev/null
\if :sg03_new_ext
DROP EXTENSION schema_guard;
\endif
