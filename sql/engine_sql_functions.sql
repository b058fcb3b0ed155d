--
-- engine_sql_functions: LANGUAGE sql functions and procedures.  String
-- bodies are parsed and analysed statement by statement with the function's
-- parameters (by name and by number); BEGIN ATOMIC bodies are read from
-- their stored query trees.  The result of the last statement is checked
-- against the declared result, as the executor checks it.
--
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS schema_guard CASCADE;
RESET client_min_messages;
CREATE SCHEMA engine_sql_functions;
SET search_path = engine_sql_functions;

\set deps 'SELECT line, kind, access, object_type, object_identity, column_name, resolves, detail FROM schema_guard.dependencies'

CREATE TABLE users (user_id int PRIMARY KEY, email text, active bool);
CREATE TABLE logins (login_user int, at timestamptz);
CREATE SEQUENCE login_seq;
CREATE FUNCTION norm_email(text) RETURNS text LANGUAGE sql IMMUTABLE AS $$ SELECT lower($1) $$;

-- One statement, parameters by name and by number.
CREATE FUNCTION find_user(p_email text, int) RETURNS int
LANGUAGE sql STABLE AS $$
    SELECT user_id FROM users
     WHERE email = norm_email(p_email) AND user_id > $2
$$;
:deps('find_user(text,integer)');

-- Several statements, each on its own lines; the last one is the result.
CREATE FUNCTION record_login(p_user int) RETURNS bigint
LANGUAGE sql AS $$
    UPDATE users SET active = true WHERE user_id = p_user;
    INSERT INTO logins (login_user, at) VALUES (p_user, now());
    SELECT nextval('login_seq');
$$;
:deps('record_login(integer)');

-- RETURNS TABLE and SETOF a table's row type.
CREATE FUNCTION active_users() RETURNS SETOF users
LANGUAGE sql AS $$ SELECT * FROM users WHERE active $$;
:deps('active_users()');
CREATE FUNCTION last_logins() RETURNS TABLE (u int, t timestamptz)
LANGUAGE sql AS $$ SELECT login_user, max(at) FROM logins GROUP BY login_user $$;
:deps('last_logins()');

-- A SQL procedure with a string body.
CREATE PROCEDURE purge_logins(p_before timestamptz)
LANGUAGE sql AS $$
    DELETE FROM logins WHERE at < p_before;
$$;
:deps('purge_logins(timestamp with time zone)');

-- BEGIN ATOMIC bodies: a function and a procedure; the same references
-- (PostgreSQL also records these in pg_depend).
CREATE FUNCTION count_active() RETURNS bigint
LANGUAGE sql
BEGIN ATOMIC
    SELECT count(*) FROM users WHERE active;
END;
:deps('count_active()');
CREATE PROCEDURE deactivate(p_user int)
LANGUAGE sql
BEGIN ATOMIC
    UPDATE users SET active = false WHERE user_id = p_user;
    INSERT INTO logins (login_user) VALUES (p_user);
END;
:deps('deactivate(integer)');

-- A polymorphic SQL function: analysed with stand-in argument types;
-- references are still found.
CREATE FUNCTION first_login(anyelement) RETURNS timestamptz
LANGUAGE sql AS $$ SELECT min(at) FROM logins WHERE login_user::text = $1::text $$;
:deps('first_login(anyelement)');

-- Negative: a missing table, a missing column, and a last statement whose
-- result does not match the declared result type (created with
-- check_function_bodies off, as pg_restore does; with it on, PostgreSQL
-- itself refuses the function).
SET client_min_messages = error;
SET check_function_bodies = off;
CREATE FUNCTION broken_sql() RETURNS int
LANGUAGE sql AS $$
    DELETE FROM no_such_table;
    UPDATE users SET no_such_column = 1;
    SELECT email FROM users LIMIT 1;
$$;
RESET check_function_bodies;
RESET client_min_messages;
SELECT schema_guard.rebuild() > 0 AS rebuilt;
:deps('broken_sql()');
SELECT severity, "check", line, referenced, message
  FROM schema_guard.validate(ARRAY['engine_sql_functions'])
 WHERE object_name = 'engine_sql_functions.broken_sql()';

-- Negative: the last statement's result does not match the declared
-- result type; reported on the line of that statement (4).
SET client_min_messages = error;
SET check_function_bodies = off;
CREATE FUNCTION wrong_result() RETURNS int
LANGUAGE sql AS $$
    UPDATE users SET active = true;
    DELETE FROM logins;
    SELECT email FROM users LIMIT 1;
$$;
RESET check_function_bodies;
RESET client_min_messages;
SELECT schema_guard.rebuild() > 0 AS rebuilt;
SELECT severity, "check", line, referenced, message
  FROM schema_guard.validate(ARRAY['engine_sql_functions'])
 WHERE object_name = 'engine_sql_functions.wrong_result()';

-- SELECT * in the second statement: its columns are on that statement's
-- line (3), not on the line where the first statement ends.
CREATE FUNCTION all_logins() RETURNS SETOF logins
LANGUAGE sql AS $$
    UPDATE users SET active = true;
    SELECT * FROM logins;
$$;
:deps('all_logins()');

-- Negative: before PostgreSQL 18 every statement of a SQL function is
-- analysed before the first one runs, so a table created by an earlier
-- statement cannot be used by a later one: the function fails every time,
-- so this is an error (unlike in PL/pgSQL), whoever creates scratch_rows.
SET client_min_messages = error;
SET check_function_bodies = off;
CREATE FUNCTION create_then_use() RETURNS bigint
LANGUAGE sql AS $$
    CREATE TEMP TABLE scratch_rows (x int);
    SELECT count(*) FROM scratch_rows;
$$;
RESET check_function_bodies;
RESET client_min_messages;
SELECT schema_guard.rebuild() > 0 AS rebuilt;
:deps('create_then_use()');
SELECT severity, "check", line, referenced, message
  FROM schema_guard.validate(ARRAY['engine_sql_functions'])
 WHERE object_name = 'engine_sql_functions.create_then_use()';

-- From the other side: every SQL function that uses users.
SELECT function, function_kind, line, access, column_name
  FROM schema_guard.dependents('users'::regclass);

SET client_min_messages = warning;
RESET search_path;
DROP SCHEMA engine_sql_functions CASCADE;
RESET client_min_messages;
