--
-- guard_extensions: schema_guard's own install is quiet; other extensions'
-- CREATE / ALTER / DROP EXTENSION pass untouched unless they break a user's
-- function (sg_test_ext, a two-version test extension in test/extension);
-- ALTER EXTENSION ... SET SCHEMA (citext) moves what functions use.
--
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS schema_guard CASCADE;
RESET client_min_messages;
CREATE SCHEMA guard_extensions;
SET search_path = guard_extensions;

--
-- schema_guard itself
--

-- Quiet: dropping and installing schema_guard again in a database that has
-- functions, also with an empty search_path; the guard works at once.
CREATE TABLE kept (id int);
CREATE FUNCTION kept_count() RETURNS bigint
LANGUAGE sql AS $$ SELECT count(*) FROM kept $$;
DROP EXTENSION schema_guard;
CREATE EXTENSION schema_guard;
DROP TABLE kept;
SET search_path = '';
DROP EXTENSION schema_guard;
CREATE EXTENSION schema_guard;
SET search_path = guard_extensions;
DROP TABLE kept;

-- A damaged catalog (a table of it gone, as after installing a build of
-- the library that does not match the installed SQL objects) stops DDL with
-- a hint, but never DROP EXTENSION schema_guard or DROP SCHEMA schema_guard
-- CASCADE, even when the catalog is due for a rebuild (no origin row).
ALTER EXTENSION schema_guard DROP TABLE schema_guard.creation_path;
DROP TABLE schema_guard.creation_path;
DELETE FROM schema_guard.catalog_origin;
\c -
SET search_path = guard_extensions;
CREATE FUNCTION damaged() RETURNS int LANGUAGE sql AS $$ SELECT 1 $$;
DROP EXTENSION schema_guard;
CREATE EXTENSION schema_guard;
ALTER EXTENSION schema_guard DROP TABLE schema_guard.creation_path;
DROP TABLE schema_guard.creation_path;
DELETE FROM schema_guard.catalog_origin;
\c -
SET search_path = guard_extensions;
DROP SCHEMA schema_guard CASCADE;
CREATE EXTENSION schema_guard;
SELECT extversion FROM pg_extension WHERE extname = 'schema_guard';

-- A transaction that breaks a function and then drops schema_guard commits:
-- nothing guards it any more.
CREATE TABLE unguarded (id int);
CREATE FUNCTION unguarded_count() RETURNS bigint
LANGUAGE sql AS $$ SELECT count(*) FROM unguarded $$;
BEGIN;
DROP TABLE unguarded;
DROP EXTENSION schema_guard;
COMMIT;
SELECT to_regclass('unguarded') IS NULL AS dropped;
DROP FUNCTION unguarded_count();
CREATE EXTENSION schema_guard;

--
-- pgTAP and pg_partman (Debian packages): nothing to say
--
CREATE EXTENSION pgtap SCHEMA guard_extensions;
SELECT plan(1);
SELECT ok(true, 'pgtap works');
SELECT * FROM finish();
DROP EXTENSION pgtap;

CREATE SCHEMA guard_extensions_partman;
CREATE EXTENSION pg_partman SCHEMA guard_extensions_partman;
-- pg_partman's own functions run DDL (partitions, a template table): also
-- quiet.
CREATE TABLE measurements (id int, at timestamptz NOT NULL)
    PARTITION BY RANGE (at);
SELECT guard_extensions_partman.create_parent('guard_extensions.measurements',
                                              'at', 'native', 'monthly',
                                              p_premake := 1);
SELECT count(*) > 0 AS has_partitions FROM pg_inherits
 WHERE inhparent = 'measurements'::regclass;
SELECT guard_extensions_partman.run_maintenance();
DROP TABLE measurements CASCADE;
DROP EXTENSION pg_partman;
DROP SCHEMA guard_extensions_partman CASCADE;

--
-- ALTER EXTENSION ... SET SCHEMA moves the extension's functions, types
-- and relations: the functions that use them by name are judged.
--
CREATE SCHEMA guard_extensions_moved;
CREATE EXTENSION citext SCHEMA guard_extensions;
CREATE FUNCTION same_email(a text, b text) RETURNS boolean
LANGUAGE plpgsql AS $$
DECLARE
    x citext := a;
    y citext := b;
BEGIN
    RETURN x = y;
END
$$;
CREATE FUNCTION email_position(a text, b text) RETURNS int
LANGUAGE sql AS $$
    SELECT strpos(a::guard_extensions.citext, b::guard_extensions.citext)
$$;
-- Refused: one uses the type, the other a function of the extension.
ALTER EXTENSION citext SET SCHEMA guard_extensions_moved;
SELECT same_email('A', 'a'), email_position('abC', 'c');
-- Allowed: once nothing uses them where they were.
DROP FUNCTION same_email(text, text);
DROP FUNCTION email_position(text, text);
ALTER EXTENSION citext SET SCHEMA guard_extensions_moved;
DROP EXTENSION citext;
DROP SCHEMA guard_extensions_moved;

--
-- sg_test_ext: 1.0 has functions label(int) and counter() and a table
-- items (id, name); the update to 1.1 renames items.name to title and drops
-- label(int).
--

-- Quiet: the install script creates its functions before its table.
CREATE EXTENSION sg_test_ext VERSION '1.0';
INSERT INTO sg_test_ext.items VALUES (1, 'one');

-- Refused: a user function calls label(int), which the update drops.
CREATE FUNCTION item_label() RETURNS text
LANGUAGE sql AS $$ SELECT sg_test_ext.label(1) $$;
ALTER EXTENSION sg_test_ext UPDATE TO '1.1';
SELECT extversion FROM pg_extension WHERE extname = 'sg_test_ext';
SELECT item_label();
DROP FUNCTION item_label();

-- Refused: a user function reads items.name, which the update renames.
CREATE FUNCTION item_name(p_id int) RETURNS text
LANGUAGE plpgsql AS $$
BEGIN
    RETURN (SELECT name FROM sg_test_ext.items WHERE id = p_id);
END
$$;
ALTER EXTENSION sg_test_ext UPDATE TO '1.1';
SELECT extversion FROM pg_extension WHERE extname = 'sg_test_ext';
DROP FUNCTION item_name(int);

-- Allowed: no user function uses what the update changes; the extension's
-- own label(int) used the renamed column, but the update drops it.
ALTER EXTENSION sg_test_ext UPDATE TO '1.1';
SELECT extversion FROM pg_extension WHERE extname = 'sg_test_ext';
SELECT sg_test_ext.title(1);

-- Refused: a user function calls one of the extension's functions.
CREATE FUNCTION item_count() RETURNS bigint
LANGUAGE sql AS $$ SELECT sg_test_ext.counter() $$;
DROP EXTENSION sg_test_ext;
DROP EXTENSION sg_test_ext CASCADE;
SELECT item_count();

-- Allowed: without the user function.
DROP FUNCTION item_count();
DROP EXTENSION sg_test_ext;

-- Clean up.
SET client_min_messages = warning;
DROP SCHEMA guard_extensions CASCADE;
RESET client_min_messages;
