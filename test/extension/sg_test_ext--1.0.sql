\echo Use "CREATE EXTENSION sg_test_ext" to load this file. \quit
-- Functions first, tables after, as extension scripts may.
CREATE FUNCTION sg_test_ext.counter() RETURNS bigint LANGUAGE sql
    AS 'SELECT count(*) FROM sg_test_ext.items';
CREATE FUNCTION sg_test_ext.label(i int) RETURNS text LANGUAGE plpgsql
    AS $$ BEGIN RETURN (SELECT name FROM sg_test_ext.items WHERE id = i); END $$;
CREATE TABLE sg_test_ext.items (id int PRIMARY KEY, name text);
