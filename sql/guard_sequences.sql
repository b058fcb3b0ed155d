--
-- guard_sequences: DROP, RENAME and SET SCHEMA of sequences that bodies use
-- through nextval('...'), currval, setval or by reading them, or through
-- the column defaults a DROP ... CASCADE takes with them.
--
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS schema_guard CASCADE;
RESET client_min_messages;
CREATE SCHEMA guard_sequences;
SET search_path = guard_sequences;
CREATE SCHEMA guard_sequences_other;

CREATE SEQUENCE invoice_seq;
CREATE SEQUENCE batch_seq;
CREATE SEQUENCE report_seq;

CREATE FUNCTION next_invoice() RETURNS bigint
LANGUAGE sql AS $$ SELECT nextval('invoice_seq') $$;
CREATE FUNCTION reset_batch() RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM setval('batch_seq', 1, false);
END
$$;
CREATE FUNCTION report_position() RETURNS bigint
LANGUAGE plpgsql AS $$
BEGIN
    RETURN (SELECT last_value FROM report_seq);
END
$$;

-- Refused: nextval('invoice_seq') in a SQL function.
DROP SEQUENCE invoice_seq;
SELECT next_invoice();

-- Refused: setval('batch_seq', ...) in a PL/pgSQL function.
DROP SEQUENCE batch_seq;
SELECT reset_batch();

-- Refused: a function reads the sequence like a table.
DROP SEQUENCE report_seq;
SELECT report_position();

-- Refused: RENAME and SET SCHEMA, and the DETAIL names the sequence.
ALTER SEQUENCE invoice_seq RENAME TO invoice_number_seq;
ALTER SEQUENCE invoice_seq SET SCHEMA guard_sequences_other;
SELECT next_invoice();

-- Allowed: changes that keep the sequence and its name.
ALTER SEQUENCE invoice_seq RESTART WITH 100 INCREMENT BY 5;
SELECT next_invoice();

-- Allowed: a sequence nobody uses.
CREATE SEQUENCE unused_seq;
DROP SEQUENCE unused_seq;

-- Allowed: a sequence named only at run time (a text variable) cannot be
-- judged for sure, so it never blocks.
CREATE SEQUENCE dynamic_seq;
CREATE FUNCTION next_of(p_seq text) RETURNS bigint
LANGUAGE plpgsql AS $$
BEGIN
    RETURN nextval(p_seq);
END
$$;
SELECT next_of('dynamic_seq');
DROP SEQUENCE dynamic_seq;

-- Refused: DROP TABLE drops the serial column's sequence, which a function
-- uses by name (the function does not use the table itself).
CREATE TABLE tickets (id serial PRIMARY KEY, title text);
CREATE FUNCTION peek_ticket_id() RETURNS bigint
LANGUAGE sql AS $$ SELECT currval('tickets_id_seq') $$;
DROP TABLE tickets;
SELECT to_regclass('tickets_id_seq') IS NOT NULL AS still_there;

-- Refused: DROP SEQUENCE ... CASCADE drops the column default that
-- uses it as well; the function still names the sequence.
ALTER TABLE tickets ALTER COLUMN id DROP DEFAULT;
ALTER SEQUENCE tickets_id_seq OWNED BY NONE;
ALTER TABLE tickets ALTER COLUMN id SET DEFAULT nextval('tickets_id_seq');
DROP SEQUENCE tickets_id_seq CASCADE;
SELECT column_default FROM information_schema.columns
 WHERE table_schema = 'guard_sequences' AND table_name = 'tickets'
   AND column_name = 'id';

-- Allowed: dropped and created again in one transaction.
BEGIN;
DROP SEQUENCE invoice_seq;
CREATE SEQUENCE invoice_seq;
COMMIT;
SELECT next_invoice();

-- nextval() of a schema-qualified sequence that does not exist yet: once
-- it is created, the function uses it, and dropping it is refused.
CREATE FUNCTION next_ticket() RETURNS bigint
LANGUAGE plpgsql AS $$
BEGIN
    RETURN nextval('guard_sequences_other.ticket_seq');
END
$$;
SELECT "check", referenced FROM schema_guard.validate(ARRAY['guard_sequences'])
 WHERE object_name LIKE '%next_ticket%';
CREATE SEQUENCE guard_sequences_other.ticket_seq;
SELECT function, access FROM schema_guard.dependents('guard_sequences_other.ticket_seq'::regclass);
-- Refused.
DROP SEQUENCE guard_sequences_other.ticket_seq;
DROP FUNCTION next_ticket();
DROP SEQUENCE guard_sequences_other.ticket_seq;

-- DROP SEQUENCE ... CASCADE drops the defaults that use it: a NOT NULL
-- column that loses its default is one inserts must now give.
CREATE SEQUENCE line_seq;
CREATE TABLE lines (id int NOT NULL DEFAULT nextval('line_seq'), body text);
CREATE TABLE notes (id int DEFAULT nextval('line_seq'), body text);
CREATE FUNCTION add_line(p_body text) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO lines (body) VALUES (p_body);
END
$$;
CREATE FUNCTION add_note(p_body text) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO notes (body) VALUES (p_body);
END
$$;
-- Refused: add_line() leaves out the NOT NULL column.
DROP SEQUENCE line_seq CASCADE;
SELECT pg_get_expr(adbin, adrelid) FROM pg_attrdef WHERE adrelid = 'lines'::regclass;
-- Allowed: the column of notes may be NULL.
DROP FUNCTION add_line(text);
DROP SEQUENCE line_seq CASCADE;
SELECT add_note('kept');

-- Clean up.
SET client_min_messages = warning;
DROP SCHEMA guard_sequences CASCADE;
DROP SCHEMA guard_sequences_other CASCADE;
RESET client_min_messages;
