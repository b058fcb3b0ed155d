--
-- engine_dependents: the other direction.  Every overload of
-- schema_guard.dependents(): by relation, by relation and column, by
-- function or procedure, by type, by schema; the triggers column; and what
-- is never listed (references that do not resolve, relations a body only
-- creates, unused objects).
--
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS schema_guard CASCADE;
RESET client_min_messages;
CREATE SCHEMA engine_dependents;
CREATE SCHEMA engine_dependents_lib;
SET search_path = engine_dependents;

CREATE TYPE engine_dependents_lib.status AS ENUM ('open', 'closed');
CREATE TABLE tickets (id int PRIMARY KEY, title text, state engine_dependents_lib.status,
                      closed_at timestamptz);
CREATE TABLE unused (u int);
CREATE SEQUENCE engine_dependents_lib.ticket_ids;
CREATE FUNCTION engine_dependents_lib.next_id() RETURNS int
LANGUAGE sql AS $$ SELECT nextval('engine_dependents_lib.ticket_ids')::int $$;

CREATE FUNCTION open_ticket(p_title text) RETURNS int
LANGUAGE plpgsql AS $$
DECLARE
    new_id int := engine_dependents_lib.next_id();
BEGIN
    INSERT INTO tickets (id, title, state)
    VALUES (new_id, p_title, 'open');
    RETURN new_id;
END
$$;
CREATE PROCEDURE close_ticket(p_id int)
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE tickets
       SET state = 'closed'::engine_dependents_lib.status,
           closed_at = now()
     WHERE id = p_id;
END
$$;
CREATE FUNCTION titles() RETURNS SETOF text
LANGUAGE sql AS $$ SELECT title FROM tickets ORDER BY id $$;

-- By relation: every function and procedure that uses tickets, each use
-- with its line and access; column uses carry the column name.
SELECT * FROM schema_guard.dependents('tickets'::regclass);

-- By relation and column: only the uses of that column.
SELECT * FROM schema_guard.dependents('tickets'::regclass, 'state');
SELECT * FROM schema_guard.dependents('tickets'::regclass, 'closed_at');
-- a column that does not exist is an error, not an empty list
\set VERBOSITY terse
SELECT * FROM schema_guard.dependents('tickets'::regclass, 'no_such_column');
-- and a relation that does not exist is named by its OID
SELECT * FROM schema_guard.dependents(0::regclass, 'state');
\set VERBOSITY default

-- By function or procedure: the callers, with the line of each call.
SELECT * FROM schema_guard.dependents('engine_dependents_lib.next_id()'::regprocedure);
CREATE PROCEDURE close_all()
LANGUAGE plpgsql AS $$
BEGIN
    CALL close_ticket(1);
    CALL close_ticket(2);
END
$$;
SELECT * FROM schema_guard.dependents('close_ticket(int)'::regprocedure);

-- By type: casts, enum literals, declarations.
SELECT * FROM schema_guard.dependents('engine_dependents_lib.status'::regtype);

-- By sequence (a relation): through nextval in another function.
SELECT * FROM schema_guard.dependents('engine_dependents_lib.ticket_ids'::regclass);

-- By schema: everything used from engine_dependents_lib, by anyone.
SELECT * FROM schema_guard.dependents('engine_dependents_lib'::regnamespace);

-- The triggers column: a trigger function shared by two tables lists, per
-- use, the triggers it runs from.
CREATE TABLE tickets_archive (id int PRIMARY KEY, title text, state engine_dependents_lib.status,
                              closed_at timestamptz);
CREATE FUNCTION stamp_closed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.state = 'closed' THEN
        NEW.closed_at := coalesce(NEW.closed_at, now());
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER tickets_stamp BEFORE UPDATE ON tickets
    FOR EACH ROW EXECUTE FUNCTION stamp_closed();
CREATE TRIGGER archive_stamp BEFORE INSERT ON tickets_archive
    FOR EACH ROW EXECUTE FUNCTION stamp_closed();
SELECT function, line, access, column_name, triggers
  FROM schema_guard.dependents('tickets'::regclass)
 WHERE function = 'engine_dependents.stamp_closed()';
SELECT function, line, access, column_name, triggers
  FROM schema_guard.dependents('tickets_archive'::regclass);
-- the enum literal 'closed' is compared with NEW.state: a type use by
-- both triggers
SELECT function, line, access, triggers
  FROM schema_guard.dependents('engine_dependents_lib.status'::regtype)
 WHERE function = 'engine_dependents.stamp_closed()';

-- Negative: never listed.  An unused table; a reference that does not
-- resolve (the missing column of tickets: only the table is listed); a
-- relation a body only creates.
SET client_min_messages = error;
CREATE FUNCTION broken_and_temp() RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM no_such_column FROM tickets;
    CREATE TEMP TABLE unused_too (x int);
END
$$;
RESET client_min_messages;
SELECT count(*) AS unused_users FROM schema_guard.dependents('unused'::regclass);
SELECT function, line, access, column_name
  FROM schema_guard.dependents('tickets'::regclass)
 WHERE function = 'engine_dependents.broken_and_temp()';

SET client_min_messages = warning;
RESET search_path;
DROP SCHEMA engine_dependents, engine_dependents_lib CASCADE;
RESET client_min_messages;
