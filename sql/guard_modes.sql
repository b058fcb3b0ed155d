--
-- guard_modes: schema_guard.mode (enforce | warn | off) for a superuser;
-- a role without the privilege cannot change schema_guard.mode or
-- schema_guard.function_check by any route; GRANT SET ON PARAMETER can let
-- it.
--
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS schema_guard CASCADE;
RESET client_min_messages;
CREATE SCHEMA guard_modes;
SET search_path = guard_modes;

CREATE TABLE jobs (id int, status text);
INSERT INTO jobs VALUES (1, 'queued');
CREATE FUNCTION queued() RETURNS bigint
LANGUAGE plpgsql AS $$
BEGIN
    RETURN (SELECT count(*) FROM jobs WHERE status = 'queued');
END
$$;

--
-- Modes, as a superuser
--

-- The default is enforce.
SHOW schema_guard.mode;
SHOW schema_guard.function_check;

-- enforce: refused.
ALTER TABLE jobs DROP COLUMN status;

-- warn: the same text as a WARNING, and the change is made; validate()
-- then lists the broken function.
SET schema_guard.mode = warn;
ALTER TABLE jobs DROP COLUMN status;
SELECT severity, "check", object_name, line, message
  FROM schema_guard.validate(ARRAY['guard_modes']);
ALTER TABLE jobs ADD COLUMN status text;
RESET schema_guard.mode;

-- off: nothing is said and the change is made.
SET schema_guard.mode = off;
ALTER TABLE jobs RENAME COLUMN status TO state;
ALTER TABLE jobs RENAME COLUMN state TO status;
RESET schema_guard.mode;

-- warn in a transaction block: WARNING at the statement, no verdict at
-- COMMIT.
BEGIN;
SET LOCAL schema_guard.mode = warn;
ALTER TABLE jobs RENAME COLUMN status TO state;
COMMIT;
SHOW schema_guard.mode;
ALTER TABLE jobs RENAME COLUMN state TO status;

-- A superuser may switch to warn after the break, before COMMIT, to break
-- the function on purpose.
BEGIN;
ALTER TABLE jobs RENAME COLUMN status TO state;
SET LOCAL schema_guard.mode = warn;
COMMIT;
SELECT column_name FROM information_schema.columns
 WHERE table_schema = 'guard_modes' AND table_name = 'jobs'
 ORDER BY ordinal_position;
ALTER TABLE jobs RENAME COLUMN state TO status;

-- Only the three values are accepted.
SET schema_guard.mode = relaxed;
SET schema_guard.function_check = maybe;

--
-- Privileges: a role without them cannot change the settings
--
CREATE ROLE regress_guard_modes_user LOGIN;
GRANT USAGE, CREATE ON SCHEMA guard_modes TO regress_guard_modes_user;
SELECT current_database() AS dbname, current_user AS superuser \gset
SELECT datdba::regrole AS dbowner FROM pg_database
 WHERE datname = current_database() \gset
SET ROLE regress_guard_modes_user;

-- Its own objects are guarded like anyone's.
CREATE TABLE user_items (id int, label text);
CREATE FUNCTION user_labels() RETURNS SETOF text
LANGUAGE sql AS $$ SELECT label FROM user_items $$;
ALTER TABLE user_items DROP COLUMN label;

-- SET, SET LOCAL and set_config are refused, for both settings.
SET schema_guard.mode = off;
SET schema_guard.function_check = off;
BEGIN;
SET LOCAL schema_guard.mode = warn;
ROLLBACK;
SELECT set_config('schema_guard.mode', 'off', false);
SELECT set_config('schema_guard.function_check', 'off', true);
SHOW schema_guard.mode;

-- ALTER ROLE ... SET on itself is refused.
ALTER ROLE regress_guard_modes_user SET schema_guard.mode = off;
ALTER ROLE regress_guard_modes_user SET schema_guard.function_check = off;
RESET ROLE;

-- ALTER DATABASE ... SET is refused even to the database's owner.
ALTER DATABASE :"dbname" OWNER TO regress_guard_modes_user;
SET ROLE regress_guard_modes_user;
ALTER DATABASE :"dbname" SET schema_guard.mode = off;
ALTER DATABASE :"dbname" SET schema_guard.function_check = off;
RESET ROLE;
ALTER DATABASE :"dbname" OWNER TO :"dbowner";
SELECT count(*) FROM pg_db_role_setting
 WHERE (setrole = 'regress_guard_modes_user'::regrole
        OR setdatabase = (SELECT oid FROM pg_database
                           WHERE datname = current_database()))
   AND array_to_string(setconfig, ',') LIKE '%schema_guard%';

-- A placeholder set before the library is loaded in a new session is
-- refused when it loads (WARNING), and the mode stays enforce.
\c - regress_guard_modes_user
SET search_path = guard_modes;
SET schema_guard.mode = off;
ALTER TABLE user_items DROP COLUMN label;
SHOW schema_guard.mode;

-- The same for a connection option (PGOPTIONS).
\set connstr 'dbname=' :DBNAME ' user=regress_guard_modes_user options=''-c schema_guard.mode=off'''
\c :connstr
SET search_path = guard_modes;
ALTER TABLE user_items DROP COLUMN label;
SHOW schema_guard.mode;

-- A superuser's connection option is honoured.
\set connstr 'dbname=' :DBNAME ' user=' :superuser ' options=''-c schema_guard.mode=warn'''
\c :connstr
SHOW schema_guard.mode;
\set connstr 'dbname=' :DBNAME ' user=' :superuser ' options='''''
\c :connstr
SET search_path = guard_modes;

--
-- GRANT SET ON PARAMETER lets a role change the setting
--
GRANT SET ON PARAMETER schema_guard.mode TO regress_guard_modes_user;
SET ROLE regress_guard_modes_user;
SET schema_guard.mode = warn;
ALTER TABLE user_items DROP COLUMN label;
SHOW schema_guard.mode;
ALTER TABLE user_items ADD COLUMN label text;
RESET schema_guard.mode;
-- The grant is for schema_guard.mode only.
SET schema_guard.function_check = off;
RESET ROLE;
REVOKE SET ON PARAMETER schema_guard.mode FROM regress_guard_modes_user;
SET ROLE regress_guard_modes_user;
SET schema_guard.mode = warn;
RESET ROLE;

--
-- off is an escape hatch even when the guard itself fails: a failure to
-- maintain the catalog is a WARNING, the DDL goes through, and the catalog
-- is marked for a rebuild.  (Simulated by a trigger that makes every write
-- to the catalog fail.)
--
CREATE FUNCTION guard_modes.fail_writes() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'simulated failure';
END
$$;
-- (Creating the trigger is itself DDL the guard records: off already.)
SET schema_guard.mode = off;
CREATE TRIGGER fail_writes BEFORE INSERT ON schema_guard.reference
    FOR EACH ROW EXECUTE FUNCTION guard_modes.fail_writes();
SELECT count(*) AS catalog_origin_rows FROM schema_guard.catalog_origin;
-- enforce: the failure stops the DDL.
RESET schema_guard.mode;
CREATE FUNCTION status_of(int) RETURNS text LANGUAGE sql
    AS 'SELECT status FROM jobs WHERE id = $1';
-- off: the DDL goes through, quietly: the catalog is marked for a rebuild
-- already, and is not maintained until the guard is on again.
SET schema_guard.mode = off;
CREATE FUNCTION status_of(int) RETURNS text LANGUAGE sql
    AS 'SELECT status FROM jobs WHERE id = $1';
SELECT count(*) FROM pg_proc WHERE proname = 'status_of';
-- dependents() says the catalog needs a rebuild.
SELECT count(*) FROM schema_guard.dependents('jobs'::regclass);
DROP TRIGGER fail_writes ON schema_guard.reference;
RESET schema_guard.mode;
DROP FUNCTION guard_modes.fail_writes();
-- The next DDL rebuilt the catalog, and the guard knows status_of().
SELECT count(*) AS catalog_origin_rows FROM schema_guard.catalog_origin;
ALTER TABLE jobs DROP COLUMN status;

-- Another event trigger cannot rebuild the catalog in the middle of a
-- command (the rebuild would take the command's changes for the state
-- before it, and the guard would see no break): the command fails, and
-- the table keeps its column.
CREATE FUNCTION guard_modes.rebuild_on_ddl() RETURNS event_trigger
LANGUAGE plpgsql AS $$ BEGIN PERFORM schema_guard.rebuild(); END $$;
CREATE EVENT TRIGGER aaa_guard_modes_rebuild ON ddl_command_end
    EXECUTE FUNCTION guard_modes.rebuild_on_ddl();
\set VERBOSITY terse
ALTER TABLE jobs DROP COLUMN status;
\set VERBOSITY default
DROP EVENT TRIGGER aaa_guard_modes_rebuild;
SELECT attname FROM pg_attribute WHERE attrelid = 'jobs'::regclass AND attname = 'status';
-- and outside a command it runs
DO $$ BEGIN PERFORM schema_guard.rebuild(); END $$;

-- DDL of a role that is no superuser is judged and recorded like any
-- other (the guard's work runs as the extension's owner): a function
-- created while bodies are not checked waits for analysis, the next DDL
-- analyses it, and dropping what it uses is refused.
SET ROLE regress_guard_modes_user;
CREATE TABLE guard_modes.owned_items (id int);
SET check_function_bodies = off;
CREATE FUNCTION guard_modes.user_item_count() RETURNS bigint
LANGUAGE plpgsql AS $$ BEGIN RETURN (SELECT count(*) FROM guard_modes.owned_items); END $$;
RESET check_function_bodies;
CREATE TABLE guard_modes.owned_other (id int);
DROP TABLE guard_modes.owned_items;
ALTER FUNCTION guard_modes.user_item_count() RENAME TO user_item_total;
DROP FUNCTION guard_modes.user_item_total();
DROP TABLE guard_modes.owned_items, guard_modes.owned_other;
-- In a transaction block: the verdict at COMMIT, and a function analysed
-- with a new enum value, analysed again once it is committed.
CREATE TYPE guard_modes.owned_mood AS ENUM ('calm');
CREATE TABLE guard_modes.owned_moods (id int, m guard_modes.owned_mood);
BEGIN;
ALTER TYPE guard_modes.owned_mood ADD VALUE 'glad';
CREATE FUNCTION guard_modes.owned_glad() RETURNS bigint
LANGUAGE plpgsql AS $$
BEGIN
    RETURN (SELECT count(*) FROM guard_modes.owned_moods WHERE m = 'glad');
END
$$;
COMMIT;
BEGIN;
ALTER TABLE guard_modes.owned_moods RENAME COLUMN m TO mood;
COMMIT;
RESET ROLE;
SELECT count(*) AS pending FROM schema_guard.pending_analysis;
SET ROLE regress_guard_modes_user;
CREATE TABLE guard_modes.owned_more (id int);
RESET ROLE;
SELECT count(*) AS pending FROM schema_guard.pending_analysis;

-- Clean up.
SET client_min_messages = warning;
DROP SCHEMA guard_modes CASCADE;
DROP OWNED BY regress_guard_modes_user;
DROP ROLE regress_guard_modes_user;
RESET client_min_messages;
