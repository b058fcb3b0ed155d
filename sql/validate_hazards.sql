--
-- validate(): schema hazards.  Invalid indexes, NOT VALID constraints,
-- foreign keys without a supporting index, disabled triggers, and code in
-- languages schema_guard does not read.  Never errors.  Where a hint holds
-- the SQL that fixes the hazard, the test runs exactly that SQL (\gexec)
-- and shows that the hazard is gone.
--
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS schema_guard CASCADE;
RESET client_min_messages;
CREATE SCHEMA validate_hazards;
SET search_path = validate_hazards;

-- What validate() reports for this schema.
CREATE VIEW findings AS
SELECT * FROM schema_guard.validate(ARRAY['validate_hazards']);

--
-- invalid_index: a CREATE INDEX CONCURRENTLY that failed
--
CREATE TABLE accounts (id int PRIMARY KEY, email text, score int);
INSERT INTO accounts VALUES (1, 'a@example.com', 1), (2, 'a@example.com', 0);
-- a unique index over duplicate rows
CREATE UNIQUE INDEX CONCURRENTLY accounts_email_key ON accounts (email);
-- an expression that fails for one row
CREATE INDEX CONCURRENTLY accounts_ratio_idx ON accounts ((100 / score));
-- negative: an index that was built
CREATE INDEX CONCURRENTLY accounts_score_idx ON accounts (score);
\x on
SELECT * FROM findings WHERE "check" = 'invalid_index';
\x off
-- Run too early, while the data still do not allow the index, each
-- rebuild fails again and leaves an invalid copy of the index (_ccnew)
-- besides; the fix for such a copy is to drop it, not to rebuild it.
SELECT hint FROM findings WHERE "check" = 'invalid_index' \gexec
SELECT object_name, hint FROM findings WHERE "check" = 'invalid_index';
-- Once the data allow the index, the hints fix everything.
UPDATE accounts SET email = 'b@example.com', score = 2 WHERE id = 2;
SELECT hint FROM findings WHERE "check" = 'invalid_index' \gexec
SELECT * FROM findings WHERE "check" = 'invalid_index';
SELECT indexrelid::regclass AS index, indisvalid
  FROM pg_index WHERE indrelid = 'accounts'::regclass
 ORDER BY indexrelid::regclass::text COLLATE "C";

--
-- not_valid_constraint: CHECK and FOREIGN KEY constraints added NOT VALID
--
CREATE TABLE customers (id int PRIMARY KEY);
INSERT INTO customers VALUES (1);
CREATE TABLE invoices (id int PRIMARY KEY, customer_id int, amount int);
CREATE INDEX ON invoices (customer_id);
INSERT INTO invoices VALUES (1, 1, 10);
ALTER TABLE invoices ADD CONSTRAINT amount_positive CHECK (amount > 0) NOT VALID;
ALTER TABLE invoices ADD CONSTRAINT invoices_customer_fk
    FOREIGN KEY (customer_id) REFERENCES customers NOT VALID;
-- negative: validated constraints
ALTER TABLE invoices ADD CONSTRAINT amount_small CHECK (amount < 1000000);
\x on
SELECT * FROM findings WHERE "check" = 'not_valid_constraint';
\x off
SELECT hint FROM findings WHERE "check" = 'not_valid_constraint' \gexec
SELECT * FROM findings WHERE "check" = 'not_valid_constraint';
SELECT conname, convalidated FROM pg_constraint
 WHERE conrelid = 'invoices'::regclass AND contype IN ('c', 'f')
 ORDER BY conname COLLATE "C";

--
-- foreign_key_without_index
--
CREATE TABLE orders (id int PRIMARY KEY, customer_id int REFERENCES customers);
CREATE TABLE pairs (a int, b int, PRIMARY KEY (a, b));
-- multi-column keys: no index, an index on part of the key, a partial
-- index, an index that does not lead with the key
CREATE TABLE pair_refs (id int, a int, b int, FOREIGN KEY (a, b) REFERENCES pairs);
CREATE TABLE pair_refs_part (id int, a int, b int, FOREIGN KEY (a, b) REFERENCES pairs);
CREATE INDEX ON pair_refs_part (a);
CREATE TABLE pair_refs_partial (id int, a int, b int, FOREIGN KEY (a, b) REFERENCES pairs);
CREATE INDEX ON pair_refs_partial (a, b) WHERE a > 0;
CREATE TABLE pair_refs_late (id int, a int, b int, FOREIGN KEY (a, b) REFERENCES pairs);
CREATE INDEX ON pair_refs_late (id, a, b);
-- negative: the key columns lead an index, in any order, or lead the
-- primary key
CREATE TABLE pair_refs_ok (id int, a int, b int, FOREIGN KEY (a, b) REFERENCES pairs);
CREATE INDEX ON pair_refs_ok (b, a, id);
CREATE TABLE order_lines (order_id int REFERENCES orders, line_no int,
                          PRIMARY KEY (order_id, line_no));
-- partitioned tables: the constraint on the parent is reported once
CREATE TABLE events (id int, customer_id int REFERENCES customers,
                     part int) PARTITION BY LIST (part);
CREATE TABLE events_1 PARTITION OF events FOR VALUES IN (1);
CREATE TABLE events_2 PARTITION OF events FOR VALUES IN (2);
\x on
SELECT * FROM findings
 WHERE "check" = 'foreign_key_without_index' AND referenced <> 'validate_hazards.events';
-- (an index on a partitioned table cannot be built CONCURRENTLY)
SELECT severity, "check", object_type, object_name, line, referenced, message
  FROM findings
 WHERE "check" = 'foreign_key_without_index' AND referenced = 'validate_hazards.events';
\x off
\set ECHO none
SELECT hint FROM findings WHERE "check" = 'foreign_key_without_index' \gexec
\set ECHO all
SELECT * FROM findings WHERE "check" = 'foreign_key_without_index';

--
-- disabled_trigger: ENABLE REPLICA and ENABLE ALWAYS are deliberate
--
CREATE FUNCTION noop() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RETURN NEW;
END
$$;
CREATE TRIGGER a_disabled BEFORE INSERT ON orders
    FOR EACH ROW EXECUTE FUNCTION noop();
CREATE TRIGGER b_replica BEFORE INSERT ON orders
    FOR EACH ROW EXECUTE FUNCTION noop();
CREATE TRIGGER c_always BEFORE INSERT ON orders
    FOR EACH ROW EXECUTE FUNCTION noop();
CREATE TRIGGER d_enabled BEFORE INSERT ON orders
    FOR EACH ROW EXECUTE FUNCTION noop();
ALTER TABLE orders DISABLE TRIGGER a_disabled;
ALTER TABLE orders ENABLE REPLICA TRIGGER b_replica;
ALTER TABLE orders ENABLE ALWAYS TRIGGER c_always;
\x on
SELECT * FROM findings WHERE "check" = 'disabled_trigger';
\x off
SELECT hint FROM findings WHERE "check" = 'disabled_trigger' \gexec
SELECT * FROM findings WHERE "check" = 'disabled_trigger';
SELECT tgname, tgenabled FROM pg_trigger
 WHERE tgrelid = 'orders'::regclass AND NOT tgisinternal
 ORDER BY tgname COLLATE "C";

--
-- unchecked_language: code schema_guard cannot read is reported as info,
-- never as an error, whatever it contains
--
CREATE LANGUAGE validate_hazards_fakepl HANDLER plpgsql_call_handler;
CREATE FUNCTION other_language() RETURNS bigint
LANGUAGE validate_hazards_fakepl AS $$
BEGIN
    RETURN (SELECT count(*) FROM no_such_table);
END
$$;
CREATE PROCEDURE other_language_proc()
LANGUAGE validate_hazards_fakepl AS $$
BEGIN
    NULL;
END
$$;
-- negative: languages that are not procedural languages
CREATE FUNCTION internal_add(int, int) RETURNS int
LANGUAGE internal IMMUTABLE STRICT AS 'int4pl';
\x on
SELECT * FROM findings WHERE "check" = 'unchecked_language';
\x off

-- No hazard is an error.
SELECT "check", severity, count(*)
  FROM schema_guard.validate(ARRAY['validate_hazards'])
 GROUP BY "check", severity ORDER BY "check" COLLATE "C";
SELECT count(*) FROM schema_guard.validate(ARRAY['validate_hazards'], 'error');

RESET search_path;
SET client_min_messages = warning;
DROP SCHEMA validate_hazards CASCADE;
DROP LANGUAGE validate_hazards_fakepl;
RESET client_min_messages;
