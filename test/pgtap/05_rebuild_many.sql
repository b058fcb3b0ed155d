-- 05_rebuild_many.sql
--
-- rebuild() over a catalog of many rows, several times in a row: more
-- references than one write batch holds, and index entries of rows that
-- earlier rebuilds deleted (which an index scan marks as dead as it
-- passes them, remembering them across rows).  Each rebuild must finish,
-- put back what was changed, and leave indexes that find every row.
--
-- Runs in autocommit (rows deleted by a committed rebuild are what an
-- index scan marks dead) and removes what it creates at the end (the
-- extension too, if this file created it).

SET client_min_messages = warning;
SELECT NOT EXISTS (SELECT FROM pg_catalog.pg_extension WHERE extname = 'schema_guard') AS sg05_new_ext \gset
CREATE EXTENSION IF NOT EXISTS schema_guard CASCADE;
DROP SCHEMA IF EXISTS sg05 CASCADE;
SET client_min_messages = error;

SELECT plan(12);

CREATE SCHEMA sg05;
DO $do$
BEGIN
    FOR t IN 1..20 LOOP
        EXECUTE format('CREATE TABLE sg05.t%s (id int, a int, b int, c int, d int,'
                       ' e int, f int, g int, h int)', t);
    END LOOP;
    FOR f IN 1..600 LOOP
        EXECUTE format($fmt$CREATE FUNCTION sg05.f%s() RETURNS bigint LANGUAGE plpgsql AS $b$
BEGIN
    INSERT INTO sg05.t%s (id, a, b, c, d) VALUES (1, 2, 3, 4, 5);
    UPDATE sg05.t%s SET e = 1, f = 2, g = 3 WHERE h = 4;
    RETURN (SELECT count(*) FROM sg05.t%s WHERE a = b AND c = d AND e = f);
END
$b$
$fmt$, f, f % 20 + 1, (f + 7) % 20 + 1, (f + 13) % 20 + 1);
    END LOOP;
END
$do$;

SELECT cmp_ok((SELECT count(*) FROM schema_guard.reference
                WHERE fn IN (SELECT oid FROM pg_catalog.pg_proc
                              WHERE pronamespace = 'sg05'::regnamespace)),
              '>', 8192::bigint, 'more references than one write batch');

-- (Only the rows of this file's functions are compared: pgTAP's own
-- functions use temporary tables that plan() creates, and were analysed
-- before it ran.)
CREATE TEMP TABLE sg05_references AS
    SELECT fn, tg, line, kind, access, severity, classid, objid, objsubid,
           name, written, check_id, message, hint
      FROM schema_guard.reference
     WHERE fn IN (SELECT oid FROM pg_catalog.pg_proc
                   WHERE pronamespace = 'sg05'::regnamespace);

-- Every row changed: the first rebuild writes every row again; the next
-- ones pass the index entries of the rows it deleted.
UPDATE schema_guard.reference SET line = -1 - line;
UPDATE schema_guard.analysis SET definition = definition # 1;
SELECT lives_ok('SELECT schema_guard.rebuild()', 'rebuild() writes every row again');
SELECT lives_ok('SELECT schema_guard.rebuild()', 'rebuild() passes the entries of deleted rows');
UPDATE schema_guard.reference SET message = 'changed' WHERE line % 2 = 0;
SELECT lives_ok('SELECT schema_guard.rebuild()', 'rebuild() once more, half of the rows changed');
SELECT lives_ok('SELECT schema_guard.rebuild()', 'and once more, nothing changed');

SELECT bag_eq($$SELECT fn, tg, line, kind, access, severity, classid, objid, objsubid,
                       name, written, check_id, message, hint
                  FROM schema_guard.reference
                 WHERE fn IN (SELECT oid FROM pg_catalog.pg_proc
                               WHERE pronamespace = 'sg05'::regnamespace)$$,
              'SELECT * FROM sg05_references',
              'the reference rows are as before');

-- Read through the indexes, the catalog has every row a full scan has.
SET enable_seqscan = off;
SET enable_bitmapscan = off;
SELECT is((SELECT count(*) FROM schema_guard.reference
            WHERE fn IN (SELECT oid FROM pg_catalog.pg_proc
                          WHERE pronamespace = 'sg05'::regnamespace)),
          (SELECT count(*) FROM sg05_references),
          'an index scan by function finds every reference row');
SELECT is((SELECT count(*) FROM schema_guard.reference
            WHERE objid IN (SELECT oid FROM pg_catalog.pg_class
                             WHERE relnamespace = 'sg05'::regnamespace)),
          (SELECT count(*) FROM sg05_references
            WHERE objid IN (SELECT oid FROM pg_catalog.pg_class
                             WHERE relnamespace = 'sg05'::regnamespace)),
          'an index scan by object finds every reference row');
RESET enable_bitmapscan;
RESET enable_seqscan;

-- A function replaced many times, its body changed each time: its unit
-- row is rewritten in place, on the same page while there is room, then
-- on another (with new index entries).  The indexes still find it.
DO $do$
BEGIN
    FOR i IN 1..300 LOOP
        EXECUTE format($fmt$CREATE OR REPLACE FUNCTION sg05.f1() RETURNS bigint
LANGUAGE plpgsql AS $b$
BEGIN
    RETURN (SELECT count(*) FROM sg05.t1 WHERE a = %s);
END
$b$
$fmt$, i);
    END LOOP;
END
$do$;
SET enable_indexscan = off;
SET enable_bitmapscan = off;
SELECT is((SELECT count(*) FROM schema_guard.analysis WHERE fn = 'sg05.f1()'::regprocedure),
          1::bigint, 'a function replaced 300 times has one unit row');
RESET enable_indexscan;
SET enable_seqscan = off;
SELECT is((SELECT count(*) FROM schema_guard.analysis WHERE fn = 'sg05.f1()'::regprocedure),
          1::bigint, 'an index scan finds it');
SELECT is((SELECT count(*) FROM schema_guard.analysis
            WHERE fn IN (SELECT oid FROM pg_catalog.pg_proc
                          WHERE pronamespace = 'sg05'::regnamespace)),
          600::bigint, 'an index scan finds every unit row');
RESET enable_bitmapscan;
RESET enable_seqscan;
SELECT is((SELECT count(*) FROM schema_guard.reference
            WHERE fn = 'sg05.f1()'::regprocedure AND name = 'a'),
          1::bigint, 'the references of its last body are stored');

SELECT * FROM finish();

SET client_min_messages = warning;
DROP SCHEMA sg05 CASCADE;
\if :sg05_new_ext
DROP EXTENSION schema_guard;
\endif
