--
-- engine_branches: which code of a PL/pgSQL body runs.  A trigger function
-- is analysed once per trigger, and for that unit TG_OP, TG_LEVEL,
-- TG_WHEN, TG_TABLE_NAME, TG_TABLE_SCHEMA, TG_NAME, TG_RELID, TG_NARGS and
-- TG_ARGV are constants: a branch its conditions rule out is never taken
-- (its failures are not findings of that unit), one they select is
-- certain.  Code after a statement that always leaves (RETURN, RAISE EXCEPTION,
-- EXIT, CONTINUE) never runs.  Code that runs only when an object or a
-- column exists is not certain to fail when they are missing.  A handler
-- that raises the error again does not handle it.
--
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS schema_guard CASCADE;
RESET client_min_messages;
CREATE SCHEMA engine_branches;
SET search_path = engine_branches;
SET schema_guard.function_check = off;

CREATE VIEW findings AS
SELECT severity, "check", replace(object_name, 'engine_branches.', '') AS object,
       line, referenced, message
  FROM schema_guard.validate(ARRAY['engine_branches']);

CREATE TABLE ta (id int, extra int);
CREATE TABLE tb (id int);
CREATE TABLE log (id int, info text);

--
-- The manual's "Auditing with Transition Tables" example: one function,
-- three statement triggers, the transition table chosen by TG_OP.  Each
-- trigger takes only its own branch, which names only its own transition
-- tables: nothing to report.
--
CREATE TABLE emp (empname text NOT NULL, salary integer);
CREATE TABLE emp_audit (operation char(1) NOT NULL, stamp timestamp NOT NULL,
                        userid text NOT NULL, empname text NOT NULL,
                        salary integer);
CREATE FUNCTION process_emp_audit() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF (TG_OP = 'DELETE') THEN
        INSERT INTO emp_audit SELECT 'D', now(), user, o.* FROM old_table o;
    ELSIF (TG_OP = 'UPDATE') THEN
        INSERT INTO emp_audit SELECT 'U', now(), user, n.* FROM new_table n;
    ELSIF (TG_OP = 'INSERT') THEN
        INSERT INTO emp_audit SELECT 'I', now(), user, n.* FROM new_table n;
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER emp_audit_ins AFTER INSERT ON emp
    REFERENCING NEW TABLE AS new_table
    FOR EACH STATEMENT EXECUTE FUNCTION process_emp_audit();
CREATE TRIGGER emp_audit_upd AFTER UPDATE ON emp
    REFERENCING OLD TABLE AS old_table NEW TABLE AS new_table
    FOR EACH STATEMENT EXECUTE FUNCTION process_emp_audit();
CREATE TRIGGER emp_audit_del AFTER DELETE ON emp
    REFERENCING OLD TABLE AS old_table
    FOR EACH STATEMENT EXECUTE FUNCTION process_emp_audit();
SELECT * FROM findings WHERE object LIKE 'emp_audit%';
INSERT INTO emp VALUES ('a', 1), ('b', 2);
UPDATE emp SET salary = salary + 1;
DELETE FROM emp WHERE empname = 'a';
SELECT operation, empname, salary FROM emp_audit ORDER BY operation, empname;
-- each trigger uses emp_audit at the line of its own branch only
SELECT trigger, line, object_identity, resolves
  FROM schema_guard.dependencies('process_emp_audit()')
 WHERE kind = 'relation' AND access <> 'trigger'
 ORDER BY trigger, line;

--
-- TG_OP, TG_LEVEL, TG_WHEN: a branch the trigger never takes uses a field
-- its table lacks (negative); the same branch taken by a trigger that
-- fires for it (positive).
--
CREATE FUNCTION on_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' THEN
        INSERT INTO log VALUES (NEW.id, NEW.extra::text);
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER on_update_ta AFTER UPDATE ON ta
    FOR EACH ROW EXECUTE FUNCTION on_update();
CREATE TRIGGER on_update_tb_ins AFTER INSERT ON tb
    FOR EACH ROW EXECUTE FUNCTION on_update();
CREATE TRIGGER on_update_tb_upd AFTER INSERT OR UPDATE ON tb
    FOR EACH ROW EXECUTE FUNCTION on_update();
CREATE FUNCTION on_level() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_LEVEL = 'ROW' THEN
        INSERT INTO log VALUES (NEW.id, NEW.extra::text);
    ELSE
        INSERT INTO log VALUES (NULL, TG_TABLE_NAME);
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER on_level_ta AFTER INSERT ON ta
    FOR EACH ROW EXECUTE FUNCTION on_level();
CREATE TRIGGER on_level_tb_stmt AFTER INSERT ON tb
    FOR EACH STATEMENT EXECUTE FUNCTION on_level();
CREATE TRIGGER on_level_tb_row AFTER INSERT ON tb
    FOR EACH ROW EXECUTE FUNCTION on_level();
CREATE FUNCTION on_when() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_WHEN = 'BEFORE' THEN
        NEW.extra := 1;
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER on_when_ta BEFORE INSERT ON ta
    FOR EACH ROW EXECUTE FUNCTION on_when();
CREATE TRIGGER on_when_tb_after AFTER INSERT ON tb
    FOR EACH ROW EXECUTE FUNCTION on_when();
CREATE TRIGGER on_when_tb_before BEFORE UPDATE ON tb
    FOR EACH ROW EXECUTE FUNCTION on_when();
SELECT * FROM findings WHERE object LIKE 'on\_%';

--
-- TG_TABLE_NAME, TG_TABLE_SCHEMA, TG_NAME, TG_ARGV, TG_NARGS, TG_RELID: a
-- condition certainly true for the unit makes its branch certain
-- (positive: tb has no column extra); certainly false, dead (negative).
--
CREATE FUNCTION by_table() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_TABLE_NAME = 'tb' THEN
        NEW.extra := 1;
    END IF;
    IF TG_TABLE_SCHEMA = 'engine_branches' AND TG_RELNAME <> 'ta' THEN
        NEW.extra := 2;
    END IF;
    IF TG_TABLE_SCHEMA = 'public' THEN
        NEW.extra := 3;
    END IF;
    IF TG_NAME = 'by_table_tb' THEN
        NEW.extra := 4;
    END IF;
    IF TG_ARGV[0] = 'fill' AND TG_NARGS = 2 THEN
        NEW.extra := TG_ARGV[1]::int;
    END IF;
    IF TG_RELID = 'tb'::regclass THEN
        NEW.extra := 6;
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER by_table_ta BEFORE INSERT ON ta
    FOR EACH ROW EXECUTE FUNCTION by_table('keep', '4');
CREATE TRIGGER by_table_tb BEFORE INSERT ON tb
    FOR EACH ROW EXECUTE FUNCTION by_table('fill', '5');
SELECT * FROM findings WHERE object LIKE 'by\_table%';

-- IN, NOT IN, NOT, OR and IS NULL, a trigger firing for several events
-- (TG_OP is either), and a simple CASE over TG_OP.
CREATE FUNCTION by_event() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('DELETE', 'TRUNCATE') THEN
        INSERT INTO log VALUES (OLD.id, OLD.extra::text);          -- dead
    END IF;
    IF NOT (TG_OP = 'INSERT' OR TG_OP = 'UPDATE') THEN
        INSERT INTO log VALUES (OLD.id, OLD.extra::text);          -- dead
    ELSIF TG_OP NOT IN ('UPDATE') THEN
        INSERT INTO log VALUES (NEW.id, NEW.extra::text);          -- INSERT
    ELSE
        INSERT INTO log VALUES (NEW.id, 'update');                 -- UPDATE
    END IF;
    IF TG_ARGV[3] IS NULL OR TG_OP = 'TRUNCATE' THEN
        INSERT INTO log VALUES (NEW.id, 'no fourth argument');
    ELSE
        INSERT INTO log VALUES (NEW.extra, 'dead');                -- dead
    END IF;
    CASE TG_OP
        WHEN 'DELETE' THEN
            INSERT INTO log VALUES (OLD.extra, 'dead');            -- dead
        WHEN 'INSERT', 'UPDATE' THEN
            NULL;
    END CASE;
    RETURN NEW;
END
$$;
CREATE TRIGGER by_event_ta AFTER INSERT OR UPDATE ON ta
    FOR EACH ROW EXECUTE FUNCTION by_event();
CREATE TRIGGER by_event_tb AFTER INSERT OR UPDATE ON tb
    FOR EACH ROW EXECUTE FUNCTION by_event();
SELECT * FROM findings WHERE object LIKE 'by\_event%';

-- A condition on the trigger and on the row: the branch runs for the
-- trigger's rows that pass, and fails there every time (positive).  A
-- condition on the trigger the analysis does not evaluate (LIKE), or a
-- variable set from the trigger's constants: at most a warning.
CREATE FUNCTION mixed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    is_a boolean := TG_TABLE_NAME = 'ta';
BEGIN
    IF TG_OP = 'UPDATE' AND NEW.id > 0 THEN
        NEW.extra := 1;
    END IF;
    IF TG_TABLE_NAME LIKE 't%' THEN
        NEW.extra := 2;
    END IF;
    IF is_a THEN
        NEW.extra := 3;
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER mixed_tb BEFORE UPDATE ON tb
    FOR EACH ROW EXECUTE FUNCTION mixed();
SELECT * FROM findings WHERE object LIKE 'mixed%';

--
-- Code after an IF whose taken branch always leaves runs only when the
-- condition was false: for tb (negative) it never runs, for a table the
-- early return does not name it always does (positive).
--
CREATE FUNCTION early() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_TABLE_NAME <> 'ta' THEN
        RETURN NEW;
    END IF;
    INSERT INTO log VALUES (NEW.id, NEW.extra::text);
    RETURN NEW;
END
$$;
CREATE FUNCTION early_other() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_TABLE_NAME = 'tz' THEN
        RETURN NEW;
    END IF;
    INSERT INTO log VALUES (NEW.id, NEW.extra::text);
    RETURN NEW;
END
$$;
CREATE TRIGGER early_ta AFTER INSERT ON ta FOR EACH ROW EXECUTE FUNCTION early();
CREATE TRIGGER early_tb AFTER INSERT ON tb FOR EACH ROW EXECUTE FUNCTION early();
CREATE TRIGGER early_other_tb AFTER INSERT ON tb
    FOR EACH ROW EXECUTE FUNCTION early_other();
SELECT * FROM findings WHERE object LIKE 'early%';

--
-- Unreachable code, in any function: after RETURN, after EXIT in a loop,
-- after an IF every branch of which returns, under IF false and WHILE
-- false, and after EXIT WHEN true (negative).  After an IF on a value of
-- the data that returns early, the code runs (positive).
--
CREATE FUNCTION after_return() RETURNS int LANGUAGE plpgsql AS $$
BEGIN
    RETURN 1;
    PERFORM nocol FROM ta;
END
$$;
CREATE FUNCTION after_exit() RETURNS int LANGUAGE plpgsql AS $$
BEGIN
    LOOP
        EXIT;
        PERFORM nocol FROM ta;
    END LOOP;
    LOOP
        EXIT WHEN true;
        PERFORM nocol FROM ta;
    END LOOP;
    RETURN 1;
END
$$;
CREATE FUNCTION after_if(p int) RETURNS int LANGUAGE plpgsql AS $$
BEGIN
    IF p > 0 THEN
        RETURN 1;
    ELSE
        RAISE EXCEPTION 'not positive';
    END IF;
    PERFORM nocol FROM ta;
END
$$;
CREATE FUNCTION if_false() RETURNS int LANGUAGE plpgsql AS $$
BEGIN
    IF false THEN
        PERFORM nocol FROM ta;
    END IF;
    WHILE 1 = 0 LOOP
        PERFORM nocol FROM ta;
    END LOOP;
    RETURN 1;
END
$$;
CREATE FUNCTION after_data_return(p int) RETURNS int LANGUAGE plpgsql AS $$
BEGIN
    IF p > 0 THEN
        RETURN 1;
    END IF;
    PERFORM nocol FROM ta;
    RETURN 0;
END
$$;
SELECT after_return(), after_exit(), after_if(1), if_false(), after_data_return(1);
SELECT * FROM findings WHERE object LIKE 'after\_%' OR object LIKE 'if\_%';

--
-- Existence guards: code that runs only when an object or a column
-- exists (to_regclass(), information_schema, pg_catalog, the keys of
-- NEW, directly, through a variable or FOUND, or after an early return)
-- is at most a warning when they are missing.  A test of the data
-- (negative: EXISTS over a user table) is not an existence guard.
--
CREATE FUNCTION guarded_regclass() RETURNS int LANGUAGE plpgsql AS $$
BEGIN
    IF to_regclass('engine_branches.opt') IS NOT NULL THEN
        INSERT INTO opt VALUES (1);
    END IF;
    RETURN 1;
END
$$;
CREATE FUNCTION guarded_columns() RETURNS int LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM information_schema.columns
                WHERE table_name = 'ta' AND column_name = 'newcol') THEN
        UPDATE ta SET newcol = 1;
    END IF;
    RETURN 1;
END
$$;
CREATE FUNCTION guarded_early() RETURNS int LANGUAGE plpgsql AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_proc WHERE proname = 'maybe_fn') THEN
        RETURN 0;
    END IF;
    RETURN maybe_fn();
END
$$;
CREATE FUNCTION guarded_found() RETURNS int LANGUAGE plpgsql AS $$
DECLARE
    have_it boolean;
BEGIN
    SELECT true INTO have_it FROM pg_class WHERE relname = 'opt';
    IF have_it THEN
        INSERT INTO opt VALUES (2);
    END IF;
    PERFORM FROM pg_tables WHERE tablename = 'opt';
    IF FOUND THEN
        INSERT INTO opt VALUES (3);
    END IF;
    RETURN 1;
END
$$;
CREATE FUNCTION guarded_data() RETURNS int LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM ta WHERE id = 1) THEN
        INSERT INTO opt VALUES (4);
    END IF;
    RETURN 1;
END
$$;
CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    has_extra boolean := to_jsonb(NEW) ? 'extra';
BEGIN
    IF to_jsonb(NEW) ? 'extra' THEN
        NEW.extra := 1;
    END IF;
    IF has_extra THEN
        NEW.extra := 2;
    END IF;
    IF (row_to_json(NEW)::jsonb ->> 'extra') IS NOT NULL THEN
        NEW.extra := 3;
    END IF;
    IF EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = TG_RELID
                  AND attname = 'extra' AND NOT attisdropped) THEN
        NEW.extra := 4;
    END IF;
    IF to_jsonb(NEW) <> '{}' THEN
        NEW.extra := 5;                                -- not a key test
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER touch_ta BEFORE INSERT ON ta FOR EACH ROW EXECUTE FUNCTION touch();
CREATE TRIGGER touch_tb BEFORE INSERT ON tb FOR EACH ROW EXECUTE FUNCTION touch();
SELECT guarded_regclass(), guarded_columns(), guarded_early(), guarded_found(),
       guarded_data();
SELECT * FROM findings WHERE object LIKE 'guarded\_%' OR object LIKE 'touch%';

--
-- A handler that raises the error again does not handle it: the failure
-- stays an error (positive), also when the handler logs first or raises
-- another error.  A handler that returns, or re-raises only sometimes, or
-- whose error an outer handler catches, handles it (negative: warnings).
--
CREATE FUNCTION reraise() RETURNS int LANGUAGE plpgsql AS $$
BEGIN
    PERFORM nocol FROM ta;
    RETURN 1;
EXCEPTION WHEN others THEN
    RAISE;
END
$$;
CREATE FUNCTION reraise_logged() RETURNS int LANGUAGE plpgsql AS $$
BEGIN
    PERFORM nocol FROM ta;
    RETURN 1;
EXCEPTION WHEN others THEN
    INSERT INTO log VALUES (0, SQLERRM);
    RAISE EXCEPTION 'wrapped: %', SQLERRM;
END
$$;
CREATE FUNCTION reraise_sometimes(p int) RETURNS int LANGUAGE plpgsql AS $$
BEGIN
    PERFORM nocol FROM ta;
    RETURN 1;
EXCEPTION WHEN others THEN
    IF p > 0 THEN
        RAISE;
    END IF;
    RETURN 0;
END
$$;
CREATE FUNCTION reraise_caught() RETURNS int LANGUAGE plpgsql AS $$
BEGIN
    BEGIN
        PERFORM nocol FROM ta;
    EXCEPTION WHEN undefined_column THEN
        RAISE EXCEPTION 'wrapped: %', SQLERRM;
    END;
    RETURN 1;
EXCEPTION WHEN raise_exception THEN
    RETURN 0;
END
$$;
CREATE FUNCTION reraise_not_caught() RETURNS int LANGUAGE plpgsql AS $$
BEGIN
    BEGIN
        PERFORM nocol FROM ta;
    EXCEPTION WHEN undefined_column THEN
        RAISE EXCEPTION 'wrapped: %', SQLERRM;
    END;
    RETURN 1;
EXCEPTION WHEN undefined_column THEN
    RETURN 0;
END
$$;
SELECT * FROM findings WHERE object LIKE 'reraise%';

SET client_min_messages = warning;
RESET search_path;
DROP SCHEMA engine_branches CASCADE;
RESET client_min_messages;
