--
-- guard_temp_and_routines: temporary tables and functions pass untouched;
-- DDL run from a function, a procedure or a DO block is checked like any
-- other; references that are broken already block no unrelated DDL.
--
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS schema_guard CASCADE;
RESET client_min_messages;
CREATE SCHEMA guard_temp_and_routines;
SET search_path = guard_temp_and_routines;

CREATE TABLE items (id int PRIMARY KEY, name text, price numeric);
INSERT INTO items VALUES (1, 'pen', 2.5);
CREATE FUNCTION item_names() RETURNS SETOF text
LANGUAGE sql AS $$ SELECT name FROM items ORDER BY id $$;

--
-- Temporary objects
--

-- Temp tables are created, altered and dropped freely, even one a
-- permanent function reads.  Such a function is reported when it is
-- created: outside this session the table does not exist, and what
-- schema_guard says never depends on the analysing session's temp tables.
CREATE TEMP TABLE scratch (id int, note text);
CREATE FUNCTION scratch_count() RETURNS bigint
LANGUAGE plpgsql AS $$
BEGIN
    RETURN (SELECT count(*) FROM scratch);
END
$$;
ALTER TABLE scratch DROP COLUMN note;
ALTER TABLE scratch RENAME COLUMN id TO key;
DROP TABLE scratch;
DROP FUNCTION scratch_count();

-- Quiet: a temp function whose body uses a missing table, and one that
-- reads a permanent table that is then dropped and created again.
CREATE FUNCTION pg_temp.temp_missing() RETURNS bigint
LANGUAGE plpgsql AS $$
BEGIN
    RETURN (SELECT count(*) FROM no_such_table);
END
$$;
CREATE TABLE side (id int);
CREATE FUNCTION pg_temp.temp_side_count() RETURNS bigint
LANGUAGE plpgsql AS $$
BEGIN
    RETURN (SELECT count(*) FROM guard_temp_and_routines.side);
END
$$;
DROP TABLE side;
DROP FUNCTION pg_temp.temp_missing();
DROP FUNCTION pg_temp.temp_side_count();

-- Quiet: a function creates its own temp table of the same name as a
-- permanent table that is dropped.
CREATE TABLE work_area (a int);
CREATE FUNCTION use_own_work_area() RETURNS bigint
LANGUAGE plpgsql AS $$
BEGIN
    CREATE TEMP TABLE work_area (a int) ON COMMIT DROP;
    INSERT INTO work_area VALUES (1);
    RETURN (SELECT count(*) FROM work_area);
END
$$;
DROP TABLE work_area;
SELECT use_own_work_area();
-- Quiet too: a column of the permanent table that the temporary one of
-- the same name also has is not the function's to protect.
CREATE TABLE work_area2 (id int, zz int);
CREATE FUNCTION use_own_work_area2() RETURNS int
LANGUAGE plpgsql AS $$
BEGIN
    CREATE TEMP TABLE work_area2 (id int) ON COMMIT DROP;
    INSERT INTO work_area2 VALUES (1);
    RETURN (SELECT id FROM work_area2);
END
$$;
ALTER TABLE work_area2 DROP COLUMN id;
SELECT use_own_work_area2();

--
-- DDL from functions, procedures and DO blocks: the statement that runs it
-- is judged by the state it commits, as a transaction block is (a WARNING
-- at the DDL, the verdict when the statement ends)
--

-- Refused: a DO block drops a column a function reads.
DO $$
BEGIN
    ALTER TABLE items DROP COLUMN name;
END
$$;
SELECT item_names();

-- Refused: a function runs the DDL (static and dynamic SQL alike).
CREATE FUNCTION drop_name_static() RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    ALTER TABLE items DROP COLUMN name;
END
$$;
CREATE FUNCTION drop_name_dynamic() RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE format('ALTER TABLE %I DROP COLUMN %I', 'items', 'name');
END
$$;
SELECT drop_name_static();
SELECT drop_name_dynamic();
SELECT item_names();

-- Refused: a procedure runs the DDL.
CREATE PROCEDURE rename_items()
LANGUAGE plpgsql AS $$
BEGIN
    ALTER TABLE items RENAME TO goods;
END
$$;
CALL rename_items();
SELECT to_regclass('items') IS NOT NULL AS still_named_items;

-- Allowed: DDL from a DO block that breaks nothing.
DO $$
BEGIN
    ALTER TABLE items DROP COLUMN price;
END
$$;

-- Allowed: a DO block that drops a view and creates it again, and a
-- function that renames a table away and back.
CREATE VIEW item_view AS SELECT id FROM items;
CREATE FUNCTION item_view_count() RETURNS bigint
LANGUAGE sql AS $$ SELECT count(*) FROM item_view $$;
DO $$
BEGIN
    DROP VIEW item_view;
    CREATE VIEW item_view AS SELECT id, name FROM items;
END
$$;
SELECT item_view_count();
CREATE FUNCTION shuffle_items() RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    ALTER TABLE items RENAME TO items_old;
    ALTER TABLE items_old RENAME TO items;
END
$$;
SELECT shuffle_items();
DROP FUNCTION shuffle_items();
DROP FUNCTION item_view_count();
DROP VIEW item_view;

-- Allowed: in a transaction block, a DO block that drops and creates the
-- table again.
BEGIN;
DO $$
BEGIN
    DROP TABLE items;
    CREATE TABLE items (id int PRIMARY KEY, name text);
END
$$;
COMMIT;
SELECT item_names();

--
-- Broken already: validate() reports it; unrelated DDL is not blocked
--
CREATE TABLE orders (id int, item_id int, quantity int, note text);
CREATE FUNCTION order_quantity(p_id int) RETURNS int
LANGUAGE plpgsql AS $$
BEGIN
    RETURN (SELECT qty FROM orders WHERE id = p_id);
END
$$;
CREATE FUNCTION order_item(p_id int) RETURNS int
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM missing_helper(p_id);
    RETURN (SELECT item_id FROM orders WHERE id = p_id);
END
$$;
SELECT severity, "check", object_name, line, message
  FROM schema_guard.validate(ARRAY['guard_temp_and_routines']);

-- Allowed: DDL on the table the broken statement uses, touching nothing
-- that resolved before.
ALTER TABLE orders DROP COLUMN note;
ALTER TABLE orders RENAME COLUMN quantity TO amount;
ALTER TABLE orders ADD COLUMN placed_at timestamptz;

-- Refused: a statement that worked is still judged, in a function with a
-- broken statement elsewhere; the DETAIL lists only the new break.
ALTER TABLE orders DROP COLUMN item_id;
SELECT column_name FROM information_schema.columns
 WHERE table_schema = 'guard_temp_and_routines' AND table_name = 'orders'
 ORDER BY ordinal_position;


-- A body that names a table that does not exist stays broken when this
-- session creates a temporary table of that name: what the guard and
-- validate() say does not depend on the analysing session's temporary
-- tables.
CREATE FUNCTION count_stage() RETURNS bigint
LANGUAGE plpgsql AS $$
BEGIN
    RETURN (SELECT count(*) FROM stage);
END
$$;
CREATE TEMP TABLE stage (v int);
CREATE OR REPLACE FUNCTION count_stage() RETURNS bigint
LANGUAGE plpgsql AS $$
BEGIN
    RETURN (SELECT count(*) FROM stage) + 0;
END
$$;
SELECT severity, "check", line, message FROM schema_guard.validate(ARRAY['guard_temp_and_routines'])
 WHERE object_name = 'guard_temp_and_routines.count_stage()';
DROP TABLE pg_temp.stage;
DROP FUNCTION count_stage();

-- The same for a declaration: %ROWTYPE of a table this session shadows
-- with a temporary table names the application's table, although
-- PL/pgSQL's validator has just compiled the new body with the temporary
-- one first (and found no field "label" in it).
CREATE TABLE shadowed (id int, label text);
CREATE TEMP TABLE shadowed (other int);
CREATE FUNCTION label_of_first() RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
    r shadowed%ROWTYPE;
BEGIN
    SELECT * INTO r FROM guard_temp_and_routines.shadowed LIMIT 1;
    RETURN r.label;
END
$$;
SELECT severity, "check", line, message FROM schema_guard.validate(ARRAY['guard_temp_and_routines'])
 WHERE object_name = 'guard_temp_and_routines.label_of_first()';
SELECT DISTINCT function, column_name
  FROM schema_guard.dependents('guard_temp_and_routines.shadowed'::regclass)
 ORDER BY 1, 2;
DROP TABLE pg_temp.shadowed;
DROP FUNCTION label_of_first();
DROP TABLE shadowed;

-- Clean up.
SET client_min_messages = warning;
DROP SCHEMA guard_temp_and_routines CASCADE;
RESET client_min_messages;
