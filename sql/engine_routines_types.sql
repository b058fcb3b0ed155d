--
-- engine_routines_types: functions and procedures called (resolved to the
-- exact signature, across overloads and schemas) and types used (casts,
-- declarations, arrays, domains, composite types, %TYPE, %ROWTYPE, enum
-- literals), plus regproc/regtype/regclass constants and sequences in
-- other schemas.
--
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS schema_guard CASCADE;
RESET client_min_messages;
CREATE SCHEMA engine_routines_types;
CREATE SCHEMA engine_routines_types_a;
CREATE SCHEMA engine_routines_types_b;
SET search_path = engine_routines_types;

\set deps 'SELECT line, kind, access, object_type, object_identity, column_name, resolves, detail FROM schema_guard.dependencies'

-- Overloads: the call resolves to exactly one of them, as at run time.
CREATE FUNCTION fmt(int) RETURNS text LANGUAGE sql AS $$ SELECT $1::text $$;
CREATE FUNCTION fmt(text) RETURNS text LANGUAGE sql AS $$ SELECT $1 $$;
CREATE FUNCTION fmt(int, int) RETURNS text LANGUAGE sql AS $$ SELECT $1::text || $2 $$;
CREATE FUNCTION fmt(numeric, sep text DEFAULT '-') RETURNS text LANGUAGE sql AS $$ SELECT $1::text || sep $$;

CREATE FUNCTION call_overloads() RETURNS text
LANGUAGE plpgsql AS $$
BEGIN
    RETURN fmt(1)
        || fmt('x')
        || fmt(1, 2)
        || fmt(1.5)
        || fmt(2.5, sep => '+');
END
$$;
:deps('call_overloads()');
-- Negative: each overload has only the callers that resolve to it.
SELECT (SELECT count(*) FROM schema_guard.dependents('fmt(int)'::regprocedure)) AS fmt_int,
       (SELECT count(*) FROM schema_guard.dependents('fmt(text)'::regprocedure)) AS fmt_text,
       (SELECT count(*) FROM schema_guard.dependents('fmt(int,int)'::regprocedure)) AS fmt_int_int,
       (SELECT count(*) FROM schema_guard.dependents('fmt(numeric,text)'::regprocedure)) AS fmt_numeric_text;

-- Functions of the same name in several schemas: a qualified call names its
-- schema's function; an unqualified one resolves with the search_path.
CREATE FUNCTION engine_routines_types_a.same() RETURNS int LANGUAGE sql AS $$ SELECT 1 $$;
CREATE FUNCTION engine_routines_types_b.same() RETURNS int LANGUAGE sql AS $$ SELECT 2 $$;
CREATE FUNCTION call_schemas() RETURNS int
LANGUAGE plpgsql
SET search_path = engine_routines_types_b, engine_routines_types_a
AS $$
BEGIN
    RETURN engine_routines_types_a.same()
         + engine_routines_types_b.same()
         + same();
END
$$;
:deps('call_schemas()');

-- Procedures: CALL from a procedure with INOUT and OUT arguments, and a
-- procedure in another schema.
CREATE PROCEDURE add_one(INOUT n int) LANGUAGE plpgsql AS $$ BEGIN n := n + 1; END $$;
CREATE PROCEDURE engine_routines_types_a.log_it(msg text, OUT done bool)
    LANGUAGE plpgsql AS $$ BEGIN done := true; END $$;
CREATE PROCEDURE run_procs()
LANGUAGE plpgsql AS $$
DECLARE
    n int := 0;
    ok bool;
BEGIN
    CALL add_one(n);
    CALL engine_routines_types_a.log_it('x', ok);
END
$$;
:deps('run_procs()');

-- A set-returning function in FROM, a user-defined aggregate, a VARIADIC
-- function, a function in WHERE, and regproc/regprocedure constants.
CREATE FUNCTION gen(n int) RETURNS SETOF int LANGUAGE sql AS $$ SELECT generate_series(1, n) $$;
CREATE FUNCTION is_even(int) RETURNS bool LANGUAGE sql AS $$ SELECT $1 % 2 = 0 $$;
CREATE FUNCTION sum_all(VARIADIC int[]) RETURNS int LANGUAGE sql AS $$ SELECT sum(x)::int FROM unnest($1) x $$;
CREATE FUNCTION concat_step(text, text) RETURNS text LANGUAGE sql AS $$ SELECT $1 || $2 $$;
CREATE AGGREGATE concat_all(text) (SFUNC = concat_step, STYPE = text, INITCOND = '');
CREATE FUNCTION call_kinds() RETURNS text
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM sum_all(1, 2, 3);
    PERFORM 'is_even'::regproc, 'gen(integer)'::regprocedure;
    RETURN (SELECT concat_all(g::text)
              FROM gen(3) AS g WHERE is_even(g));
END
$$;
:deps('call_kinds()');

-- Types: a domain, an enum, a composite type; used in declarations (an
-- array of color uses color), casts (:: and CAST), an enum literal cast to the
-- type, a composite constructor cast to the type, and a regtype constant.
CREATE DOMAIN posint AS int CHECK (VALUE > 0);
CREATE TYPE color AS ENUM ('red', 'green');
CREATE TYPE pair AS (l int, r int);
CREATE TYPE engine_routines_types_b.mood AS ENUM ('ok', 'sad');
CREATE FUNCTION use_types() RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
    p posint := 1;
    colors color[];
    pr pair;
    m engine_routines_types_b.mood;
BEGIN
    p := CAST(2 AS posint);
    colors := ARRAY['red'::color];
    pr := ROW(1, 2)::pair;
    m := 'ok';
    RETURN 'green'::color::text || 'posint'::regtype::text;
END
$$;
:deps('use_types()');

-- %TYPE and %ROWTYPE name a column and a table (also a qualified table in
-- another schema); a variable declared with a table's row type names the
-- table.  The %TYPE of a variable (x%TYPE) names nothing.
CREATE TABLE products (prod_id int, price numeric, tint color);
CREATE TABLE engine_routines_types_a.stock (sku text, qty int);
CREATE FUNCTION use_anchored() RETURNS numeric
LANGUAGE plpgsql AS $$
DECLARE
    v_price products.price%TYPE;
    v_prod products%ROWTYPE;
    v_stock engine_routines_types_a.stock%ROWTYPE;
    v_qty engine_routines_types_a.stock.qty%TYPE;
    v_copy v_price%TYPE;
    v_row products;
BEGIN
    v_price := 1;
    v_copy := v_price;
    RETURN v_price + v_copy;
END
$$;
:deps('use_anchored()');

-- The same with white space and comments between the '%' and the word, and
-- a '%' of a RAISE format that is no declaration.
CREATE FUNCTION use_anchored_spaced() RETURNS numeric
LANGUAGE plpgsql AS $$
DECLARE
    v_price products.price % /* anchored */ type;
    v_prod products %
        -- the row type
        RowType;
BEGIN
    RAISE NOTICE '% type', 1;
    v_price := 1;
    RETURN v_price;
END
$$;
:deps('use_anchored_spaced()');

-- An enum column compared with a literal: the literal is of the enum type.
CREATE FUNCTION enum_compare() RETURNS bigint
LANGUAGE plpgsql AS $$
BEGIN
    RETURN (SELECT count(*) FROM products WHERE tint = 'red');
END
$$;
:deps('enum_compare()');

-- A sequence in another schema, and a sequence named with a quoted,
-- qualified string.
CREATE SEQUENCE engine_routines_types_b.ticket_seq;
CREATE FUNCTION next_ticket() RETURNS bigint
LANGUAGE plpgsql AS $$
BEGIN
    RETURN nextval('engine_routines_types_b.ticket_seq')
         + nextval('"engine_routines_types_b"."ticket_seq"'::regclass);
END
$$;
:deps('next_ticket()');

-- Negative: a call with no matching signature, a missing procedure, an
-- unknown type in a cast and in a declaration-free expression, and an
-- enum literal the enum does not have, each reported on its line.
SET client_min_messages = error;
CREATE FUNCTION broken_calls() RETURNS text
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM fmt(now());
    CALL no_such_proc();
    PERFORM 1::no_such_type;
    PERFORM 'purple'::color;
    RETURN 'x';
END
$$;
RESET client_min_messages;
:deps('broken_calls()');
SELECT severity, "check", line, referenced, message
  FROM schema_guard.validate(ARRAY['engine_routines_types'])
 WHERE object_name = 'engine_routines_types.broken_calls()';

-- From the other side: the users of a type and of a function.
SELECT function, line, access FROM schema_guard.dependents('color'::regtype);
SELECT function, line, access FROM schema_guard.dependents('engine_routines_types_a.same()'::regprocedure);

-- Negative: a declaration with a missing type does not compile (created
-- with check_function_bodies off, as pg_restore does).
SET client_min_messages = error;
SET check_function_bodies = off;
CREATE FUNCTION broken_declaration() RETURNS int
LANGUAGE plpgsql AS $$
DECLARE
    v no_such_type;
BEGIN
    RETURN 1;
END
$$;
RESET check_function_bodies;
RESET client_min_messages;
:deps('broken_declaration()');

SET client_min_messages = warning;
RESET search_path;
DROP SCHEMA engine_routines_types, engine_routines_types_a, engine_routines_types_b CASCADE;
RESET client_min_messages;
