-- 02_mode_privileges.sql
--
-- schema_guard.mode and schema_guard.function_check can be changed only by
-- superusers and by roles granted SET on them, by any route: SET, SET
-- LOCAL, set_config(), ALTER ROLE ... SET, ALTER DATABASE ... SET.  The
-- placeholder a role sets before the library is loaded does not survive
-- the load.  Every refusal is SQLSTATE 42501.

BEGIN;
SET LOCAL client_min_messages = warning;

CREATE ROLE regress_sg02_user;
CREATE ROLE regress_sg02_setter;

-- Before the library is loaded in this session, SET creates a placeholder,
-- which anyone may do; loading the library must throw it away.  (This runs
-- before plan(), whose temporary tables fire the event triggers, which
-- load the library.)
SELECT (current_setting('schema_guard.mode', true) IS NULL) AS sg02_unloaded,
       'not set' AS sg02_placeholder \gset
\if :sg02_unloaded
SET LOCAL ROLE regress_sg02_user;
SET schema_guard.mode = off;
SELECT current_setting('schema_guard.mode') AS sg02_placeholder \gset
RESET ROLE;
\endif

SET LOCAL client_min_messages = error;
SELECT plan(45);
SELECT CASE WHEN :'sg02_unloaded'::boolean
            THEN is(:'sg02_placeholder'::text, 'off', 'placeholder: a role could SET schema_guard.mode before the library was loaded')
            ELSE skip('schema_guard was already loaded in this session') END;
CREATE EXTENSION IF NOT EXISTS schema_guard CASCADE;
LOAD 'schema_guard';
SET LOCAL client_min_messages = warning;
SELECT is(current_setting('schema_guard.mode'), 'enforce',
          'placeholder: the value a role set before the library was loaded did not survive loading');
SET schema_guard.mode = enforce;

GRANT SET ON PARAMETER schema_guard.mode TO regress_sg02_setter;

-- The database owner: ALTER DATABASE ... SET is then refused for the
-- parameter, not for the database.
SELECT current_database() AS sg02_db,
       (SELECT r.rolname FROM pg_catalog.pg_database d
          JOIN pg_catalog.pg_roles r ON r.oid = d.datdba
         WHERE d.datname = current_database()) AS sg02_owner \gset
ALTER DATABASE :"sg02_db" OWNER TO regress_sg02_user;

--
-- A role without privileges.
--
SET ROLE regress_sg02_user;

SELECT throws_ok('SET schema_guard.mode = off', '42501', NULL,
                 'user: SET schema_guard.mode = off is refused');
SELECT throws_ok('SET schema_guard.mode = warn', '42501', NULL,
                 'user: SET schema_guard.mode = warn is refused');
SELECT throws_ok('SET LOCAL schema_guard.mode = off', '42501', NULL,
                 'user: SET LOCAL schema_guard.mode = off is refused');
SELECT throws_ok('SET SESSION schema_guard.mode = off', '42501', NULL,
                 'user: SET SESSION schema_guard.mode = off is refused');
SELECT throws_ok($$SELECT set_config('schema_guard.mode', 'off', false)$$, '42501', NULL,
                 'user: set_config(schema_guard.mode, off, false) is refused');
SELECT throws_ok($$SELECT set_config('schema_guard.mode', 'off', true)$$, '42501', NULL,
                 'user: set_config(schema_guard.mode, off, true) is refused');
SELECT throws_ok('ALTER ROLE regress_sg02_user SET schema_guard.mode = off', '42501', NULL,
                 'user: ALTER ROLE itself SET schema_guard.mode is refused');
SELECT throws_ok('ALTER ROLE CURRENT_USER SET schema_guard.mode = off', '42501', NULL,
                 'user: ALTER ROLE CURRENT_USER SET schema_guard.mode is refused');
SELECT throws_ok(format('ALTER ROLE regress_sg02_user IN DATABASE %I SET schema_guard.mode = off', current_database()),
                 '42501', NULL,
                 'user: ALTER ROLE itself IN DATABASE SET schema_guard.mode is refused');
SELECT throws_ok(format('ALTER DATABASE %I SET schema_guard.mode = off', current_database()), '42501', NULL,
                 'user: ALTER DATABASE SET schema_guard.mode is refused (as the database owner)');
SELECT throws_ok('SET schema_guard.function_check = off', '42501', NULL,
                 'user: SET schema_guard.function_check = off is refused');
SELECT throws_ok('SET LOCAL schema_guard.function_check = off', '42501', NULL,
                 'user: SET LOCAL schema_guard.function_check = off is refused');
SELECT throws_ok($$SELECT set_config('schema_guard.function_check', 'off', false)$$, '42501', NULL,
                 'user: set_config(schema_guard.function_check, off, false) is refused');
SELECT throws_ok($$SELECT set_config('schema_guard.function_check', 'off', true)$$, '42501', NULL,
                 'user: set_config(schema_guard.function_check, off, true) is refused');
SELECT throws_ok('ALTER ROLE regress_sg02_user SET schema_guard.function_check = off', '42501', NULL,
                 'user: ALTER ROLE itself SET schema_guard.function_check is refused');
SELECT throws_ok(format('ALTER DATABASE %I SET schema_guard.function_check = off', current_database()), '42501', NULL,
                 'user: ALTER DATABASE SET schema_guard.function_check is refused (as the database owner)');
SELECT is(current_setting('schema_guard.mode'), 'enforce', 'user: schema_guard.mode is still enforce');
SELECT is(current_setting('schema_guard.function_check'), 'warning', 'user: schema_guard.function_check is still warning');

RESET ROLE;

SELECT is((SELECT count(*)::int FROM pg_catalog.pg_db_role_setting s,
                  LATERAL unnest(s.setconfig) AS c(setting)
            WHERE c.setting LIKE 'schema_guard.%'
              AND (s.setrole = 'regress_sg02_user'::regrole
                   OR s.setdatabase = (SELECT oid FROM pg_catalog.pg_database
                                        WHERE datname = current_database()))), 0,
          'no role or database setting of schema_guard was stored');

--
-- A role granted SET ON PARAMETER schema_guard.mode.
--
SET ROLE regress_sg02_setter;

SELECT lives_ok('SET schema_guard.mode = warn', 'setter: SET schema_guard.mode = warn works');
SELECT is(current_setting('schema_guard.mode'), 'warn', 'setter: schema_guard.mode is warn');
SELECT lives_ok('SET LOCAL schema_guard.mode = off', 'setter: SET LOCAL schema_guard.mode = off works');
SELECT is(current_setting('schema_guard.mode'), 'off', 'setter: schema_guard.mode is off');
SELECT lives_ok($$SELECT set_config('schema_guard.mode', 'enforce', false)$$,
                'setter: set_config(schema_guard.mode, enforce, false) works');
SELECT is(current_setting('schema_guard.mode'), 'enforce', 'setter: schema_guard.mode is enforce');
SELECT lives_ok('RESET schema_guard.mode', 'setter: RESET schema_guard.mode works');
SELECT throws_ok('SET schema_guard.function_check = off', '42501', NULL,
                 'setter: SET schema_guard.function_check is still refused');
SELECT throws_ok($$SELECT set_config('schema_guard.function_check', 'off', true)$$, '42501', NULL,
                 'setter: set_config(schema_guard.function_check) is still refused');

RESET ROLE;

--
-- A superuser.
--
SELECT lives_ok('SET schema_guard.mode = off', 'superuser: SET schema_guard.mode = off works');
SELECT is(current_setting('schema_guard.mode'), 'off', 'superuser: schema_guard.mode is off');
SELECT lives_ok('SET LOCAL schema_guard.mode = warn', 'superuser: SET LOCAL schema_guard.mode = warn works');
SELECT is(current_setting('schema_guard.mode'), 'warn', 'superuser: schema_guard.mode is warn');
SELECT lives_ok($$SELECT set_config('schema_guard.mode', 'enforce', true)$$,
                'superuser: set_config(schema_guard.mode) works');
SELECT lives_ok('SET schema_guard.function_check = error', 'superuser: SET schema_guard.function_check = error works');
SELECT is(current_setting('schema_guard.function_check'), 'error', 'superuser: schema_guard.function_check is error');
SELECT lives_ok('ALTER ROLE regress_sg02_user SET schema_guard.mode = warn',
                'superuser: ALTER ROLE ... SET schema_guard.mode works');
SELECT lives_ok(format('ALTER DATABASE %I SET schema_guard.function_check = off', current_database()),
                'superuser: ALTER DATABASE ... SET schema_guard.function_check works');
SELECT is((SELECT count(*)::int FROM pg_catalog.pg_db_role_setting s,
                  LATERAL unnest(s.setconfig) AS c(setting)
            WHERE c.setting LIKE 'schema_guard.%'
              AND (s.setrole = 'regress_sg02_user'::regrole
                   OR s.setdatabase = (SELECT oid FROM pg_catalog.pg_database
                                        WHERE datname = current_database()))), 2,
          'superuser: both settings were stored');
SELECT lives_ok('ALTER ROLE regress_sg02_user RESET schema_guard.mode',
                'superuser: ALTER ROLE ... RESET schema_guard.mode works');
SELECT lives_ok(format('ALTER DATABASE %I RESET schema_guard.function_check', current_database()),
                'superuser: ALTER DATABASE ... RESET schema_guard.function_check works');

-- An unknown value is refused for everyone.
SELECT throws_ok('SET schema_guard.mode = sometimes', '22023', NULL,
                 'superuser: an unknown mode is refused');
-- No new placeholder can be made under the reserved prefix once loaded.
SELECT throws_ok('SET schema_guard.no_such_setting = on', '42602', NULL,
                 'superuser: schema_guard.* names other than the settings are refused');
RESET schema_guard.mode;
RESET schema_guard.function_check;
SELECT is(current_setting('schema_guard.mode'), 'enforce', 'superuser: RESET restores enforce');

ALTER DATABASE :"sg02_db" OWNER TO :"sg02_owner";

SELECT * FROM finish();
ROLLBACK;
