--
-- guard_drop_relations: DROP of tables, views, materialized views, foreign
-- tables and partitions that functions use, directly, through CASCADE,
-- through DROP OWNED BY and through DROP SCHEMA ... CASCADE; CREATE OR
-- REPLACE VIEW with more columns, or a view bodies can no longer write
-- through; a DETAIL that lists many functions.
--
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS schema_guard CASCADE;
RESET client_min_messages;
CREATE SCHEMA guard_drop_relations;
SET search_path = guard_drop_relations;

-- The incident schema_guard exists for: a trigger function inserts into a
-- table that a migration thinks is unused.
CREATE TABLE documents (id serial PRIMARY KEY, title text NOT NULL);
CREATE TABLE processing_jobs (id serial PRIMARY KEY, document_id int NOT NULL,
                              status text NOT NULL);
CREATE FUNCTION trigger_document_processing() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO processing_jobs (document_id, status) VALUES (NEW.id, 'queued');
    RETURN NEW;
END
$$;
CREATE TRIGGER document_processing AFTER INSERT ON documents
    FOR EACH ROW EXECUTE FUNCTION trigger_document_processing();
INSERT INTO documents (title) VALUES ('first');

-- Refused: the trigger function inserts into the table; DETAIL names the
-- function, the line, what it does and the trigger it runs from.
DROP TABLE processing_jobs;
-- Nothing changed: the table and its row are still there, the trigger works.
SELECT document_id, status FROM processing_jobs;
INSERT INTO documents (title) VALUES ('second');
SELECT count(*) FROM processing_jobs;

-- Refused: a SQL function (string body) reads the table too; DETAIL lists
-- every function, the PL/pgSQL one and the SQL one.
CREATE FUNCTION queued_count() RETURNS bigint
LANGUAGE sql AS $$
    SELECT count(*) FROM processing_jobs WHERE status = 'queued'
$$;
DROP TABLE processing_jobs;
SELECT queued_count();

-- Refused: a procedure deletes from the table; DETAIL says "Procedure".
CREATE PROCEDURE purge_jobs()
LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM processing_jobs WHERE status = 'done';
END
$$;
DROP TABLE processing_jobs CASCADE;
SELECT to_regclass('processing_jobs') IS NOT NULL AS still_there;

-- Allowed: a table no function uses.
CREATE TABLE unused_table (id int);
DROP TABLE unused_table;

-- Allowed: a name that appears only in a comment or a string literal is not
-- a reference.
CREATE TABLE audit_log (id int);
CREATE FUNCTION mentions_audit_log() RETURNS text
LANGUAGE plpgsql AS $$
BEGIN
    -- SELECT * FROM audit_log
    RETURN 'audit_log';
END
$$;
DROP TABLE audit_log;
DROP FUNCTION mentions_audit_log();

-- Refused: EXECUTE of a constant string is as certain as static SQL.
CREATE TABLE dynamic_target (id int);
CREATE FUNCTION constant_execute() RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
    n bigint;
BEGIN
    EXECUTE 'SELECT count(*) FROM dynamic_target' INTO n;
    RETURN n;
END
$$;
DROP TABLE dynamic_target;
SELECT constant_execute();
DROP FUNCTION constant_execute();

-- Allowed: a table named only at run time (EXECUTE format(...) with a
-- variable) cannot be judged for sure, so it never blocks.
CREATE FUNCTION dynamic_reader(p_table text) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
    n bigint;
BEGIN
    EXECUTE format('SELECT count(*) FROM %I', p_table) INTO n;
    RETURN n;
END
$$;
SELECT dynamic_reader('dynamic_target');
DROP TABLE dynamic_target;
DROP FUNCTION dynamic_reader(text);

-- Refused: only a %ROWTYPE declaration names the table.
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
DROP TABLE settings;
SELECT to_regclass('settings') IS NOT NULL AS still_there;

-- Allowed: dropping the table a trigger is on drops the trigger with it;
-- the trigger function uses nothing else that goes.
CREATE TABLE stamped (id int, touched_at timestamptz);
CREATE FUNCTION stamp() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.touched_at := now();
    RETURN NEW;
END
$$;
CREATE TRIGGER stamp BEFORE INSERT ON stamped
    FOR EACH ROW EXECUTE FUNCTION stamp();
DROP TABLE stamped;
DROP FUNCTION stamp();

-- Allowed: a table of the same name in another schema than the one the
-- function uses.
CREATE SCHEMA guard_drop_relations_twin;
CREATE TABLE guard_drop_relations_twin.processing_jobs (id int);
DROP TABLE guard_drop_relations_twin.processing_jobs;
DROP SCHEMA guard_drop_relations_twin;

-- Allowed: a CTE of the same name is not the table.
CREATE TABLE totals (x int);
CREATE FUNCTION cte_totals() RETURNS int
LANGUAGE sql AS $$ WITH totals AS (SELECT 1 AS x) SELECT x FROM totals $$;
DROP TABLE totals;
SELECT cte_totals();

-- Refused: several tables at once, one of them used.
CREATE TABLE spare (id int);
DROP TABLE spare, processing_jobs;
SELECT to_regclass('spare') IS NOT NULL AS spare_still_there;
DROP TABLE spare;

--
-- Views and materialized views.
--
CREATE VIEW queued_jobs AS
    SELECT id, document_id FROM processing_jobs WHERE status = 'queued';
CREATE MATERIALIZED VIEW job_totals AS
    SELECT status, count(*) AS n FROM processing_jobs GROUP BY status;
CREATE FUNCTION next_queued() RETURNS int
LANGUAGE plpgsql AS $$
BEGIN
    RETURN (SELECT min(id) FROM queued_jobs);
END
$$;
CREATE FUNCTION total_for(p_status text) RETURNS bigint
LANGUAGE sql AS $$
    SELECT n FROM job_totals WHERE status = p_status
$$;

-- Refused: a function reads the view.
DROP VIEW queued_jobs;
SELECT next_queued() IS NOT NULL AS view_works;

-- Refused: a function reads the materialized view.
DROP MATERIALIZED VIEW job_totals;
SELECT total_for('queued');

-- Refused: DROP TABLE ... CASCADE would drop both views the functions read,
-- as well as the table the trigger function inserts into.
DROP TABLE processing_jobs CASCADE;
SELECT count(*) AS views_left FROM pg_class
 WHERE relnamespace = 'guard_drop_relations'::regnamespace
   AND relname IN ('queued_jobs', 'job_totals', 'processing_jobs');

-- Refused: dropping the view with CASCADE reaches a second view that a
-- function reads.
CREATE VIEW plain_base AS SELECT 1 AS one;
CREATE VIEW plain_top AS SELECT one FROM plain_base;
CREATE FUNCTION read_plain_top() RETURNS int
LANGUAGE sql AS $$ SELECT one FROM plain_top $$;
DROP VIEW plain_base CASCADE;
SELECT read_plain_top();

-- Allowed: once the function is gone, the cascade breaks nothing.
DROP FUNCTION read_plain_top();
DROP VIEW plain_base CASCADE;

-- Allowed: a view no function uses, on a table functions use.
CREATE VIEW unused_view AS SELECT id FROM processing_jobs;
DROP VIEW unused_view;

--
-- Foreign tables: a wrapper without handler and a server are enough.
--
CREATE FOREIGN DATA WRAPPER guard_drop_relations_fdw;
CREATE SERVER guard_drop_relations_srv FOREIGN DATA WRAPPER guard_drop_relations_fdw;
CREATE FOREIGN TABLE remote_items (id int, name text)
    SERVER guard_drop_relations_srv;
CREATE FUNCTION remote_names() RETURNS SETOF text
LANGUAGE sql AS $$ SELECT name FROM remote_items $$;

-- Refused: a function reads the foreign table.
DROP FOREIGN TABLE remote_items;
SELECT to_regclass('remote_items') IS NOT NULL AS still_there;

-- Refused: DROP SERVER ... CASCADE drops the foreign table with it.
DROP SERVER guard_drop_relations_srv CASCADE;
SELECT to_regclass('remote_items') IS NOT NULL AS still_there;

-- Allowed: a foreign table no function uses.
CREATE FOREIGN TABLE remote_unused (id int) SERVER guard_drop_relations_srv;
DROP FOREIGN TABLE remote_unused;

--
-- Partitions.
--
CREATE TABLE events (id int, at date NOT NULL) PARTITION BY RANGE (at);
CREATE TABLE events_2023 PARTITION OF events
    FOR VALUES FROM ('2023-01-01') TO ('2024-01-01');
CREATE TABLE events_2024 PARTITION OF events
    FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE FUNCTION event_count() RETURNS bigint
LANGUAGE sql AS $$ SELECT count(*) FROM events $$;
CREATE FUNCTION events_of_2024() RETURNS bigint
LANGUAGE plpgsql AS $$
BEGIN
    RETURN (SELECT count(*) FROM events_2024);
END
$$;

-- Allowed: a function reads the partitioned table; dropping a partition
-- leaves that query valid.
DROP TABLE events_2023;

-- Refused: a function reads this partition by name.
DROP TABLE events_2024;
SELECT to_regclass('events_2024') IS NOT NULL AS still_there;

-- Allowed: detaching the partition keeps the table, so the function that
-- reads it by name still works.
ALTER TABLE events DETACH PARTITION events_2024;
ALTER TABLE events ATTACH PARTITION events_2024
    FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');

-- Refused: dropping the partitioned table drops its partitions too.
DROP TABLE events;
SELECT count(*) AS tables_left FROM pg_class
 WHERE relnamespace = 'guard_drop_relations'::regnamespace
   AND relname IN ('events', 'events_2024');

--
-- DROP OWNED BY: a role owns a table that another role's function uses.
--
CREATE ROLE regress_guard_drop_owner;
CREATE TABLE owned_settings (key text, value text);
ALTER TABLE owned_settings OWNER TO regress_guard_drop_owner;
CREATE FUNCTION setting(p_key text) RETURNS text
LANGUAGE sql AS $$ SELECT value FROM owned_settings WHERE key = p_key $$;

-- Refused: DROP OWNED BY would drop the table the function reads.
DROP OWNED BY regress_guard_drop_owner;
SELECT to_regclass('owned_settings') IS NOT NULL AS still_there;

-- Allowed: after the function is gone.
DROP FUNCTION setting(text);
DROP OWNED BY regress_guard_drop_owner;
SELECT to_regclass('owned_settings') IS NULL AS dropped;
DROP ROLE regress_guard_drop_owner;

--
-- DROP SCHEMA ... CASCADE.
--
CREATE SCHEMA guard_drop_relations_lib;
CREATE TABLE guard_drop_relations_lib.codes (code text PRIMARY KEY);
INSERT INTO guard_drop_relations_lib.codes VALUES ('a'), ('b');
CREATE FUNCTION code_count() RETURNS bigint
LANGUAGE plpgsql AS $$
BEGIN
    RETURN (SELECT count(*) FROM guard_drop_relations_lib.codes);
END
$$;

-- Refused: the schema holds a table a function in another schema reads.
DROP SCHEMA guard_drop_relations_lib CASCADE;
SELECT count(*) FROM guard_drop_relations_lib.codes;

-- Allowed: a schema whose only user is inside it (function and table go
-- together).
CREATE SCHEMA guard_drop_relations_self;
CREATE TABLE guard_drop_relations_self.t (id int);
CREATE FUNCTION guard_drop_relations_self.f() RETURNS bigint
LANGUAGE sql AS $$ SELECT count(*) FROM guard_drop_relations_self.t $$;
DROP SCHEMA guard_drop_relations_self CASCADE;

-- Allowed: once the user is gone.
DROP FUNCTION code_count();
DROP SCHEMA guard_drop_relations_lib CASCADE;

-- Utility statements in bodies name tables too: refused for GRANT, ANALYZE,
-- CREATE INDEX, ALTER TABLE and COMMENT ON, as for TRUNCATE.
CREATE TABLE u_granted (id int);
CREATE TABLE u_analysed (id int);
CREATE TABLE u_indexed (id int);
CREATE TABLE u_altered (id int, a text);
CREATE TABLE u_commented (id int);
CREATE FUNCTION u_provision() RETURNS void LANGUAGE plpgsql AS $$ BEGIN GRANT SELECT ON u_granted TO PUBLIC; END $$;
CREATE FUNCTION u_stats() RETURNS void LANGUAGE sql AS $$ ANALYZE u_analysed $$;
CREATE FUNCTION u_index() RETURNS void LANGUAGE plpgsql AS $$ BEGIN CREATE INDEX IF NOT EXISTS u_indexed_id ON u_indexed (id); END $$;
CREATE FUNCTION u_alter() RETURNS void LANGUAGE plpgsql AS $$ BEGIN ALTER TABLE u_altered ALTER COLUMN a SET STATISTICS 100; END $$;
CREATE FUNCTION u_comment() RETURNS void LANGUAGE plpgsql AS $$ BEGIN COMMENT ON TABLE u_commented IS 'x'; END $$;
SELECT u_provision(), u_stats(), u_index(), u_alter(), u_comment();
DROP TABLE u_granted;
DROP TABLE u_analysed;
DROP TABLE u_indexed;
ALTER TABLE u_altered DROP COLUMN a;
ALTER TABLE u_commented RENAME TO u_commented_old;
-- Allowed: a column no statement names.
ALTER TABLE u_altered DROP COLUMN id;
-- Allowed: running a function that renames or drops what it names (a
-- migration), which then may have run already (a warning, no break).
CREATE TABLE u_migrated (id int, legacy text);
CREATE FUNCTION u_migrate() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    ALTER TABLE u_migrated DROP COLUMN legacy;
    ALTER TABLE u_migrated RENAME TO u_migrated_new;
END
$$;
SELECT u_migrate();
SELECT severity, "check", object_name, line FROM schema_guard.validate(ARRAY['guard_drop_relations'])
 WHERE object_name LIKE 'guard_drop_relations.u\_%' ORDER BY object_name, line;

-- Refused: CREATE OR REPLACE VIEW adds a column to a view whose every
-- column RETURN QUERY returns; the message names the view and the DETAIL
-- says what no longer fits.
CREATE TABLE stock (id int, sku text);
CREATE VIEW stock_view AS SELECT id, sku FROM stock;
CREATE FUNCTION all_stock() RETURNS TABLE (id int, sku text)
LANGUAGE plpgsql AS $$
BEGIN
    RETURN QUERY SELECT * FROM stock_view;
END
$$;
CREATE OR REPLACE VIEW stock_view AS SELECT id, sku, 1 AS amount FROM stock;
-- Allowed: a function that names its columns.
CREATE OR REPLACE FUNCTION all_stock() RETURNS TABLE (id int, sku text)
LANGUAGE plpgsql AS $$
BEGIN
    RETURN QUERY SELECT v.id, v.sku FROM stock_view v;
END
$$;
CREATE OR REPLACE VIEW stock_view AS SELECT id, sku, 1 AS amount FROM stock;

-- Refused: CREATE OR REPLACE VIEW makes a view that a body writes through
-- no longer automatically updatable.
CREATE TABLE parcels (id int PRIMARY KEY, weight int);
CREATE VIEW parcel_view AS SELECT id, weight FROM parcels;
CREATE FUNCTION add_parcel(p_id int) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO parcel_view (id, weight) VALUES (p_id, 1);
END
$$;
CREATE FUNCTION heavy_parcels() RETURNS bigint
LANGUAGE sql AS $$ SELECT count(*) FROM parcel_view WHERE weight > 10 $$;
CREATE OR REPLACE VIEW parcel_view AS SELECT DISTINCT id, weight FROM parcels;
-- Refused: the column the body inserts is no longer a column of the table.
CREATE OR REPLACE VIEW parcel_view AS SELECT id, weight + 0 AS weight FROM parcels;
-- Allowed: still updatable, with one more column; a body that only reads.
CREATE OR REPLACE VIEW parcel_view AS SELECT id, weight, 0 AS extra FROM parcels;
SELECT add_parcel(1), heavy_parcels();

-- DETAIL lists 50 functions and counts the rest; after a refusal nothing
-- is stored, so it points to dependents(), not validate().
CREATE TABLE popular (id int);
DO $$
BEGIN
    FOR i IN 1..52 LOOP
        EXECUTE format('CREATE FUNCTION popular_%s() RETURNS bigint LANGUAGE sql'
                       ' AS ''SELECT count(*) FROM guard_drop_relations.popular''',
                       lpad(i::text, 2, '0'));
    END LOOP;
END
$$;
DROP TABLE popular;
SELECT count(DISTINCT function) FROM schema_guard.dependents('popular'::regclass);

-- Clean up.
SET client_min_messages = warning;
DROP SCHEMA guard_drop_relations CASCADE;
DROP SERVER guard_drop_relations_srv CASCADE;
DROP FOREIGN DATA WRAPPER guard_drop_relations_fdw;
RESET client_min_messages;
