-- 04_hostile_search_path.sql
--
-- Installing and using schema_guard under a hostile search_path: a schema
-- searched before pg_catalog holds functions, aggregates and operators named
-- like pg_catalog's (count(*), lower(), format(), pg_identify_object(),
-- unnest(), =, <>, <, ||, ~ on oid, text, name, int4 ...), each of which
-- counts its call in a sequence (not rolled back with the error) and
-- raises.  Also under search_path = ''.
--
-- validate(), the report view, dependencies(), every dependents(),
-- assert_valid(), and DDL judged by the event triggers must give the same
-- results as under an ordinary search_path, and never call a hostile
-- object.  CREATE EXTENSION under either path must install the same
-- extension, giving the same results again.
--
-- The application's function bodies use qualified names only, so that
-- their meaning does not depend on the path either.

BEGIN;
SET LOCAL client_min_messages = error;
SET LOCAL search_path = public;
SELECT plan(22);

CREATE EXTENSION IF NOT EXISTS schema_guard CASCADE;

--
-- The application.
--
CREATE SCHEMA sg04;
CREATE TYPE sg04.job_state AS ENUM ('queued', 'done');
CREATE TABLE sg04.documents (id serial PRIMARY KEY, title text);
CREATE TABLE sg04.processing_jobs (id serial PRIMARY KEY, document_id int,
                                   status text, state sg04.job_state);
CREATE FUNCTION sg04.trigger_document_processing() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO sg04.processing_jobs (document_id, status, state)
    VALUES (NEW.id, 'queued', 'queued'::sg04.job_state);
    RETURN NEW;
END
$$;
CREATE TRIGGER document_processing AFTER INSERT ON sg04.documents
    FOR EACH ROW EXECUTE FUNCTION sg04.trigger_document_processing();
CREATE VIEW sg04.pending_jobs AS
    SELECT id, document_id FROM sg04.processing_jobs
     WHERE state OPERATOR(pg_catalog.=) 'queued'::sg04.job_state;
CREATE FUNCTION sg04.count_pending() RETURNS bigint LANGUAGE sql AS
$$ SELECT pg_catalog.count(*) FROM sg04.pending_jobs $$;
CREATE FUNCTION sg04.report_jobs() RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
    n bigint;
BEGIN
    n := sg04.count_pending();
    UPDATE sg04.processing_jobs SET state = 'done'::sg04.job_state
     WHERE id OPERATOR(pg_catalog.<) 0;
    RETURN n;
END
$$;
-- Broken on purpose, so that validate() and assert_valid() have errors to
-- report.
CREATE FUNCTION sg04.broken_jobs() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    UPDATE sg04.processing_jobs SET progress = 1;
    PERFORM sg04.no_such_function();
    INSERT INTO sg04.job_log (id) VALUES (1);
END
$$;

--
-- The hostile schema.
--
CREATE SCHEMA sg04_hostile;
CREATE SEQUENCE sg04_hostile.calls;

CREATE FUNCTION sg04_hostile.trap(what text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_catalog.nextval('sg04_hostile.calls');
    RAISE EXCEPTION 'hostile object % was called', what;
END
$$;

DO $$
DECLARE
    f record;
    o record;
BEGIN
    -- Functions with the signatures of pg_catalog ones.
    FOR f IN SELECT * FROM (VALUES
        ('lower', 'text', 'text'), ('upper', 'text', 'text'),
        ('initcap', 'text', 'text'), ('quote_ident', 'text', 'text'),
        ('quote_literal', 'text', 'text'), ('length', 'text', 'integer'),
        ('btrim', 'text', 'text'), ('current_setting', 'text', 'text'),
        ('current_setting', 'text, boolean', 'text'),
        ('set_config', 'text, text, boolean', 'text'),
        ('format', 'text', 'text'), ('concat_ws', 'text, VARIADIC text[]', 'text'),
        ('pg_identify_object', 'oid, oid, integer', 'record'),
        ('pg_get_function_identity_arguments', 'oid', 'text'),
        ('has_function_privilege', 'oid, text', 'boolean'),
        ('array_length', 'anyarray, integer', 'integer'),
        ('cardinality', 'anyarray', 'integer'),
        ('unnest', 'anyarray', 'SETOF anyelement'),
        ('textlen', 'text', 'integer'),
        ('regexp_replace', 'text, text, text', 'text'),
        ('split_part', 'text, text, integer', 'text'),
        ('nextval', 'regclass', 'bigint'),
        ('now', '', 'timestamptz')) AS v(name, args, ret)
    LOOP
        EXECUTE pg_catalog.format(
            'CREATE FUNCTION sg04_hostile.%I(%s) RETURNS %s LANGUAGE plpgsql AS $f$ '
            'BEGIN PERFORM sg04_hostile.trap(%L); END $f$',
            f.name, f.args, f.ret, f.name || '(' || f.args || ')');
    END LOOP;

    -- Operators.
    FOR o IN SELECT * FROM (VALUES
        ('=', 'oid'), ('<>', 'oid'), ('=', 'text'), ('<>', 'text'),
        ('=', 'name'), ('<>', 'name'), ('=', 'integer'), ('<>', 'integer'),
        ('<', 'integer'), ('>', 'integer'), ('<=', 'integer'), ('>=', 'integer'),
        ('=', 'smallint'), ('>', 'smallint'), ('=', '"char"'), ('<>', '"char"'),
        ('=', 'bigint'), ('>', 'bigint'), ('=', 'regclass'),
        ('~', 'text'), ('!~', 'text'), ('~~', 'text')) AS v(op, typ)
    LOOP
        EXECUTE pg_catalog.format(
            'CREATE FUNCTION sg04_hostile.%I(a %s, b %s) RETURNS boolean LANGUAGE plpgsql AS $f$ '
            'BEGIN PERFORM sg04_hostile.trap(%L); END $f$',
            'op_' || pg_catalog.md5(o.op || o.typ), o.typ, o.typ,
            'operator ' || o.op || ' (' || o.typ || ')');
        EXECUTE pg_catalog.format(
            'CREATE OPERATOR sg04_hostile.%s (LEFTARG = %s, RIGHTARG = %s, FUNCTION = sg04_hostile.%I)',
            o.op, o.typ, o.typ, 'op_' || pg_catalog.md5(o.op || o.typ));
    END LOOP;
END
$$;

CREATE FUNCTION sg04_hostile.concat_text(a text, b text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
    PERFORM sg04_hostile.trap('operator || (text)');
END
$$;
CREATE OPERATOR sg04_hostile.|| (LEFTARG = text, RIGHTARG = text, FUNCTION = sg04_hostile.concat_text);

-- Aggregates.
CREATE FUNCTION sg04_hostile.count_star_step(s bigint) RETURNS bigint LANGUAGE plpgsql AS $$
BEGIN
    PERFORM sg04_hostile.trap('count(*)');
END
$$;
CREATE AGGREGATE sg04_hostile.count(*) (SFUNC = sg04_hostile.count_star_step, STYPE = bigint, INITCOND = '0');
CREATE FUNCTION sg04_hostile.count_any_step(s bigint, v anyelement) RETURNS bigint LANGUAGE plpgsql AS $$
BEGIN
    PERFORM sg04_hostile.trap('count(anyelement)');
END
$$;
CREATE AGGREGATE sg04_hostile.count(anyelement) (SFUNC = sg04_hostile.count_any_step, STYPE = bigint, INITCOND = '0');
CREATE FUNCTION sg04_hostile.string_agg_step(s text, v text, d text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
    PERFORM sg04_hostile.trap('string_agg(text, text)');
END
$$;
CREATE AGGREGATE sg04_hostile.string_agg(text, text) (SFUNC = sg04_hostile.string_agg_step, STYPE = text);
CREATE FUNCTION sg04_hostile.array_agg_step(s anyarray, v anynonarray) RETURNS anyarray LANGUAGE plpgsql AS $$
BEGIN
    PERFORM sg04_hostile.trap('array_agg(anynonarray)');
END
$$;
CREATE AGGREGATE sg04_hostile.array_agg(anynonarray) (SFUNC = sg04_hostile.array_agg_step, STYPE = anyarray);

--
-- Capturing results.  The helper's own statements qualify every name: it
-- runs under the path being tested, and must not change it (a SET clause
-- would hide that path from schema_guard).
--
CREATE TABLE pg_temp.sg04_results (
    label   pg_catalog.text,
    query   pg_catalog.text,
    n       pg_catalog.int8,
    result  pg_catalog.text
);

CREATE FUNCTION pg_temp.sg04_capture(label pg_catalog.text) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    q record;
    m pg_catalog.text;
    d pg_catalog.text;
    h pg_catalog.text;
    s pg_catalog.text;
BEGIN
    FOR q IN SELECT * FROM (VALUES
        ('validate()', 'schema_guard.validate()'),
        ('validate(sg04)', 'schema_guard.validate(ARRAY[''sg04'']::pg_catalog.name[])'),
        ('validate(sg04, error)', 'schema_guard.validate(ARRAY[''sg04'']::pg_catalog.name[], ''error'')'),
        ('dependencies(trigger function)', 'schema_guard.dependencies(''sg04.trigger_document_processing()''::pg_catalog.regprocedure)'),
        ('dependencies(report_jobs)', 'schema_guard.dependencies(''sg04.report_jobs()''::pg_catalog.regprocedure)'),
        ('dependencies(count_pending)', 'schema_guard.dependencies(''sg04.count_pending()''::pg_catalog.regprocedure)'),
        ('dependencies(broken_jobs)', 'schema_guard.dependencies(''sg04.broken_jobs()''::pg_catalog.regprocedure)'),
        ('dependents(table)', 'schema_guard.dependents(''sg04.processing_jobs''::pg_catalog.regclass)'),
        ('dependents(column)', 'schema_guard.dependents(''sg04.processing_jobs''::pg_catalog.regclass, ''status'')'),
        ('dependents(view)', 'schema_guard.dependents(''sg04.pending_jobs''::pg_catalog.regclass)'),
        ('dependents(function)', 'schema_guard.dependents(''sg04.count_pending()''::pg_catalog.regprocedure)'),
        ('dependents(type)', 'schema_guard.dependents(''sg04.job_state''::pg_catalog.regtype)'),
        ('dependents(schema)', 'schema_guard.dependents(''sg04''::pg_catalog.regnamespace)'))
        AS v(name, call)
    LOOP
        BEGIN
            EXECUTE pg_catalog.format(
                'INSERT INTO pg_temp.sg04_results'
                ' SELECT %L, %L, v.ordinality, pg_catalog.row_to_json(v)::pg_catalog.text'
                '   FROM %s WITH ORDINALITY AS v', label, q.name, q.call);
        EXCEPTION WHEN OTHERS THEN
            GET STACKED DIAGNOSTICS s = RETURNED_SQLSTATE, m = MESSAGE_TEXT;
            INSERT INTO pg_temp.sg04_results
                VALUES (label, q.name, 0, pg_catalog.concat_ws(' ', 'error', s, m));
        END;
    END LOOP;
    BEGIN
        INSERT INTO pg_temp.sg04_results
            SELECT label, 'report', 0, pg_catalog.row_to_json(v)::pg_catalog.text
              FROM schema_guard.report AS v;
    EXCEPTION WHEN OTHERS THEN
        GET STACKED DIAGNOSTICS s = RETURNED_SQLSTATE, m = MESSAGE_TEXT;
        INSERT INTO pg_temp.sg04_results
            VALUES (label, 'report', 0, pg_catalog.concat_ws(' ', 'error', s, m));
    END;
    BEGIN
        PERFORM schema_guard.assert_valid(ARRAY['sg04']::pg_catalog.name[]);
        INSERT INTO pg_temp.sg04_results VALUES (label, 'assert_valid(sg04)', 0, 'no error');
    EXCEPTION WHEN OTHERS THEN
        GET STACKED DIAGNOSTICS s = RETURNED_SQLSTATE, m = MESSAGE_TEXT,
                                d = PG_EXCEPTION_DETAIL, h = PG_EXCEPTION_HINT;
        INSERT INTO pg_temp.sg04_results
            VALUES (label, 'assert_valid(sg04)', 0,
                    pg_catalog.concat_ws(' | ', s, m, d, h));
    END;
    BEGIN
        PERFORM schema_guard.assert_valid();
        INSERT INTO pg_temp.sg04_results VALUES (label, 'assert_valid()', 0, 'no error');
    EXCEPTION WHEN OTHERS THEN
        GET STACKED DIAGNOSTICS s = RETURNED_SQLSTATE, m = MESSAGE_TEXT,
                                d = PG_EXCEPTION_DETAIL, h = PG_EXCEPTION_HINT;
        INSERT INTO pg_temp.sg04_results
            VALUES (label, 'assert_valid()', 0,
                    pg_catalog.concat_ws(' | ', s, m, d, h));
    END;
END
$$;

-- DDL the guard judges: a harmless change, a new body with a problem, and
-- a breaking change (a WARNING here, inside a transaction block; captured
-- as the number of statements that went through).
CREATE FUNCTION pg_temp.sg04_ddl(label pg_catalog.text) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    m pg_catalog.text;
BEGIN
    EXECUTE 'ALTER TABLE sg04.processing_jobs ADD COLUMN note_' OPERATOR(pg_catalog.||) label OPERATOR(pg_catalog.||) ' int';
    EXECUTE 'ALTER TABLE sg04.processing_jobs DROP COLUMN note_' OPERATOR(pg_catalog.||) label;
    EXECUTE 'CREATE OR REPLACE FUNCTION sg04.count_pending() RETURNS bigint LANGUAGE sql AS '
            '$b$ SELECT pg_catalog.count(*) FROM sg04.pending_jobs $b$';
    BEGIN
        EXECUTE 'CREATE TABLE sg04.doomed (id int)';
        EXECUTE 'CREATE FUNCTION sg04.use_doomed() RETURNS bigint LANGUAGE sql AS '
                '$b$ SELECT pg_catalog.count(*) FROM sg04.doomed $b$';
        EXECUTE 'DROP TABLE sg04.doomed';
        RAISE EXCEPTION 'undo' USING ERRCODE = 'P0002';
    EXCEPTION WHEN no_data_found THEN
        NULL;
    END;
    INSERT INTO pg_temp.sg04_results VALUES (label, 'ddl', 0, 'done');
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS m = MESSAGE_TEXT;
    INSERT INTO pg_temp.sg04_results VALUES (label, 'ddl', 0, 'failed: ' OPERATOR(pg_catalog.||) m);
END
$$;

CREATE FUNCTION pg_temp.sg04_calls() RETURNS bigint LANGUAGE sql AS $$
    SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM sg04_hostile.calls
$$;

CREATE FUNCTION pg_temp.sg04_same(label text, reference text) RETURNS SETOF text
LANGUAGE plpgsql AS $$
BEGIN
    RETURN NEXT results_eq(
        format('SELECT query, n, result FROM pg_temp.sg04_results WHERE label = %L AND query <> %L ORDER BY query, n, result', label, 'ddl'),
        format('SELECT query, n, result FROM pg_temp.sg04_results WHERE label = %L AND query <> %L ORDER BY query, n, result', reference, 'ddl'),
        label || ': same results as ' || reference);
    RETURN NEXT is(pg_temp.sg04_calls(), 0::bigint, label || ': no hostile object was called');
END
$$;

--
-- The catalog as built under an ordinary path.
--
SELECT schema_guard.rebuild() >= 5 AS sg04_rebuilt \gset
SELECT ok(:'sg04_rebuilt'::boolean, 'rebuild() under an ordinary search_path');

SET LOCAL search_path = sg04, public;
SELECT pg_temp.sg04_capture('ordinary') \g /dev/null
SELECT pg_temp.sg04_ddl('ordinary') \g /dev/null
SET LOCAL search_path = public;

SELECT ok((SELECT count(*) FROM pg_temp.sg04_results
            WHERE label = 'ordinary' AND query = 'validate(sg04, error)') >= 3,
          'ordinary: validate() reports the broken function');
SELECT ok((SELECT count(*) FROM pg_temp.sg04_results
            WHERE label = 'ordinary' AND query LIKE 'dependents(%'
              AND result NOT LIKE 'error %') >= 5,
          'ordinary: dependents() finds the users');
SELECT is((SELECT result FROM pg_temp.sg04_results WHERE label = 'ordinary' AND query = 'ddl'),
          'done', 'ordinary: the DDL went through');
SELECT is_empty($$SELECT query || ': ' || result FROM pg_temp.sg04_results
                   WHERE label = 'ordinary' AND result LIKE 'error %'$$,
                'ordinary: every report function ran without error');
SELECT ok((SELECT count(*) FROM pg_temp.sg04_results
            WHERE label = 'ordinary' AND query = 'dependents(column)'
              AND result LIKE '%trigger_document_processing%') >= 1,
          'ordinary: dependents(table, column) finds the trigger function');
SELECT is(pg_temp.sg04_calls(), 0::bigint, 'ordinary: no hostile object was called');

--
-- Using it under a hostile path.
--
SET LOCAL search_path = sg04_hostile, pg_catalog, sg04, public;
SELECT pg_temp.sg04_capture('hostile') \g /dev/null
SELECT pg_temp.sg04_ddl('hostile') \g /dev/null
SET LOCAL search_path = public;
SELECT * FROM pg_temp.sg04_same('hostile', 'ordinary');
SELECT is((SELECT result FROM pg_temp.sg04_results WHERE label = 'hostile' AND query = 'ddl'),
          'done', 'hostile: the DDL went through');

SET LOCAL search_path = sg04_hostile, pg_catalog, sg04, public, pg_temp;
SELECT pg_temp.sg04_capture('hostile, pg_temp last') \g /dev/null
SET LOCAL search_path = public;
SELECT * FROM pg_temp.sg04_same('hostile, pg_temp last', 'ordinary');

--
-- Using it under an empty path.
--
SET LOCAL search_path = '';
SELECT pg_temp.sg04_capture('empty') \g /dev/null
SELECT pg_temp.sg04_ddl('empty') \g /dev/null
SET LOCAL search_path = public;
SELECT * FROM pg_temp.sg04_same('empty', 'ordinary');
SELECT is((SELECT result FROM pg_temp.sg04_results WHERE label = 'empty' AND query = 'ddl'),
          'done', 'empty: the DDL went through');

--
-- Installing it under a hostile path, then under an empty path, then
-- using it under the ordinary path.  (The functions that exist at CREATE
-- EXTENSION are analysed by the first DDL or by rebuild(), with the path of
-- that session; here rebuild() runs under the ordinary path, as for the
-- first installation.)
--
DROP EXTENSION schema_guard;
SET LOCAL search_path = sg04_hostile, pg_catalog, sg04, public;
CREATE EXTENSION schema_guard;
SET LOCAL search_path = sg04, public;
SELECT schema_guard.rebuild() \g /dev/null
SELECT pg_temp.sg04_capture('installed under a hostile path') \g /dev/null
SET LOCAL search_path = public;
SELECT * FROM pg_temp.sg04_same('installed under a hostile path', 'ordinary');

DROP EXTENSION schema_guard;
SET LOCAL search_path = '';
CREATE EXTENSION schema_guard;
SET LOCAL search_path = sg04, public;
SELECT schema_guard.rebuild() \g /dev/null
SELECT pg_temp.sg04_capture('installed under an empty path') \g /dev/null
SET LOCAL search_path = public;
SELECT * FROM pg_temp.sg04_same('installed under an empty path', 'ordinary');

-- The same extension both times: every member object is in schema
-- schema_guard (or is the extension's own event trigger).
SELECT is((SELECT count(*)::int FROM pg_catalog.pg_depend d
            WHERE d.refclassid = 'pg_catalog.pg_extension'::regclass
              AND d.refobjid = (SELECT oid FROM pg_catalog.pg_extension WHERE extname = 'schema_guard')
              AND d.deptype = 'e'
              AND (pg_identify_object(d.classid, d.objid, d.objsubid)).schema IS DISTINCT FROM 'schema_guard'
              AND d.classid <> 'pg_catalog.pg_event_trigger'::regclass), 0,
          'installed under an empty path: every member is in schema schema_guard');

-- The install script itself does not depend on the path: the objects of
-- the two installations match those of an installation under the ordinary
-- path.
CREATE TEMP TABLE sg04_members AS
    SELECT 'empty'::text AS label, (pg_identify_object(d.classid, d.objid, d.objsubid)).identity AS member
      FROM pg_catalog.pg_depend d
     WHERE d.refclassid = 'pg_catalog.pg_extension'::regclass
       AND d.refobjid = (SELECT oid FROM pg_catalog.pg_extension WHERE extname = 'schema_guard')
       AND d.deptype = 'e';
DROP EXTENSION schema_guard;
SET LOCAL search_path = public;
CREATE EXTENSION schema_guard;
INSERT INTO sg04_members
    SELECT 'ordinary', (pg_identify_object(d.classid, d.objid, d.objsubid)).identity
      FROM pg_catalog.pg_depend d
     WHERE d.refclassid = 'pg_catalog.pg_extension'::regclass
       AND d.refobjid = (SELECT oid FROM pg_catalog.pg_extension WHERE extname = 'schema_guard')
       AND d.deptype = 'e';
SELECT bag_eq($$SELECT member FROM sg04_members WHERE label = 'empty'$$,
              $$SELECT member FROM sg04_members WHERE label = 'ordinary'$$,
              'the same members are installed under an empty and an ordinary path');
SELECT is(pg_temp.sg04_calls(), 0::bigint, 'no hostile object was ever called');

SELECT * FROM finish();
ROLLBACK;
