--
-- guard_transactions: a migration is judged by the state it commits.  In
-- autocommit a break is refused at the statement; in a transaction block
-- the statement gets a WARNING and the verdict comes before COMMIT (or
-- PREPARE TRANSACTION).  Savepoints rolled back are forgotten.
--
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS schema_guard CASCADE;
RESET client_min_messages;
CREATE SCHEMA guard_transactions;
SET search_path = guard_transactions;

CREATE TABLE jobs (id int PRIMARY KEY, status text NOT NULL);
INSERT INTO jobs VALUES (1, 'queued'), (2, 'done');
CREATE FUNCTION queued() RETURNS bigint
LANGUAGE plpgsql AS $$
BEGIN
    RETURN (SELECT count(*) FROM jobs WHERE status = 'queued');
END
$$;
CREATE TABLE spare (id int);
CREATE FUNCTION spare_count() RETURNS bigint
LANGUAGE sql AS $$ SELECT count(*) FROM spare $$;

--
-- Autocommit and explicit transactions
--

-- Refused at once in autocommit.
DROP TABLE jobs;
SELECT * FROM jobs ORDER BY id;

-- Allowed: dropped and created again in one transaction (WARNING at the
-- statement, nothing at COMMIT).
BEGIN;
DROP TABLE jobs;
CREATE TABLE jobs (id int PRIMARY KEY, status text NOT NULL);
INSERT INTO jobs VALUES (1, 'queued');
COMMIT;
SELECT queued();

-- Refused at COMMIT: dropped and not replaced.  The whole transaction is
-- rolled back: the row inserted and the table dropped are as before.
BEGIN;
INSERT INTO jobs VALUES (2, 'queued');
DROP TABLE jobs;
COMMIT;
SELECT * FROM jobs ORDER BY id;

-- Allowed: renaming a column and replacing the function to match.
BEGIN;
ALTER TABLE jobs RENAME COLUMN status TO state;
CREATE OR REPLACE FUNCTION queued() RETURNS bigint
LANGUAGE plpgsql AS $$
BEGIN
    RETURN (SELECT count(*) FROM jobs WHERE state = 'queued');
END
$$;
COMMIT;
SELECT queued();

-- Refused at COMMIT: the replacement is still broken.
BEGIN;
ALTER TABLE jobs RENAME COLUMN state TO phase;
CREATE OR REPLACE FUNCTION queued() RETURNS bigint
LANGUAGE plpgsql AS $$
BEGIN
    RETURN (SELECT count(*) FROM jobs WHERE stage = 'queued');
END
$$;
COMMIT;
SELECT column_name FROM information_schema.columns
 WHERE table_schema = 'guard_transactions' AND table_name = 'jobs'
 ORDER BY ordinal_position;
SELECT queued();

-- Allowed: dropping the function and then its table.
BEGIN;
DROP FUNCTION spare_count();
DROP TABLE spare;
COMMIT;

-- Allowed: the other way round, dropping the table and then the function.
CREATE TABLE spare (id int);
CREATE FUNCTION spare_count() RETURNS bigint
LANGUAGE sql AS $$ SELECT count(*) FROM spare $$;
BEGIN;
DROP TABLE spare;
DROP FUNCTION spare_count();
COMMIT;

-- Nothing happens on ROLLBACK.
BEGIN;
DROP TABLE jobs;
ROLLBACK;
SELECT count(*) FROM jobs;

--
-- Savepoints
--

-- Allowed: the break was rolled back to a savepoint.
BEGIN;
SAVEPOINT a;
DROP TABLE jobs;
ROLLBACK TO SAVEPOINT a;
COMMIT;
SELECT count(*) FROM jobs;

-- Refused: a released savepoint's break belongs to the transaction.
BEGIN;
SAVEPOINT a;
DROP TABLE jobs;
RELEASE SAVEPOINT a;
COMMIT;
SELECT count(*) FROM jobs;

-- Allowed: nested savepoints, the inner one released into the outer, the
-- outer rolled back.
BEGIN;
SAVEPOINT outer_sp;
SAVEPOINT inner_sp;
DROP TABLE jobs;
RELEASE SAVEPOINT inner_sp;
ROLLBACK TO SAVEPOINT outer_sp;
COMMIT;
SELECT count(*) FROM jobs;

-- Allowed: a PL/pgSQL exception block is a subtransaction too; the break
-- inside it was rolled back with it.
BEGIN;
DO $$
BEGIN
    BEGIN
        DROP TABLE jobs;
        RAISE EXCEPTION 'undo';
    EXCEPTION WHEN raise_exception THEN
        NULL;
    END;
END
$$;
COMMIT;
SELECT count(*) FROM jobs;

-- Refused: only the break before the savepoint remains; the DETAIL does
-- not list what was rolled back.
CREATE TABLE other (id int);
CREATE FUNCTION other_count() RETURNS bigint
LANGUAGE sql AS $$ SELECT count(*) FROM other $$;
BEGIN;
ALTER TABLE jobs RENAME COLUMN state TO stage;
SAVEPOINT a;
DROP TABLE other;
ROLLBACK TO SAVEPOINT a;
COMMIT;
SELECT to_regclass('other') IS NOT NULL AS other_kept;

-- Refused: the fix was made in a savepoint that was rolled back.
BEGIN;
DROP TABLE other;
SAVEPOINT fix;
DROP FUNCTION other_count();
ROLLBACK TO SAVEPOINT fix;
COMMIT;
SELECT other_count();

-- Allowed: a break in a rolled-back savepoint, and a fix-up committed.
BEGIN;
SAVEPOINT a;
DROP TABLE other;
ROLLBACK TO SAVEPOINT a;
ALTER TABLE other RENAME TO other2;
ALTER TABLE other2 RENAME TO other;
COMMIT;

--
-- PREPARE TRANSACTION is judged like COMMIT
--

-- Refused: nothing is prepared.
BEGIN;
DROP TABLE other;
PREPARE TRANSACTION 'guard_transactions_bad';
SELECT count(*) FROM pg_prepared_xacts WHERE gid LIKE 'guard_transactions%';
SELECT to_regclass('other') IS NOT NULL AS other_kept;

-- Allowed: dropped and recreated, then prepared (and rolled back here).
BEGIN;
DROP TABLE other;
CREATE TABLE other (id int);
PREPARE TRANSACTION 'guard_transactions_good';
SELECT gid FROM pg_prepared_xacts WHERE gid LIKE 'guard_transactions%';
ROLLBACK PREPARED 'guard_transactions_good';

--
-- A query string with several statements is one implicit transaction
--

-- Allowed: dropped and recreated in one query string.
DROP TABLE other \; CREATE TABLE other (id int);
SELECT other_count();

-- Refused at the end of the query string: the table is not recreated.
INSERT INTO other VALUES (1) \; DROP TABLE other \; SELECT 1 AS after_drop;
SELECT count(*) FROM other;

-- In autocommit, DDL inside a PL/pgSQL block with an exception handler runs
-- in a subtransaction; it is still refused at the statement, so the
-- handler can catch the refusal.
CREATE TABLE tasks (id int, state text);
CREATE FUNCTION open_tasks() RETURNS bigint
LANGUAGE sql AS $$ SELECT count(*) FROM tasks WHERE state = 'open' $$;
DO $$
BEGIN
    ALTER TABLE tasks DROP COLUMN state;
EXCEPTION WHEN dependent_objects_still_exist THEN
    RAISE NOTICE 'caught: %', SQLSTATE;
END
$$;
SELECT count(*) AS state_column_kept FROM pg_attribute
 WHERE attrelid = 'tasks'::regclass AND attname = 'state' AND NOT attisdropped;

-- Clean up.
SET client_min_messages = warning;
DROP SCHEMA guard_transactions CASCADE;
RESET client_min_messages;
