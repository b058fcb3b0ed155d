--
-- engine_plpgsql_statements: the references of every kind of PL/pgSQL
-- statement, on the body line where each is written: PERFORM, SELECT INTO,
-- RETURN, RETURN NEXT, RETURN QUERY, FOR ... IN query, FOR over a cursor,
-- OPEN ... FOR, bound cursors, FETCH, IF/ELSIF/CASE/WHILE/EXIT conditions,
-- FOREACH, assignments, declarations' defaults, RAISE and ASSERT
-- arguments, exception handlers, nested blocks, CALL, and EXECUTE of a
-- constant string.
--
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS schema_guard CASCADE;
RESET client_min_messages;
CREATE SCHEMA engine_plpgsql_statements;
SET search_path = engine_plpgsql_statements;

\set deps 'SELECT line, kind, access, object_type, object_identity, column_name, resolves, detail FROM schema_guard.dependencies'
-- relations only, for the cases about where a statement kind is read
\set rels 'SELECT line, access, object_identity FROM schema_guard.dependencies'
\set relsuffix ' WHERE kind = ''relation'''

-- one table per statement kind, so each listing shows which was found
CREATE TABLE t_perform (a int);
CREATE TABLE t_into (b int, b2 int);
CREATE TABLE t_return (c int);
CREATE TABLE t_next (d int);
CREATE TABLE t_query (e int);
CREATE TABLE t_for (f int);
CREATE TABLE t_cursor (g int);
CREATE TABLE t_open (h int);
CREATE TABLE t_if (i int);
CREATE TABLE t_elsif (j int);
CREATE TABLE t_case (k int);
CREATE TABLE t_when (l int);
CREATE TABLE t_while (m int);
CREATE TABLE t_exit (n int);
CREATE TABLE t_assign (o int);
CREATE TABLE t_default (p int);
CREATE TABLE t_raise (q int);
CREATE TABLE t_raise_using (r int);
CREATE TABLE t_assert (s int);
CREATE TABLE t_handler (t int);
CREATE TABLE t_nested (u int);
CREATE TABLE t_execute (v int);
CREATE TABLE t_foreach (w int[]);
CREATE TABLE t_fori (x int);
CREATE PROCEDURE do_call(n int) LANGUAGE plpgsql AS $$ BEGIN END $$;

-- PERFORM, SELECT INTO (into a scalar and into a row of variables),
-- RETURN, RETURN NEXT, RETURN QUERY.
CREATE FUNCTION simple_statements() RETURNS SETOF int
LANGUAGE plpgsql AS $$
DECLARE
    x int;
    y int;
BEGIN
    PERFORM a FROM t_perform;
    SELECT b INTO x FROM t_into;
    SELECT b, b2 INTO x, y FROM t_into;
    RETURN NEXT (SELECT d FROM t_next LIMIT 1);
    RETURN QUERY SELECT e FROM t_query;
    RETURN;
END
$$;
:deps('simple_statements()');
CREATE FUNCTION return_scalar() RETURNS int
LANGUAGE plpgsql AS $$
BEGIN
    RETURN (SELECT c FROM t_return);
END
$$;
:deps('return_scalar()');

-- SELECT ... INTO followed by a line break: PL/pgSQL blanks out the INTO
-- clause; the lines of what follows are still the body's lines (t_into on
-- line 5, b2 on line 6).
CREATE FUNCTION select_into_lines() RETURNS int
LANGUAGE plpgsql AS $$
DECLARE x int;
BEGIN
    SELECT b INTO x
      FROM t_into
     WHERE b2 > 0;
    RETURN x;
END
$$;
:deps('select_into_lines()');
-- the same with STRICT and a target list spread over two lines
CREATE FUNCTION select_into_lines2() RETURNS int
LANGUAGE plpgsql AS $$
DECLARE x int; y int;
BEGIN
    SELECT b, b2 INTO STRICT x,
                             y
      FROM t_into;
    RETURN x + y;
END
$$;
:deps('select_into_lines2()');

-- Loops and cursors: FOR ... IN query, a bound cursor declared in DECLARE,
-- FOR over that cursor, OPEN ... FOR query, FETCH, FOREACH, integer FOR
-- bounds, WHILE and EXIT WHEN conditions.
CREATE FUNCTION loops() RETURNS int
LANGUAGE plpgsql AS $$
DECLARE
    total int := 0;
    r record;
    cur CURSOR FOR SELECT g FROM t_cursor;
    ref refcursor;
    v int;
    arr int;
BEGIN
    FOR r IN SELECT f FROM t_for LOOP
        total := total + r.f;
    END LOOP;
    FOR r IN cur LOOP
        total := total + r.g;
    END LOOP;
    OPEN ref FOR SELECT h FROM t_open;
    FETCH ref INTO v;
    CLOSE ref;
    FOREACH arr IN ARRAY (SELECT w FROM t_foreach LIMIT 1) LOOP
        total := total + arr;
    END LOOP;
    FOR i IN 1 .. (SELECT max(x) FROM t_fori) LOOP
        total := total + i;
    END LOOP;
    WHILE total < (SELECT count(*) FROM t_while) LOOP
        total := total + 1;
        EXIT WHEN total > (SELECT max(n) FROM t_exit);
    END LOOP;
    RETURN total;
END
$$;
:rels('loops()') :relsuffix;

-- Conditions: IF, ELSIF, CASE with a search expression, searched CASE.
CREATE FUNCTION conditions(p int) RETURNS text
LANGUAGE plpgsql AS $$
BEGIN
    IF p = (SELECT max(i) FROM t_if) THEN
        RETURN 'if';
    ELSIF p = (SELECT max(j) FROM t_elsif) THEN
        RETURN 'elsif';
    END IF;
    CASE (SELECT max(k) FROM t_case)
        WHEN p THEN RETURN 'case';
        ELSE NULL;
    END CASE;
    CASE
        WHEN p > (SELECT max(l) FROM t_when) THEN RETURN 'when';
        ELSE RETURN 'else';
    END CASE;
END
$$;
:rels('conditions(integer)') :relsuffix;

-- Assignments and declaration defaults; RAISE parameters and USING
-- options; ASSERT conditions.
CREATE FUNCTION expressions() RETURNS int
LANGUAGE plpgsql AS $$
DECLARE
    x int := (SELECT max(p) FROM t_default);
BEGIN
    x := (SELECT max(o) FROM t_assign);
    RAISE NOTICE 'max q is %', (SELECT max(q) FROM t_raise);
    RAISE NOTICE 'x' USING DETAIL = (SELECT max(r) FROM t_raise_using)::text;
    ASSERT (SELECT count(*) FROM t_assert) >= 0, 'assert';
    RETURN x;
END
$$;
:deps('expressions()');

-- Nested blocks, an exception handler's statements, CALL of a procedure,
-- and a constant EXECUTE string (analysed like any other SQL).
CREATE FUNCTION blocks() RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    <<outer_block>>
    DECLARE
        n int;
    BEGIN
        BEGIN
            n := (SELECT max(u) FROM t_nested);
        EXCEPTION WHEN division_by_zero THEN
            INSERT INTO t_handler (t) VALUES (0);
        END;
        CALL do_call(n);
    END;
    EXECUTE 'UPDATE t_execute SET v = v + 1';
END
$$;
:deps('blocks()');

-- Negative: a statement that fails inside a block whose EXCEPTION clause
-- catches that error is a warning, not an error (the function goes on with
-- the handler); one outside the block, or whose error the handler does not
-- catch, is an error.
SET client_min_messages = error;
CREATE FUNCTION handled() RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    BEGIN
        PERFORM * FROM missing_caught;
    EXCEPTION WHEN undefined_table THEN
        NULL;
    END;
    BEGIN
        PERFORM * FROM missing_not_caught;
    EXCEPTION WHEN division_by_zero THEN
        NULL;
    END;
    PERFORM * FROM missing_outside;
END
$$;
RESET client_min_messages;
SELECT severity, "check", line, referenced, message
  FROM schema_guard.validate(ARRAY['engine_plpgsql_statements'])
 WHERE object_name = 'engine_plpgsql_statements.handled()';

-- Negative: a statement on a path that ends in RAISE EXCEPTION anyway is a
-- warning; the same statement on a normal path is an error.
SET client_min_messages = error;
CREATE FUNCTION error_path(p int) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    IF p < 0 THEN
        INSERT INTO missing_log VALUES (p);
        RAISE EXCEPTION 'negative';
    END IF;
    INSERT INTO missing_log2 VALUES (p);
END
$$;
RESET client_min_messages;
SELECT severity, "check", line, referenced, message
  FROM schema_guard.validate(ARRAY['engine_plpgsql_statements'])
 WHERE object_name = 'engine_plpgsql_statements.error_path(integer)';

-- A branch taken only on some server versions may name objects this server
-- lacks: a warning there; the statement after the branch is on every path,
-- so its missing relation is an error.
SET client_min_messages = error;
CREATE FUNCTION version_branch() RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('server_version_num')::int < 100000 THEN
        PERFORM * FROM missing_old_catalog;
    END IF;
    PERFORM * FROM missing_after_branch;
END
$$;
RESET client_min_messages;
SELECT severity, "check", line, referenced, message
  FROM schema_guard.validate(ARRAY['engine_plpgsql_statements'])
 WHERE object_name = 'engine_plpgsql_statements.version_branch()';

-- Negative: a condition on an application value that happens to be called
-- "version" (a parameter, a row-version column) is not a server-version
-- test: the missing relation in its branch is a certain error.
SET client_min_messages = error;
CREATE FUNCTION app_version(p_version int) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    IF p_version > 1 THEN
        PERFORM * FROM missing_in_app_branch;
    END IF;
END
$$;
RESET client_min_messages;
SELECT severity, "check", line, referenced, message
  FROM schema_guard.validate(ARRAY['engine_plpgsql_statements'])
 WHERE object_name = 'engine_plpgsql_statements.app_version(integer)';

-- Negative: a failure in one statement hides none of the others; each
-- statement kind reports its own missing relation on its own line.
SET client_min_messages = error;
CREATE FUNCTION many_missing() RETURNS SETOF int
LANGUAGE plpgsql AS $$
DECLARE
    r record;
    x int := (SELECT 1 FROM gone_default);
BEGIN
    PERFORM 1 FROM gone_perform;
    IF EXISTS (SELECT 1 FROM gone_if) THEN
        x := (SELECT 1 FROM gone_assign);
    END IF;
    FOR r IN SELECT 1 AS one FROM gone_for LOOP
        RAISE NOTICE '%', (SELECT 1 FROM gone_raise);
    END LOOP;
    RETURN QUERY SELECT 1 FROM gone_query;
    EXECUTE 'DELETE FROM gone_execute';
END
$$;
RESET client_min_messages;
SELECT line, object_identity, resolves, detail
  FROM schema_guard.dependencies('many_missing()');

-- A record variable's fields: r.f is known once r has a row type (the
-- FOR query's); a field the row does not have is an error.
SET client_min_messages = error;
CREATE FUNCTION record_fields() RETURNS int
LANGUAGE plpgsql AS $$
DECLARE
    r record;
    total int := 0;
BEGIN
    FOR r IN SELECT f FROM t_for LOOP
        total := total + r.f + r.nope;
    END LOOP;
    RETURN total;
END
$$;
RESET client_min_messages;
SELECT severity, "check", line, referenced, message
  FROM schema_guard.validate(ARRAY['engine_plpgsql_statements'])
 WHERE object_name = 'engine_plpgsql_statements.record_fields()';

-- A record filled again by two loops, and by SELECT ... INTO in a branch
-- that returns: where a field is used, the record certainly has the row
-- type of the statement that filled it last, so nothing is reported.  A
-- field read in a loop before the record is filled with another row type
-- may find either (a warning).
SET client_min_messages = error;
CREATE FUNCTION record_reused() RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
    r record;
    s text := '';
BEGIN
    FOR r IN SELECT f FROM t_for LOOP
        s := s || r.f;
    END LOOP;
    FOR r IN SELECT * FROM generate_series(1, 2) AS g LOOP
        s := s || r.g;
    END LOOP;
    SELECT 1 AS one INTO r;
    IF r.one > 0 THEN
        SELECT 'x' AS two INTO r;
        RETURN r.two || s;
    END IF;
    FOR i IN 1..2 LOOP
        s := s || r.one;
        SELECT 'x' AS two INTO r;
    END LOOP;
    RETURN r.two || s;
END
$$;
RESET client_min_messages;
SELECT severity, "check", line, referenced, message
  FROM schema_guard.validate(ARRAY['engine_plpgsql_statements'])
 WHERE object_name = 'engine_plpgsql_statements.record_reused()';

-- A simple CASE compares its test value, of the test expression's type,
-- with each WHEN value: text WHEN values of a text column are fine (PL/pgSQL
-- declares the hidden CASE variable as integer until the statement runs);
-- one that is not a valid value of the type is not.  Later passes (after the
-- failing statement on line 8) still see the test expression's type.
CREATE TABLE t_status (id int, status text, amount numeric);
SET client_min_messages = error;
CREATE FUNCTION status_label(p int) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
    v_row t_status%ROWTYPE;
BEGIN
    SELECT * INTO v_row FROM t_status WHERE id = p;
    CASE v_row.status
        WHEN 'new' THEN RETURN 'n';
        WHEN 'open', 'held' THEN PERFORM 1 FROM t_status_missing;
        WHEN 'closed' THEN RETURN 'c';
        ELSE NULL;
    END CASE;
    CASE v_row.amount
        WHEN 1.5 THEN RETURN 'a';
        WHEN 'lots' THEN RETURN 'b';
        ELSE RETURN 'x';
    END CASE;
END
$$;
RESET client_min_messages;
SELECT severity, "check", line, message
  FROM schema_guard.validate(ARRAY['engine_plpgsql_statements'])
 WHERE object_name = 'engine_plpgsql_statements.status_label(integer)';

SET client_min_messages = warning;
RESET search_path;
DROP SCHEMA engine_plpgsql_statements CASCADE;
RESET client_min_messages;
