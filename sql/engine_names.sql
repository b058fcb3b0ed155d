--
-- engine_names: names resolve as at run time.  Quoted, mixed-case and
-- Unicode identifiers; a function's own SET search_path; the path of the
-- session that created a function; bodies that change search_path
-- themselves (unverifiable, never errors); temporary tables a body creates;
-- and names that are never tables: in comments and string literals, CTE
-- names, aliases, variables, parameters and record fields.
--
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS schema_guard CASCADE;
RESET client_min_messages;
CREATE SCHEMA engine_names;
CREATE SCHEMA engine_names_b;
CREATE SCHEMA engine_names_c;
CREATE SCHEMA "engine_names_Mixed Case";
SET search_path = engine_names;

\set deps 'SELECT line, kind, access, object_type, object_identity, column_name, resolves, detail FROM schema_guard.dependencies'

-- Quoted and mixed-case identifiers: "Order Items" and order_items are two
-- tables; "Qty" and qty two columns; a quoted schema name.
CREATE TABLE "Order Items" ("Qty" int, qty int, "select" text);
CREATE TABLE order_items (qty int);
CREATE TABLE "engine_names_Mixed Case"."Weird.Table" ("a b" int);
CREATE SEQUENCE "Weird Seq";
CREATE FUNCTION quoted() RETURNS bigint
LANGUAGE plpgsql AS $$
BEGIN
    RETURN (SELECT sum("Qty") + sum(qty) FROM "Order Items" WHERE "select" <> '')
         + (SELECT sum(qty) FROM order_items)
         + (SELECT sum("a b") FROM "engine_names_Mixed Case"."Weird.Table")
         + nextval('"Weird Seq"');
END
$$;
:deps('quoted()');

-- Unicode identifiers, plain and in U&"" form.  Unquoted names are folded
-- to lower case for ASCII letters only, as PostgreSQL does: Café is café.
CREATE TABLE café (prix€ numeric, "Größe" int);
CREATE FUNCTION unicode_names() RETURNS numeric
LANGUAGE plpgsql AS $$
BEGIN
    RETURN (SELECT sum(prix€) + sum(U&"Gr\00F6\00DFe") FROM Café);
END
$$;
:deps('unicode_names()');

-- A table t in three schemas.  The function's own SET search_path decides
-- which one an unqualified name is.
CREATE TABLE t (x int);
CREATE TABLE engine_names_b.t (x int);
CREATE TABLE engine_names_c.t (x int);
CREATE FUNCTION with_own_path() RETURNS bigint
LANGUAGE plpgsql SET search_path = engine_names_b, pg_temp AS $$
BEGIN
    RETURN (SELECT count(*) FROM t);
END
$$;
:deps('with_own_path()');
-- An empty search_path: only qualified names resolve.
CREATE FUNCTION empty_path() RETURNS bigint
LANGUAGE plpgsql SET search_path = '' AS $$
BEGIN
    RETURN (SELECT count(*) FROM engine_names_c.t);
END
$$;
:deps('empty_path()');

-- A function without SET search_path resolves with the path of the session
-- that created it, also when it is analysed later from a session with
-- another path.
SET search_path = engine_names_c, engine_names;
CREATE FUNCTION engine_names.created_under_c() RETURNS bigint
LANGUAGE plpgsql AS $$
BEGIN
    RETURN (SELECT count(*) FROM t);
END
$$;
SET search_path = engine_names;
:deps('created_under_c()');
SET search_path = engine_names_b;
:deps('engine_names.created_under_c()');
SET search_path = engine_names;
-- and validate() finds nothing wrong from a session where t would resolve
-- elsewhere or not at all
SET search_path = pg_catalog;
SELECT count(*) AS findings
  FROM schema_guard.validate(ARRAY['engine_names'])
 WHERE object_name = 'engine_names.created_under_c()';
SET search_path = engine_names;

-- A body that sets its own search_path: unqualified names cannot be
-- verified (a warning, never an error); qualified names still can.
SET client_min_messages = error;
CREATE FUNCTION sets_path() RETURNS bigint
LANGUAGE plpgsql AS $$
BEGIN
    SET LOCAL search_path = engine_names_b;
    PERFORM count(*) FROM only_in_some_schema;
    PERFORM count(*) FROM engine_names.missing_qualified;
    RETURN 1;
END
$$;
CREATE FUNCTION sets_path_config() RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM set_config('search_path', 'engine_names_c', true);
    INSERT INTO unqualified_missing VALUES (1);
END
$$;
-- Nor is any other failure of a statement that names a relation without
-- its schema: t is engine_names_b.t when the body runs, with another
-- column; in a qualified name, it is certain.
CREATE TABLE engine_names_b.t_wide (x int, only_in_b int);
CREATE TABLE t_wide (x int);
CREATE FUNCTION sets_path_column() RETURNS int
LANGUAGE plpgsql AS $$
BEGIN
    SET LOCAL search_path = engine_names_b;
    PERFORM only_in_b FROM t_wide;
    PERFORM only_in_b FROM engine_names.t_wide;
    RETURN 1;
END
$$;
RESET client_min_messages;
SELECT object_name, severity, "check", line, referenced, message
  FROM schema_guard.validate(ARRAY['engine_names'])
 WHERE object_name IN ('engine_names.sets_path()', 'engine_names.sets_path_config()',
                       'engine_names.sets_path_column()')
 ORDER BY object_name, line;
-- dependencies() shows the change of path as unverifiable, and the
-- unqualified name that does not resolve now as not resolving.
:deps('sets_path()');
-- Negative: reading search_path is no change of it.
CREATE FUNCTION reads_path() RETURNS text
LANGUAGE plpgsql AS $$
BEGIN
    RETURN current_setting('search_path') || (SELECT count(*) FROM t)::text;
END
$$;
:deps('reads_path()');

-- Temporary tables the body creates itself are not missing and are not
-- references; the statements using them are still read (t.x on line 6).
CREATE FUNCTION uses_own_temp() RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
    n bigint;
BEGIN
    CREATE TEMP TABLE IF NOT EXISTS work_rows (id int);
    INSERT INTO work_rows SELECT x FROM t;
    n := (SELECT count(*) FROM work_rows);
    DROP TABLE work_rows;
    RETURN n;
END
$$;
:deps('uses_own_temp()');

-- A temporary table the body creates hides a permanent table of the same
-- name from the body's later statements: they are not analysed against the
-- permanent table, nor recorded as using it.  A qualified name still is.
CREATE TABLE shadowed (id int, zz int);
CREATE FUNCTION shadows_with_temp() RETURNS int
LANGUAGE plpgsql AS $$
BEGIN
    CREATE TEMP TABLE shadowed (k int) ON COMMIT DROP;
    INSERT INTO shadowed VALUES (1);
    INSERT INTO shadowed SELECT x FROM t;
    PERFORM count(zz) FROM engine_names.shadowed;
    RETURN (SELECT k FROM shadowed);
END
$$;
:deps('shadows_with_temp()');
SELECT count(*) AS findings
  FROM schema_guard.validate(ARRAY['engine_names'])
 WHERE object_name = 'engine_names.shadows_with_temp()';
-- Negative: used before the temporary table is created, the name is the
-- permanent table's.
CREATE FUNCTION uses_then_shadows() RETURNS int
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM zz FROM shadowed;
    CREATE TEMP TABLE shadowed (k int) ON COMMIT DROP;
    RETURN 1;
END
$$;
:deps('uses_then_shadows()');
-- Where a body creates a table does not depend on the analysing session:
-- its temporary schema (the analysis searches it last) is not the
-- function's, so with an empty path there is no schema to name.
CREATE TEMP TABLE session_scratch (x int);
CREATE FUNCTION creates_without_path() RETURNS void
LANGUAGE plpgsql SET search_path = '' AS $$
BEGIN
    CREATE TABLE made_here (x int);
END
$$;
:deps('creates_without_path()');
DROP TABLE pg_temp.session_scratch;

-- "$user" in the path of a SECURITY INVOKER function is the calling role:
-- a name that the schema of some role has is not certain to be missing
-- (a warning).  Negative: in a SECURITY DEFINER function "$user" is the
-- owner, and a name no role's schema has is missing for every caller.
CREATE ROLE regress_engine_names_alice;
CREATE SCHEMA regress_engine_names_alice AUTHORIZATION regress_engine_names_alice;
CREATE TABLE regress_engine_names_alice.mine (label text);
SET client_min_messages = error;
CREATE FUNCTION callers_table() RETURNS text
LANGUAGE plpgsql SET search_path = "$user", engine_names AS $$
BEGIN
    RETURN (SELECT label FROM mine LIMIT 1);
END
$$;
CREATE FUNCTION definers_table() RETURNS text
LANGUAGE plpgsql SECURITY DEFINER SET search_path = "$user", engine_names AS $$
BEGIN
    RETURN (SELECT label FROM mine LIMIT 1);
END
$$;
CREATE FUNCTION nobodys_table() RETURNS text
LANGUAGE plpgsql SET search_path = "$user", engine_names AS $$
BEGIN
    RETURN (SELECT label FROM nobody_has_it LIMIT 1);
END
$$;
RESET client_min_messages;
SELECT object_name, severity, "check", line, message
  FROM schema_guard.validate(ARRAY['engine_names'])
 WHERE object_name IN ('engine_names.callers_table()', 'engine_names.definers_table()',
                       'engine_names.nobodys_table()')
 ORDER BY object_name;
GRANT USAGE ON SCHEMA engine_names TO regress_engine_names_alice;
GRANT SELECT ON regress_engine_names_alice.mine TO regress_engine_names_alice;
SET ROLE regress_engine_names_alice;
SELECT callers_table();
RESET ROLE;
DROP FUNCTION callers_table(), definers_table(), nobodys_table();
SET client_min_messages = warning;
DROP SCHEMA regress_engine_names_alice CASCADE;
RESET client_min_messages;
REVOKE USAGE ON SCHEMA engine_names FROM regress_engine_names_alice;
DROP ROLE regress_engine_names_alice;

-- Names in comments and string literals are not references, even when a
-- table of that name exists.
CREATE TABLE ghost (g int);
CREATE FUNCTION comments_and_strings() RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
    s text := 'SELECT * FROM ghost';  -- FROM ghost
BEGIN
    /* INSERT INTO ghost VALUES (1); */
    RAISE NOTICE 'ghost % ghost', $q$ DELETE FROM ghost $q$;
    RETURN s || E'\nFROM ghost' || (SELECT count(*) FROM t)::text;
END
$$;
:deps('comments_and_strings()');

-- Variables, parameters, record fields, aliases and CTE names that are
-- named like tables are not those tables.
CREATE FUNCTION not_tables(ghost int) RETURNS int
LANGUAGE plpgsql AS $$
DECLARE
    order_items int := ghost;
    r record;
BEGIN
    SELECT 1 AS ghost INTO r;
    WITH ghost AS (SELECT 2 AS v)
    SELECT order_items + r.ghost + (SELECT v FROM ghost) INTO order_items;
    RETURN (SELECT max(cafe.x) FROM t AS cafe) + order_items;
END
$$;
:deps('not_tables(integer)');
SELECT (SELECT count(*) FROM schema_guard.dependents('ghost'::regclass))
     + (SELECT count(*) FROM schema_guard.dependents('order_items'::regclass) AS d
         WHERE d.function <> 'engine_names.quoted()')
     + (SELECT count(*) FROM schema_guard.dependents('café'::regclass) AS d
         WHERE d.function <> 'engine_names.unicode_names()')
       AS look_alike_tables_used;

-- A parameter named like a column of the table a statement reads: the
-- reference is ambiguous and fails every time (an error), unless the
-- function says how to resolve it (#variable_conflict).
SET client_min_messages = error;
CREATE FUNCTION ambiguous(x int) RETURNS bigint
LANGUAGE plpgsql AS $$
BEGIN
    RETURN (SELECT count(*) FROM t WHERE x > 0);
END
$$;
CREATE FUNCTION use_column(x int) RETURNS bigint
LANGUAGE plpgsql AS $$
#variable_conflict use_column
BEGIN
    RETURN (SELECT count(*) FROM t WHERE x > 0);
END
$$;
RESET client_min_messages;
SELECT object_name, severity, "check", line, message
  FROM schema_guard.validate(ARRAY['engine_names'])
 WHERE object_name IN ('engine_names.ambiguous(integer)', 'engine_names.use_column(integer)');
:deps('use_column(integer)');
-- ... or its settings do (SET plpgsql.variable_conflict, which a call
-- applies before PL/pgSQL compiles the body): no WARNING, no error, the
-- same references; and the same when rebuild() analyses it again.
CREATE FUNCTION use_column_setting(x int) RETURNS bigint
LANGUAGE plpgsql SET plpgsql.variable_conflict = use_column AS $$
BEGIN
    RETURN (SELECT count(*) FROM t WHERE x > 0);
END
$$;
SELECT use_column_setting(1);
SELECT object_name, severity, "check", line, message
  FROM schema_guard.validate(ARRAY['engine_names'])
 WHERE object_name = 'engine_names.use_column_setting(integer)';
:deps('use_column_setting(integer)');
SELECT schema_guard.rebuild() > 0 AS rebuilt;
SELECT object_name, severity, "check", line, message
  FROM schema_guard.validate(ARRAY['engine_names'])
 WHERE object_name = 'engine_names.use_column_setting(integer)';

-- Each t is used by exactly the functions that resolve to it.
SELECT DISTINCT 'engine_names.t' AS t, function FROM schema_guard.dependents('engine_names.t'::regclass)
UNION ALL
SELECT DISTINCT 'engine_names_b.t', function FROM schema_guard.dependents('engine_names_b.t'::regclass)
UNION ALL
SELECT DISTINCT 'engine_names_c.t', function FROM schema_guard.dependents('engine_names_c.t'::regclass)
ORDER BY 1, 2;

-- Each resolving reference is stored with the identity of what it names
-- (so that reports can name it once it is gone): exactly PostgreSQL's
-- identity for it, quoting included.
SELECT count(*) FILTER (WHERE r.written IS DISTINCT FROM i.identity) AS differ,
       count(*) FILTER (WHERE r.objsubid > 0 AND r.written LIKE '%"%') AS quoted_columns,
       count(*) FILTER (WHERE r.objsubid = 0 AND r.written LIKE '%"%') AS quoted_objects
  FROM schema_guard.reference AS r
       CROSS JOIN LATERAL pg_identify_object(r.classid, r.objid, r.objsubid) AS i
 WHERE r.severity = 'o' AND r.objid <> 0
   AND r.fn IN (SELECT p.oid FROM pg_proc AS p JOIN pg_namespace AS n ON n.oid = p.pronamespace
                 WHERE n.nspname LIKE 'engine\_names%');

SET client_min_messages = warning;
RESET search_path;
DROP SCHEMA engine_names, engine_names_b, engine_names_c, "engine_names_Mixed Case" CASCADE;
RESET client_min_messages;
