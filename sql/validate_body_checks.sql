--
-- validate(): the checks on function and procedure bodies.
--
-- One section per check id: code that must be reported (positive cases)
-- and look-alike code that must not be reported as an error (negative
-- cases).  'error' means certain to fail when that code runs; whatever the
-- analysis cannot be sure of is at most a warning.
--
-- Broken code is made the way it happens in real life: objects change
-- under working code while schema_guard.mode = warn, or functions are
-- created with check_function_bodies = off, as pg_restore does.  The
-- guard's own messages about that DDL are tested elsewhere, so they are
-- kept out of this output.
--
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS schema_guard CASCADE;
RESET client_min_messages;
CREATE SCHEMA validate_body_checks;
SET search_path = validate_body_checks;
SET schema_guard.function_check = off;

-- What validate() reports for this schema, without the schema prefix.
CREATE VIEW findings AS
SELECT severity, "check", object_type,
       replace(object_name, 'validate_body_checks.', '') AS object,
       line, referenced, message, hint
  FROM schema_guard.validate(ARRAY['validate_body_checks']);

CREATE TABLE items (id int PRIMARY KEY, name text, qty int);

--
-- missing_relation
--
CREATE TABLE mr_old (id int);
CREATE SEQUENCE mr_seq;
CREATE FUNCTION mr_dropped() RETURNS bigint LANGUAGE plpgsql AS $$
BEGIN
    RETURN (SELECT count(*) FROM mr_old);
END
$$;
CREATE FUNCTION mr_nextval() RETURNS bigint LANGUAGE plpgsql AS $$
BEGIN
    RETURN nextval('mr_seq');
END
$$;
SET schema_guard.mode = warn;
SET client_min_messages = error;
DROP TABLE mr_old;
DROP SEQUENCE mr_seq;
RESET client_min_messages;
RESET schema_guard.mode;
-- a string-bodied SQL function, as pg_restore creates it
SET check_function_bodies = off;
CREATE FUNCTION mr_sql() RETURNS bigint LANGUAGE sql AS $$
    SELECT count(*) FROM items;
    SELECT count(*) FROM mr_nosuch;
$$;
CREATE PROCEDURE mr_sql_proc() LANGUAGE sql AS $$
    INSERT INTO mr_nosuch VALUES (1);
$$;
RESET check_function_bodies;
CREATE PROCEDURE mr_proc(p int) LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO mr_nosuch VALUES (p);
END
$$;
CREATE FUNCTION mr_schema() RETURNS bigint LANGUAGE plpgsql AS $$
BEGIN
    RETURN (SELECT count(*) FROM validate_body_checks_nosuch.items);
END
$$;
-- two relations missing from one statement: a row for each
CREATE FUNCTION mr_two() RETURNS bigint LANGUAGE plpgsql AS $$
BEGIN
    RETURN (SELECT count(*) FROM mr_gone_a JOIN mr_gone_b USING (id));
END
$$;
-- an EXCEPTION clause for another condition does not catch it
CREATE FUNCTION mr_other_handler() RETURNS bigint LANGUAGE plpgsql AS $$
BEGIN
    RETURN (SELECT count(*) FROM mr_nosuch);
EXCEPTION WHEN division_by_zero THEN
    RETURN 0;
END
$$;
-- negative: CTE names, names in comments and string literals, and a
-- temporary table the body creates itself are not missing relations
CREATE FUNCTION mr_neg_names() RETURNS bigint LANGUAGE plpgsql AS $$
BEGIN
    -- SELECT * FROM mr_nosuch
    CREATE TEMP TABLE mr_scratch (x int);
    INSERT INTO mr_scratch SELECT id FROM items;
    RETURN (WITH mr_nosuch AS (SELECT x FROM mr_scratch)
            SELECT count(*) FROM mr_nosuch WHERE 'mr_nosuch' <> '');
END
$$;
-- negative (warnings): the failure is caught by an EXCEPTION clause, the
-- code runs only on other server versions, or the statement falls through
-- into RAISE EXCEPTION (the call fails anyway)
CREATE FUNCTION mr_neg_handled() RETURNS bigint LANGUAGE plpgsql AS $$
BEGIN
    RETURN (SELECT count(*) FROM mr_nosuch);
EXCEPTION WHEN undefined_table THEN
    RETURN 0;
END
$$;
CREATE FUNCTION mr_neg_version() RETURNS bigint LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('server_version_num')::int >= 990000 THEN
        RETURN (SELECT count(*) FROM mr_nosuch);
    END IF;
    RETURN 0;
END
$$;
CREATE FUNCTION mr_neg_raise(p int) RETURNS int LANGUAGE plpgsql AS $$
BEGIN
    IF p < 0 THEN
        INSERT INTO mr_nosuch VALUES (p);
        RAISE EXCEPTION 'negative: %', p;
    END IF;
    RETURN p;
END
$$;
SELECT mr_neg_names(), mr_neg_handled(), mr_neg_version(), mr_neg_raise(1);
\x on
SELECT * FROM findings WHERE object LIKE 'mr\_%';
\x off

--
-- missing_column
--
CREATE TABLE mc (id int, old_name text, gone int);
CREATE FUNCTION mc_renamed() RETURNS text LANGUAGE plpgsql AS $$
BEGIN
    RETURN (SELECT old_name FROM mc LIMIT 1);
END
$$;
CREATE FUNCTION mc_dropped_sql(p int) RETURNS void LANGUAGE sql AS $$
    UPDATE mc SET gone = p WHERE id = 1;
$$;
SET schema_guard.mode = warn;
SET client_min_messages = error;
ALTER TABLE mc RENAME COLUMN old_name TO new_name;
ALTER TABLE mc DROP COLUMN gone;
RESET client_min_messages;
RESET schema_guard.mode;
-- negative: variables, parameters, aliases and output names are not
-- columns
CREATE FUNCTION mc_neg(old_name text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    gone int;
BEGIN
    SELECT m.id INTO gone FROM mc AS m WHERE m.new_name = old_name;
    RETURN (SELECT s.total::text FROM (SELECT sum(id) AS total FROM mc) AS s
            ORDER BY total);
END
$$;
-- negative (a warning): a field of a polymorphic argument, whose fields
-- are known only at run time
CREATE FUNCTION mc_neg_poly(rec anyelement) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
    RETURN rec.new_name;
END
$$;
SELECT mc_neg('x'), mc_neg_poly(ROW(1, 'n')::mc);
\x on
SELECT * FROM findings WHERE object LIKE 'mc\_%';
\x off

--
-- missing_function
--
CREATE FUNCTION mf_helper(int) RETURNS int LANGUAGE sql AS 'SELECT $1';
CREATE PROCEDURE mf_helper_proc() LANGUAGE sql AS 'SELECT 1';
CREATE FUNCTION mf_dropped() RETURNS int LANGUAGE plpgsql AS $$
BEGIN
    RETURN mf_helper(1);
END
$$;
CREATE PROCEDURE mf_call() LANGUAGE plpgsql AS $$
BEGIN
    CALL mf_helper_proc();
END
$$;
SET schema_guard.mode = warn;
SET client_min_messages = error;
DROP FUNCTION mf_helper(int);
DROP PROCEDURE mf_helper_proc();
RESET client_min_messages;
RESET schema_guard.mode;
CREATE FUNCTION mf_defaults(a int, b int DEFAULT 0) RETURNS int
LANGUAGE sql AS 'SELECT a + b';
-- no function takes these argument types
CREATE FUNCTION mf_args() RETURNS int LANGUAGE plpgsql AS $$
BEGIN
    RETURN mf_defaults('a'::text);
END
$$;
-- negative: default arguments and variadic functions
CREATE FUNCTION mf_neg() RETURNS text LANGUAGE plpgsql AS $$
BEGIN
    RETURN mf_defaults(1)::text || concat_ws(',', 1, 2, 3);
END
$$;
-- negative (warnings): in polymorphic functions, argument types are
-- known only at run time; upper(anyelement) works when called with text
CREATE FUNCTION mf_neg_poly(x anyelement) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
    RETURN upper(x);
END
$$;
CREATE FUNCTION mf_neg_poly_sql(anyelement) RETURNS text LANGUAGE sql AS $$
    SELECT upper($1)
$$;
SELECT mf_neg(), mf_neg_poly('a'::text), mf_neg_poly_sql('b'::text);
\x on
SELECT * FROM findings WHERE object LIKE 'mf\_%';
\x off

--
-- missing_type
--
CREATE TYPE mt_mood AS ENUM ('ok', 'sad');
CREATE FUNCTION mt_dropped(p text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
    RETURN p::mt_mood::text;
END
$$;
SET schema_guard.mode = warn;
SET client_min_messages = error;
DROP TYPE mt_mood;
RESET client_min_messages;
RESET schema_guard.mode;
-- negative: existing types, %TYPE and %ROWTYPE of existing objects
CREATE FUNCTION mt_neg(p items.qty%TYPE) RETURNS int LANGUAGE plpgsql AS $$
DECLARE
    r items%ROWTYPE;
    n items.name%TYPE;
BEGIN
    r.qty := p::int4;
    n := r.name;
    RETURN r.qty;
END
$$;
SELECT mt_neg(3);
\x on
SELECT * FROM findings WHERE object LIKE 'mt\_%';
\x off

--
-- missing_record_field
--
CREATE FUNCTION rf_rowtype() RETURNS int LANGUAGE plpgsql AS $$
DECLARE
    r items%ROWTYPE;
BEGIN
    SELECT * INTO r FROM items LIMIT 1;
    RETURN r.nosuch;
END
$$;
-- a field assigned that the row type lacks
CREATE FUNCTION rf_assigned() RETURNS items LANGUAGE plpgsql AS $$
DECLARE
    r items;
BEGIN
    r.nosuch := 1;
    RETURN r;
END
$$;
-- a record assigned once has the fields of that query, rows or no rows
CREATE FUNCTION rf_record() RETURNS int LANGUAGE plpgsql AS $$
DECLARE
    r record;
BEGIN
    SELECT id, name INTO r FROM items LIMIT 1;
    RETURN r.qty;
END
$$;
-- negative (warning): a record assigned in two places may have the field
CREATE FUNCTION rf_neg_two(p bool) RETURNS int LANGUAGE plpgsql AS $$
DECLARE
    r record;
BEGIN
    IF p THEN
        SELECT id, qty INTO r FROM items LIMIT 1;
    ELSE
        SELECT id, name INTO r FROM items LIMIT 1;
    END IF;
    RETURN r.qty;
END
$$;
-- (the same, the other way round)
CREATE FUNCTION rf_neg_two_b(p bool) RETURNS int LANGUAGE plpgsql AS $$
DECLARE
    r record;
BEGIN
    IF p THEN
        SELECT id, name INTO r FROM items LIMIT 1;
    ELSE
        SELECT id, qty INTO r FROM items LIMIT 1;
    END IF;
    RETURN r.qty;
END
$$;
-- negative: the field exists
CREATE FUNCTION rf_neg() RETURNS int LANGUAGE plpgsql AS $$
DECLARE
    r record;
BEGIN
    SELECT id, qty INTO r FROM items LIMIT 1;
    RETURN r.qty;
END
$$;
SELECT rf_neg_two(true), rf_neg_two_b(false), rf_neg();
\x on
SELECT severity, "check", object, line, referenced, message
  FROM findings WHERE object LIKE 'rf\_%';
\x off

--
-- ambiguous_reference
--
CREATE FUNCTION am_pos(qty int) RETURNS bigint LANGUAGE plpgsql AS $$
BEGIN
    RETURN (SELECT count(*) FROM items WHERE qty > 0);
END
$$;
-- negative: qualified names, or #variable_conflict
CREATE FUNCTION am_neg(qty int) RETURNS bigint LANGUAGE plpgsql AS $$
BEGIN
    RETURN (SELECT count(*) FROM items AS i WHERE i.qty > am_neg.qty);
END
$$;
CREATE FUNCTION am_neg_conflict(qty int) RETURNS bigint LANGUAGE plpgsql AS $$
#variable_conflict use_column
BEGIN
    RETURN (SELECT count(*) FROM items WHERE qty > 0);
END
$$;
SELECT am_neg(1), am_neg_conflict(1);
\x on
SELECT * FROM findings WHERE object LIKE 'am\_%';
\x off

--
-- type_mismatch
--
CREATE TABLE tm (id int, amount int);
CREATE FUNCTION tm_sum() RETURNS int LANGUAGE sql AS $$
    SELECT amount FROM tm LIMIT 1
$$;
CREATE FUNCTION tm_plus() RETURNS int LANGUAGE plpgsql AS $$
BEGIN
    RETURN (SELECT amount + 1 FROM tm LIMIT 1);
END
$$;
SET schema_guard.mode = warn;
SET client_min_messages = error;
ALTER TABLE tm ALTER COLUMN amount TYPE text;
RESET client_min_messages;
RESET schema_guard.mode;
-- negative: an explicit cast
CREATE FUNCTION tm_neg_cast() RETURNS int LANGUAGE plpgsql AS $$
BEGIN
    RETURN (SELECT amount::int + 1 FROM tm LIMIT 1);
END
$$;
-- negative: in a polymorphic function, x + 1 works for the numbers it is
-- called with (the stand-in type for anyelement finds nothing either)
CREATE FUNCTION tm_neg_poly(x anyelement) RETURNS anyelement
LANGUAGE plpgsql AS $$
BEGIN
    RETURN x + 1;
END
$$;
SELECT tm_neg_cast(), tm_neg_poly(1.5);
\x on
SELECT * FROM findings WHERE object LIKE 'tm\_%';
\x off

--
-- invalid_value
--
CREATE TYPE iv_status AS ENUM ('queued', 'done');
CREATE FUNCTION iv_pos() RETURNS iv_status LANGUAGE plpgsql AS $$
BEGIN
    RETURN 'queued'::iv_status;
END
$$;
SET schema_guard.mode = warn;
SET client_min_messages = error;
ALTER TYPE iv_status RENAME VALUE 'queued' TO 'waiting';
RESET client_min_messages;
RESET schema_guard.mode;
-- constants PL/pgSQL converts when the code runs: DECLARE defaults (an
-- EXCEPTION clause of the block does not catch their failures), a null
-- for a NOT NULL variable, SELECT ... INTO, RETURN
CREATE FUNCTION iv_declared() RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    s iv_status := 'angry';
    n int := 'abc';
BEGIN
    NULL;
EXCEPTION WHEN others THEN
    NULL;
END
$$;
CREATE FUNCTION iv_not_null() RETURNS int LANGUAGE plpgsql AS $$
DECLARE
    x int NOT NULL := NULL;
BEGIN
    RETURN x;
END
$$;
CREATE FUNCTION iv_selected() RETURNS iv_status LANGUAGE plpgsql AS $$
DECLARE
    v iv_status;
BEGIN
    SELECT 'angry' INTO v;
    RETURN v;
END
$$;
CREATE FUNCTION iv_returned() RETURNS int LANGUAGE plpgsql AS $$
BEGIN
    RETURN 'abc';
END
$$;
-- negative: a label the type has, constants the types accept, and a
-- RETURN of a value that is not a constant
CREATE FUNCTION iv_neg() RETURNS iv_status LANGUAGE plpgsql AS $$
BEGIN
    RETURN 'waiting'::iv_status;
END
$$;
CREATE FUNCTION iv_neg_constants() RETURNS int LANGUAGE plpgsql AS $$
DECLARE
    s iv_status := 'done';
    n int NOT NULL := '5';
    v iv_status;
BEGIN
    SELECT 'waiting' INTO v;
    IF n > 9 THEN
        RETURN now()::text;
    END IF;
    RETURN '7';
END
$$;
SELECT iv_neg(), iv_neg_constants();
-- A date literal that only some DateStyle reads is not certain to fail
-- (a warning): unless the function sets DateStyle itself, the caller's
-- applies; and when the body changes it, the body's.
CREATE TABLE iv_events (ts timestamptz);
CREATE FUNCTION iv_date_caller() RETURNS bool LANGUAGE plpgsql AS $$
BEGIN RETURN (SELECT bool_or(ts > '31/12/2000') FROM iv_events); END
$$;
CREATE FUNCTION iv_date_set_local() RETURNS bool LANGUAGE plpgsql AS $$
BEGIN
    SET LOCAL DateStyle = 'DMY';
    RETURN (SELECT bool_or(ts > '31/12/2000') FROM iv_events);
END
$$;
CREATE FUNCTION iv_date_set_config() RETURNS bool LANGUAGE plpgsql
SET DateStyle = 'ISO, MDY' AS $$
BEGIN
    PERFORM set_config('DateStyle', 'ISO, DMY', true);
    RETURN (SELECT bool_or(ts > '31/12/2000') FROM iv_events);
END
$$;
-- negative: the function sets its DateStyle, or no DateStyle reads the
-- literal
CREATE FUNCTION iv_date_own() RETURNS bool LANGUAGE plpgsql
SET DateStyle = 'DMY' AS $$
BEGIN RETURN (SELECT bool_or(ts > '31/12/2000') FROM iv_events); END
$$;
CREATE FUNCTION iv_date_own_wrong() RETURNS bool LANGUAGE plpgsql
SET DateStyle = 'ISO, MDY' AS $$
BEGIN RETURN (SELECT bool_or(ts > '31/12/2000') FROM iv_events); END
$$;
CREATE FUNCTION iv_date_never() RETURNS bool LANGUAGE plpgsql AS $$
BEGIN RETURN (SELECT bool_or(ts > '31/31/2000') FROM iv_events); END
$$;
CREATE FUNCTION iv_date_garbage() RETURNS bool LANGUAGE plpgsql AS $$
BEGIN RETURN (SELECT bool_or(ts > 'yesterday-ish') FROM iv_events); END
$$;
BEGIN;
SET LOCAL DateStyle = 'ISO, DMY';
SELECT iv_date_caller(), iv_date_set_local(), iv_date_set_config(), iv_date_own();
ROLLBACK;
\x on
SELECT * FROM findings WHERE object LIKE 'iv\_%';
\x off

--
-- invalid_statement
--
CREATE TABLE ist (id int, note text, extra int);
CREATE FUNCTION ist_pos() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO ist VALUES (1, 'a', 2);
END
$$;
SET schema_guard.mode = warn;
SET client_min_messages = error;
ALTER TABLE ist DROP COLUMN extra;
RESET client_min_messages;
RESET schema_guard.mode;
-- transaction control where PL/pgSQL cannot end the transaction: in a
-- function, in a procedure with a SET clause or SECURITY DEFINER, in a
-- block with an EXCEPTION clause (whose handler catches that failure)
CREATE FUNCTION ist_commit() RETURNS int LANGUAGE plpgsql AS $$
BEGIN
    COMMIT;
    RETURN 1;
END
$$;
CREATE PROCEDURE ist_rollback_set() LANGUAGE plpgsql
SET search_path = validate_body_checks AS $$
BEGIN
    ROLLBACK;
END
$$;
CREATE PROCEDURE ist_commit_definer() LANGUAGE plpgsql SECURITY DEFINER AS $$
BEGIN
    COMMIT AND CHAIN;
END
$$;
CREATE PROCEDURE ist_commit_block() LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO ist VALUES (2, 'b');
    COMMIT;
EXCEPTION WHEN others THEN
    RAISE NOTICE 'not committed';
END
$$;
-- CALL of a procedure with OUT or INOUT parameters: PL/pgSQL assigns
-- each back to its argument, which must be a variable it may assign (not
-- a constant, an expression, a variable cast to the parameter's type, nor
-- a CONSTANT)
CREATE PROCEDURE ist_out(IN k int, OUT s text) LANGUAGE plpgsql AS $$
BEGIN
    s := k::text;
END
$$;
CREATE PROCEDURE ist_inout(INOUT k int) LANGUAGE plpgsql AS $$
BEGIN
    k := k + 1;
END
$$;
CREATE PROCEDURE ist_inout_text(INOUT t text) LANGUAGE plpgsql AS $$
BEGIN
    t := t || '.';
END
$$;
CREATE FUNCTION ist_call_null() RETURNS text LANGUAGE plpgsql AS $$
BEGIN
    CALL ist_out(1, NULL);
    RETURN 'x';
END
$$;
CREATE PROCEDURE ist_call_expression() LANGUAGE plpgsql AS $$
DECLARE
    k int := 1;
    v varchar := 'a';
BEGIN
    CALL ist_inout(k + 1);
    CALL ist_inout_text(v);
END
$$;
CREATE PROCEDURE ist_call_constant() LANGUAGE plpgsql AS $$
DECLARE
    k CONSTANT int := 1;
BEGIN
    CALL ist_inout(k);
END
$$;
-- negative: as many values as columns; a procedure that may commit
CREATE FUNCTION ist_neg() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO ist VALUES (1, 'a');
END
$$;
-- negative: variables, parameters and record fields, also in named
-- notation
CREATE PROCEDURE ist_neg_call(INOUT p int) LANGUAGE plpgsql AS $$
DECLARE
    s text;
    k int := 1;
    r record;
BEGIN
    CALL ist_out(1, s);
    CALL ist_inout(k => k);
    CALL ist_inout(p);
    SELECT 1 AS a INTO r;
    CALL ist_inout(r.a);
END
$$;
CREATE PROCEDURE ist_neg_commit() LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO ist VALUES (3, 'c');
    COMMIT;
    ROLLBACK;
END
$$;
SELECT ist_neg();
CALL ist_neg_call(1);
\x on
SELECT * FROM findings WHERE object LIKE 'ist\_%';
\x off

--
-- insert_misses_not_null: the seed incident.  A NOT NULL column is added
-- with a default, which is then dropped, while code still inserts without
-- it.
--
CREATE TABLE documents (id serial PRIMARY KEY, title text NOT NULL);
CREATE FUNCTION nn_add(p_title text) RETURNS int LANGUAGE plpgsql AS $$
DECLARE
    new_id int;
BEGIN
    INSERT INTO documents (title) VALUES (p_title) RETURNING id INTO new_id;
    RETURN new_id;
END
$$;
CREATE FUNCTION nn_add_sql(p_title text) RETURNS int LANGUAGE sql AS $$
    INSERT INTO documents (title) VALUES (p_title) RETURNING id
$$;
CREATE FUNCTION nn_default_values() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO documents DEFAULT VALUES;
END
$$;
ALTER TABLE documents ADD COLUMN file_path text NOT NULL DEFAULT '';
SET schema_guard.mode = warn;
SET client_min_messages = error;
ALTER TABLE documents ALTER COLUMN file_path DROP DEFAULT;
RESET client_min_messages;
RESET schema_guard.mode;
-- negative: the column is given a value
CREATE FUNCTION nn_neg_supplied(p_title text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO documents (title, file_path) VALUES (p_title, '/dev/null');
    INSERT INTO documents SELECT nextval('documents_id_seq'), p_title, '';
END
$$;
-- negative (warning): the failure is caught
CREATE FUNCTION nn_neg_handled(p_title text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO documents (title) VALUES (p_title);
EXCEPTION WHEN not_null_violation THEN
    NULL;
END
$$;
-- negative: identity, serial, generated columns, column and domain
-- defaults
CREATE DOMAIN nn_path AS text NOT NULL DEFAULT 'none';
CREATE TABLE nn_defaults (
    id int GENERATED ALWAYS AS IDENTITY,
    s serial,
    d text NOT NULL DEFAULT 'x',
    g int GENERATED ALWAYS AS (s * 2) STORED NOT NULL,
    p nn_path NOT NULL,
    note text
);
CREATE FUNCTION nn_neg_defaults() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO nn_defaults (note) VALUES ('a');
    INSERT INTO nn_defaults DEFAULT VALUES;
END
$$;
-- negative (warning): a BEFORE INSERT trigger may fill the column in
CREATE TABLE nn_filled (id int, code text NOT NULL);
CREATE FUNCTION nn_fill() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.code := coalesce(NEW.code, 'c' || NEW.id);
    RETURN NEW;
END
$$;
CREATE TRIGGER nn_fill BEFORE INSERT ON nn_filled
    FOR EACH ROW EXECUTE FUNCTION nn_fill();
CREATE FUNCTION nn_neg_trigger() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO nn_filled (id) VALUES (1);
END
$$;
-- negative (warning): a BEFORE INSERT trigger of a partition may fill the
-- column in, as one of the partitioned table's
CREATE TABLE nn_parted (id int, code text NOT NULL) PARTITION BY RANGE (id);
CREATE TABLE nn_parted_1 PARTITION OF nn_parted FOR VALUES FROM (0) TO (100);
CREATE TRIGGER nn_fill BEFORE INSERT ON nn_parted_1
    FOR EACH ROW EXECUTE FUNCTION nn_fill();
CREATE FUNCTION nn_neg_partition_trigger() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO nn_parted (id) VALUES (1);
END
$$;
-- ... and so does a conditional DO INSTEAD rule; an unconditional one
-- means the table never sees the INSERT (no row), an ALSO rule changes
-- nothing (an error)
CREATE TABLE nn_ruled (id int, code text NOT NULL);
CREATE TABLE nn_ruled_log (id int);
CREATE RULE nn_ruled_instead AS ON INSERT TO nn_ruled
    DO INSTEAD INSERT INTO nn_ruled_log VALUES (NEW.id);
CREATE FUNCTION nn_neg_instead_rule() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO nn_ruled (id) VALUES (1);
END
$$;
CREATE TABLE nn_ruled_some (id int, code text NOT NULL);
CREATE RULE nn_ruled_some_instead AS ON INSERT TO nn_ruled_some
    WHERE NEW.id > 0 DO INSTEAD INSERT INTO nn_ruled_log VALUES (NEW.id);
CREATE FUNCTION nn_neg_conditional_rule() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO nn_ruled_some (id) VALUES (1);
END
$$;
CREATE TABLE nn_ruled_also (id int, code text NOT NULL);
CREATE RULE nn_ruled_also_log AS ON INSERT TO nn_ruled_also
    DO ALSO INSERT INTO nn_ruled_log VALUES (NEW.id);
CREATE FUNCTION nn_also_rule() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO nn_ruled_also (id) VALUES (1);
END
$$;
SELECT nn_neg_supplied('a'), nn_neg_handled('b'), nn_neg_defaults(),
       nn_neg_trigger(), nn_neg_partition_trigger(), nn_neg_instead_rule(),
       nn_neg_conditional_rule();
SELECT nn_add('c');
\x on
SELECT * FROM findings WHERE object LIKE 'nn\_%';
\x off

--
-- does_not_compile
--
SET check_function_bodies = off;
CREATE FUNCTION dnc_syntax() RETURNS int LANGUAGE plpgsql AS $$
BEGIN
    RETURN 1 +;
    RETURN 2;
END
$$;
CREATE FUNCTION dnc_decl() RETURNS int LANGUAGE plpgsql AS $$
DECLARE
    v dnc_nosuch_type;
BEGIN
    RETURN 1;
END
$$;
RESET check_function_bodies;
-- declarations resolve when the function is compiled: a type, a table's
-- row type or a column's type dropped later make it fail to compile
CREATE TYPE dnc_mood AS ENUM ('ok');
CREATE TABLE dnc_rows (a int, b text);
CREATE TABLE dnc_cols (a int, b text);
CREATE FUNCTION dnc_dropped_type() RETURNS int LANGUAGE plpgsql AS $$
DECLARE
    v dnc_mood;
BEGIN
    RETURN 1;
END
$$;
CREATE FUNCTION dnc_dropped_rowtype() RETURNS int LANGUAGE plpgsql AS $$
DECLARE
    r dnc_rows%ROWTYPE;
BEGIN
    RETURN 1;
END
$$;
CREATE FUNCTION dnc_dropped_coltype() RETURNS int LANGUAGE plpgsql AS $$
DECLARE
    v dnc_cols.b%TYPE;
BEGIN
    RETURN 1;
END
$$;
-- (called once, so that this session has them compiled, as any session
-- that has used them has)
SELECT dnc_dropped_type(), dnc_dropped_rowtype(), dnc_dropped_coltype();
SET schema_guard.mode = warn;
SET client_min_messages = error;
DROP TYPE dnc_mood;
DROP TABLE dnc_rows;
ALTER TABLE dnc_cols DROP COLUMN b;
RESET client_min_messages;
RESET schema_guard.mode;
-- negative: a body that compiles
CREATE FUNCTION dnc_neg() RETURNS int LANGUAGE plpgsql AS $$
BEGIN
    RETURN 1;
END
$$;
\x on
SELECT severity, "check", object, line, message, hint
  FROM findings
 WHERE object LIKE 'dnc\_%' AND object <> 'dnc_dropped_coltype()';
-- (whatever the message says, the line is the declaration's)
SELECT severity, "check", object, line
  FROM findings WHERE object = 'dnc_dropped_coltype()';
\x off

--
-- dynamic_sql
--
CREATE FUNCTION ds_pos(tbl text) RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
    n bigint;
BEGIN
    EXECUTE format('SELECT count(*) FROM %I', tbl) INTO n;
    RETURN n;
END
$$;
-- a constant string is SQL like any other, and is checked
CREATE FUNCTION ds_const_missing() RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
    n bigint;
BEGIN
    EXECUTE 'SELECT count(*) FROM ds_nosuch' INTO n;
    RETURN n;
END
$$;
-- negative
CREATE FUNCTION ds_neg() RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
    n bigint;
BEGIN
    EXECUTE 'SELECT count(*) FROM items WHERE qty > $1' INTO n USING 0;
    RETURN n;
END
$$;
SELECT ds_pos('items'), ds_neg();
\x on
SELECT * FROM findings WHERE object LIKE 'ds\_%';
\x off

--
-- search_path_changed
--
CREATE SCHEMA validate_body_checks_other;
CREATE TABLE validate_body_checks_other.sp_only_there (x int);
CREATE FUNCTION sp_set_config() RETURNS bigint LANGUAGE plpgsql AS $$
BEGIN
    PERFORM set_config('search_path', 'validate_body_checks_other', true);
    RETURN (SELECT count(*) FROM sp_only_there);
END
$$;
CREATE FUNCTION sp_set_local() RETURNS bigint LANGUAGE plpgsql AS $$
BEGIN
    SET LOCAL search_path = validate_body_checks_other;
    RETURN (SELECT count(*) FROM sp_only_there);
END
$$;
-- negative: a search_path declared on the function is known; names
-- resolve with it (and a name it does not find is an error)
CREATE FUNCTION sp_neg_clause() RETURNS bigint LANGUAGE plpgsql
SET search_path = validate_body_checks_other AS $$
BEGIN
    RETURN (SELECT count(*) FROM sp_only_there);
END
$$;
CREATE FUNCTION sp_clause_missing() RETURNS bigint LANGUAGE plpgsql
SET search_path = validate_body_checks_other AS $$
BEGIN
    RETURN (SELECT count(*) FROM items);
END
$$;
-- negative: reading the setting does not change it
CREATE FUNCTION sp_neg_read() RETURNS text LANGUAGE plpgsql AS $$
BEGIN
    RETURN current_setting('search_path');
END
$$;
BEGIN;
SELECT sp_set_config(), sp_set_local(), sp_neg_clause(), sp_neg_read();
ROLLBACK;
\x on
SELECT * FROM findings WHERE object LIKE 'sp\_%';
\x off

--
-- unknown_record_type
--
CREATE FUNCTION ur_pos(q text) RETURNS int LANGUAGE plpgsql AS $$
DECLARE
    r record;
    n int := 0;
BEGIN
    FOR r IN EXECUTE q LOOP
        n := n + r.qty;
    END LOOP;
    RETURN n;
END
$$;
-- negative: a row type is known
CREATE FUNCTION ur_neg() RETURNS int LANGUAGE plpgsql AS $$
DECLARE
    r items%ROWTYPE;
    n int := 0;
BEGIN
    FOR r IN SELECT * FROM items LOOP
        n := n + r.qty;
    END LOOP;
    RETURN n;
END
$$;
SELECT ur_pos('SELECT 2 AS qty'), ur_neg();
\x on
SELECT * FROM findings WHERE object LIKE 'ur\_%';
\x off

--
-- temporary_relation
--
CREATE FUNCTION tr_pos() RETURNS bigint LANGUAGE plpgsql AS $$
BEGIN
    RETURN (SELECT count(*) FROM pg_temp.tr_session_list);
END
$$;
-- negative: the body creates the temporary table itself
CREATE FUNCTION tr_neg() RETURNS bigint LANGUAGE plpgsql AS $$
BEGIN
    CREATE TEMP TABLE IF NOT EXISTS tr_own (x int);
    RETURN (SELECT count(*) FROM pg_temp.tr_own);
END
$$;
SELECT tr_neg();
\x on
SELECT * FROM findings WHERE object LIKE 'tr\_%';
\x off

--
-- relation_created_at_run_time: one function creates a table that others
-- use (pgTAP's pattern)
--
CREATE FUNCTION rt_setup() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    CREATE TEMP TABLE rt_cache (id int, note text);
END
$$;
CREATE FUNCTION rt_use() RETURNS bigint LANGUAGE plpgsql AS $$
BEGIN
    RETURN (SELECT count(*) FROM rt_cache);
END
$$;
-- the same, with the table created by a constant EXECUTE and used by a
-- SQL function
CREATE FUNCTION rt_plan() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE 'CREATE TEMP SEQUENCE rt_seq; CREATE TEMP TABLE rt_results (id int, ok bool)';
END
$$;
SET check_function_bodies = off;
CREATE FUNCTION rt_passed() RETURNS bigint LANGUAGE sql AS $$
    SELECT count(*) FROM rt_results WHERE ok
$$;
RESET check_function_bodies;
BEGIN;
SELECT rt_setup(), rt_plan();
SELECT rt_use(), rt_passed();
ROLLBACK;
\x on
SELECT * FROM findings WHERE object LIKE 'rt\_%';
\x off

--
-- analysis_failed: what the analysis cannot judge (here, the function's
-- owner may not look into a schema; callers may) is a warning
--
CREATE ROLE regress_validate_body_checks_owner;
CREATE SCHEMA validate_body_checks_private;
CREATE TABLE validate_body_checks_private.secrets (x int);
CREATE FUNCTION af_pos() RETURNS bigint LANGUAGE plpgsql AS $$
BEGIN
    RETURN (SELECT count(*) FROM validate_body_checks_private.secrets);
END
$$;
ALTER FUNCTION af_pos() OWNER TO regress_validate_body_checks_owner;
-- negative: the same function owned by a role that may
CREATE FUNCTION af_neg() RETURNS bigint LANGUAGE plpgsql AS $$
BEGIN
    RETURN (SELECT count(*) FROM validate_body_checks_private.secrets);
END
$$;
SELECT af_pos(), af_neg();
\x on
SELECT severity, "check", object, line, referenced, message
  FROM findings WHERE object LIKE 'af\_%';
\x off

--
-- Every error says how to fix it.
--
SELECT "check", object, line FROM findings
 WHERE severity = 'error' AND hint IS NULL;

-- Every function of the schema and what is found in it: none of the
-- negative cases is an error.
SELECT p.oid::regprocedure AS function,
       coalesce((SELECT string_agg(DISTINCT f.severity || ' ' || f."check", ', ')
                   FROM findings AS f
                  WHERE f.object = replace(i.identity, 'validate_body_checks.', '')),
                '-') AS findings
  FROM pg_proc AS p,
       pg_identify_object('pg_proc'::regclass, p.oid, 0) AS i
 WHERE p.pronamespace = 'validate_body_checks'::regnamespace
 ORDER BY p.proname COLLATE "C";

RESET schema_guard.function_check;
RESET search_path;
SET client_min_messages = warning;
DROP SCHEMA validate_body_checks, validate_body_checks_other,
    validate_body_checks_private CASCADE;
DROP ROLE regress_validate_body_checks_owner;
RESET client_min_messages;
