--
-- validate(), the report view and assert_valid(): columns, filters, order,
-- and who may call them.
--
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS schema_guard CASCADE;
RESET client_min_messages;
CREATE SCHEMA validate_api;
SET search_path = validate_api;
SET schema_guard.function_check = off;

--
-- Columns and types.
--
SELECT pg_get_function_arguments('schema_guard.validate(name[],text)'::regprocedure);
SELECT pg_get_function_result('schema_guard.validate(name[],text)'::regprocedure);
SELECT attname, atttypid::regtype
  FROM pg_attribute
 WHERE attrelid = 'schema_guard.report'::regclass AND attnum > 0
 ORDER BY attnum;
SELECT pg_get_function_arguments('schema_guard.assert_valid(name[])'::regprocedure),
       pg_get_function_result('schema_guard.assert_valid(name[])'::regprocedure);

-- Nothing to report in an empty schema.
SELECT * FROM schema_guard.validate(ARRAY['validate_api']);
SELECT schema_guard.assert_valid(ARRAY['validate_api']);

--
-- Findings of each severity, in two schemas.
--
CREATE SCHEMA validate_api_other;
CREATE TABLE jobs (id int PRIMARY KEY, owner_id int, state text);
CREATE TABLE owners (id int PRIMARY KEY);
ALTER TABLE jobs ADD CONSTRAINT jobs_owner_fk FOREIGN KEY (owner_id)
    REFERENCES owners NOT VALID;
CREATE INDEX ON jobs (owner_id);
CREATE TABLE gone (id int);
CREATE FUNCTION count_gone() RETURNS bigint LANGUAGE plpgsql AS $$
BEGIN
    PERFORM count(*) FROM gone AS g2 WHERE g2.id > 0;
    RETURN (SELECT count(*) FROM gone);
END
$$;
CREATE FUNCTION "Upper_case"() RETURNS bigint LANGUAGE sql AS $$
    SELECT count(*) FROM gone
$$;
CREATE PROCEDURE queue_job(p int) LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO jobs (id, state) VALUES (p, 'queued');
    UPDATE jobs SET status = 'queued' WHERE id = p;
END
$$;
CREATE FUNCTION maybe_gone() RETURNS bigint LANGUAGE plpgsql AS $$
BEGIN
    RETURN (SELECT count(*) FROM gone);
EXCEPTION WHEN undefined_table THEN
    RETURN 0;
END
$$;
CREATE FUNCTION run(q text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE q;
END
$$;
CREATE FUNCTION validate_api_other.other_gone() RETURNS bigint LANGUAGE plpgsql AS $$
BEGIN
    RETURN (SELECT count(*) FROM validate_api.gone);
END
$$;
SET schema_guard.mode = warn;
SET client_min_messages = error;
DROP TABLE gone;
RESET client_min_messages;
RESET schema_guard.mode;

-- Every row, in the documented order: severity (error, warning, info),
-- then check, object name (byte order, whatever the database's
-- collation), line, referenced and message.
\x on
SELECT * FROM schema_guard.validate(ARRAY['validate_api']);
\x off

-- The order is deterministic: the rows come sorted by that key.
WITH v AS (
    SELECT v.*, row_number() OVER () AS n
      FROM schema_guard.validate(ARRAY['validate_api', 'validate_api_other']) AS v
)
SELECT count(*) AS rows,
       bool_and(n = sorted) AS in_order
  FROM (SELECT n, row_number() OVER (
                  ORDER BY CASE severity WHEN 'error' THEN 1
                                         WHEN 'warning' THEN 2 ELSE 3 END,
                           "check" COLLATE "C", object_name COLLATE "C",
                           line NULLS FIRST, referenced COLLATE "C" NULLS FIRST,
                           message COLLATE "C") AS sorted
          FROM v) AS s;

--
-- The schemas filter.
--
SELECT severity, "check", object_name
  FROM schema_guard.validate(ARRAY['validate_api_other']);
SELECT severity, "check", object_name
  FROM schema_guard.validate(ARRAY['validate_api_other', 'validate_api'], 'error');
-- a filter that matches nothing is refused, so that a pipeline with a
-- mistyped schema name does not pass silently
\set SHOW_CONTEXT never
SELECT count(*) FROM schema_guard.validate(ARRAY[]::name[]);
SELECT count(*) FROM schema_guard.validate(ARRAY['validate_api', 'validate_api_nosuch']);
\set SHOW_CONTEXT errors
-- without a filter, every schema is included
SELECT count(*) FROM schema_guard.validate()
 WHERE object_name LIKE 'validate\_api.%'
    OR object_name LIKE 'validate\_api\_other.%'
    OR referenced LIKE 'validate\_api.%';

--
-- The minimum severity filter.
--
SELECT severity, count(*)
  FROM schema_guard.validate(ARRAY['validate_api'], 'info')
 GROUP BY severity ORDER BY severity COLLATE "C";
SELECT severity, count(*)
  FROM schema_guard.validate(ARRAY['validate_api'], 'warning')
 GROUP BY severity ORDER BY severity COLLATE "C";
SELECT severity, count(*)
  FROM schema_guard.validate(ARRAY['validate_api'], min_severity => 'error')
 GROUP BY severity ORDER BY severity COLLATE "C";
SELECT count(*) FROM schema_guard.validate(ARRAY['validate_api'], 'WARNING');
SELECT * FROM schema_guard.validate(ARRAY['validate_api'], 'fatal');
SELECT * FROM schema_guard.validate(ARRAY['validate_api'], '');

--
-- schema_guard.report shows the same rows as validate().
--
CREATE VIEW api_report AS
SELECT * FROM schema_guard.report
 WHERE object_name LIKE 'validate\_api.%'
    OR object_name LIKE '% on validate\_api.%';
CREATE VIEW api_validate AS
SELECT * FROM schema_guard.validate(ARRAY['validate_api']);
SELECT (SELECT count(*) FROM api_report) AS report_rows,
       (SELECT count(*) FROM api_validate) AS validate_rows;
(SELECT * FROM api_report EXCEPT ALL SELECT * FROM api_validate)
UNION ALL
(SELECT * FROM api_validate EXCEPT ALL SELECT * FROM api_report);
-- in the same order
SELECT (SELECT array_agg(r::text) FROM api_report AS r)
     = (SELECT array_agg(v::text) FROM api_validate AS v) AS same_order;

--
-- assert_valid(): one ERROR listing every error row, for pipelines.
--
\set SHOW_CONTEXT never
SELECT schema_guard.assert_valid(ARRAY['validate_api']);
SELECT schema_guard.assert_valid(ARRAY['validate_api_other']);
-- its SQLSTATE
DO $$
BEGIN
    PERFORM schema_guard.assert_valid(ARRAY['validate_api']);
EXCEPTION WHEN OTHERS THEN
    RAISE NOTICE 'SQLSTATE %', SQLSTATE;
END
$$;
-- psql -v ON_ERROR_STOP=1 exits non-zero
\setenv PGDATABASE :DBNAME
\! psql -X -q -v ON_ERROR_STOP=1 -c "SELECT schema_guard.assert_valid(ARRAY['validate_api'])" >/dev/null 2>&1; echo "exit status $?"
\! psql -X -q -v ON_ERROR_STOP=1 -c "SELECT schema_guard.assert_valid(ARRAY['validate_api_nosuch'])" >/dev/null 2>&1; echo "exit status $?"

-- Fixed: quiet, although warnings and info remain.
CREATE TABLE gone (id int);
ALTER TABLE jobs ADD COLUMN status text;
SELECT schema_guard.assert_valid(ARRAY['validate_api', 'validate_api_other']);
SELECT severity, "check", object_name
  FROM schema_guard.validate(ARRAY['validate_api', 'validate_api_other']);
\set SHOW_CONTEXT errors

--
-- Functions created while check_function_bodies is off (pg_restore) are
-- reported by validate() all the same.
--
SET check_function_bodies = off;
CREATE FUNCTION restored() RETURNS bigint LANGUAGE sql AS $$
    SELECT count(*) FROM not_restored_yet
$$;
SELECT count(*) AS pending FROM schema_guard.pending_analysis
 WHERE fn = 'restored()'::regprocedure;
-- In a read-only transaction, it is analysed in memory only...
BEGIN READ ONLY;
SELECT severity, "check", object_name, line, message
  FROM schema_guard.validate(ARRAY['validate_api'], 'error');
COMMIT;
SELECT count(*) AS pending FROM schema_guard.pending_analysis
 WHERE fn = 'restored()'::regprocedure;
-- ... else validate() stores the analysis, as the next DDL would.  The
-- catalog's own statements are never JIT-compiled: they touch few rows,
-- and a plan costed with sequential scans disabled must not be taken for
-- an expensive one (compiling it cost more than the whole catch-up).
-- With JIT, the backend maps llvmjit's library.
SELECT pg_read_file('/proc/self/maps') LIKE '%llvmjit%' AS jit_loaded;
SELECT severity, "check", object_name, line, message
  FROM schema_guard.validate(ARRAY['validate_api'], 'error');
SELECT pg_read_file('/proc/self/maps') LIKE '%llvmjit%' AS jit_loaded;
SELECT count(*) AS pending FROM schema_guard.pending_analysis
 WHERE fn = 'restored()'::regprocedure;
SELECT count(*) AS stored_units FROM schema_guard.analysis
 WHERE fn = 'restored()'::regprocedure;
RESET check_function_bodies;
DROP FUNCTION restored();

--
-- A stored analysis describes a function definition: GRANT, COMMENT and
-- ALTER FUNCTION ... COST leave it current; a new body does not.
--
CREATE FUNCTION state_of(int) RETURNS text LANGUAGE sql
    AS 'SELECT state FROM validate_api.jobs WHERE id = $1';
SELECT definition AS state_of_definition FROM schema_guard.analysis
 WHERE fn = 'state_of(int)'::regprocedure \gset
GRANT EXECUTE ON FUNCTION state_of(int) TO PUBLIC;
COMMENT ON FUNCTION state_of(int) IS 'the state of a job';
ALTER FUNCTION state_of(int) COST 50;
SELECT definition = :state_of_definition AS unchanged FROM schema_guard.analysis
 WHERE fn = 'state_of(int)'::regprocedure;
CREATE OR REPLACE FUNCTION state_of(int) RETURNS text LANGUAGE sql
    AS 'SELECT state FROM validate_api.jobs WHERE id = $1 + 0';
SELECT definition = :state_of_definition AS unchanged FROM schema_guard.analysis
 WHERE fn = 'state_of(int)'::regprocedure;
DROP FUNCTION state_of(int);

--
-- Who may call them: any role can read the report; only superusers can
-- rebuild the catalog.
--
SET schema_guard.mode = warn;
SET client_min_messages = error;
DROP TABLE gone;
CREATE ROLE regress_validate_api_reader;
RESET client_min_messages;
RESET schema_guard.mode;
GRANT USAGE ON SCHEMA validate_api TO regress_validate_api_reader;
SET ROLE regress_validate_api_reader;
SELECT severity, "check", object_name
  FROM schema_guard.validate(ARRAY['validate_api'], 'error');
SELECT severity, "check", object_name
  FROM schema_guard.report
 WHERE severity = 'error' AND object_name LIKE 'validate\_api.%';
SELECT line, kind, access, object_identity, resolves
  FROM schema_guard.dependencies('validate_api.count_gone()');
\set SHOW_CONTEXT never
SELECT schema_guard.assert_valid(ARRAY['validate_api']);
\set SHOW_CONTEXT errors
SELECT schema_guard.rebuild();
RESET ROLE;

RESET schema_guard.function_check;
RESET search_path;
SET client_min_messages = warning;
DROP SCHEMA validate_api, validate_api_other CASCADE;
DROP ROLE regress_validate_api_reader;
RESET client_min_messages;

--
-- The first validate() after CREATE EXTENSION analyses and stores the
-- functions that were there before it, and reports what the next call,
-- which reads the stored analyses, reports: findings per function and per
-- trigger, and relations a body creates at run time.
--
SET client_min_messages = warning;
DROP EXTENSION schema_guard;
RESET client_min_messages;
CREATE SCHEMA va_first;
CREATE TABLE va_first.with_note (id int, note text);
CREATE TABLE va_first.without_note (id int);
CREATE FUNCTION va_first.reads_missing() RETURNS bigint LANGUAGE plpgsql AS $$
BEGIN
    RETURN (SELECT count(*) FROM va_first.missing);
END $$;
CREATE FUNCTION va_first.makes_log() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    CREATE TABLE IF NOT EXISTS va_first.log (x int);
END $$;
CREATE FUNCTION va_first.reads_log() RETURNS bigint LANGUAGE plpgsql AS $$
BEGIN
    PERFORM va_first.makes_log();
    RETURN (SELECT count(*) FROM va_first.log);
END $$;
CREATE FUNCTION va_first.sets_note() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.note := 'seen';
    RETURN NEW;
END $$;
CREATE TRIGGER sets_note BEFORE INSERT ON va_first.with_note
    FOR EACH ROW EXECUTE FUNCTION va_first.sets_note();
CREATE TRIGGER sets_note BEFORE INSERT ON va_first.without_note
    FOR EACH ROW EXECUTE FUNCTION va_first.sets_note();
CREATE FUNCTION va_first.fine() RETURNS bigint LANGUAGE sql
    AS $$ SELECT count(*) FROM va_first.with_note $$;
CREATE EXTENSION schema_guard;
CREATE TEMP TABLE va_first_report AS
    SELECT * FROM schema_guard.validate(ARRAY['va_first']);
SELECT severity, "check", object_type, object_name, line, referenced
  FROM va_first_report
 ORDER BY object_name, line, "check";
SELECT count(*) AS stored
  FROM schema_guard.analysis
 WHERE fn IN ('va_first.reads_missing()'::regprocedure,
              'va_first.makes_log()'::regprocedure,
              'va_first.reads_log()'::regprocedure,
              'va_first.sets_note()'::regprocedure,
              'va_first.fine()'::regprocedure);
-- the second call reads what the first stored: the same rows
(SELECT * FROM schema_guard.validate(ARRAY['va_first'])
 EXCEPT ALL SELECT * FROM va_first_report)
UNION ALL
(SELECT * FROM va_first_report
 EXCEPT ALL SELECT * FROM schema_guard.validate(ARRAY['va_first']));
SET client_min_messages = warning;
DROP SCHEMA va_first CASCADE;
RESET client_min_messages;
