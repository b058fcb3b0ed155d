--
-- engine_runtime_ddl: DDL a body runs itself.  What a statement of a
-- PL/pgSQL body (or of a constant EXECUTE string) creates, alters or drops
-- when it runs (tables and their columns, types, domains, enums,
-- functions) changes what later statements see, so their failures on
-- those objects are not certain: warnings, never errors.  The same
-- failures stay errors where nothing changed the object, before the
-- change, and in SQL functions, whose statements are all analysed before
-- the first one runs.  Running such a function (a migration) is not a
-- break of the function itself.
--
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS schema_guard CASCADE;
RESET client_min_messages;
CREATE SCHEMA engine_runtime_ddl;
CREATE SCHEMA engine_runtime_ddl_other;
SET search_path = engine_runtime_ddl;
SET schema_guard.function_check = off;

CREATE VIEW findings AS
SELECT severity, "check", replace(object_name, 'engine_runtime_ddl.', '') AS object,
       line, referenced, message
  FROM schema_guard.validate(ARRAY['engine_runtime_ddl']);

-- A column the body adds, then uses: not an error.
CREATE TABLE t_add (x int);
CREATE FUNCTION adds_column() RETURNS int LANGUAGE plpgsql AS $$
BEGIN
    ALTER TABLE t_add ADD COLUMN IF NOT EXISTS y int;
    INSERT INTO t_add (x, y) VALUES (1, 2);
    RETURN (SELECT sum(y) FROM t_add);
END
$$;
-- ... also in one constant EXECUTE string of two statements
CREATE TABLE t_exec (id int);
CREATE FUNCTION adds_column_execute() RETURNS int LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE 'ALTER TABLE t_exec ADD COLUMN IF NOT EXISTS c2 int; UPDATE t_exec SET c2 = 1';
    RETURN 1;
END
$$;
-- ... and whose RETURN QUERY then returns the new shape
CREATE TABLE t_shape (a int);
CREATE FUNCTION returns_new_shape() RETURNS TABLE (a int, b int) LANGUAGE plpgsql AS $$
BEGIN
    ALTER TABLE t_shape ADD COLUMN IF NOT EXISTS b int;
    RETURN QUERY SELECT * FROM t_shape;
END
$$;
-- A column the body renames, then uses under its new name.
CREATE TABLE t_ren (old int);
CREATE FUNCTION renames_column() RETURNS int LANGUAGE plpgsql AS $$
BEGIN
    ALTER TABLE t_ren RENAME COLUMN old TO new;
    INSERT INTO t_ren (new) VALUES (3);
    RETURN (SELECT new FROM t_ren);
END
$$;
-- Types, domains and enums the body creates.
CREATE FUNCTION creates_type() RETURNS text LANGUAGE plpgsql AS $$
BEGIN
    CREATE TYPE rt_pair AS (u int);
    RETURN (SELECT (ROW(1)::rt_pair)::text);
END
$$;
CREATE FUNCTION creates_domain() RETURNS int LANGUAGE plpgsql AS $$
BEGIN CREATE DOMAIN rt_dom AS int; RETURN (SELECT 1::rt_dom); END
$$;
CREATE FUNCTION creates_enum() RETURNS text LANGUAGE plpgsql AS $$
BEGIN CREATE TYPE rt_enum AS ENUM ('a'); RETURN 'a'::rt_enum::text; END
$$;
-- A function the body creates, then calls.
CREATE FUNCTION creates_function() RETURNS int LANGUAGE plpgsql AS $$
BEGIN
    CREATE OR REPLACE FUNCTION rt_seven() RETURNS int LANGUAGE sql AS 'SELECT 7';
    RETURN rt_seven();
END
$$;
-- A table the body drops and creates again with other columns.
CREATE TABLE staging (old_col int);
CREATE FUNCTION recreates_table() RETURNS int LANGUAGE plpgsql AS $$
BEGIN
    DROP TABLE IF EXISTS staging;
    CREATE TABLE staging (new_col int);
    INSERT INTO staging (new_col) VALUES (1);
    RETURN (SELECT new_col FROM staging);
END
$$;
-- A table the body renames or moves, then uses under its new name: that
-- name is created by the body, so it is not missing at all.
CREATE TABLE oldname (id int);
CREATE TABLE moved (id int);
CREATE FUNCTION renames_table() RETURNS int LANGUAGE plpgsql AS $$
BEGIN ALTER TABLE oldname RENAME TO newname; RETURN (SELECT count(id)::int FROM newname); END
$$;
CREATE FUNCTION moves_table() RETURNS int LANGUAGE plpgsql AS $$
BEGIN
    ALTER TABLE moved SET SCHEMA engine_runtime_ddl_other;
    RETURN (SELECT count(*)::int FROM engine_runtime_ddl_other.moved);
END
$$;
SELECT object, severity, "check", line, message FROM findings ORDER BY object, line;
-- They all work.
BEGIN;
SET LOCAL schema_guard.mode = off;
SELECT * FROM returns_new_shape();
SELECT adds_column(), adds_column_execute(), renames_column(), creates_type(),
       creates_domain(), creates_enum(), creates_function(), recreates_table(),
       renames_table(), moves_table();
ROLLBACK;

-- Negative: the same failures are errors where nothing the body does
-- changes the object, before the body changes it, in the DDL statement
-- itself, and in a SQL function (analysed as a whole before it runs).
CREATE TABLE t_neg (x int);
CREATE TABLE t_unrelated (x int);
CREATE FUNCTION alters_other_table() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    ALTER TABLE t_unrelated ADD COLUMN y int;
    INSERT INTO t_neg (x, y) VALUES (1, 2);
END
$$;
CREATE FUNCTION uses_before_adding() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO t_neg (x, y) VALUES (1, 2);
    ALTER TABLE t_neg ADD COLUMN y int;
END
$$;
CREATE FUNCTION alters_missing_table() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    ALTER TABLE t_nosuch ADD COLUMN y int;
    INSERT INTO t_nosuch (y) VALUES (1);
END
$$;
SET check_function_bodies = off;
CREATE FUNCTION sql_adds_column() RETURNS void LANGUAGE sql AS $$
    ALTER TABLE t_neg ADD COLUMN z int;
    INSERT INTO t_neg (x, z) VALUES (1, 2);
$$;
RESET check_function_bodies;
CREATE FUNCTION calls_before_creating() RETURNS int LANGUAGE plpgsql AS $$
BEGIN
    PERFORM rt_later();
    CREATE FUNCTION rt_later() RETURNS int LANGUAGE sql AS 'SELECT 1';
    RETURN 1;
END
$$;
SELECT object, severity, "check", line, message FROM findings
 WHERE object IN ('alters_other_table()', 'uses_before_adding()', 'alters_missing_table()',
                  'sql_adds_column()', 'calls_before_creating()')
 ORDER BY object, line;

-- A migration function that renames a column, a table, or drops a column
-- it names: running it is not refused, and afterwards it says only that
-- it may have run already (a warning).
CREATE TABLE accounts (id int, legacy text, note text);
CREATE FUNCTION migrate_accounts() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    ALTER TABLE accounts RENAME COLUMN note TO remark;
    ALTER TABLE accounts DROP COLUMN legacy;
END
$$;
CREATE TABLE old_ledger (id int);
CREATE FUNCTION migrate_ledger() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    ALTER TABLE old_ledger RENAME TO ledger;
END
$$;
SELECT migrate_accounts();
SELECT migrate_ledger();
SELECT object, severity, "check", line, message FROM findings
 WHERE object IN ('migrate_accounts()', 'migrate_ledger()')
 ORDER BY object, line;

SET client_min_messages = warning;
RESET search_path;
DROP SCHEMA engine_runtime_ddl, engine_runtime_ddl_other CASCADE;
RESET client_min_messages;
RESET schema_guard.function_check;
