--
-- guard_columns: ALTER TABLE ... DROP COLUMN, RENAME COLUMN and
-- ALTER COLUMN ... TYPE on columns that function bodies use; ADD COLUMN
-- under bodies that use the new name or every column; and commands on a
-- table after the catalog missed a change.
--
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS schema_guard CASCADE;
RESET client_min_messages;
CREATE SCHEMA guard_columns;
SET search_path = guard_columns;

CREATE TABLE orders (
    id int PRIMARY KEY,
    customer text NOT NULL,
    amount int NOT NULL,
    note text,
    legacy_flag boolean,
    code varchar(10)
);
INSERT INTO orders VALUES (1, 'alice', 10, 'first', true, 'A1');

CREATE FUNCTION order_total(p_customer text) RETURNS bigint
LANGUAGE plpgsql AS $$
BEGIN
    RETURN (SELECT sum(amount) FROM orders
             WHERE customer = p_customer);
END
$$;
CREATE FUNCTION add_order(p_id int, p_customer text, p_amount int) RETURNS void
LANGUAGE sql AS $$
    INSERT INTO orders (id, customer, amount) VALUES (p_id, p_customer, p_amount)
$$;
CREATE PROCEDURE annotate(p_id int, p_note text)
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE orders SET note = p_note WHERE id = p_id;
END
$$;

--
-- DROP COLUMN
--

-- Refused: a function reads the column (in the select list).
ALTER TABLE orders DROP COLUMN amount;
SELECT order_total('alice');

-- Refused: a function filters on the column (WHERE).
ALTER TABLE orders DROP COLUMN customer;
SELECT customer FROM orders ORDER BY id;

-- Refused: a procedure updates the column; DETAIL says "Procedure".
ALTER TABLE orders DROP COLUMN note;
SELECT note FROM orders;

-- Allowed: nobody uses the column.
ALTER TABLE orders DROP COLUMN legacy_flag;

-- Allowed: a function uses a column of the same name in another table.
CREATE TABLE customers (id int, legacy_flag boolean);
ALTER TABLE orders ADD COLUMN legacy_flag boolean;
CREATE FUNCTION flagged_customers() RETURNS bigint
LANGUAGE sql AS $$ SELECT count(*) FROM customers WHERE legacy_flag $$;
ALTER TABLE orders DROP COLUMN legacy_flag;

-- Refused: several subcommands in one ALTER TABLE, one of them breaking.
ALTER TABLE orders ADD COLUMN extra int, DROP COLUMN amount;
SELECT column_name FROM information_schema.columns
 WHERE table_schema = 'guard_columns' AND table_name = 'orders'
 ORDER BY ordinal_position;

-- Refused: DROP COLUMN ... CASCADE drops a view column a function reads.
CREATE VIEW order_notes AS SELECT id, note FROM orders;
CREATE FUNCTION first_note() RETURNS text
LANGUAGE sql AS $$ SELECT note FROM order_notes ORDER BY id LIMIT 1 $$;
DROP PROCEDURE annotate(int, text);
ALTER TABLE orders DROP COLUMN note CASCADE;
SELECT first_note();
DROP FUNCTION first_note();
DROP VIEW order_notes;

-- Allowed: a column read only through a whole-row %ROWTYPE variable and
-- SELECT * is not named by the body.
CREATE FUNCTION first_order() RETURNS orders
LANGUAGE plpgsql AS $$
DECLARE
    r orders%ROWTYPE;
BEGIN
    SELECT * INTO r FROM orders ORDER BY id LIMIT 1;
    RETURN r;
END
$$;
ALTER TABLE orders DROP COLUMN code;
SELECT id, customer FROM first_order();
ALTER TABLE orders ADD COLUMN code varchar(10);

-- Refused: a function assigns a field of a variable of the table's row
-- type, or of a composite type (DROP ATTRIBUTE).
CREATE TYPE address AS (street text, city text);
CREATE FUNCTION draft_order() RETURNS orders
LANGUAGE plpgsql AS $$
DECLARE
    r orders;
    a address;
BEGIN
    r.code := 'draft';
    a.street := 'Main St';
    RETURN r;
END
$$;
ALTER TABLE orders DROP COLUMN code;
ALTER TYPE address DROP ATTRIBUTE street;
-- Allowed: a column and an attribute no field assignment names.
ALTER TYPE address DROP ATTRIBUTE city;
SELECT code FROM draft_order();
DROP FUNCTION draft_order();
DROP TYPE address;

--
-- RENAME COLUMN
--

-- Refused: a function reads the column.
ALTER TABLE orders RENAME COLUMN amount TO total;
SELECT order_total('alice');

-- Refused: a function inserts into the column.
ALTER TABLE orders RENAME COLUMN customer TO client;
SELECT column_name FROM information_schema.columns
 WHERE table_schema = 'guard_columns' AND table_name = 'orders'
 ORDER BY ordinal_position;

-- Allowed: nobody uses the column.
ALTER TABLE orders RENAME COLUMN code TO order_code;

-- Refused: a %TYPE declaration names the column, even though no statement
-- of the body does.
CREATE FUNCTION blank_code() RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
    c orders.order_code%TYPE;
BEGIN
    c := 'X1';
    RETURN c;
END
$$;
ALTER TABLE orders RENAME COLUMN order_code TO ref;
SELECT blank_code();

--
-- ALTER COLUMN ... TYPE
--

-- Allowed: widening varchar, and int to bigint read into a bigint result.
ALTER TABLE orders ALTER COLUMN order_code TYPE varchar(50);
ALTER TABLE orders ALTER COLUMN amount TYPE bigint;
SELECT order_total('alice');

-- Allowed: the SQL function's INSERT still type-checks (int parameter into
-- a bigint column).
SELECT add_order(2, 'bob', 5);

-- Refused: a function calls upper() on the column; upper(integer) does not
-- exist.
CREATE FUNCTION shout_customer(p_id int) RETURNS text
LANGUAGE plpgsql AS $$
BEGIN
    RETURN (SELECT upper(customer) FROM orders WHERE id = p_id);
END
$$;
ALTER TABLE orders ALTER COLUMN customer TYPE int USING length(customer);
SELECT shout_customer(1);

-- Refused: RETURN QUERY whose result no longer matches the declared
-- result columns (amount becomes numeric, the function returns bigint).
-- A SQL function returning the same column is not listed: its result is
-- coerced to the declared type.
CREATE FUNCTION amounts() RETURNS TABLE (id int, amount bigint)
LANGUAGE plpgsql AS $$
BEGIN
    RETURN QUERY SELECT o.id, o.amount FROM orders o ORDER BY o.id;
END
$$;
CREATE FUNCTION amounts_sql() RETURNS TABLE (id int, amount bigint)
LANGUAGE sql AS $$ SELECT o.id, o.amount FROM orders o ORDER BY o.id $$;
SELECT * FROM amounts();
ALTER TABLE orders ALTER COLUMN amount TYPE numeric;
SELECT * FROM amounts();
SELECT data_type FROM information_schema.columns
 WHERE table_schema = 'guard_columns' AND table_name = 'orders'
   AND column_name = 'amount';

-- The break is real: with the guard in warn mode the change goes through
-- and the function fails (rolled back).
BEGIN;
SET LOCAL schema_guard.mode = warn;
ALTER TABLE orders ALTER COLUMN amount TYPE numeric;
SELECT * FROM amounts_sql();
SELECT * FROM amounts();
ROLLBACK;

-- Allowed: without the PL/pgSQL function, the SQL function's result is
-- coerced.
DROP FUNCTION amounts();
ALTER TABLE orders ALTER COLUMN amount TYPE numeric;
SELECT * FROM amounts_sql();

-- Refused: an INSERT of a text value into a column that becomes a date.
CREATE TABLE shipments (id int, shipped text);
CREATE FUNCTION ship(p_id int, p_when text) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO shipments (id, shipped) VALUES (p_id, p_when);
END
$$;
ALTER TABLE shipments ALTER COLUMN shipped TYPE date USING shipped::date;
SELECT ship(1, '2024-05-01');
SELECT * FROM shipments;

-- Allowed: the same change once the function casts its value.
CREATE OR REPLACE FUNCTION ship(p_id int, p_when text) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO shipments (id, shipped) VALUES (p_id, p_when::date);
END
$$;
ALTER TABLE shipments ALTER COLUMN shipped TYPE date USING shipped::date;

-- Refused: a variable declared with the column's %TYPE no longer fits
-- what the body does with it, on a line that names no column.
CREATE FUNCTION shout_note(p_id int) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
    n orders.note%TYPE;
BEGIN
    SELECT note INTO n FROM orders WHERE id = p_id;
    RETURN upper(n);
END
$$;
ALTER TABLE orders ALTER COLUMN note TYPE int USING length(note);
DROP FUNCTION shout_note(int);

-- Allowed: text to varchar keeps every use of the column valid.
ALTER TABLE orders ALTER COLUMN note TYPE varchar(200);

--
-- Through a parent: RENAME COLUMN and ALTER COLUMN ... TYPE change the
-- column of its inheritance children and partitions too.
--
CREATE TABLE events (id int, note text, extra int);
CREATE TABLE events_archive () INHERITS (events);
CREATE TABLE readings (id int, k int) PARTITION BY LIST (k);
CREATE TABLE readings_1 PARTITION OF readings FOR VALUES IN (1);
CREATE FUNCTION archived_id() RETURNS int
LANGUAGE plpgsql AS $$
BEGIN
    RETURN (SELECT id FROM events_archive LIMIT 1);
END
$$;
CREATE FUNCTION archived_notes() RETURNS TABLE (n text)
LANGUAGE plpgsql AS $$
BEGIN
    RETURN QUERY SELECT note FROM events_archive;
END
$$;
CREATE FUNCTION reading_id() RETURNS int
LANGUAGE plpgsql AS $$
BEGIN
    RETURN (SELECT id FROM readings_1 LIMIT 1);
END
$$;
-- Refused: each breaks a function that uses a child or a partition.
ALTER TABLE events RENAME COLUMN id TO event_id;
ALTER TABLE events ALTER COLUMN note TYPE varchar(10);
ALTER TABLE readings RENAME COLUMN id TO reading_id;
-- Allowed: columns of the children no function uses.
ALTER TABLE events RENAME COLUMN extra TO spare;
ALTER TABLE events ALTER COLUMN spare TYPE bigint;

--
-- ADD COLUMN
--

-- Refused: the new column's name makes a reference ambiguous with a
-- PL/pgSQL variable; DETAIL says which name.
CREATE TABLE tags (id int, label text);
CREATE FUNCTION tag_count(name text) RETURNS bigint
LANGUAGE plpgsql AS $$
BEGIN
    RETURN (SELECT count(*) FROM tags WHERE label = name);
END
$$;
ALTER TABLE tags ADD COLUMN name text;
-- Allowed: a name nothing uses.
ALTER TABLE tags ADD COLUMN color text;
DROP FUNCTION tag_count(text);

-- Refused: INSERT ... SELECT * copies every column into a table that has
-- no room for one more.
CREATE TABLE tags_copy (id int, label text, color text);
CREATE FUNCTION copy_tags() RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO tags_copy SELECT * FROM tags;
END
$$;
ALTER TABLE tags ADD COLUMN weight int;
-- Allowed: once the function names the columns it copies.
CREATE OR REPLACE FUNCTION copy_tags() RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO tags_copy SELECT id, label, color FROM tags;
END
$$;
ALTER TABLE tags ADD COLUMN weight int;
-- Refused: a SQL function returns SELECT * of the table as its declared
-- result columns.
CREATE FUNCTION all_tags() RETURNS TABLE (id int, label text, color text, weight int)
LANGUAGE sql AS $$ SELECT * FROM tags $$;
ALTER TABLE tags ADD COLUMN rank int;
DROP FUNCTION all_tags();

--
-- GENERATED ALWAYS: a column becomes an identity or a generated column
--

-- A GENERATED ALWAYS column takes no value but DEFAULT: a body that gives
-- it one fails from then on.
CREATE TABLE tickets (id int GENERATED BY DEFAULT AS IDENTITY, code int NOT NULL,
                      total int, qty int);
CREATE FUNCTION add_ticket(p_id int) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO tickets (id, code, total) VALUES (p_id, 1, 2);
END
$$;
CREATE FUNCTION renumber_tickets() RETURNS void
LANGUAGE sql AS $$
    UPDATE tickets SET code = code + 1
$$;
CREATE FUNCTION add_ticket_overriding(p_id int) RETURNS void
LANGUAGE sql AS $$
    INSERT INTO tickets (id, code, qty) OVERRIDING SYSTEM VALUE VALUES (p_id, 0, 1)
$$;

-- Refused: the identity becomes GENERATED ALWAYS while add_ticket() gives
-- it a value (add_ticket_overriding() says OVERRIDING SYSTEM VALUE).
ALTER TABLE tickets ALTER COLUMN id SET GENERATED ALWAYS;
SELECT add_ticket(1);

-- Refused: a column becomes an identity column, GENERATED ALWAYS, that a
-- body inserts (ADD GENERATED also creates a sequence), or updates.
ALTER TABLE tickets ALTER COLUMN total SET NOT NULL,
    ALTER COLUMN total ADD GENERATED ALWAYS AS IDENTITY;
ALTER TABLE tickets ALTER COLUMN code ADD GENERATED ALWAYS AS IDENTITY;

-- Refused: the column is dropped and added again as a generated column,
-- in one command...
ALTER TABLE tickets DROP COLUMN total,
    ADD COLUMN total int GENERATED ALWAYS AS (qty * 2) STORED;
-- ... or in a transaction: the DROP COLUMN warns, COMMIT is refused, as
-- add_ticket() still gives the column a value.
BEGIN;
ALTER TABLE tickets DROP COLUMN total;
ALTER TABLE tickets ADD COLUMN total int GENERATED ALWAYS AS (qty * 2) STORED;
COMMIT;
SELECT add_ticket(2);

-- Allowed: columns no body writes become GENERATED ALWAYS; an identity
-- stays BY DEFAULT.
UPDATE tickets SET qty = id;
ALTER TABLE tickets ALTER COLUMN qty SET NOT NULL,
    ALTER COLUMN qty ADD GENERATED ALWAYS AS IDENTITY;
ALTER TABLE tickets ALTER COLUMN id SET GENERATED BY DEFAULT;
ALTER TABLE tickets ADD COLUMN doubled int GENERATED ALWAYS AS (code * 2) STORED;
SELECT add_ticket(3), renumber_tickets(), add_ticket_overriding(4);

--
-- A catalog that missed a change
--

-- The event triggers do not fire with session_replication_role = replica:
-- the catalog misses that import_codes() broke, and still says its INSERT
-- resolves.
CREATE TABLE codes (id int, code text, legacy text);
CREATE TABLE code_sources (code text);
CREATE FUNCTION import_codes() RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO codes (id, code) SELECT 1, s.code FROM code_sources s;
    UPDATE codes SET legacy = 'imported';
END
$$;
SET session_replication_role = replica;
ALTER TABLE code_sources RENAME TO code_feed;
RESET session_replication_role;
SELECT count(*) AS reported FROM schema_guard.validate(ARRAY['guard_columns'])
 WHERE object_name = 'guard_columns.import_codes()';

-- Allowed: commands on the table that change nothing the broken INSERT
-- depends on are not what broke it (each rolled back, so that the
-- catalog stays behind for the next one; no WARNING).
BEGIN;
COMMENT ON TABLE codes IS 'imported codes';
ROLLBACK;
BEGIN;
ALTER TABLE codes SET (fillfactor = 80);
ROLLBACK;
BEGIN;
ALTER TABLE codes OWNER TO CURRENT_USER;
ROLLBACK;
BEGIN;
ALTER TABLE codes ALTER COLUMN legacy TYPE varchar(100);
ROLLBACK;
-- Refused: dropping a column the INSERT uses breaks it too.
ALTER TABLE codes DROP COLUMN code;
-- Allowed, and the catalog learns of the break: validate() reports it.
ALTER TABLE codes ADD COLUMN note text;
SELECT severity, "check", object_name, line, message
  FROM schema_guard.validate(ARRAY['guard_columns'])
 WHERE object_name = 'guard_columns.import_codes()';

-- Clean up.
SET client_min_messages = warning;
DROP SCHEMA guard_columns CASCADE;
RESET client_min_messages;
