--
-- guard_indexes: DROP INDEX, ALTER TABLE ... DROP CONSTRAINT, RENAME
-- CONSTRAINT and ALTER INDEX ... RENAME of what an INSERT ... ON CONFLICT
-- relies on (its arbiter index, the constraint it names); CREATE INDEX
-- that gives an upsert the arbiter it lacked.
--
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS schema_guard CASCADE;
RESET client_min_messages;
CREATE SCHEMA guard_indexes;
SET search_path = guard_indexes;

CREATE TABLE accounts (
    id int PRIMARY KEY,
    code text CONSTRAINT accounts_code_uq UNIQUE,
    email text,
    note text
);
CREATE UNIQUE INDEX accounts_lower_email ON accounts (lower(email));
CREATE INDEX accounts_note ON accounts (note);

CREATE FUNCTION upsert_by_id(p_id int, p_note text) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO accounts (id, note) VALUES (p_id, p_note)
    ON CONFLICT (id) DO UPDATE SET note = excluded.note;
END
$$;
CREATE FUNCTION upsert_by_code(p_id int, p_code text) RETURNS void
LANGUAGE sql AS $$
    INSERT INTO accounts (id, code) VALUES (p_id, p_code)
    ON CONFLICT ON CONSTRAINT accounts_code_uq DO NOTHING
$$;
CREATE FUNCTION upsert_by_email(p_id int, p_email text) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO accounts (id, email) VALUES (p_id, p_email)
    ON CONFLICT (lower(email)) DO NOTHING;
END
$$;

--
-- DROP
--

-- Refused: the arbiter of ON CONFLICT (lower(email)) goes.
DROP INDEX accounts_lower_email;

-- Refused: the primary key is the arbiter of ON CONFLICT (id).
ALTER TABLE accounts DROP CONSTRAINT accounts_pkey;

-- Refused: the constraint ON CONFLICT ON CONSTRAINT names.
ALTER TABLE accounts DROP CONSTRAINT accounts_code_uq;

-- Allowed: an index no upsert needs; a second arbiter, when another stays.
DROP INDEX accounts_note;
CREATE UNIQUE INDEX accounts_id_again ON accounts (id);
-- (the new index is an arbiter too, as a full rebuild of the catalog says)
SELECT function, line FROM schema_guard.dependents('accounts_id_again'::regclass);
DROP INDEX accounts_id_again;

-- Allowed: dropped and created again in one transaction.
BEGIN;
DROP INDEX accounts_lower_email;
CREATE UNIQUE INDEX accounts_lower_email ON accounts (lower(email));
COMMIT;

--
-- RENAME
--

-- Refused: renaming the constraint ON CONSTRAINT names, or its index
-- (which renames the constraint too).
ALTER TABLE accounts RENAME CONSTRAINT accounts_code_uq TO accounts_code_key;
ALTER INDEX accounts_code_uq RENAME TO accounts_code_key;

-- Allowed: an arbiter inferred from columns may have any name.
ALTER INDEX accounts_lower_email RENAME TO accounts_email_key;
ALTER INDEX accounts_email_key RENAME TO accounts_lower_email;
SELECT upsert_by_id(1, 'a'), upsert_by_code(2, 'b'), upsert_by_email(3, 'C');

--
-- CREATE INDEX
--

-- An upsert broken on purpose is reported until an index is its arbiter
-- again; an index on other columns does not make it work.
SET schema_guard.mode = warn;
SET client_min_messages = error;
DROP INDEX accounts_lower_email;
RESET client_min_messages;
RESET schema_guard.mode;
SELECT severity, object_name, line, message
  FROM schema_guard.validate(ARRAY['guard_indexes']);
CREATE UNIQUE INDEX accounts_email ON accounts (email);
SELECT severity, object_name, line, message
  FROM schema_guard.validate(ARRAY['guard_indexes']);
CREATE UNIQUE INDEX accounts_lower_email ON accounts (lower(email));
SELECT severity, object_name, line, message
  FROM schema_guard.validate(ARRAY['guard_indexes']);
SELECT upsert_by_email(4, 'D');

-- Clean up.
SET client_min_messages = warning;
DROP SCHEMA guard_indexes CASCADE;
RESET client_min_messages;
