\echo Use "ALTER EXTENSION sg_test_ext UPDATE" to load this file. \quit
-- 1.1 renames a column its own functions use and drops label(int).
ALTER TABLE sg_test_ext.items RENAME COLUMN name TO title;
DROP FUNCTION sg_test_ext.label(int);
CREATE FUNCTION sg_test_ext.title(i int) RETURNS text LANGUAGE sql
    AS 'SELECT title FROM sg_test_ext.items WHERE id = i';
