--
-- engine_plpgsql_cache: analysing PL/pgSQL functions leaves PL/pgSQL's
-- function cache as it found it.  A compile the analysis made is taken
-- out of the cache again, so that analysing every function of a database
-- does not leave a cache entry behind for each; one a call made is kept,
-- and the next call compiles the function again.  Functions and triggers
-- work as before, whatever the order of calls and analyses, with no
-- warning from PL/pgSQL; a function that runs the DDL which has it
-- analysed keeps running.
--
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS schema_guard CASCADE;
RESET client_min_messages;
CREATE SCHEMA engine_plpgsql_cache;
SET search_path = engine_plpgsql_cache;

CREATE TABLE t (id int, v text);
CREATE TABLE audit (tab text, id int);
DO $do$
BEGIN
    FOR i IN 1..400 LOOP
        EXECUTE format($f$CREATE FUNCTION engine_plpgsql_cache.f%s(p int) RETURNS int
LANGUAGE plpgsql AS $b$
DECLARE
    n int;
BEGIN
    SELECT count(*) INTO n FROM engine_plpgsql_cache.t WHERE id = p;
    RETURN n + %s;
END
$b$$f$, i, i);
    END LOOP;
END
$do$;
CREATE FUNCTION audit_row() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO engine_plpgsql_cache.audit VALUES (TG_TABLE_NAME, NEW.id);
    RETURN NEW;
END
$$;
CREATE TABLE u (id int);
CREATE TRIGGER t_audit AFTER INSERT ON t FOR EACH ROW EXECUTE FUNCTION audit_row();
CREATE TRIGGER u_audit AFTER INSERT ON u FOR EACH ROW EXECUTE FUNCTION audit_row();

-- A new session: PL/pgSQL has compiled none of them (their validator ran
-- in the session above).  One analysis first, so that what any first
-- analysis sets up is in place before memory is measured.
\c
SET search_path = engine_plpgsql_cache;
SELECT count(*) > 0 AS analysed FROM schema_guard.dependencies('audit_row()');
SELECT sum(used_bytes) AS before_bytes FROM pg_backend_memory_contexts
 WHERE name IN ('TopMemoryContext', 'PLpgSQL function hash') \gset

-- 400 functions analysed: PL/pgSQL's cache takes about 1.5 kB for each
-- function it compiles and keeps; none of that may remain.
SELECT count(*) AS references
  FROM pg_proc p, schema_guard.dependencies(p.oid::regprocedure)
 WHERE p.pronamespace = 'engine_plpgsql_cache'::regnamespace AND p.proname ~ '^f[0-9]+$';
SELECT sum(used_bytes) - :before_bytes < 400 * 100 AS cache_entries_left_behind_none
  FROM pg_backend_memory_contexts
 WHERE name IN ('TopMemoryContext', 'PLpgSQL function hash');

-- The functions work after their analysis, are analysed again after
-- calls compiled them (those compiles stay cached), and work again.
SELECT engine_plpgsql_cache.f1(1) AS f1, engine_plpgsql_cache.f7(1) AS f7;
SELECT count(*) AS references
  FROM pg_proc p, schema_guard.dependencies(p.oid::regprocedure)
 WHERE p.pronamespace = 'engine_plpgsql_cache'::regnamespace AND p.proname ~ '^f[0-9]+$';
SELECT engine_plpgsql_cache.f1(1) AS f1, engine_plpgsql_cache.f7(1) AS f7;
DO $$
DECLARE
    total bigint := 0;
BEGIN
    FOR i IN 1..400 LOOP
        EXECUTE format('SELECT $1 + engine_plpgsql_cache.f%s(1)', i) INTO total USING total;
    END LOOP;
    RAISE NOTICE 'sum of 400 calls: %', total;
END
$$;
SELECT count(*) AS references
  FROM pg_proc p, schema_guard.dependencies(p.oid::regprocedure)
 WHERE p.pronamespace = 'engine_plpgsql_cache'::regnamespace AND p.proname ~ '^f[0-9]+$';
SELECT engine_plpgsql_cache.f400(0) AS after_reanalysis;

-- A trigger function is analysed once per trigger; both triggers fire.
SELECT count(*) > 0 AS analysed FROM schema_guard.dependencies('audit_row()');
INSERT INTO t VALUES (1, 'a');
INSERT INTO u VALUES (2);
SELECT count(*) > 0 AS analysed FROM schema_guard.dependencies('audit_row()');
INSERT INTO t VALUES (3, 'b');
INSERT INTO u VALUES (4);
SELECT * FROM audit ORDER BY id;

-- A function whose DDL has it analysed while it runs, and again after.
CREATE FUNCTION widen(p int) RETURNS int LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE format('ALTER TABLE engine_plpgsql_cache.t ADD COLUMN c%s int', p);
    RETURN (SELECT count(*) FROM engine_plpgsql_cache.t WHERE id > p);
END
$$;
SELECT widen(1) AS widened, widen(2) AS again;
\c
SET search_path = engine_plpgsql_cache;
SELECT widen(3) AS in_a_new_session;
SELECT count(*) > 0 AS analysed FROM schema_guard.dependencies('widen(int)');
SELECT widen(4) AS after_analysis;

RESET search_path;
SET client_min_messages = warning;
DROP SCHEMA engine_plpgsql_cache CASCADE;
