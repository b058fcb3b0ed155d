--
-- engine_select: relations and columns that SELECT statements in PL/pgSQL
-- bodies use: joins, subqueries, CTEs, set operations, views, materialized
-- views, foreign tables, partitions, sequences and regclass constants,
-- each on the body line that names it.  Aliases and CTE names are never
-- tables.
--
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS schema_guard CASCADE;
RESET client_min_messages;
CREATE SCHEMA engine_select;
SET search_path = engine_select;

-- One query shape for every listing below.
\set deps 'SELECT line, kind, access, object_type, object_identity, column_name, resolves, detail FROM schema_guard.dependencies'

-- Column names differ between tables unless a case is about equal names.
CREATE TABLE orders (order_id int PRIMARY KEY, customer_id int, total numeric, placed date);
CREATE TABLE customers (cust_id int PRIMARY KEY, name text, region text);
CREATE TABLE items (item_order int, sku text, qty int);
-- tables named like the aliases and CTE names used below: they must not
-- appear in any listing
CREATE TABLE o (unused_o int);
CREATE TABLE recent (unused_recent int);
CREATE TABLE tree (unused_tree int);
CREATE VIEW big_orders AS SELECT order_id, total FROM orders WHERE total > 100;
CREATE MATERIALIZED VIEW region_totals AS
    SELECT c.region, sum(o.total) AS region_total
      FROM orders o JOIN customers c ON c.cust_id = o.customer_id GROUP BY c.region;
CREATE SEQUENCE order_seq;
CREATE TABLE events (ev_id int, at date, kind text) PARTITION BY RANGE (at);
CREATE TABLE events_2024 PARTITION OF events
    FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE FOREIGN DATA WRAPPER engine_select_fdw;
CREATE SERVER engine_select_srv FOREIGN DATA WRAPPER engine_select_fdw;
CREATE FOREIGN TABLE remote_rates (currency text, rate numeric)
    SERVER engine_select_srv;

-- A join with aliases: both tables and exactly the columns named, each on
-- the line that names it.  The alias "o" is not the table o.
CREATE FUNCTION join_alias(p_region text) RETURNS SETOF numeric
LANGUAGE plpgsql AS $$
BEGIN
    RETURN QUERY
    SELECT sum(o.total)
      FROM orders AS o
      JOIN customers c ON c.cust_id = o.customer_id
     WHERE c.region = p_region;
END
$$;
:deps('join_alias(text)');

-- LEFT JOIN and a LATERAL subquery.
CREATE FUNCTION join_lateral() RETURNS bigint
LANGUAGE plpgsql AS $$
BEGIN
    RETURN (SELECT count(*)
              FROM orders
              LEFT JOIN items ON items.item_order = orders.order_id
              CROSS JOIN LATERAL (SELECT c.name FROM customers c
                                   WHERE c.cust_id = orders.customer_id) AS l);
END
$$;
:deps('join_lateral()');

-- Subqueries: IN, EXISTS, a scalar subquery in the select list, and a
-- derived table in FROM whose columns are renamed (the derived table "d" is
-- no relation; customers' columns are used where the subquery names them).
CREATE FUNCTION subqueries() RETURNS TABLE (n text, s numeric)
LANGUAGE plpgsql AS $$
BEGIN
    RETURN QUERY
    SELECT d.who,
           (SELECT sum(total) FROM orders WHERE orders.customer_id = d.k)
      FROM (SELECT cust_id AS k, name AS who FROM customers) AS d
     WHERE EXISTS (SELECT 1 FROM items WHERE items.qty > 0);
END
$$;
:deps('subqueries()');

-- CTEs, plain and recursive: the CTE names "recent" and "tree" are not the
-- tables of those names; the tables inside the CTEs are used.
CREATE FUNCTION ctes() RETURNS bigint
LANGUAGE plpgsql AS $$
BEGIN
    RETURN (
    WITH RECURSIVE
         recent AS (SELECT order_id FROM orders WHERE placed > now() - interval '1 day'),
         tree(order_id, depth) AS (SELECT 1, 0
                                   UNION ALL
                                   SELECT order_id + 1, depth + 1 FROM tree WHERE depth < 3)
    SELECT count(*) FROM recent JOIN tree USING (order_id));
END
$$;
:deps('ctes()');

-- Negative: without RECURSIVE, "tree" inside its own definition is the
-- table tree, which has no column depth: a certain run-time error.
SET client_min_messages = error;
CREATE FUNCTION cte_not_recursive() RETURNS bigint
LANGUAGE plpgsql AS $$
BEGIN
    RETURN (WITH tree(n, depth) AS (SELECT 1, 0
                                    UNION ALL
                                    SELECT n, depth + 1 FROM tree)
            SELECT count(*) FROM tree);
END
$$;
RESET client_min_messages;
:deps('cte_not_recursive()');

-- Set operations over tables with distinct column names.
CREATE FUNCTION set_ops() RETURNS SETOF int
LANGUAGE plpgsql AS $$
BEGIN
    RETURN QUERY SELECT order_id FROM orders
                 UNION SELECT cust_id FROM customers
                 EXCEPT SELECT item_order FROM items;
END
$$;
:deps('set_ops()');

-- SELECT * uses every column of the table.
CREATE FUNCTION star() RETURNS SETOF customers
LANGUAGE plpgsql AS $$
BEGIN
    RETURN QUERY SELECT * FROM customers;
END
$$;
:deps('star()');

-- A view, a materialized view and a foreign table are relations like
-- tables; the view's own base table is not the function's reference.
CREATE FUNCTION other_relkinds() RETURNS numeric
LANGUAGE plpgsql AS $$
BEGIN
    RETURN (SELECT sum(total) FROM big_orders)
         + (SELECT sum(region_total) FROM region_totals)
         + (SELECT max(rate) FROM remote_rates WHERE currency = 'EUR');
END
$$;
:deps('other_relkinds()');

-- A partitioned table and one of its partitions, each used by name.
CREATE FUNCTION partitions() RETURNS bigint
LANGUAGE plpgsql AS $$
BEGIN
    RETURN (SELECT count(*) FROM events WHERE kind = 'a')
         + (SELECT count(*) FROM events_2024);
END
$$;
:deps('partitions()');

-- Sequences and other regclass constants: nextval and setval change the
-- sequence, currval only reads it; a literal cast to regclass and a text
-- literal passed where a regclass is expected name relations too.
CREATE FUNCTION regclass_constants() RETURNS bigint
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM nextval('order_seq');
    PERFORM setval('engine_select.order_seq', 10);
    PERFORM 'items'::regclass;
    PERFORM currval('order_seq');
    RETURN pg_relation_size('customers');
END
$$;
:deps('regclass_constants()');

-- Aggregates, window functions, GROUP BY, HAVING, ORDER BY: every column
-- named is listed, on the line that first names it.
CREATE FUNCTION clauses() RETURNS SETOF text
LANGUAGE plpgsql AS $$
BEGIN
    RETURN QUERY
    SELECT region || rank() OVER (ORDER BY name)
      FROM customers
     GROUP BY region, name
    HAVING count(cust_id) > 1
     ORDER BY name;
END
$$;
:deps('clauses()');

-- Two tables with a column of the same name: each table's column is on the
-- line where that table's column is named (customers.cust_id on line 5,
-- visits.cust_id on line 7), not where the first column of that name is.
CREATE TABLE visits (cust_id int, at date);
CREATE FUNCTION same_column_name() RETURNS bigint
LANGUAGE plpgsql AS $$
BEGIN
    RETURN (SELECT count(*)
              FROM customers c
             WHERE c.cust_id > 0
               AND EXISTS (SELECT 1 FROM visits v
                            WHERE v.cust_id = 7));
END
$$;
:deps('same_column_name()');

-- One table used twice in a statement, on different lines: both uses are
-- listed, each with its own columns.
CREATE FUNCTION same_table_twice() RETURNS bigint
LANGUAGE plpgsql AS $$
BEGIN
    RETURN (SELECT count(*) FROM orders
             WHERE total > (SELECT avg(total)
                              FROM orders
                             WHERE placed > now() - interval '7 days'));
END
$$;
:deps('same_table_twice()');

-- Negative: a table missing and a column missing are reported (resolves
-- false), and the statements around them are still read.
SET client_min_messages = error;
CREATE FUNCTION broken_select() RETURNS bigint
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM count(*) FROM no_such_table;
    PERFORM no_such_column FROM orders;
    RETURN (SELECT count(*) FROM customers);
END
$$;
RESET client_min_messages;
:deps('broken_select()');

-- Negative, collected: no function uses the tables o, recent and tree
-- (named like the aliases and CTE names above).
SELECT (SELECT count(*) FROM schema_guard.dependents('o'::regclass))
     + (SELECT count(*) FROM schema_guard.dependents('recent'::regclass))
     + (SELECT count(*) FROM schema_guard.dependents('tree'::regclass))
       AS alias_and_cte_tables_used;

-- validate() for this schema: only the intended errors.
SELECT severity, "check", object_name, line, referenced, message
  FROM schema_guard.validate(ARRAY['engine_select']);

SET client_min_messages = warning;
RESET search_path;
DROP SCHEMA engine_select CASCADE;
DROP FOREIGN DATA WRAPPER engine_select_fdw CASCADE;
RESET client_min_messages;
