--
-- guard_creation_path: the search_path of the session that created a
-- function, which the names its body leaves unqualified resolve with, kept
-- in schema_guard.creation_path by function identity (the table pg_dump
-- dumps): written when a body is created or first analysed, following the
-- function through renames and moves, gone with it; a row written by a
-- statement (pg_restore's COPY) replaces the function's row and has it
-- analysed again with that path.
--
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS schema_guard CASCADE;
CREATE EXTENSION sg_test_ext;
RESET client_min_messages;
CREATE SCHEMA guard_creation_path;
CREATE SCHEMA guard_creation_path_app;
CREATE TABLE guard_creation_path_app.docs (id int, title text);
CREATE VIEW guard_creation_path_app.v AS SELECT id, title FROM guard_creation_path_app.docs;
CREATE TYPE guard_creation_path_app.mood AS ENUM ('calm');

-- The rows of this test's functions.
CREATE VIEW guard_creation_path.paths AS
    SELECT function, session_path FROM schema_guard.creation_path
     WHERE function LIKE 'guard\_creation\_path%' ORDER BY function;

-- Created in a session whose search_path names the application's schema:
-- the body's "v" is that schema's view, whatever the path of the session
-- that judges DDL or calls validate() later.
SET search_path = guard_creation_path_app, public;
CREATE FUNCTION guard_creation_path.cnt() RETURNS bigint
LANGUAGE plpgsql AS $$ BEGIN RETURN (SELECT count(*) FROM v); END $$;
CREATE FUNCTION guard_creation_path.cnt_docs(d docs, m mood[]) RETURNS bigint
LANGUAGE sql AS $$ SELECT count(*) FROM v $$;
CREATE FUNCTION guard_creation_path.own_path() RETURNS bigint
LANGUAGE sql SET search_path = guard_creation_path_app AS $$ SELECT count(*) FROM v $$;
RESET search_path;
SELECT * FROM guard_creation_path.paths;
-- the key is the identity pg_identify_object() gives
SELECT (pg_identify_object('pg_proc'::regclass, 'guard_creation_path.cnt_docs'::regproc, 0)).identity;
-- members of an extension resolve with its schemas and have no row
SELECT count(*) FROM schema_guard.creation_path WHERE function LIKE 'sg\_test\_ext.%';
SELECT count(*) FROM schema_guard.validate(ARRAY['guard_creation_path']);
\set VERBOSITY terse
DROP VIEW guard_creation_path_app.v;
\set VERBOSITY default

-- CREATE OR REPLACE from a session with another path records that path
-- (a new creation); with the same definition from the same path, the row
-- stays as it is.
SELECT xmin AS cnt_xmin FROM schema_guard.creation_path
 WHERE function = 'guard_creation_path.cnt()' \gset
SET search_path = guard_creation_path_app, public;
CREATE OR REPLACE FUNCTION guard_creation_path.cnt() RETURNS bigint
LANGUAGE plpgsql AS $$ BEGIN RETURN (SELECT count(*) FROM v); END $$;
SELECT xmin <> :'cnt_xmin' AS row_rewritten FROM schema_guard.creation_path
 WHERE function = 'guard_creation_path.cnt()';
SET search_path = public;
CREATE OR REPLACE FUNCTION guard_creation_path.cnt() RETURNS bigint
LANGUAGE plpgsql AS $$ BEGIN RETURN (SELECT count(*) FROM guard_creation_path_app.v); END $$;
SELECT * FROM guard_creation_path.paths WHERE function = 'guard_creation_path.cnt()';
SET search_path = guard_creation_path_app, public;
CREATE OR REPLACE FUNCTION guard_creation_path.cnt() RETURNS bigint
LANGUAGE plpgsql AS $$ BEGIN RETURN (SELECT count(*) FROM v); END $$;
RESET search_path;
SELECT * FROM guard_creation_path.paths WHERE function = 'guard_creation_path.cnt()';

-- Renamed or moved, the function keeps its row: its own name or schema,
-- its schema's name, the name or schema of a parameter's type (a table's
-- row type and an array of an enum here).
ALTER FUNCTION guard_creation_path.cnt() RENAME TO cnt2;
ALTER TABLE guard_creation_path_app.docs RENAME TO documents;
ALTER TYPE guard_creation_path_app.mood RENAME TO feeling;
SELECT * FROM guard_creation_path.paths;
CREATE SCHEMA guard_creation_path_other;
ALTER FUNCTION guard_creation_path.cnt2() SET SCHEMA guard_creation_path_other;
ALTER TYPE guard_creation_path_app.feeling SET SCHEMA guard_creation_path_other;
SELECT * FROM guard_creation_path.paths;
ALTER SCHEMA guard_creation_path_other RENAME TO guard_creation_path_moved;
SELECT * FROM guard_creation_path.paths;
-- also in a session that does not check bodies (a restore)
SET check_function_bodies = off;
ALTER FUNCTION guard_creation_path_moved.cnt2() RENAME TO cnt;
ALTER FUNCTION guard_creation_path_moved.cnt() SET SCHEMA guard_creation_path;
ALTER TYPE guard_creation_path_moved.feeling RENAME TO mood;
RESET check_function_bodies;
SELECT * FROM guard_creation_path.paths;
-- a rename that is rolled back leaves the row as it was
BEGIN;
ALTER FUNCTION guard_creation_path.cnt() RENAME TO cnt3;
SELECT * FROM guard_creation_path.paths WHERE function LIKE '%cnt3%';
ROLLBACK;
SELECT * FROM guard_creation_path.paths WHERE function LIKE '%cnt%()';
-- negative: renaming a type no recorded function has as a parameter
CREATE TYPE guard_creation_path_app.unused AS (a int);
ALTER TYPE guard_creation_path_app.unused RENAME TO unused2;
SELECT count(*) FROM guard_creation_path.paths;
-- the recorded path still resolves "v" wherever the function went
SELECT count(*) FROM schema_guard.validate(ARRAY['guard_creation_path']);

-- Gone with the function: DROP FUNCTION, DROP ... CASCADE of its
-- parameter's type, also in a session that does not check bodies.
DROP FUNCTION guard_creation_path.own_path();
SELECT * FROM guard_creation_path.paths;
SET client_min_messages = warning;
DROP TYPE guard_creation_path_moved.mood CASCADE;
RESET client_min_messages;
SELECT * FROM guard_creation_path.paths;
CREATE FUNCTION guard_creation_path.soon_gone() RETURNS int LANGUAGE sql AS 'SELECT 1';
SET check_function_bodies = off;
DROP FUNCTION guard_creation_path.soon_gone();
RESET check_function_bodies;
SELECT * FROM guard_creation_path.paths;

-- A function created without body checks (pg_restore) has no row until it
-- is analysed; then the analysing session's path is recorded, unless a
-- row for it is there (a restore loads the dumped rows).
SET check_function_bodies = off;
CREATE FUNCTION guard_creation_path.restored() RETURNS bigint
LANGUAGE sql AS $$ SELECT count(*) FROM v $$;
RESET check_function_bodies;
SELECT * FROM guard_creation_path.paths WHERE function = 'guard_creation_path.restored()';
SET search_path = guard_creation_path_app, public;
SELECT count(*) FROM schema_guard.validate(ARRAY['guard_creation_path']);
RESET search_path;
SELECT * FROM guard_creation_path.paths WHERE function = 'guard_creation_path.restored()';

-- A row written by a statement, as pg_restore's COPY writes the dumped
-- ones: it replaces the function's row, and the function is analysed
-- again with it before the next DDL is judged (or by validate()).
INSERT INTO schema_guard.creation_path VALUES ('guard_creation_path.restored()', 'public');
SELECT * FROM guard_creation_path.paths WHERE function = 'guard_creation_path.restored()';
SELECT fn::regprocedure FROM schema_guard.pending_analysis;
SELECT severity, "check", object_name, message
  FROM schema_guard.validate(ARRAY['guard_creation_path']);
SELECT session_path FROM schema_guard.analysis
 WHERE fn = 'guard_creation_path.restored()'::regprocedure;
UPDATE schema_guard.creation_path SET session_path = 'guard_creation_path_app'
 WHERE function = 'guard_creation_path.restored()';
SELECT fn::regprocedure FROM schema_guard.pending_analysis;
CREATE TABLE guard_creation_path.probe ();
SELECT count(*) FROM schema_guard.pending_analysis;
SELECT session_path FROM schema_guard.analysis
 WHERE fn = 'guard_creation_path.restored()'::regprocedure;
SELECT count(*) FROM schema_guard.validate(ARRAY['guard_creation_path']);
-- the function a row names is found by its identity, quoted names too
SET check_function_bodies = off;
CREATE FUNCTION guard_creation_path."Odd ""name"""(a int) RETURNS int
LANGUAGE sql AS 'SELECT a';
RESET check_function_bodies;
SELECT count(*) FROM schema_guard.validate(ARRAY['guard_creation_path']);
INSERT INTO schema_guard.creation_path
    VALUES ('guard_creation_path."Odd ""name"""(integer)', 'public, guard_creation_path');
SELECT fn::regprocedure FROM schema_guard.pending_analysis;
SELECT count(*) FROM schema_guard.validate(ARRAY['guard_creation_path']);
SELECT session_path FROM schema_guard.analysis
 WHERE fn = 'guard_creation_path."Odd ""name"""(integer)'::regprocedure;
-- negative: a path the analysis could not set is refused
INSERT INTO schema_guard.creation_path VALUES ('guard_creation_path.restored()', '"unclosed');
-- a row of no function here (a function the restore could not create) is
-- kept, marks nothing, and goes with the next rebuild()
INSERT INTO schema_guard.creation_path
    VALUES ('guard_creation_path.lost(guard_creation_path.no_such_type)', 'public'),
           ('no_such_schema.f()', 'public'), ('not an identity', 'public');
SELECT count(*) FROM schema_guard.pending_analysis;
SELECT * FROM schema_guard.creation_path
 WHERE function IN ('guard_creation_path.lost(guard_creation_path.no_such_type)',
                    'no_such_schema.f()', 'not an identity');
CREATE TEMP TABLE guard_creation_path_before AS
    SELECT * FROM schema_guard.creation_path
     WHERE function NOT IN ('guard_creation_path.lost(guard_creation_path.no_such_type)',
                            'no_such_schema.f()', 'not an identity');
SELECT schema_guard.rebuild() > 0 AS rebuilt;
SELECT count(*) FROM schema_guard.creation_path
 WHERE function IN ('guard_creation_path.lost(guard_creation_path.no_such_type)',
                    'no_such_schema.f()', 'not an identity');
-- rebuild() keeps every other row as it was
(SELECT * FROM schema_guard.creation_path EXCEPT SELECT * FROM guard_creation_path_before)
UNION ALL
(SELECT * FROM guard_creation_path_before EXCEPT SELECT * FROM schema_guard.creation_path);
DROP TABLE guard_creation_path_before;
-- rebuild() gives a row to an analysed function that lost it
DELETE FROM schema_guard.creation_path WHERE function = 'guard_creation_path.restored()';
SELECT schema_guard.rebuild() > 0 AS rebuilt;
SELECT * FROM guard_creation_path.paths WHERE function = 'guard_creation_path.restored()';

-- A function an extension takes has no row any more; one it lets go gets
-- the path it was analysed with.
ALTER EXTENSION sg_test_ext ADD FUNCTION guard_creation_path.restored();
SELECT * FROM guard_creation_path.paths WHERE function = 'guard_creation_path.restored()';
ALTER EXTENSION sg_test_ext DROP FUNCTION guard_creation_path.restored();
SELECT * FROM guard_creation_path.paths WHERE function = 'guard_creation_path.restored()';

-- A function whose identity is too long to be a key (100 parameters of
-- types with long names that do not compress) is created all the same,
-- without a row.
DO $$
BEGIN
    EXECUTE (SELECT string_agg(format('CREATE TYPE guard_creation_path_app.%I AS (a int)',
                                      left(md5(i::text) || md5(i::text || 'x'), 60)), '; ')
               FROM generate_series(1, 100) AS i);
    EXECUTE (SELECT format('CREATE FUNCTION guard_creation_path.many(%s) RETURNS int LANGUAGE sql AS %L',
                           string_agg(format('guard_creation_path_app.%I',
                                             left(md5(i::text) || md5(i::text || 'x'), 60)), ', '),
                           'SELECT 1')
               FROM generate_series(1, 100) AS i);
END
$$;
SELECT length((pg_identify_object('pg_proc'::regclass, 'guard_creation_path.many'::regproc, 0)).identity);
SELECT count(*) FROM schema_guard.creation_path WHERE function LIKE 'guard\_creation\_path.many%';
SELECT count(*) FROM schema_guard.analysis WHERE fn = 'guard_creation_path.many'::regproc;
DROP FUNCTION guard_creation_path.many;

-- Only superusers read or write the table.
CREATE ROLE regress_guard_creation_path;
SET ROLE regress_guard_creation_path;
SELECT count(*) FROM schema_guard.creation_path;
INSERT INTO schema_guard.creation_path VALUES ('guard_creation_path.cnt()', 'public');
RESET ROLE;
DROP ROLE regress_guard_creation_path;

SET client_min_messages = warning;
DROP SCHEMA guard_creation_path, guard_creation_path_app, guard_creation_path_moved CASCADE;
DROP EXTENSION sg_test_ext;
RESET client_min_messages;
SELECT count(*) FROM schema_guard.creation_path WHERE function LIKE 'guard\_creation\_path%';
