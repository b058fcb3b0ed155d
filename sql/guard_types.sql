--
-- guard_types: DROP TYPE / DROP DOMAIN, ALTER TYPE ... RENAME VALUE and
-- ADD VALUE, ALTER DOMAIN ... RENAME / SET SCHEMA.
--
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS schema_guard CASCADE;
RESET client_min_messages;
CREATE SCHEMA guard_types;
SET search_path = guard_types;
CREATE SCHEMA guard_types_other;

CREATE TYPE mood AS ENUM ('happy', 'sad', 'calm');
CREATE TYPE level AS ENUM ('low', 'high');
CREATE TYPE pair AS (a int, b int);
CREATE DOMAIN posint AS int CHECK (VALUE > 0);
CREATE DOMAIN email AS text CHECK (VALUE LIKE '%@%');

CREATE TABLE people (id int, m mood);
INSERT INTO people VALUES (1, 'happy'), (2, 'sad');

CREATE FUNCTION happy_count() RETURNS bigint
LANGUAGE sql AS $$ SELECT count(*) FROM people WHERE m = 'happy' $$;
CREATE FUNCTION is_sad(p mood) RETURNS boolean
LANGUAGE plpgsql AS $$
BEGIN
    RETURN p = 'sad'::mood;
END
$$;
CREATE FUNCTION high_label() RETURNS text
LANGUAGE sql AS $$ SELECT 'high'::level::text $$;
CREATE FUNCTION default_level() RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
    l level := 'low';
BEGIN
    RETURN l::text;
END
$$;
CREATE FUNCTION pair_sum() RETURNS int
LANGUAGE sql AS $$ SELECT (ROW(1, 2)::pair).a + (ROW(1, 2)::pair).b $$;
CREATE FUNCTION checked(p int) RETURNS int
LANGUAGE plpgsql AS $$
BEGIN
    RETURN p::posint;
END
$$;
CREATE FUNCTION checked_email(p text) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
    e email;
BEGIN
    e := p;
    RETURN e;
END
$$;

--
-- DROP TYPE
--

-- Refused: a SQL function casts to the enum type.
DROP TYPE level;
SELECT high_label();

-- Refused: with the SQL function gone, a PL/pgSQL variable is still
-- declared with the type.
DROP FUNCTION high_label();
DROP TYPE level;
SELECT default_level();

-- Refused: a cast to the composite type.
DROP TYPE pair;
SELECT pair_sum();

-- Refused: DROP TYPE ... CASCADE drops the column people.m (and is_sad(mood),
-- which nobody calls); happy_count() reads that column.
DROP TYPE mood CASCADE;
SELECT happy_count(), is_sad('sad');

-- Refused: DROP TYPE ... CASCADE drops a function that another calls.
CREATE TYPE unit AS ENUM ('kg', 'lb');
CREATE FUNCTION unit_name(u unit) RETURNS text
LANGUAGE sql AS $$ SELECT u::text $$;
CREATE FUNCTION kg_name() RETURNS text
LANGUAGE plpgsql AS $$
BEGIN
    RETURN unit_name('kg');
END
$$;
DROP TYPE unit CASCADE;
SELECT kg_name();

-- Allowed: without the caller, the cascade only removes what uses the type
-- by OID (the function's parameter).
DROP FUNCTION kg_name();
DROP TYPE unit CASCADE;

-- Allowed: a type nobody uses.
CREATE TYPE unused_enum AS ENUM ('x');
DROP TYPE unused_enum;

--
-- DROP DOMAIN
--

-- Refused: a PL/pgSQL function casts to the domain.
DROP DOMAIN posint;
SELECT checked(3);

-- Refused: a PL/pgSQL variable is declared with the domain.
DROP DOMAIN email;
SELECT checked_email('a@b');

-- Allowed: a domain nobody uses.
CREATE DOMAIN unused_domain AS int;
DROP DOMAIN unused_domain;

--
-- ALTER TYPE ... RENAME VALUE / ADD VALUE
--

-- Refused: a SQL function compares a column with 'happy'.
ALTER TYPE mood RENAME VALUE 'happy' TO 'glad';
SELECT enum_range(NULL::mood);

-- Refused: a PL/pgSQL function casts 'sad' to the type.
ALTER TYPE mood RENAME VALUE 'sad' TO 'blue';
SELECT enum_range(NULL::mood);

-- Allowed: a value no body names.
ALTER TYPE mood RENAME VALUE 'calm' TO 'serene';

-- Refused: PL/pgSQL converts a label to the type when the code runs: a
-- DECLARE default, RETURN, SELECT ... INTO.
CREATE TYPE tier AS ENUM ('low', 'mid', 'high', 'top');
CREATE FUNCTION tier_declared() RETURNS tier LANGUAGE plpgsql AS $$
DECLARE
    v tier := 'low';
BEGIN
    RETURN v;
END
$$;
CREATE FUNCTION tier_returned() RETURNS tier LANGUAGE plpgsql AS $$
BEGIN
    RETURN 'mid';
END
$$;
CREATE FUNCTION tier_selected() RETURNS tier LANGUAGE plpgsql AS $$
DECLARE
    v tier;
BEGIN
    SELECT 'high' INTO v;
    RETURN v;
END
$$;
ALTER TYPE tier RENAME VALUE 'low' TO 'lowest';
ALTER TYPE tier RENAME VALUE 'mid' TO 'middle';
ALTER TYPE tier RENAME VALUE 'high' TO 'higher';
SELECT tier_declared(), tier_returned(), tier_selected();
-- Allowed: the label none of them names.
ALTER TYPE tier RENAME VALUE 'top' TO 'highest';

-- Allowed: ADD VALUE never breaks a body, even of a type in use.
ALTER TYPE mood ADD VALUE 'angry';
ALTER TYPE mood ADD VALUE 'content' BEFORE 'sad';
SELECT enum_range(NULL::mood);

-- A value added in a transaction cannot be used in it: a body that uses
-- the new value, analysed in that transaction, fails there ("unsafe use
-- of new value") and works once it has committed.  It is analysed again
-- later, so validate() does not keep the failure, and renaming a value it
-- uses is judged.
CREATE TYPE task_state AS ENUM ('open', 'done');
CREATE TABLE tasks (id int, s task_state);
CREATE FUNCTION open_tasks() RETURNS bigint
LANGUAGE plpgsql AS $$
BEGIN
    RETURN (SELECT count(*) FROM tasks WHERE s = 'open');
END
$$;
BEGIN;
ALTER TYPE task_state ADD VALUE 'running';
CREATE OR REPLACE FUNCTION open_tasks() RETURNS bigint
LANGUAGE plpgsql AS $$
BEGIN
    RETURN (SELECT count(*) FROM tasks WHERE s IN ('open', 'running'));
END
$$;
CREATE FUNCTION broken_tasks() RETURNS bigint
LANGUAGE plpgsql AS $$
BEGIN
    RETURN (SELECT count(*) FROM tasks WHERE s = 'lost');
END
$$;
COMMIT;
SELECT open_tasks();
-- Only the value that never existed is reported.
SELECT severity, "check", object_name, line, message
  FROM schema_guard.validate(ARRAY['guard_types'])
 WHERE object_name LIKE '%tasks%';
-- Refused: open_tasks() uses 'open'.
ALTER TYPE task_state RENAME VALUE 'open' TO 'new';
-- The same for a body that used the value before it was added: in
-- autocommit, ADD VALUE analyses it in its own transaction.
CREATE FUNCTION is_paused(p task_state) RETURNS boolean
LANGUAGE plpgsql AS $$
BEGIN
    RETURN p = 'paused';
END
$$;
ALTER TYPE task_state ADD VALUE 'paused';
SELECT severity, "check", object_name, line, message
  FROM schema_guard.validate(ARRAY['guard_types'])
 WHERE object_name LIKE '%paused%';
-- Refused: is_paused() uses 'paused'.
ALTER TYPE task_state RENAME VALUE 'paused' TO 'on_hold';
DROP FUNCTION open_tasks();
DROP FUNCTION broken_tasks();
DROP FUNCTION is_paused(task_state);
DROP TABLE tasks;
DROP TYPE task_state;

--
-- ALTER DOMAIN ... RENAME / SET SCHEMA
--

-- Refused: a function casts to the domain by name.
ALTER DOMAIN posint RENAME TO positive_int;
ALTER DOMAIN posint SET SCHEMA guard_types_other;
SELECT checked(3);

-- Allowed: a domain nobody uses.
CREATE DOMAIN spare_domain AS int;
ALTER DOMAIN spare_domain RENAME TO spare_domain2;
ALTER DOMAIN spare_domain2 SET SCHEMA guard_types_other;

-- A NULL cast to an enum type uses the type.
CREATE TYPE weather AS ENUM ('sun', 'rain');
CREATE FUNCTION no_weather() RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM NULL::weather;
END
$$;
SELECT line, kind, object_identity FROM schema_guard.dependencies('no_weather()') WHERE kind = 'type';
-- Refused.
DROP TYPE weather;
DROP FUNCTION no_weather();
DROP TYPE weather;

-- A statement that fails already still records the types it names, so
-- that a change to them analyses it again.
CREATE TABLE half_pair (b int);
CREATE FUNCTION half_pair_a() RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM (x.p).a FROM (SELECT NULL::half_pair AS p) AS x;
END
$$;
SELECT function FROM schema_guard.dependents('half_pair'::regclass);
ALTER TABLE half_pair ADD COLUMN a int;
SELECT count(*) AS errors FROM schema_guard.reference r
 WHERE r.fn = 'half_pair_a()'::regprocedure AND r.severity = 'e';
DROP FUNCTION half_pair_a();
DROP TABLE half_pair;

-- Clean up.
SET client_min_messages = warning;
DROP SCHEMA guard_types CASCADE;
DROP SCHEMA guard_types_other CASCADE;
RESET client_min_messages;
