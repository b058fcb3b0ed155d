-- bench/runtime_check.sql: show that the generated code runs.
--
-- Calls every generated function and procedure twice (p_id = 1, the other
-- arguments defaulted) and runs INSERT, UPDATE and DELETE on every table
-- with triggers, each in its own subtransaction, and reports one WARNING
-- line beginning "runtime:" with the counts and any failure.  Run it on a
-- throwaway copy of the bench schema: it writes rows.
SET client_min_messages = warning;
CREATE TEMP TABLE failures (what text, state text, msg text);
DO $$
DECLARE
    r record;
    calls int := 0;
    tables int := 0;
BEGIN
    FOR pass IN 1..2 LOOP
        FOR r IN SELECT p.oid, p.prokind
                   FROM pg_proc p JOIN pg_language l ON l.oid = p.prolang
                  WHERE l.lanname IN ('plpgsql', 'sql') AND p.oid >= 16384
                    AND p.prorettype <> 'trigger'::regtype
                    AND NOT EXISTS (SELECT FROM pg_depend d
                                     WHERE d.classid = 'pg_proc'::regclass
                                       AND d.objid = p.oid AND d.deptype = 'e')
                  ORDER BY p.oid
        LOOP
            BEGIN
                IF r.prokind = 'p' THEN
                    EXECUTE format('CALL %s(1)', r.oid::regproc);
                ELSE
                    EXECUTE format('SELECT * FROM %s(1)', r.oid::regproc);
                END IF;
                calls := calls + 1;
            EXCEPTION WHEN OTHERS THEN
                INSERT INTO failures VALUES (r.oid::regprocedure::text, SQLSTATE, SQLERRM);
            END;
        END LOOP;
    END LOOP;
    FOR r IN SELECT DISTINCT tgrelid::regclass AS rel
               FROM pg_trigger WHERE NOT tgisinternal
    LOOP
        BEGIN
            EXECUTE format('INSERT INTO %s DEFAULT VALUES', r.rel);
            EXECUTE format('UPDATE %s SET status = %L', r.rel, 'open');
            EXECUTE format('DELETE FROM %s WHERE status = %L', r.rel, 'open');
            tables := tables + 1;
        EXCEPTION WHEN OTHERS THEN
            INSERT INTO failures VALUES (r.rel::text, SQLSTATE, SQLERRM);
        END;
    END LOOP;
    RAISE WARNING 'runtime: % calls (every function and procedure, twice) and INSERT/UPDATE/DELETE on % tables with triggers ran without error; % failed%',
        calls, tables, (SELECT count(*) FROM failures),
        coalesce(' (' || (SELECT string_agg(DISTINCT state || ' ' || msg, '; ')
                            FROM failures) || ')', '');
END
$$;
