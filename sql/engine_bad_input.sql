--
-- engine_bad_input: whatever a body holds, analysis gives a clear result
-- and never crashes or hangs: bodies that do not compile (created with
-- check_function_bodies off), a 1 MB body, 10,000 statements, deep
-- nesting, C and internal functions, functions in other procedural
-- languages, and EXECUTE of strings built at run time.
--
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS schema_guard CASCADE;
RESET client_min_messages;
CREATE SCHEMA engine_bad_input;
SET search_path = engine_bad_input;

\set deps 'SELECT line, kind, access, object_type, object_identity, column_name, resolves, detail FROM schema_guard.dependencies'

CREATE TABLE big_t (x int, y text);

-- Bodies that do not compile, each one 'error' row on the line PostgreSQL
-- reports when the function runs: a syntax error (line 4), a missing END
-- IF (the end of the body, line 6), a bad declaration (line 3), an
-- assignment to a constant (line 5), and a SQL body with a syntax error
-- (line 3).
SET check_function_bodies = off;
CREATE FUNCTION syntax_error() RETURNS int
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM 1;
    RETRUN 1;
END
$$;
CREATE FUNCTION missing_end() RETURNS int
LANGUAGE plpgsql AS $$
BEGIN
    IF true THEN
        RETURN 1;
END
$$;
CREATE FUNCTION bad_declaration() RETURNS int
LANGUAGE plpgsql AS $$
DECLARE
    n int := ;
BEGIN
    RETURN n;
END
$$;
CREATE FUNCTION sql_syntax_error() RETURNS int
LANGUAGE sql AS $$
    SELECT 1;
    SELEC 2;
$$;
CREATE FUNCTION assigns_constant() RETURNS int
LANGUAGE plpgsql AS $$
DECLARE
    c CONSTANT int := 1;
BEGIN
    c := 2;
    RETURN c;
END
$$;
RESET check_function_bodies;
SELECT schema_guard.rebuild() > 0 AS rebuilt;
SELECT object_name, severity, "check", line, message
  FROM schema_guard.validate(ARRAY['engine_bad_input']);

-- A body of about 1 MB: one statement holds a 1 MB string literal; the
-- reference after it is found on its line.
DO $do$
BEGIN
    EXECUTE format('CREATE FUNCTION huge_body() RETURNS bigint LANGUAGE plpgsql AS %L',
                   E'DECLARE\n    s text := ''' || repeat('x', 1000000) || E''';\nBEGIN\n'
                   || E'    RETURN (SELECT count(*) FROM big_t WHERE y = s);\nEND');
END
$do$;
SELECT length(prosrc) > 1000000 AS over_1mb FROM pg_proc WHERE proname = 'huge_body';
:deps('huge_body()');

-- A body of about 1 MB of lines: 20,000 comment lines, then a statement on
-- line 20,002.
DO $do$
BEGIN
    EXECUTE format('CREATE FUNCTION long_body() RETURNS void LANGUAGE plpgsql AS %L',
                   E'BEGIN\n' || repeat('    -- ' || repeat('-', 45) || E'\n', 20000)
                   || E'    PERFORM y FROM big_t;\nEND');
END
$do$;
SELECT length(prosrc) > 1000000 AS over_1mb FROM pg_proc WHERE proname = 'long_body';
:deps('long_body()');

-- 10,000 statements: every one is read, each on its own line.
DO $do$
BEGIN
    EXECUTE format('CREATE FUNCTION many_statements() RETURNS void LANGUAGE plpgsql AS %L',
                   E'BEGIN\n'
                   || (SELECT string_agg(format('    UPDATE big_t SET y = %L WHERE x = %s;', 'v' || i, i), E'\n')
                         FROM generate_series(1, 10000) AS i)
                   || E'\nEND');
END
$do$;
SELECT kind, column_name, count(*), min(line), max(line), count(DISTINCT line) AS lines
  FROM schema_guard.dependencies('many_statements()')
 GROUP BY kind, column_name ORDER BY kind, column_name;

-- A SQL body of 10,000 statements, the first 400 of them failing (as a
-- restore may create it, with bodies unchecked): the body is parsed once,
-- not once per failing statement; each failure is reported on its own
-- line, and every statement after them is read.
SET check_function_bodies = off;
DO $do$
BEGIN
    EXECUTE format('CREATE FUNCTION many_sql_statements() RETURNS bigint LANGUAGE sql AS %L',
                   (SELECT string_agg(CASE WHEN i <= 400
                                           THEN format('SELECT a FROM no_such_table_%s', i)
                                           ELSE format('SELECT count(*) FROM big_t WHERE x = %s', i) END,
                                      E';\n')
                      FROM generate_series(1, 10000) AS i));
END
$do$;
RESET check_function_bodies;
SELECT severity, "check", count(*), min(line), max(line), count(DISTINCT line) AS lines
  FROM schema_guard.validate()
 WHERE object_name = 'engine_bad_input.many_sql_statements()'
 GROUP BY 1, 2 ORDER BY 1, 2;
SELECT kind, column_name, count(*), min(line), max(line)
  FROM schema_guard.dependencies('many_sql_statements()')
 WHERE resolves GROUP BY kind, column_name ORDER BY kind, column_name;

-- Deep nesting: 500 nested blocks and 2,000 nested IFs are read to the
-- bottom.
DO $do$
BEGIN
    EXECUTE format('CREATE FUNCTION deep_blocks() RETURNS void LANGUAGE plpgsql AS %L',
                   repeat(E'BEGIN\n', 500) || E'PERFORM x FROM big_t;\n'
                   || repeat(E'END;\n', 499) || 'END');
    EXECUTE format('CREATE FUNCTION deep_ifs(p int) RETURNS void LANGUAGE plpgsql AS %L',
                   E'BEGIN\n' || repeat(E'IF p > 0 THEN\n', 2000) || E'PERFORM x FROM big_t;\n'
                   || repeat(E'END IF;\n', 2000) || 'END');
END
$do$;
:deps('deep_blocks()');
:deps('deep_ifs(integer)');
-- An expression nested beyond what the parser accepts: the same error
-- PostgreSQL gives when the function runs (at line 2), not a crash.
SET check_function_bodies = off;
DO $do$
BEGIN
    EXECUTE format('CREATE FUNCTION deep_expression() RETURNS int LANGUAGE plpgsql AS %L',
                   E'BEGIN\n    RETURN ' || repeat('(', 100000) || '1' || repeat(')', 100000)
                   || E' + (SELECT max(x) FROM big_t);\nEND');
END
$do$;
RESET check_function_bodies;
SELECT schema_guard.rebuild() > 0 AS rebuilt;
:deps('deep_expression()');

-- C and internal functions have no body to read: nothing is listed and
-- nothing reported.
CREATE FUNCTION my_length(text) RETURNS int LANGUAGE internal IMMUTABLE STRICT AS 'textlen';
:deps('my_length(text)');
:deps('pg_catalog.lower(text)');
:deps('schema_guard.dependencies(regprocedure)');

-- No function at all: no row, no error.
SELECT count(*) FROM schema_guard.dependencies(NULL);

-- dependencies() is a plain SELECT the planner inlines into the calling
-- query, so a call per function in a LATERAL join costs no executor start
-- of its own.
EXPLAIN (COSTS OFF)
SELECT count(*) FROM pg_proc p,
       LATERAL (SELECT count(*) FROM schema_guard.dependencies(p.oid::regprocedure)) d
 WHERE p.proname = 'deep_expression';

-- A function in another procedural language is reported as not checked,
-- whatever its body says.
CREATE LANGUAGE engine_bad_input_pl HANDLER plpgsql_call_handler;
CREATE FUNCTION other_language() RETURNS int
LANGUAGE engine_bad_input_pl AS $$ this is not read at all: SELECT * FROM nowhere $$;
:deps('other_language()');
SELECT object_name, severity, "check", referenced, message
  FROM schema_guard.validate(ARRAY['engine_bad_input'])
 WHERE object_name = 'engine_bad_input.other_language()';

-- EXECUTE of a string built at run time cannot be checked: one info row
-- per EXECUTE, unverifiable, never an error; the expressions that build
-- the string and the USING arguments are still read.  A constant string
-- is read like any other SQL (and its errors are errors).
SET client_min_messages = error;
CREATE FUNCTION dynamic_sql(tbl text) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
    n bigint;
BEGIN
    EXECUTE format('SELECT count(*) FROM %I', tbl) INTO n;
    EXECUTE 'SELECT count(*) FROM ' || quote_ident(tbl) INTO n;
    EXECUTE 'DELETE FROM big_t WHERE x = $1' USING (SELECT max(x) FROM big_t);
    EXECUTE 'SELECT count(*) FROM no_such_static_table' INTO n;
    FOR n IN EXECUTE 'SELECT 1 FROM ' || tbl LOOP
        NULL;
    END LOOP;
    RETURN n;
END
$$;
RESET client_min_messages;
:deps('dynamic_sql(text)');
SELECT severity, "check", line, referenced, message
  FROM schema_guard.validate(ARRAY['engine_bad_input'])
 WHERE object_name = 'engine_bad_input.dynamic_sql(pg_catalog.text)';

-- An event trigger function, a polymorphic function and an empty SQL body
-- are analysed without trouble.
CREATE FUNCTION on_ddl() RETURNS event_trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO big_t (y) SELECT command_tag FROM pg_event_trigger_ddl_commands();
END
$$;
:deps('on_ddl()');
CREATE FUNCTION first_of(anyarray) RETURNS anyelement
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM x FROM big_t LIMIT 1;
    RETURN $1[1];
END
$$;
:deps('first_of(anyarray)');
CREATE FUNCTION empty_sql() RETURNS void LANGUAGE sql AS $$ $$;
:deps('empty_sql()');

-- What the parser says about a body below ERROR (an identifier truncated,
-- a backslash in a string under standard_conforming_strings = off) is not
-- for the client of the statement that has it analysed: no NOTICE or
-- WARNING below.
SET check_function_bodies = off;
CREATE FUNCTION long_identifier() RETURNS int LANGUAGE plpgsql AS $$
DECLARE
    a_variable_whose_name_is_longer_than_sixty_three_bytes_and_gets_cut int := 1;
BEGIN
    RETURN a_variable_whose_name_is_longer_than_sixty_three_bytes_and_gets_cut;
END
$$;
CREATE FUNCTION backslash_quote() RETURNS int LANGUAGE plpgsql
SET standard_conforming_strings = off AS $$
BEGIN
    RETURN length('a\'b');
END
$$;
RESET check_function_bodies;
SELECT count(*) AS references FROM schema_guard.dependencies('long_identifier()');
SELECT count(*) AS references FROM schema_guard.dependencies('backslash_quote()');
SELECT count(*) AS findings FROM schema_guard.validate()
 WHERE object_name IN ('engine_bad_input.long_identifier()', 'engine_bad_input.backslash_quote()');

SET client_min_messages = warning;
RESET search_path;
DROP SCHEMA engine_bad_input CASCADE;
DROP LANGUAGE engine_bad_input_pl CASCADE;
RESET client_min_messages;
