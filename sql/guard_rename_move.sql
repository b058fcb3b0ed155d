--
-- guard_rename_move: RENAME and SET SCHEMA of tables, views, sequences,
-- functions, procedures, types and schemas that function bodies use; a
-- new object whose name now means something else to a body.
--
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS schema_guard CASCADE;
RESET client_min_messages;
CREATE SCHEMA guard_rename_move;
SET search_path = guard_rename_move;
CREATE SCHEMA guard_rename_move_other;

CREATE TABLE accounts (id int PRIMARY KEY, owner text NOT NULL, balance numeric NOT NULL);
INSERT INTO accounts VALUES (1, 'alice', 100);
CREATE VIEW rich_accounts AS SELECT id, owner FROM accounts WHERE balance > 50;
CREATE SEQUENCE ticket_seq;

CREATE FUNCTION balance_of(p_id int) RETURNS numeric
LANGUAGE plpgsql AS $$
BEGIN
    RETURN (SELECT balance FROM accounts WHERE id = p_id);
END
$$;
CREATE FUNCTION rich_count() RETURNS bigint
LANGUAGE sql AS $$ SELECT count(*) FROM rich_accounts $$;
CREATE FUNCTION next_ticket() RETURNS bigint
LANGUAGE sql AS $$ SELECT nextval('ticket_seq') $$;
CREATE FUNCTION report(p_id int) RETURNS text
LANGUAGE plpgsql AS $$
BEGIN
    RETURN 'balance: ' || balance_of(p_id)::text;
END
$$;
CREATE PROCEDURE open_account(p_id int, p_owner text)
LANGUAGE sql AS $$
    INSERT INTO accounts VALUES (p_id, p_owner, 0)
$$;
CREATE FUNCTION open_two() RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    CALL open_account(2, 'bob');
    CALL open_account(3, 'carol');
END
$$;

--
-- Tables
--

-- Refused: RENAME TO of a table functions use.
ALTER TABLE accounts RENAME TO old_accounts;
SELECT to_regclass('accounts') IS NOT NULL AS still_named_accounts;

-- Refused: SET SCHEMA of a table functions use.
ALTER TABLE accounts SET SCHEMA guard_rename_move_other;
SELECT to_regclass('guard_rename_move.accounts') IS NOT NULL AS still_here;

-- Refused: a %ROWTYPE declaration names the table, even though no
-- statement of the body does.
CREATE TABLE settings (key text, value text);
CREATE FUNCTION blank_setting() RETURNS boolean
LANGUAGE plpgsql AS $$
DECLARE
    s settings%ROWTYPE;
BEGIN
    s := NULL;
    RETURN s IS NULL;
END
$$;
ALTER TABLE settings RENAME TO app_settings;
SELECT to_regclass('settings') IS NOT NULL AS still_named_settings;

-- Allowed: a table nobody uses; an index (indexes change no body).
CREATE TABLE scratch (id int PRIMARY KEY);
ALTER TABLE scratch RENAME TO scratch2;
ALTER TABLE scratch2 SET SCHEMA guard_rename_move_other;
ALTER INDEX accounts_pkey RENAME TO accounts_id_key;

-- Refused in autocommit: a table renamed away, even if another is meant to
-- take its name next.
CREATE TABLE accounts_new (id int PRIMARY KEY, owner text NOT NULL,
                           balance numeric NOT NULL);
INSERT INTO accounts_new VALUES (1, 'alice', 150);
ALTER TABLE accounts RENAME TO accounts_old;
SELECT to_regclass('accounts_old') IS NULL AS not_renamed;

-- Allowed: in one transaction, the table is renamed away and another is
-- renamed into its name; every reference resolves at COMMIT.
BEGIN;
ALTER TABLE accounts RENAME TO accounts_old;
ALTER TABLE accounts_new RENAME TO accounts;
COMMIT;
SELECT report(1);

-- Refused at COMMIT: the table renamed into the name lacks a column a
-- function uses.
CREATE TABLE accounts_thin (id int PRIMARY KEY, owner text NOT NULL);
BEGIN;
ALTER TABLE accounts RENAME TO accounts_spare;
ALTER TABLE accounts_thin RENAME TO accounts;
COMMIT;
SELECT relname FROM pg_class
 WHERE relnamespace = 'guard_rename_move'::regnamespace
   AND relname LIKE 'accounts%' AND relkind = 'r'
 ORDER BY relname;
DROP TABLE accounts_thin;

-- Allowed: the reference still resolves after the rename, to a table of the
-- same name later in the function's search_path.
CREATE TABLE guard_rename_move_other.limits (id int, cap int);
CREATE TABLE limits (id int, cap int);
CREATE FUNCTION cap_of(p_id int) RETURNS int
LANGUAGE sql SET search_path = guard_rename_move, guard_rename_move_other
AS $$ SELECT cap FROM limits WHERE id = p_id $$;
ALTER TABLE limits RENAME TO limits_local;

-- Allowed: SET SCHEMA to a schema that is also on the function's
-- search_path.
CREATE TABLE fees (id int, fee numeric);
CREATE FUNCTION fee_of(p_id int) RETURNS numeric
LANGUAGE sql SET search_path = guard_rename_move, guard_rename_move_other
AS $$ SELECT fee FROM fees WHERE id = p_id $$;
ALTER TABLE fees SET SCHEMA guard_rename_move_other;
SELECT fee_of(1);

--
-- Views
--

-- Refused: RENAME and SET SCHEMA of a view a function reads.
ALTER VIEW rich_accounts RENAME TO wealthy_accounts;
ALTER VIEW rich_accounts SET SCHEMA guard_rename_move_other;
SELECT rich_count();

--
-- Sequences
--

-- Refused: nextval('ticket_seq') no longer finds the sequence.
ALTER SEQUENCE ticket_seq RENAME TO ticket_sequence;
ALTER SEQUENCE ticket_seq SET SCHEMA guard_rename_move_other;
SELECT next_ticket();

--
-- Functions and procedures
--

-- Refused: another function calls it.
ALTER FUNCTION balance_of(int) RENAME TO account_balance;
ALTER FUNCTION balance_of(int) SET SCHEMA guard_rename_move_other;
SELECT report(1);

-- Refused: a function calls the procedure.
ALTER PROCEDURE open_account(int, text) RENAME TO create_account;
ALTER PROCEDURE open_account(int, text) SET SCHEMA guard_rename_move_other;
SELECT proname FROM pg_proc
 WHERE pronamespace = 'guard_rename_move'::regnamespace
   AND proname IN ('open_account', 'create_account');

-- Allowed: a function nobody calls.
CREATE FUNCTION lonely() RETURNS int LANGUAGE sql AS 'SELECT 1';
ALTER FUNCTION lonely() RENAME TO alone;
ALTER FUNCTION alone() SET SCHEMA guard_rename_move_other;

--
-- Schemas
--
CREATE SCHEMA guard_rename_move_lib;
CREATE TABLE guard_rename_move_lib.rates (code text, rate numeric);
INSERT INTO guard_rename_move_lib.rates VALUES ('EUR', 1.1);
CREATE FUNCTION rate_of(p_code text) RETURNS numeric
LANGUAGE sql AS $$
    SELECT rate FROM guard_rename_move_lib.rates WHERE code = p_code
$$;

-- Refused: a function names a table in the schema, qualified.
ALTER SCHEMA guard_rename_move_lib RENAME TO guard_rename_move_lib2;
SELECT rate_of('EUR');

-- Allowed: a schema nobody's function uses.
CREATE SCHEMA guard_rename_move_quiet;
CREATE TABLE guard_rename_move_quiet.t (id int);
ALTER SCHEMA guard_rename_move_quiet RENAME TO guard_rename_move_silent;
DROP SCHEMA guard_rename_move_silent CASCADE;

-- Allowed: renamed and renamed back in one transaction.
BEGIN;
ALTER SCHEMA guard_rename_move_lib RENAME TO guard_rename_move_lib2;
ALTER SCHEMA guard_rename_move_lib2 RENAME TO guard_rename_move_lib;
COMMIT;

--
-- Types
--
CREATE TYPE tone AS ENUM ('calm', 'loud');
CREATE TYPE mood AS ENUM ('happy', 'sad');
CREATE FUNCTION echo_tone(p tone) RETURNS tone
LANGUAGE plpgsql AS $$
BEGIN
    RETURN p;
END
$$;
CREATE FUNCTION default_tone() RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
    t tone := 'calm';
BEGIN
    RETURN t::text;
END
$$;
CREATE FUNCTION sad_label() RETURNS text
LANGUAGE plpgsql AS $$
BEGIN
    RETURN 'sad'::mood::text;
END
$$;

-- Refused: a PL/pgSQL variable is declared with the type by name.
ALTER TYPE tone RENAME TO voice;
SELECT to_regtype('tone') IS NOT NULL AS still_named_tone;

-- Allowed once that function is gone: parameter and result types are kept
-- by OID, so a function that only takes and returns the type is not broken.
DROP FUNCTION default_tone();
ALTER TYPE tone RENAME TO voice;
SELECT echo_tone('loud');

-- Refused: a cast to the type names it.  A function that also takes the
-- type is named in DETAIL as it was before the command: with the type's
-- old name, the one its body uses.
CREATE FUNCTION is_sad(p mood) RETURNS boolean
LANGUAGE plpgsql AS $$
BEGIN
    RETURN p = 'sad'::mood;
END
$$;
ALTER TYPE mood RENAME TO feeling;
ALTER TYPE mood SET SCHEMA guard_rename_move_other;
SELECT sad_label();
DROP FUNCTION is_sad(mood);

-- Allowed: a type nobody uses.
CREATE TYPE unused_pair AS (a int, b int);
ALTER TYPE unused_pair RENAME TO spare_pair;
ALTER TYPE spare_pair SET SCHEMA guard_rename_move_other;

-- Refused: a new table earlier in the search_path takes the name a body
-- resolved in a later schema; the message names the table.
CREATE TABLE guard_rename_move_other.settings_kv (k text, v text);
SET search_path = guard_rename_move, guard_rename_move_other;
CREATE FUNCTION setting_value(key text) RETURNS text
LANGUAGE plpgsql AS $$
BEGIN
    RETURN (SELECT v FROM settings_kv WHERE k = key);
END
$$;
CREATE TABLE settings_kv (id int);
-- Allowed: a table of another name.
CREATE TABLE settings_kv2 (id int);
SET search_path = guard_rename_move;
DROP FUNCTION setting_value(text);

-- Clean up.
SET client_min_messages = warning;
DROP SCHEMA guard_rename_move CASCADE;
DROP SCHEMA guard_rename_move_other CASCADE;
DROP SCHEMA guard_rename_move_lib CASCADE;
RESET client_min_messages;
