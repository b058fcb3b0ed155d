--
-- guard_routines: DROP FUNCTION / PROCEDURE / AGGREGATE / ROUTINE that
-- other bodies call, overloads, and what CREATE [OR REPLACE] FUNCTION says
-- about a body that uses missing objects (schema_guard.function_check).
--
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS schema_guard CASCADE;
RESET client_min_messages;
CREATE SCHEMA guard_routines;
SET search_path = guard_routines;

CREATE TABLE ledger (id int, amount int);
INSERT INTO ledger VALUES (1, 10), (2, 20);

CREATE FUNCTION tax(p_amount int) RETURNS int
LANGUAGE sql AS $$ SELECT p_amount / 10 $$;
CREATE FUNCTION net(p_amount int) RETURNS int
LANGUAGE plpgsql AS $$
BEGIN
    RETURN p_amount - tax(p_amount);
END
$$;
CREATE FUNCTION total_tax() RETURNS bigint
LANGUAGE sql AS $$ SELECT sum(tax(amount)) FROM ledger $$;
CREATE PROCEDURE record(p_id int, p_amount int)
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO ledger VALUES (p_id, p_amount);
END
$$;
CREATE PROCEDURE record_twice(p_id int, p_amount int)
LANGUAGE plpgsql AS $$
BEGIN
    CALL record(p_id, p_amount);
    CALL record(p_id + 1, p_amount);
END
$$;
CREATE AGGREGATE int_product(int) (sfunc = int4mul, stype = int, initcond = '1');
CREATE FUNCTION amount_product() RETURNS int
LANGUAGE sql AS $$ SELECT int_product(amount) FROM ledger $$;

--
-- DROP FUNCTION / PROCEDURE / AGGREGATE / ROUTINE
--

-- Refused: a PL/pgSQL function and a SQL function call it.
DROP FUNCTION tax(int);
SELECT net(100), total_tax();

-- Refused: a procedure calls the procedure (twice: both lines are listed).
DROP PROCEDURE record(int, int);
SELECT count(*) FROM pg_proc WHERE oid = 'record(int,int)'::regprocedure;

-- Refused: DROP ROUTINE is DROP FUNCTION by another name.
DROP ROUTINE tax(int);
SELECT net(100);

-- Refused: a SQL function uses the aggregate.
DROP AGGREGATE int_product(int);
SELECT amount_product();

-- Allowed: a function nobody calls.
CREATE FUNCTION unused_helper() RETURNS int LANGUAGE sql AS 'SELECT 1';
DROP FUNCTION unused_helper();

-- Allowed: the caller and the callee go in one statement.
CREATE FUNCTION inner_fn() RETURNS int LANGUAGE sql AS 'SELECT 1';
CREATE FUNCTION outer_fn() RETURNS int LANGUAGE sql AS 'SELECT inner_fn()';
DROP FUNCTION inner_fn(), outer_fn();

-- Allowed: a name in a string literal or a comment is not a call.
CREATE FUNCTION quoted_fn() RETURNS int LANGUAGE sql AS 'SELECT 1';
CREATE FUNCTION mentions_quoted_fn() RETURNS text
LANGUAGE plpgsql AS $$
BEGIN
    -- PERFORM quoted_fn();
    RETURN 'quoted_fn()';
END
$$;
DROP FUNCTION quoted_fn();
DROP FUNCTION mentions_quoted_fn();

--
-- Overloads
--
CREATE FUNCTION label(p int) RETURNS text LANGUAGE sql AS $$ SELECT 'int ' || p $$;
CREATE FUNCTION label(p text) RETURNS text LANGUAGE sql AS $$ SELECT 'text ' || p $$;
CREATE FUNCTION label_of_id(p_id int) RETURNS text
LANGUAGE plpgsql AS $$
BEGIN
    RETURN label(p_id);
END
$$;

-- Allowed: nobody calls label(text); label(p_id) calls label(int).
DROP FUNCTION label(text);

-- Refused: label(p_id) calls label(int); with it gone nothing accepts an
-- integer.
DROP FUNCTION label(int);
SELECT label_of_id(7);

-- Allowed: a new overload that leaves the call resolving to the same
-- function (an exact match beats label(bigint)).
CREATE FUNCTION label(p bigint) RETURNS text LANGUAGE sql AS $$ SELECT 'bigint ' || p $$;
SELECT label_of_id(7);

-- Allowed: with label(bigint) in place, dropping label(int) leaves the call
-- resolving (integer is implicitly cast to bigint).
DROP FUNCTION label(int);
SELECT label_of_id(7);

-- Refused: a new overload that makes the call ambiguous: label(numeric)
-- and label(bigint) are equally good for an integer.
CREATE FUNCTION label(p numeric) RETURNS text LANGUAGE sql AS $$ SELECT 'numeric ' || p $$;
SELECT count(*) FROM pg_proc WHERE proname = 'label'
   AND pronamespace = 'guard_routines'::regnamespace;
SELECT label_of_id(7);

--
-- ALTER FUNCTION
--

-- Refused: SET search_path on the function itself leaves its unqualified
-- table name unresolved.
CREATE FUNCTION ledger_size() RETURNS bigint
LANGUAGE sql AS $$ SELECT count(*) FROM ledger $$;
ALTER FUNCTION ledger_size() SET search_path = pg_catalog;
SELECT proconfig FROM pg_proc WHERE oid = 'ledger_size()'::regprocedure;

-- Allowed: a search_path under which the table still resolves.
ALTER FUNCTION ledger_size() SET search_path = guard_routines, pg_catalog;
SELECT ledger_size();

--
-- CREATE FUNCTION whose body uses missing objects
--

-- WARNING (the default, schema_guard.function_check = warning): the body
-- reads a table that does not exist; the function is created.
SHOW schema_guard.function_check;
CREATE FUNCTION read_missing() RETURNS bigint
LANGUAGE plpgsql AS $$
BEGIN
    RETURN (SELECT count(*) FROM no_such_table);
END
$$;
SELECT count(*) FROM pg_proc WHERE proname = 'read_missing';

-- WARNING: CREATE OR REPLACE with a body that calls a missing function.
CREATE OR REPLACE FUNCTION read_missing() RETURNS bigint
LANGUAGE plpgsql AS $$
BEGIN
    RETURN no_such_function(1);
END
$$;

-- WARNING: a missing column of a table that exists, in a procedure.
CREATE PROCEDURE read_missing_column()
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE ledger SET no_such_column = 1;
END
$$;

-- (SQL-language bodies are checked by PostgreSQL itself while
-- check_function_bodies is on; schema_guard adds nothing to its error.)
CREATE FUNCTION sql_missing() RETURNS bigint
LANGUAGE sql AS $$ SELECT count(*) FROM no_such_table $$;

-- Quiet: once the objects exist, a replaced body has nothing to report.
CREATE TABLE no_such_table (id int);
CREATE OR REPLACE FUNCTION read_missing() RETURNS bigint
LANGUAGE plpgsql AS $$
BEGIN
    RETURN (SELECT count(*) FROM no_such_table);
END
$$;
SELECT read_missing();

-- Quiet: with check_function_bodies = off (as in pg_restore's scripts),
-- functions may be created before their tables.
SET check_function_bodies = off;
CREATE FUNCTION restored_first() RETURNS bigint
LANGUAGE sql AS $$ SELECT count(*) FROM restored_later $$;
CREATE TABLE restored_later (id int);
RESET check_function_bodies;
SELECT restored_first();

-- ERROR with schema_guard.function_check = error: nothing is created.
SET schema_guard.function_check = error;
CREATE FUNCTION strict_missing() RETURNS bigint
LANGUAGE plpgsql AS $$
BEGIN
    RETURN (SELECT count(*) FROM still_missing);
END
$$;
SELECT count(*) FROM pg_proc WHERE proname = 'strict_missing';

-- ERROR too for CREATE OR REPLACE: the old body stays.
CREATE OR REPLACE FUNCTION read_missing() RETURNS bigint
LANGUAGE plpgsql AS $$
BEGIN
    RETURN (SELECT count(*) FROM still_missing);
END
$$;
SELECT read_missing();

-- In a transaction, the objects may come later: a WARNING, and the
-- transaction is refused at COMMIT only if the body still fails then.
BEGIN;
CREATE FUNCTION strict_later() RETURNS bigint
LANGUAGE plpgsql AS $$
BEGIN
    RETURN (SELECT count(*) FROM created_later);
END
$$;
CREATE TABLE created_later (id int);
COMMIT;
SELECT strict_later();
-- Refused at COMMIT: the table never came.
BEGIN;
CREATE FUNCTION strict_never() RETURNS bigint
LANGUAGE plpgsql AS $$
BEGIN
    RETURN (SELECT count(*) FROM never_created);
END
$$;
COMMIT;
SELECT count(*) FROM pg_proc WHERE proname = 'strict_never';
-- The same for a DO block in autocommit.
DO $$
BEGIN
    CREATE FUNCTION strict_do() RETURNS bigint LANGUAGE plpgsql
        AS 'BEGIN RETURN (SELECT count(*) FROM created_by_do); END';
    CREATE TABLE created_by_do (id int);
END
$$;
SELECT strict_do();
-- Refused when the transaction rolls back to a savepoint that had the
-- table, not the function.
BEGIN;
CREATE FUNCTION strict_savepoint() RETURNS bigint LANGUAGE plpgsql
    AS 'BEGIN RETURN (SELECT count(*) FROM created_in_savepoint); END';
SAVEPOINT s;
CREATE TABLE created_in_savepoint (id int);
ROLLBACK TO SAVEPOINT s;
COMMIT;
SELECT count(*) FROM pg_proc WHERE proname = 'strict_savepoint';

-- A body without problems is created as usual.
CREATE FUNCTION strict_ok() RETURNS bigint
LANGUAGE plpgsql AS $$
BEGIN
    RETURN (SELECT count(*) FROM ledger);
END
$$;

-- Quiet too: altering a function the catalog never saw (created while the
-- event triggers did not fire) is no new body.
SET session_replication_role = replica;
CREATE FUNCTION unseen() RETURNS bigint
LANGUAGE plpgsql AS $$
BEGIN
    RETURN (SELECT count(*) FROM still_missing);
END
$$;
RESET session_replication_role;
ALTER FUNCTION unseen() SET work_mem = '8MB';
DROP FUNCTION unseen();

-- Quiet with schema_guard.function_check = off.
SET schema_guard.function_check = off;
CREATE FUNCTION unchecked_missing() RETURNS bigint
LANGUAGE plpgsql AS $$
BEGIN
    RETURN (SELECT count(*) FROM still_missing);
END
$$;
RESET schema_guard.function_check;

-- Breaking DDL is judged whatever function_check says.
SET schema_guard.function_check = off;
DROP TABLE ledger;
RESET schema_guard.function_check;
SELECT count(*) FROM ledger;

-- A function that creates a table at run time, and one that reads it.
-- Dropping the creator leaves nothing to create the table: refused.
-- Replacing it with a body that still creates the table: allowed.
CREATE FUNCTION make_scratch() RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    CREATE TABLE IF NOT EXISTS guard_routines.scratch (v int);
END
$$;
CREATE FUNCTION read_scratch() RETURNS bigint
LANGUAGE plpgsql AS $$
BEGIN
    RETURN (SELECT count(*) FROM guard_routines.scratch);
END
$$;
SELECT severity, "check", object_name, line FROM schema_guard.validate(ARRAY['guard_routines'])
 WHERE object_name LIKE '%scratch%' ORDER BY 3, 4;
DROP FUNCTION make_scratch();
CREATE OR REPLACE FUNCTION make_scratch() RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    CREATE TABLE IF NOT EXISTS guard_routines.scratch (v int, w int);
END
$$;
-- Refused: the new body no longer creates it.
CREATE OR REPLACE FUNCTION make_scratch() RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    RAISE NOTICE 'nothing to create';
END
$$;
DROP FUNCTION read_scratch();
DROP FUNCTION make_scratch();

-- A table some function creates at run time excuses another function's
-- missing table only where it would be what the name means, and never
-- once a command takes away an existing table that the name meant.
CREATE SCHEMA guard_routines_other;
CREATE TABLE journal (id int);
CREATE TABLE stage (id int);
CREATE TABLE stage2 (id int);
CREATE FUNCTION read_journal() RETURNS bigint
LANGUAGE plpgsql AS $$ BEGIN RETURN (SELECT count(*) FROM journal); END $$;
CREATE FUNCTION read_stage() RETURNS bigint
LANGUAGE plpgsql AS $$ BEGIN RETURN (SELECT count(*) FROM stage); END $$;
CREATE FUNCTION read_stage2() RETURNS bigint
LANGUAGE plpgsql AS $$ BEGIN RETURN (SELECT count(*) FROM guard_routines.stage2); END $$;
CREATE FUNCTION ensure_journal() RETURNS void
LANGUAGE plpgsql AS $$ BEGIN CREATE TABLE IF NOT EXISTS journal (id int); END $$;
CREATE FUNCTION temp_stage() RETURNS void
LANGUAGE plpgsql AS $$ BEGIN CREATE TEMP TABLE stage (x int) ON COMMIT DROP; END $$;
CREATE FUNCTION other_stage2() RETURNS void
LANGUAGE plpgsql AS $$ BEGIN CREATE TABLE IF NOT EXISTS guard_routines_other.stage2 (x int); END $$;
-- Refused: read_journal() reads the table; that ensure_journal() would create
-- one if it were run does not make the rename harmless.
ALTER TABLE journal RENAME TO journal_old;
-- Refused: the temporary table of temp_stage() would do for stage, but
-- read_stage() read the real table until now.
DROP TABLE stage;
-- Refused: read_stage2() names the schema, and other_stage2() creates its
-- table in another one.
DROP TABLE stage2;
-- Allowed, in a transaction that also replaces the reader by one of the
-- temporary table: what is missing then is created at run time.
BEGIN;
DROP TABLE stage;
CREATE OR REPLACE FUNCTION read_stage() RETURNS bigint
LANGUAGE plpgsql AS $$ BEGIN PERFORM temp_stage(); RETURN (SELECT count(*) FROM stage); END $$;
COMMIT;
-- Refused at COMMIT as well: that ensure_journal() creates the table at run
-- time is no excuse at the end of the transaction either.
BEGIN;
DROP TABLE journal;
COMMIT;
SELECT severity, "check", object_name, line, message
  FROM schema_guard.validate(ARRAY['guard_routines'])
 WHERE object_name LIKE 'guard_routines.read\_%';
DROP FUNCTION read_journal(), read_stage(), read_stage2(), ensure_journal(),
    temp_stage(), other_stage2();
DROP TABLE journal, stage2;
DROP SCHEMA guard_routines_other CASCADE;

-- ALTER FUNCTION ... OWNER TO: a SECURITY INVOKER function runs as its
-- caller, "$user" in its path included, whoever owns it, so a new owner
-- breaks nothing (allowed); a SECURITY DEFINER one runs as its owner, so
-- with a new owner "$user" names another schema (refused).
CREATE ROLE regress_guard_routines_alice;
CREATE ROLE regress_guard_routines_bob;
CREATE SCHEMA regress_guard_routines_alice AUTHORIZATION regress_guard_routines_alice;
CREATE TABLE regress_guard_routines_alice.notes (id int);
CREATE FUNCTION note_count() RETURNS bigint
LANGUAGE plpgsql SET search_path = "$user", guard_routines AS $$
BEGIN RETURN (SELECT count(*) FROM notes); END $$;
CREATE FUNCTION note_count_definer() RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = "$user", guard_routines AS $$
BEGIN RETURN (SELECT count(*) FROM notes); END $$;
ALTER FUNCTION note_count() OWNER TO regress_guard_routines_alice;
ALTER FUNCTION note_count_definer() OWNER TO regress_guard_routines_alice;
ALTER FUNCTION note_count() OWNER TO regress_guard_routines_bob;
ALTER FUNCTION note_count_definer() OWNER TO regress_guard_routines_bob;
SELECT p.proname, p.proowner::regrole FROM pg_proc AS p
 WHERE p.proname LIKE 'note\_count%' ORDER BY 1;
DROP FUNCTION note_count(), note_count_definer();
SET client_min_messages = warning;
DROP SCHEMA regress_guard_routines_alice CASCADE;
RESET client_min_messages;
DROP ROLE regress_guard_routines_alice, regress_guard_routines_bob;

-- CREATE OR REPLACE with the very same definition changes nothing for its
-- callers; adding a parameter default, with the same body, does: a call
-- that was missing an argument now resolves, and validate() says so.
CREATE FUNCTION scaled(x int, factor int) RETURNS int
LANGUAGE sql AS 'SELECT x * factor';
SET client_min_messages = error;
CREATE FUNCTION uses_scaled() RETURNS int
LANGUAGE plpgsql AS $$
BEGIN
    RETURN scaled(2);
END
$$;
RESET client_min_messages;
SELECT object_name, "check", referenced FROM schema_guard.validate(ARRAY['guard_routines'])
 WHERE object_name = 'guard_routines.uses_scaled()';
CREATE OR REPLACE FUNCTION scaled(x int, factor int) RETURNS int
LANGUAGE sql AS 'SELECT x * factor';
SELECT object_name, "check", referenced FROM schema_guard.validate(ARRAY['guard_routines'])
 WHERE object_name = 'guard_routines.uses_scaled()';
CREATE OR REPLACE FUNCTION scaled(x int, factor int DEFAULT 1) RETURNS int
LANGUAGE sql AS 'SELECT x * factor';
SELECT object_name, "check", referenced FROM schema_guard.validate(ARRAY['guard_routines'])
 WHERE object_name = 'guard_routines.uses_scaled()';
SELECT count(*) AS stale_rows FROM schema_guard.reference
 WHERE fn = 'uses_scaled()'::regprocedure AND severity = 'e';
DROP FUNCTION uses_scaled();
DROP FUNCTION scaled(int, int);

-- Re-applying the very same definition of a function whose body uses a
-- missing table (a migration tool replaying every function) warns again,
-- as creating it did, and with function_check = error is refused again.
CREATE FUNCTION uses_missing() RETURNS bigint
LANGUAGE plpgsql AS $$
BEGIN
    RETURN (SELECT count(*) FROM not_created_yet);
END
$$;
CREATE OR REPLACE FUNCTION uses_missing() RETURNS bigint
LANGUAGE plpgsql AS $$
BEGIN
    RETURN (SELECT count(*) FROM not_created_yet);
END
$$;
SET schema_guard.function_check = error;
CREATE OR REPLACE FUNCTION uses_missing() RETURNS bigint
LANGUAGE plpgsql AS $$
BEGIN
    RETURN (SELECT count(*) FROM not_created_yet);
END
$$;
RESET schema_guard.function_check;
DROP FUNCTION uses_missing();

-- DROP FUNCTION ... CASCADE drops the defaults that call it: a NOT NULL
-- column that loses its default is one inserts must now give.
CREATE FUNCTION new_code() RETURNS text
LANGUAGE sql AS $$ SELECT md5(random()::text) $$;
CREATE TABLE vouchers (id int, code text NOT NULL DEFAULT new_code());
CREATE FUNCTION add_voucher(p_id int) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO vouchers (id) VALUES (p_id);
END
$$;
-- Refused: add_voucher() leaves out the NOT NULL column.
DROP FUNCTION new_code() CASCADE;
-- Allowed: every INSERT gives the column.
CREATE OR REPLACE FUNCTION add_voucher(p_id int) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO vouchers (id, code) VALUES (p_id, 'V' || p_id);
END
$$;
DROP FUNCTION new_code() CASCADE;

-- Clean up.
SET client_min_messages = warning;
DROP SCHEMA guard_routines CASCADE;
RESET client_min_messages;
