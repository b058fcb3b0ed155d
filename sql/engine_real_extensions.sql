--
-- engine_real_extensions: code no one here wrote.  Every function of
-- pg_partman and pgTAP (Debian's postgresql-15-partman and
-- postgresql-15-pgtap) is analysed without a crash, and validate() reports
-- no 'error' row for them: nothing that resolves when they run is called
-- missing.  (Warnings remain where the code really is uncertain: calls to
-- pg_jobmon after a dynamic search_path change, server-version branches,
-- polymorphic arguments.)
--
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS schema_guard CASCADE;
RESET client_min_messages;
CREATE SCHEMA engine_real_extensions;
SET search_path = engine_real_extensions;

CREATE SCHEMA partman;
CREATE EXTENSION pg_partman SCHEMA partman;
CREATE EXTENSION pgtap SCHEMA engine_real_extensions;

-- Every PL/pgSQL and SQL function of both extensions is analysed (each
-- call of dependencies() analyses the function anew, and returns).
SELECT n.nspname AS schema,
       count(*) > 0 AS has_functions,
       count(*) = count(d.fn) AS all_analysed
  FROM pg_proc AS p
  JOIN pg_namespace AS n ON n.oid = p.pronamespace
  JOIN pg_language AS l ON l.oid = p.prolang
  LEFT JOIN LATERAL (
       SELECT p.oid AS fn, count(*) AS refs
         FROM schema_guard.dependencies(p.oid::regprocedure) AS x) AS d ON true
 WHERE n.nspname IN ('partman', 'engine_real_extensions')
   AND l.lanname IN ('plpgsql', 'sql')
 GROUP BY n.nspname
 ORDER BY n.nspname;
-- and every one compiles
SELECT count(*) AS do_not_compile
  FROM schema_guard.validate(ARRAY['partman', 'engine_real_extensions'])
 WHERE "check" = 'does_not_compile';

-- No 'error' row: nothing is certain to fail.
SELECT count(*) AS errors
  FROM schema_guard.validate(ARRAY['partman', 'engine_real_extensions'], 'error');
SELECT object_name, line, "check", referenced, message
  FROM schema_guard.validate(ARRAY['partman', 'engine_real_extensions'], 'error')
 LIMIT 5;

-- Other extensions' CREATE and DROP EXTENSION pass untouched.
DROP EXTENSION pgtap;
DROP EXTENSION pg_partman;

-- The same, installed from a session whose search_path does not contain
-- the extensions' schemas.  An extension script runs with its own schema
-- as search_path, and pgTAP's unqualified calls of its own functions
-- (ok(), _cmp_types(), its views tap_funky, pg_all_foreign_keys) resolve
-- with that path when they run: still no 'error' row.
SET search_path = pg_catalog;
CREATE EXTENSION pg_partman SCHEMA partman;
CREATE EXTENSION pgtap SCHEMA engine_real_extensions;
SELECT count(*) AS errors
  FROM schema_guard.validate(ARRAY['partman', 'engine_real_extensions'], 'error');
SELECT "check", count(*)
  FROM schema_guard.validate(ARRAY['partman', 'engine_real_extensions'], 'error')
 GROUP BY "check" ORDER BY "check";
-- schema_guard installed after them: the first validate() analyses them
-- all, each extension's functions with its script's path, whatever the
-- session's, and stores them: still no 'error' row, then or after.
SET client_min_messages = warning;
DROP EXTENSION schema_guard;
CREATE EXTENSION schema_guard;
RESET client_min_messages;
SELECT count(*) AS errors
  FROM schema_guard.validate(ARRAY['partman', 'engine_real_extensions'], 'error');
SELECT count(*) AS pending FROM schema_guard.pending_analysis;
SELECT count(*) AS errors
  FROM schema_guard.validate(ARRAY['partman', 'engine_real_extensions'], 'error');
DROP EXTENSION pgtap;
DROP EXTENSION pg_partman;

SET client_min_messages = warning;
RESET search_path;
DROP SCHEMA engine_real_extensions, partman CASCADE;
RESET client_min_messages;
