--
-- engine_triggers: trigger functions are analysed once per trigger, with
-- NEW and OLD of that trigger's table; the NEW/OLD fields used are checked
-- against each table.  One function shared by several tables; a function
-- no trigger calls yet; transition tables; NEW, OLD and transition table
-- names are never tables.
--
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS schema_guard CASCADE;
RESET client_min_messages;
CREATE SCHEMA engine_triggers;
SET search_path = engine_triggers;

\set deps 'SELECT trigger, line, kind, access, object_identity, column_name, resolves, detail FROM schema_guard.dependencies'

CREATE TABLE audit_log (tbl text, op text, row_id int, at timestamptz);
CREATE TABLE documents (id int PRIMARY KEY, title text, updated_at timestamptz);
CREATE TABLE invoices (id int PRIMARY KEY, amount numeric, updated_at timestamptz);
CREATE TABLE labels (code text PRIMARY KEY);          -- no id, no updated_at
-- tables named like NEW, OLD and the transition tables below: never used
CREATE TABLE "new" (unused_new int);
CREATE TABLE old (unused_old int);
CREATE TABLE changed_rows (unused_changed int);

-- A trigger function on one table: the trigger's table (access trigger,
-- no line), the NEW field it reads, the table it writes.
CREATE FUNCTION stamp() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO audit_log (tbl, row_id) VALUES (TG_TABLE_NAME, NEW.id);
    RETURN NEW;
END
$$;
CREATE TRIGGER documents_stamp AFTER INSERT ON documents
    FOR EACH ROW EXECUTE FUNCTION stamp();
:deps('stamp()');

-- The same function on a second table: the rows every trigger shares are
-- shown once, without a trigger; the trigger's table and NEW's fields are
-- shown per trigger.
CREATE TRIGGER invoices_stamp AFTER INSERT ON invoices
    FOR EACH ROW EXECUTE FUNCTION stamp();
:deps('stamp()');

-- And on a third table without an id column: that trigger breaks, the two
-- others do not.  validate() names the trigger and the function.  (The
-- guard's warning for the CREATE TRIGGER is the guard tests' business.)
SET client_min_messages = error;
CREATE TRIGGER labels_stamp AFTER INSERT ON labels
    FOR EACH ROW EXECUTE FUNCTION stamp();
RESET client_min_messages;
SELECT severity, "check", object_type, object_name, line, referenced, message
  FROM schema_guard.validate(ARRAY['engine_triggers']);
DROP TRIGGER labels_stamp ON labels;

-- dependents() of the trigger table: the function reaches invoices only
-- through NEW, for one trigger.
SELECT function, line, access, column_name, triggers
  FROM schema_guard.dependents('invoices'::regclass);

-- Assigning a NEW field writes it and does not read it.
CREATE FUNCTION touch() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.updated_at := now();
    RETURN NEW;
END
$$;
CREATE TRIGGER documents_touch BEFORE UPDATE ON documents
    FOR EACH ROW EXECUTE FUNCTION touch();
:deps('touch()');
-- Negative: on a table without the column, that one assignment is one
-- error, reported once.
SET client_min_messages = error;
CREATE TRIGGER labels_touch BEFORE UPDATE ON labels
    FOR EACH ROW EXECUTE FUNCTION touch();
RESET client_min_messages;
SELECT severity, "check", object_name, line, referenced, message
  FROM schema_guard.validate(ARRAY['engine_triggers']);
DROP TRIGGER labels_touch ON labels;

-- NEW fields in a statement spread over several lines: each on the line
-- that names it (NEW.id on line 4, NEW.title on line 5).
CREATE FUNCTION spread() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO audit_log (row_id, tbl)
    VALUES (NEW.id,
            NEW.title);
    RETURN NEW;
END
$$;
CREATE TRIGGER documents_spread AFTER INSERT ON documents
    FOR EACH ROW EXECUTE FUNCTION spread();
SELECT line, kind, access, column_name
  FROM schema_guard.dependencies('spread()') WHERE kind = 'trigger field';

-- A trigger function that no trigger calls yet: NEW and OLD have no table,
-- so their fields are not checked (nothing to report), but the rest of
-- the body is.
CREATE FUNCTION unattached() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.whatever IS DISTINCT FROM OLD.whatever THEN
        INSERT INTO audit_log (op) VALUES (TG_OP);
    END IF;
    RETURN NEW;
END
$$;
:deps('unattached()');

-- OLD in a DELETE branch and NEW in an INSERT branch, selected by TG_OP;
-- quoted, mixed-case column names through NEW and OLD.
CREATE TABLE "Tagged" ("TagId" int, "Label" text);
CREATE FUNCTION tag_audit() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        INSERT INTO audit_log (op, row_id) VALUES (TG_OP, OLD."TagId");
        RETURN OLD;
    END IF;
    INSERT INTO audit_log (op, tbl) VALUES (TG_OP, NEW."Label");
    RETURN NEW;
END
$$;
CREATE TRIGGER tagged_audit AFTER INSERT OR DELETE ON "Tagged"
    FOR EACH ROW EXECUTE FUNCTION tag_audit();
:deps('tag_audit()');

-- Transition tables.  Created before its trigger, the function cannot know
-- that changed_rows will be the trigger's rows: the name resolves to the
-- table changed_rows for now, which is no certain error.
SET client_min_messages = error;
CREATE FUNCTION count_changes() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO audit_log (op, row_id)
    SELECT TG_OP, count(*)::int FROM changed_rows WHERE changed_rows.amount > 0;
    RETURN NULL;
END
$$;
RESET client_min_messages;
SELECT count(*) AS errors
  FROM schema_guard.validate(ARRAY['engine_triggers'], 'error')
 WHERE object_name = 'engine_triggers.count_changes()';
-- With the trigger, changed_rows is the trigger's rows, not the table of
-- that name; its columns are the trigger table's (invoices.amount).
CREATE TRIGGER invoices_count AFTER INSERT ON invoices
    REFERENCING NEW TABLE AS changed_rows
    FOR EACH STATEMENT EXECUTE FUNCTION count_changes();
:deps('count_changes()');
-- Negative: a column the trigger table lacks, read from a transition table.
SET client_min_messages = error;
CREATE FUNCTION count_bad() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM count(*) FROM old_rows WHERE old_rows.no_such_col > 0;
    RETURN NULL;
END
$$;
CREATE TRIGGER invoices_count_bad AFTER DELETE ON invoices
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION count_bad();
RESET client_min_messages;
SELECT trigger, line, kind, object_identity, resolves, detail
  FROM schema_guard.dependencies('count_bad()');

-- Negative, collected: the tables "new", old and changed_rows are never
-- used by any of the trigger functions.
SELECT (SELECT count(*) FROM schema_guard.dependents('"new"'::regclass))
     + (SELECT count(*) FROM schema_guard.dependents('old'::regclass))
     + (SELECT count(*) FROM schema_guard.dependents('changed_rows'::regclass))
       AS new_old_transition_tables_used;

SET client_min_messages = warning;
RESET search_path;
DROP SCHEMA engine_triggers CASCADE;
RESET client_min_messages;
