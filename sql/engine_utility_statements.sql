--
-- engine_utility_statements: what utility statements in bodies name.
-- PostgreSQL does not analyse them before they run, but they fail when
-- what they name is missing: GRANT ... ON t, ANALYZE t, CREATE INDEX ON t
-- (its columns and expressions), ALTER TABLE t (the columns it alters),
-- COMMENT ON TABLE / COLUMN, COPY t (columns), CREATE VIEW (its query), as
-- TRUNCATE, LOCK and REFRESH MATERIALIZED VIEW do.  What an IF EXISTS
-- makes optional, or the body creates itself, is never missing; what a
-- statement renames or drops may be gone because it ran already (a
-- warning).
--
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS schema_guard CASCADE;
RESET client_min_messages;
CREATE SCHEMA engine_utility_statements;
SET search_path = engine_utility_statements;
SET schema_guard.function_check = off;

\set deps 'SELECT line, kind, access, object_type, object_identity, column_name, resolves, detail FROM schema_guard.dependencies'
CREATE VIEW findings AS
SELECT severity, "check", replace(object_name, 'engine_utility_statements.', '') AS object,
       line, referenced, message
  FROM schema_guard.validate(ARRAY['engine_utility_statements']);

CREATE TABLE t (id int, a text, b int);
CREATE FUNCTION maintain() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    GRANT SELECT (a) ON t TO PUBLIC;
    ANALYZE t (b);
    CREATE INDEX IF NOT EXISTS t_a_lower ON t (a, lower(a)) INCLUDE (b) WHERE id > 0;
    ALTER TABLE t ALTER COLUMN a SET STATISTICS 100, ALTER COLUMN b SET DEFAULT 0;
    COMMENT ON TABLE t IS 'maintained';
    COMMENT ON COLUMN t.id IS 'key';
END
$$;
CREATE FUNCTION copies() RETURNS void LANGUAGE sql AS $$
    COPY t (id, a) FROM '/dev/null';
    CREATE VIEW t_ids AS SELECT id FROM t;
$$;
:deps('maintain()');
:deps('copies()');
SELECT maintain();

-- Each fails when what it names is missing.
CREATE FUNCTION u_index() RETURNS void LANGUAGE plpgsql AS $$ BEGIN CREATE INDEX ON t (nocol); END $$;
CREATE FUNCTION u_alter() RETURNS void LANGUAGE plpgsql AS $$ BEGIN ALTER TABLE nosuch ADD COLUMN x int; END $$;
CREATE FUNCTION u_alter_column() RETURNS void LANGUAGE plpgsql AS $$ BEGIN ALTER TABLE t ALTER COLUMN nocol SET NOT NULL; END $$;
CREATE FUNCTION u_view() RETURNS void LANGUAGE plpgsql AS $$ BEGIN CREATE VIEW v_nocol AS SELECT nocol FROM t; END $$;
CREATE FUNCTION u_comment() RETURNS void LANGUAGE plpgsql AS $$ BEGIN COMMENT ON TABLE nosuch IS 'x'; END $$;
CREATE FUNCTION u_grant() RETURNS void LANGUAGE plpgsql AS $$ BEGIN GRANT SELECT (nocol) ON t TO PUBLIC; END $$;
-- ... what it renames or drops may be gone because it ran already
CREATE FUNCTION u_drop_column() RETURNS void LANGUAGE plpgsql AS $$ BEGIN ALTER TABLE t DROP COLUMN nocol; END $$;
CREATE FUNCTION u_rename() RETURNS void LANGUAGE plpgsql AS $$ BEGIN ALTER TABLE nosuch RENAME TO t_new; END $$;
SELECT object, severity, "check", line, message FROM findings
 WHERE object LIKE 'u\_%' ORDER BY object, line;

-- Negative: IF EXISTS; a new column; objects the body creates itself, a
-- temporary table included; a variable in a view's query is the view's
-- column, not the function's.
CREATE FUNCTION n_optional() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    ALTER TABLE IF EXISTS nosuch ADD COLUMN x int;
    ALTER TABLE t DROP COLUMN IF EXISTS nocol;
    ALTER TABLE t ADD COLUMN IF NOT EXISTS c int;
END
$$;
CREATE FUNCTION n_own_objects() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    CREATE TABLE own (x int);
    CREATE INDEX ON own (x);
    ALTER TABLE own ADD COLUMN y int, ALTER COLUMN x SET NOT NULL;
    GRANT SELECT ON own TO PUBLIC;
    COMMENT ON TABLE own IS 'mine';
    CREATE TEMP TABLE t (k int);
    CREATE INDEX ON t (k);
    ANALYZE t;
    ALTER TABLE own ALTER COLUMN y SET DEFAULT 1;
END
$$;
CREATE FUNCTION n_view_variable(id int) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    CREATE VIEW t_ids AS SELECT id FROM t;
END
$$;
SELECT object, severity, "check", line, message FROM findings
 WHERE object LIKE 'n\_%' ORDER BY object, line;
:deps('n_own_objects()');
BEGIN;
SET LOCAL schema_guard.mode = off;
SELECT n_view_variable(1);
SELECT n_optional(), n_own_objects();
ROLLBACK;

SET client_min_messages = warning;
RESET search_path;
DROP SCHEMA engine_utility_statements CASCADE;
RESET client_min_messages;
RESET schema_guard.function_check;
