--
-- guard_branches: DDL under code that runs only for some triggers, only
-- when an object exists, or never.  A column only a branch its trigger
-- never takes uses can go; one a branch its trigger always takes uses
-- cannot.  An object tested for before use can go.  A rename that makes a
-- branch run for a trigger that fails there is a break.  A handler that
-- raises the error again does not make the failure uncertain.
--
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS schema_guard CASCADE;
RESET client_min_messages;
CREATE SCHEMA guard_branches;
SET search_path = guard_branches;

CREATE TABLE ta (id int, extra int);
CREATE TABLE tc (id int, extra int);
CREATE TABLE log (id int, info text);

-- Reads NEW.extra for UPDATE only.  The trigger on tc fires on INSERT:
-- dropping tc.extra breaks nothing (negative); dropping ta.extra breaks
-- the UPDATE trigger on ta (positive).
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
CREATE TRIGGER on_update_tc AFTER INSERT ON tc
    FOR EACH ROW EXECUTE FUNCTION on_update();
ALTER TABLE tc DROP COLUMN extra;
INSERT INTO tc VALUES (1);
ALTER TABLE ta DROP COLUMN extra;
DROP TRIGGER on_update_tc ON tc;

-- Sets NEW.extra only for the table named tb: certain for tb (positive,
-- refused), dead for tc (negative).  Renaming tc, which has no column
-- extra, to tb makes the branch run for tc's trigger (positive).
CREATE TABLE tb (id int, extra int);
CREATE FUNCTION for_tb() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_TABLE_NAME = 'tb' THEN
        NEW.extra := 1;
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER for_tb_tb BEFORE INSERT ON tb
    FOR EACH ROW EXECUTE FUNCTION for_tb();
CREATE TRIGGER for_tb_tc BEFORE INSERT ON tc
    FOR EACH ROW EXECUTE FUNCTION for_tb();
ALTER TABLE tb DROP COLUMN extra;
DROP TABLE tb;
ALTER TABLE tc RENAME TO tb;
INSERT INTO tc VALUES (2);

-- Existence guards: the guarded table and column can go (negative), and
-- the code keeps working; the same code without the guard keeps them
-- (positive).
CREATE TABLE audit (msg text);
CREATE TABLE legacy (id int, old_value text);
CREATE TABLE stamped (id int, updated_at timestamptz);
CREATE FUNCTION do_work() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    IF to_regclass('guard_branches.audit') IS NOT NULL THEN
        INSERT INTO audit VALUES ('work done');
    END IF;
END
$$;
CREATE FUNCTION legacy_value(p int) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM information_schema.columns
                    WHERE table_schema = 'guard_branches'
                      AND table_name = 'legacy'
                      AND column_name = 'old_value') THEN
        RETURN NULL;
    END IF;
    RETURN (SELECT old_value FROM legacy WHERE id = p);
END
$$;
CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF to_jsonb(NEW) ? 'updated_at' THEN
        NEW.updated_at := now();
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER stamped_touch BEFORE UPDATE ON stamped
    FOR EACH ROW EXECUTE FUNCTION touch();
CREATE FUNCTION unguarded() RETURNS bigint LANGUAGE plpgsql AS $$
BEGIN
    RETURN (SELECT count(*) FROM audit) + (SELECT count(old_value) FROM legacy);
END
$$;
DROP TABLE audit;
ALTER TABLE legacy DROP COLUMN old_value;
DROP FUNCTION unguarded();
DROP TABLE audit;
ALTER TABLE legacy DROP COLUMN old_value;
ALTER TABLE stamped DROP COLUMN updated_at;
INSERT INTO stamped VALUES (1);
UPDATE stamped SET id = 2;
SELECT do_work(), legacy_value(1);

-- Code that never runs uses nothing.
CREATE TABLE dead_only (id int, gone int);
CREATE FUNCTION never() RETURNS int LANGUAGE plpgsql AS $$
BEGIN
    RETURN 1;
    PERFORM gone FROM dead_only;
END
$$;
ALTER TABLE dead_only DROP COLUMN gone;
DROP TABLE dead_only;

-- A handler that logs and raises the error again does not handle it: the
-- column stays (positive); one that returns lets it go (negative).
CREATE TABLE handled (id int, note text);
CREATE FUNCTION log_and_reraise() RETURNS text LANGUAGE plpgsql AS $$
BEGIN
    RETURN (SELECT note FROM handled LIMIT 1);
EXCEPTION WHEN others THEN
    INSERT INTO log VALUES (0, SQLERRM);
    RAISE;
END
$$;
ALTER TABLE handled DROP COLUMN note;
CREATE OR REPLACE FUNCTION log_and_reraise() RETURNS text LANGUAGE plpgsql AS $$
BEGIN
    RETURN (SELECT note FROM handled LIMIT 1);
EXCEPTION WHEN others THEN
    INSERT INTO log VALUES (0, SQLERRM);
    RETURN NULL;
END
$$;
ALTER TABLE handled DROP COLUMN note;

SELECT severity, "check", object_name, line, referenced
  FROM schema_guard.validate(ARRAY['guard_branches']);

SET client_min_messages = warning;
RESET search_path;
DROP SCHEMA guard_branches CASCADE;
RESET client_min_messages;
