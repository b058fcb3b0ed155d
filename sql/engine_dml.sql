--
-- engine_dml: what INSERT, UPDATE, DELETE, MERGE and TRUNCATE in PL/pgSQL
-- bodies do to each relation (insert, update, delete, read) and which
-- columns they name: INSERT column lists, ON CONFLICT targets and actions,
-- UPDATE SET, WHERE, FROM, USING, RETURNING.  EXCLUDED, aliases and
-- data-modifying CTE names are never tables.
--
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS schema_guard CASCADE;
RESET client_min_messages;
CREATE SCHEMA engine_dml;
SET search_path = engine_dml;

\set deps 'SELECT line, kind, access, object_type, object_identity, column_name, resolves, detail FROM schema_guard.dependencies'

CREATE TABLE accounts (acc_id int PRIMARY KEY, owner text, balance numeric NOT NULL DEFAULT 0,
                       updated timestamptz);
CREATE TABLE ledger (entry_id serial PRIMARY KEY, account int, amount numeric NOT NULL,
                     note text);
CREATE TABLE archive (arch_id int, arch_amount numeric);
CREATE TABLE blocked (blocked_acc int, reason text);
-- named like the pseudo-relation and alias used below: never referenced
CREATE TABLE excluded (unused_excluded int);
CREATE TABLE moved (unused_moved int);
CREATE TABLE a (unused_a int);

-- INSERT with a column list and VALUES: the table is written, the listed
-- columns are inserted; the columns not listed are not.
CREATE FUNCTION insert_values(p_id int, p_owner text) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO accounts (acc_id,
                          owner)
    VALUES (p_id, p_owner);
END
$$;
:deps('insert_values(integer,text)');

-- INSERT ... SELECT: the source table is read, the target inserted.
CREATE FUNCTION insert_select() RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO archive (arch_id, arch_amount)
    SELECT account, amount
      FROM ledger
     WHERE note IS NULL;
END
$$;
:deps('insert_select()');

-- INSERT ... ON CONFLICT (target) DO UPDATE ... RETURNING, each column on
-- the line that names it: the conflict target acc_id is read on line 7,
-- owner is set on line 8 from EXCLUDED's owner (a column of accounts),
-- updated is set on line 9, balance is inserted on line 5 and returned on
-- line 10.  "excluded" is not the table excluded.
CREATE FUNCTION upsert(p_id int, p_amount numeric) RETURNS numeric
LANGUAGE plpgsql AS $$
DECLARE
    result numeric;
BEGIN
    INSERT INTO accounts AS a (acc_id, balance)
    VALUES (p_id, p_amount)
    ON CONFLICT (acc_id)
    DO UPDATE SET owner = excluded.owner,
                  updated = now()
    RETURNING balance INTO result;
    RETURN result;
END
$$;
:deps('upsert(integer,numeric)');

-- ON CONFLICT DO NOTHING and INSERT ... DEFAULT VALUES.
CREATE FUNCTION insert_defaults() RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO blocked DEFAULT VALUES;
    INSERT INTO accounts (acc_id) VALUES (1) ON CONFLICT DO NOTHING;
END
$$;
:deps('insert_defaults()');

-- UPDATE ... SET ... FROM ... WHERE ... RETURNING: the target is updated,
-- the SET columns updated, the columns in WHERE and RETURNING read; the
-- FROM table read.
CREATE FUNCTION update_from() RETURNS SETOF timestamptz
LANGUAGE plpgsql AS $$
BEGIN
    RETURN QUERY
    UPDATE accounts AS acc
       SET balance = 0,
           owner = b.reason
      FROM blocked AS b
     WHERE b.blocked_acc = acc.acc_id
    RETURNING acc.updated;
END
$$;
:deps('update_from()');

-- DELETE ... USING.
CREATE FUNCTION delete_using() RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
    n bigint;
BEGIN
    DELETE FROM ledger l
     USING blocked b
     WHERE l.account = b.blocked_acc;
    GET DIAGNOSTICS n = ROW_COUNT;
    RETURN n;
END
$$;
:deps('delete_using()');

-- A data-modifying CTE: the CTE name "moved" is not the table moved; the
-- columns of ledger are used on line 3, where the DELETE names them (line 5
-- names the CTE's columns).
CREATE FUNCTION move_rows() RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    WITH moved AS (DELETE FROM ledger WHERE amount = 0 RETURNING entry_id, amount)
    INSERT INTO archive (arch_id, arch_amount)
    SELECT entry_id, amount FROM moved;
END
$$;
:deps('move_rows()');

-- MERGE: the target is changed, the source read, each action's columns on
-- its own line (balance updated on line 5; acc_id and balance inserted on
-- line 6).
CREATE FUNCTION merge_balances() RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    MERGE INTO accounts t
    USING archive s ON s.arch_id = t.acc_id
    WHEN MATCHED THEN UPDATE SET balance = s.arch_amount
    WHEN NOT MATCHED THEN INSERT (acc_id, balance) VALUES (s.arch_id, s.arch_amount);
END
$$;
:deps('merge_balances()');

-- TRUNCATE and LOCK are statements parse analysis does not look at; the
-- relations they name are still found.
CREATE FUNCTION truncate_lock() RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    LOCK TABLE accounts IN SHARE MODE;
    TRUNCATE archive, blocked;
END
$$;
:deps('truncate_lock()');

-- Negative: an INSERT that gives no value to a NOT NULL column without a
-- default (ledger.amount) fails every time; an INSERT that does is fine,
-- and a NOT NULL column with a default (accounts.balance) needs no value.
SET client_min_messages = error;
CREATE FUNCTION insert_not_null() RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO ledger (account, note) VALUES (1, 'x');
    INSERT INTO ledger (account, amount) VALUES (1, 2);
    INSERT INTO accounts (acc_id) VALUES (3);
END
$$;
RESET client_min_messages;
:deps('insert_not_null()');

-- Negative: writing columns that do not exist.
SET client_min_messages = error;
CREATE FUNCTION write_missing_columns() RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO accounts (acc_id, nickname) VALUES (1, 'x');
    UPDATE accounts SET credit = 1 WHERE acc_id = 1;
    DELETE FROM ledger WHERE memo = 'x';
END
$$;
RESET client_min_messages;
:deps('write_missing_columns()');

-- Negative, collected: excluded, moved and a are never referenced.
SELECT (SELECT count(*) FROM schema_guard.dependents('excluded'::regclass))
     + (SELECT count(*) FROM schema_guard.dependents('moved'::regclass))
     + (SELECT count(*) FROM schema_guard.dependents('a'::regclass))
       AS pseudo_relation_tables_used;

-- From the other side: every function that uses accounts.balance, and how.
SELECT function, line, access
  FROM schema_guard.dependents('accounts'::regclass) AS d
 WHERE d.column_name = 'balance';

SELECT severity, "check", object_name, line, referenced, message
  FROM schema_guard.validate(ARRAY['engine_dml']);

SET client_min_messages = warning;
RESET search_path;
DROP SCHEMA engine_dml CASCADE;
RESET client_min_messages;
