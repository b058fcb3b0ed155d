/* schema_guard--1.0.sql */

-- complain if script is sourced in psql, rather than via CREATE EXTENSION
\echo Use "CREATE EXTENSION schema_guard" to load this file. \quit

--
-- The reference catalog.  Maintained by the event triggers below, in the
-- same transaction as the DDL; never dumped (the functions a restore
-- creates are analysed after it), apart from creation_path below.
--

CREATE TABLE schema_guard.analysis (
    fn          pg_catalog.oid  NOT NULL,
    tg          pg_catalog.oid  NOT NULL,
    definition  pg_catalog.int8 NOT NULL,
    search_path pg_catalog.text NOT NULL,
    session_path pg_catalog.text NOT NULL,
    interface   pg_catalog.int8 NOT NULL,
    refs_hash   pg_catalog.int8 NOT NULL,
    findings    pg_catalog.int4 NOT NULL,
    PRIMARY KEY (fn, tg)
);
CREATE INDEX analysis_tg_idx ON schema_guard.analysis (tg)
    WHERE tg OPERATOR(pg_catalog.<>) 0::pg_catalog.oid;
COMMENT ON TABLE schema_guard.analysis IS
    'One row per analysed function, or per trigger for a trigger function: a hash of the function definition it describes, the search_path its names resolved with, the search_path of the session that created it (used when the function sets none), a hash of the part of the definition its callers depend on, a hash of its rows in schema_guard.reference, and how many of those are findings or relations created at run time.';

CREATE TABLE schema_guard.reference (
    fn          pg_catalog.oid    NOT NULL,
    tg          pg_catalog.oid    NOT NULL,
    line        pg_catalog.int4   NOT NULL,
    kind        pg_catalog."char" NOT NULL,
    access      pg_catalog."char" NOT NULL,
    severity    pg_catalog."char" NOT NULL,
    classid     pg_catalog.oid    NOT NULL,
    objid       pg_catalog.oid    NOT NULL,
    objsubid    pg_catalog.int4   NOT NULL,
    name        pg_catalog.text COLLATE pg_catalog."C",
    written     pg_catalog.text,
    check_id    pg_catalog.text,
    message     pg_catalog.text,
    hint        pg_catalog.text
);
CREATE INDEX reference_unit_idx ON schema_guard.reference (fn, tg);
CREATE INDEX reference_object_idx ON schema_guard.reference (objid);
CREATE INDEX reference_name_idx ON schema_guard.reference (name)
    WHERE kind OPERATOR(pg_catalog.=) ANY ('{r,f,t,w}'::pg_catalog."char"[]);
CREATE INDEX reference_created_idx ON schema_guard.reference (fn)
    WHERE access OPERATOR(pg_catalog.=) 'c';
COMMENT ON TABLE schema_guard.reference IS
    'What each analysed function references (severity o: it resolves) and what is wrong with it, indexed by referenced object and by name.';

CREATE TABLE schema_guard.pending_analysis (
    fn          pg_catalog.oid PRIMARY KEY
);
COMMENT ON TABLE schema_guard.pending_analysis IS
    'Functions changed while check_function_bodies was off (pg_restore); analysed before the next DDL is judged.';

CREATE TABLE schema_guard.catalog_origin (
    system_identifier pg_catalog.text NOT NULL,
    database_oid      pg_catalog.oid  NOT NULL
);
COMMENT ON TABLE schema_guard.catalog_origin IS
    'The cluster and database the reference catalog describes; a catalog copied elsewhere is rebuilt.';

--
-- The search_path each function was created with, for the names its body
-- leaves unqualified when it sets none.  The one part of the catalog that
-- is dumped (pg_extension_config_dump): a restored database resolves them
-- as the source did.  Keyed by the function's identity (as
-- pg_identify_object() gives it), not by a regprocedure, which pg_upgrade
-- refuses in a user table; the event triggers keep the key current when a
-- function, its schema or the type of a parameter is renamed or moved.
--

CREATE TABLE schema_guard.creation_path (
    function     pg_catalog.text COLLATE pg_catalog."C" PRIMARY KEY,
    session_path pg_catalog.text NOT NULL
);
COMMENT ON TABLE schema_guard.creation_path IS
    'The search_path of the session that created each analysed function (or, for one created while bodies were not checked, of the session that analysed it first), which the names its body leaves unqualified resolve with; by function identity, dumped with the database.';
COMMENT ON COLUMN schema_guard.creation_path.function IS
    'The function''s identity, as pg_identify_object() gives it.';
COMMENT ON COLUMN schema_guard.creation_path.session_path IS
    'The search_path the names its body leaves unqualified resolve with, unless it sets its own.';
SELECT pg_catalog.pg_extension_config_dump('schema_guard.creation_path', '');

-- Rows written from outside (pg_restore's COPY, a superuser's INSERT or
-- UPDATE) replace the row of the same function and have it analysed again
-- before the next DDL is judged; schema_guard writes its own rows directly.
CREATE FUNCTION schema_guard._creation_path_arrives()
RETURNS trigger
LANGUAGE C SET search_path = pg_catalog, pg_temp
AS 'MODULE_PATHNAME', 'sg_creation_path_arrives';
CREATE TRIGGER creation_path_arrives
    BEFORE INSERT OR UPDATE ON schema_guard.creation_path
    FOR EACH ROW EXECUTE FUNCTION schema_guard._creation_path_arrives();
REVOKE ALL ON FUNCTION schema_guard._creation_path_arrives() FROM PUBLIC;
COMMENT ON FUNCTION schema_guard._creation_path_arrives() IS
    'Trigger: a row arriving in schema_guard.creation_path replaces the function''s row and has the function analysed again with that path.';
COMMENT ON TRIGGER creation_path_arrives ON schema_guard.creation_path IS
    'Rows written by statements (pg_restore''s COPY, a superuser''s INSERT or UPDATE) replace the function''s row and have it analysed again.';

REVOKE ALL ON schema_guard.analysis, schema_guard.reference,
    schema_guard.pending_analysis, schema_guard.catalog_origin,
    schema_guard.creation_path FROM PUBLIC;

-- The reports are for everyone (they show what pg_proc shows anyway); the
-- catalog tables and maintenance functions are not.
GRANT USAGE ON SCHEMA schema_guard TO PUBLIC;

--
-- The guard: event triggers.
--
-- These C functions set search_path = pg_catalog, pg_temp themselves, first
-- thing (sg_enter): a SET clause here would hide the caller's search_path,
-- which the names in new function bodies resolve with.  They run their work
-- as their owner, the extension's owner (sg_maintain), as SECURITY DEFINER
-- would, without its cost at every call.
--

CREATE FUNCTION schema_guard._ddl_command_start()
RETURNS pg_catalog.event_trigger
LANGUAGE C
AS 'MODULE_PATHNAME', 'sg_ddl_command_start';

CREATE FUNCTION schema_guard._sql_drop()
RETURNS pg_catalog.event_trigger
LANGUAGE C
AS 'MODULE_PATHNAME', 'sg_sql_drop';

CREATE FUNCTION schema_guard._ddl_command_end()
RETURNS pg_catalog.event_trigger
LANGUAGE C
AS 'MODULE_PATHNAME', 'sg_ddl_command_end';

REVOKE ALL ON FUNCTION schema_guard._ddl_command_start(),
    schema_guard._sql_drop(), schema_guard._ddl_command_end() FROM PUBLIC;

CREATE EVENT TRIGGER schema_guard_ddl_command_start ON ddl_command_start
    EXECUTE FUNCTION schema_guard._ddl_command_start();
CREATE EVENT TRIGGER schema_guard_sql_drop ON sql_drop
    EXECUTE FUNCTION schema_guard._sql_drop();
CREATE EVENT TRIGGER schema_guard_ddl_command_end ON ddl_command_end
    EXECUTE FUNCTION schema_guard._ddl_command_end();

COMMENT ON FUNCTION schema_guard._ddl_command_start() IS
    'Event trigger: brings the reference catalog up to date before DDL runs.';
COMMENT ON FUNCTION schema_guard._sql_drop() IS
    'Event trigger: notes what a DDL command drops.';
COMMENT ON FUNCTION schema_guard._ddl_command_end() IS
    'Event trigger: refuses DDL that breaks functions and triggers, and keeps the reference catalog current.';

--
-- Catalog maintenance.
--

CREATE FUNCTION schema_guard.rebuild()
RETURNS pg_catalog.int4
LANGUAGE C VOLATILE
AS 'MODULE_PATHNAME', 'sg_rebuild';
REVOKE ALL ON FUNCTION schema_guard.rebuild() FROM PUBLIC;
COMMENT ON FUNCTION schema_guard.rebuild() IS
    'Analyses every function again and replaces the reference catalog; returns the number of functions analysed.';

CREATE FUNCTION schema_guard._catalog_warning()
RETURNS pg_catalog.void
LANGUAGE C VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS 'MODULE_PATHNAME', 'sg_catalog_warning';

--
-- dependencies(): what one function uses.
--
-- The public functions below run as their caller, with the caller's
-- search_path (every name in them is qualified), and hand that path to the
-- internal functions, which run as the extension's owner with a safe
-- search_path: names in a body without SET search_path resolve with the
-- path of the session that created it, or else the caller's.
--

CREATE FUNCTION schema_guard._dependencies(fn pg_catalog.regprocedure,
                                           caller_path pg_catalog.text)
RETURNS TABLE (trigger pg_catalog.text, line pg_catalog.int4,
               kind pg_catalog.text, access pg_catalog.text,
               object_type pg_catalog.text, object_identity pg_catalog.text,
               column_name pg_catalog.text, resolves pg_catalog.bool,
               detail pg_catalog.text)
LANGUAGE C STRICT STABLE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS 'MODULE_PATHNAME', 'sg_dependencies';

CREATE FUNCTION schema_guard.dependencies(fn pg_catalog.regprocedure)
RETURNS TABLE (trigger pg_catalog.text, line pg_catalog.int4,
               kind pg_catalog.text, access pg_catalog.text,
               object_type pg_catalog.text, object_identity pg_catalog.text,
               column_name pg_catalog.text, resolves pg_catalog.bool,
               detail pg_catalog.text)
-- STABLE and not STRICT, so that the planner inlines it into the calling
-- query (called with NULL it returns no row, as the inner function does)
LANGUAGE sql STABLE
AS $$
    SELECT d.trigger, d.line, d.kind, d.access, d.object_type,
           d.object_identity, d.column_name, d.resolves, d.detail
      FROM schema_guard._dependencies(fn, pg_catalog.current_setting('search_path')) AS d
     ORDER BY d.trigger COLLATE pg_catalog."C" NULLS FIRST, d.line NULLS FIRST,
              d.kind COLLATE pg_catalog."C", d.object_identity COLLATE pg_catalog."C",
              d.column_name COLLATE pg_catalog."C" NULLS FIRST,
              d.access COLLATE pg_catalog."C" NULLS FIRST,
              d.detail COLLATE pg_catalog."C" NULLS FIRST
$$;
COMMENT ON FUNCTION schema_guard.dependencies(pg_catalog.regprocedure) IS
    'One row per reference in the body of a PL/pgSQL or SQL function: what it uses, where, how, and whether it resolves now.';

--
-- dependents(): who uses an object.
--

-- The stored references that resolve, formatted for dependents().
CREATE VIEW schema_guard._resolved_reference AS
    SELECT r.classid, r.objid, r.objsubid,
           (pg_catalog.pg_identify_object('pg_catalog.pg_proc'::pg_catalog.regclass,
                                          r.fn, 0)).identity COLLATE pg_catalog."C" AS function,
           CASE p.prokind WHEN 'p' THEN 'procedure' ELSE 'function' END AS function_kind,
           NULLIF(r.line, 0) AS line,
           CASE r.access
               WHEN 'r' THEN 'read' WHEN 'i' THEN 'insert'
               WHEN 'u' THEN 'update' WHEN 'd' THEN 'delete'
               WHEN 'x' THEN 'call' WHEN 't' THEN 'type use'
               WHEN 'g' THEN 'trigger'
           END COLLATE pg_catalog."C" AS access,
           (pg_catalog.pg_identify_object(r.classid, r.objid, 0)).identity
               COLLATE pg_catalog."C" AS referenced,
           CASE WHEN r.objsubid OPERATOR(pg_catalog.>) 0 THEN r.name END
               COLLATE pg_catalog."C" AS column_name,
           CASE WHEN r.tg OPERATOR(pg_catalog.<>) 0 THEN
               (pg_catalog.pg_identify_object('pg_catalog.pg_trigger'::pg_catalog.regclass,
                                              r.tg, 0)).identity
           END COLLATE pg_catalog."C" AS trigger
      FROM schema_guard.reference AS r
      JOIN pg_catalog.pg_proc AS p ON p.oid OPERATOR(pg_catalog.=) r.fn
     WHERE r.severity OPERATOR(pg_catalog.=) 'o'
       AND r.access OPERATOR(pg_catalog.<>) 'c'
       AND r.objid OPERATOR(pg_catalog.<>) 0;
REVOKE ALL ON schema_guard._resolved_reference FROM PUBLIC;

-- One row per function, line, access and object used, with the triggers
-- through which a trigger function runs there.
CREATE VIEW schema_guard._dependent_row AS
    SELECT d.classid, d.objid, d.objsubid, d.function, d.function_kind, d.line,
           d.access, d.referenced, d.column_name,
           pg_catalog.array_agg(DISTINCT d.trigger ORDER BY d.trigger)
               FILTER (WHERE d.trigger IS NOT NULL) AS triggers
      FROM schema_guard._resolved_reference AS d
     GROUP BY d.classid, d.objid, d.objsubid, d.function, d.function_kind,
              d.line, d.access, d.referenced, d.column_name;
REVOKE ALL ON schema_guard._dependent_row FROM PUBLIC;

-- Who uses one object (a look-up by the referenced object's index).
CREATE FUNCTION schema_guard._dependents(p_classid pg_catalog.oid,
                                         p_objid pg_catalog.oid,
                                         p_objsubid pg_catalog.int4)
RETURNS TABLE (function pg_catalog.text, function_kind pg_catalog.text,
               line pg_catalog.int4, access pg_catalog.text,
               referenced pg_catalog.text, column_name pg_catalog.text,
               triggers pg_catalog.text[])
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT d.function, d.function_kind, d.line, d.access, d.referenced,
           d.column_name, d.triggers
      FROM schema_guard._dependent_row AS d
     WHERE d.objid OPERATOR(pg_catalog.=) p_objid
       AND d.classid OPERATOR(pg_catalog.=) p_classid
       AND (p_objsubid IS NULL OR d.objsubid OPERATOR(pg_catalog.=) p_objsubid)
     ORDER BY d.function, d.line NULLS FIRST, d.access, d.referenced,
              d.column_name NULLS FIRST
$$;

-- Who uses anything in a schema.
CREATE FUNCTION schema_guard._dependents_in_schema(p_nspid pg_catalog.oid)
RETURNS TABLE (function pg_catalog.text, function_kind pg_catalog.text,
               line pg_catalog.int4, access pg_catalog.text,
               referenced pg_catalog.text, column_name pg_catalog.text,
               triggers pg_catalog.text[])
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT d.function, d.function_kind, d.line, d.access, d.referenced,
           d.column_name, d.triggers
      FROM schema_guard._dependent_row AS d
     WHERE (d.classid OPERATOR(pg_catalog.=) 'pg_catalog.pg_class'::pg_catalog.regclass
            AND d.objid IN (SELECT c.oid FROM pg_catalog.pg_class AS c
                             WHERE c.relnamespace OPERATOR(pg_catalog.=) p_nspid))
        OR (d.classid OPERATOR(pg_catalog.=) 'pg_catalog.pg_proc'::pg_catalog.regclass
            AND d.objid IN (SELECT f.oid FROM pg_catalog.pg_proc AS f
                             WHERE f.pronamespace OPERATOR(pg_catalog.=) p_nspid))
        OR (d.classid OPERATOR(pg_catalog.=) 'pg_catalog.pg_type'::pg_catalog.regclass
            AND d.objid IN (SELECT t.oid FROM pg_catalog.pg_type AS t
                             WHERE t.typnamespace OPERATOR(pg_catalog.=) p_nspid))
     ORDER BY d.function, d.line NULLS FIRST, d.access, d.referenced,
              d.column_name NULLS FIRST
$$;

CREATE FUNCTION schema_guard.dependents(relation pg_catalog.regclass)
RETURNS TABLE (function pg_catalog.text, function_kind pg_catalog.text,
               line pg_catalog.int4, access pg_catalog.text,
               referenced pg_catalog.text, column_name pg_catalog.text,
               triggers pg_catalog.text[])
LANGUAGE plpgsql STRICT VOLATILE
AS $$
BEGIN
    PERFORM schema_guard._catalog_warning();
    RETURN QUERY SELECT * FROM schema_guard._dependents(
        'pg_catalog.pg_class'::pg_catalog.regclass, relation, NULL);
END
$$;
COMMENT ON FUNCTION schema_guard.dependents(pg_catalog.regclass) IS
    'The functions and procedures that use a table, view, sequence or other relation (any of its columns, or NEW/OLD of its triggers), with line and access.';

CREATE FUNCTION schema_guard.dependents(relation pg_catalog.regclass,
                                        attname pg_catalog.name)
RETURNS TABLE (function pg_catalog.text, function_kind pg_catalog.text,
               line pg_catalog.int4, access pg_catalog.text,
               referenced pg_catalog.text, column_name pg_catalog.text,
               triggers pg_catalog.text[])
LANGUAGE plpgsql STRICT VOLATILE
AS $$
#variable_conflict use_variable
DECLARE
    colnum pg_catalog.int2;
BEGIN
    SELECT a.attnum INTO colnum
      FROM pg_catalog.pg_attribute AS a
     WHERE a.attrelid OPERATOR(pg_catalog.=) relation
       AND a.attname OPERATOR(pg_catalog.=) dependents.attname
       AND a.attnum OPERATOR(pg_catalog.>) 0 AND NOT a.attisdropped;
    IF colnum IS NULL AND NOT EXISTS (SELECT FROM pg_catalog.pg_class AS c
                                       WHERE c.oid OPERATOR(pg_catalog.=) relation) THEN
        RAISE EXCEPTION 'relation with OID % does not exist', relation::pg_catalog.oid
            USING ERRCODE = 'undefined_table';
    END IF;
    IF colnum IS NULL THEN
        RAISE EXCEPTION 'column "%" of relation "%" does not exist', dependents.attname, relation
            USING ERRCODE = 'undefined_column';
    END IF;
    PERFORM schema_guard._catalog_warning();
    RETURN QUERY SELECT * FROM schema_guard._dependents(
        'pg_catalog.pg_class'::pg_catalog.regclass, relation, colnum);
END
$$;
COMMENT ON FUNCTION schema_guard.dependents(pg_catalog.regclass, pg_catalog.name) IS
    'The functions and procedures that use one column, with line and access.';

CREATE FUNCTION schema_guard.dependents(routine pg_catalog.regprocedure)
RETURNS TABLE (function pg_catalog.text, function_kind pg_catalog.text,
               line pg_catalog.int4, access pg_catalog.text,
               referenced pg_catalog.text, column_name pg_catalog.text,
               triggers pg_catalog.text[])
LANGUAGE plpgsql STRICT VOLATILE
AS $$
BEGIN
    PERFORM schema_guard._catalog_warning();
    RETURN QUERY SELECT * FROM schema_guard._dependents(
        'pg_catalog.pg_proc'::pg_catalog.regclass, routine, NULL);
END
$$;
COMMENT ON FUNCTION schema_guard.dependents(pg_catalog.regprocedure) IS
    'The functions and procedures that call a function or procedure, with line.';

CREATE FUNCTION schema_guard.dependents(type pg_catalog.regtype)
RETURNS TABLE (function pg_catalog.text, function_kind pg_catalog.text,
               line pg_catalog.int4, access pg_catalog.text,
               referenced pg_catalog.text, column_name pg_catalog.text,
               triggers pg_catalog.text[])
LANGUAGE plpgsql STRICT VOLATILE
AS $$
BEGIN
    PERFORM schema_guard._catalog_warning();
    RETURN QUERY SELECT * FROM schema_guard._dependents(
        'pg_catalog.pg_type'::pg_catalog.regclass, type, NULL);
END
$$;
COMMENT ON FUNCTION schema_guard.dependents(pg_catalog.regtype) IS
    'The functions and procedures that use a type or domain (casts, declarations, enum literals), with line.';

CREATE FUNCTION schema_guard.dependents(schema pg_catalog.regnamespace)
RETURNS TABLE (function pg_catalog.text, function_kind pg_catalog.text,
               line pg_catalog.int4, access pg_catalog.text,
               referenced pg_catalog.text, column_name pg_catalog.text,
               triggers pg_catalog.text[])
LANGUAGE plpgsql STRICT VOLATILE
AS $$
BEGIN
    PERFORM schema_guard._catalog_warning();
    RETURN QUERY SELECT * FROM schema_guard._dependents_in_schema(schema);
END
$$;
COMMENT ON FUNCTION schema_guard.dependents(pg_catalog.regnamespace) IS
    'The functions and procedures that use anything in a schema, with what they use.';

--
-- validate(): every broken reference and schema hazard.
--

CREATE FUNCTION schema_guard._body_findings(caller_path pg_catalog.text)
RETURNS TABLE (severity pg_catalog.text, "check" pg_catalog.text,
               object_type pg_catalog.text, object_name pg_catalog.text,
               line pg_catalog.int4, referenced pg_catalog.text,
               message pg_catalog.text, hint pg_catalog.text,
               schema_name pg_catalog.text)
LANGUAGE C STRICT VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS 'MODULE_PATHNAME', 'sg_body_findings';

CREATE FUNCTION schema_guard._schema_hazards()
RETURNS TABLE (severity pg_catalog.text, "check" pg_catalog.text,
               object_type pg_catalog.text, object_name pg_catalog.text,
               line pg_catalog.int4, referenced pg_catalog.text,
               message pg_catalog.text, hint pg_catalog.text,
               schema_name pg_catalog.text)
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
    -- Indexes left invalid by a failed CREATE INDEX CONCURRENTLY or REINDEX
    -- CONCURRENTLY (not those being built right now).
    SELECT 'warning', 'invalid_index', 'index', o.identity, NULL::pg_catalog.int4,
           (pg_catalog.pg_identify_object('pg_catalog.pg_class'::pg_catalog.regclass, i.indrelid, 0)).identity,
           pg_catalog.format('index %s is invalid: a concurrent build or rebuild failed, so writes still maintain it but no query uses it%s',
                             o.identity,
                             CASE WHEN c.relname::pg_catalog.text ~ '_cc(new|old)[0-9]*$' THEN
                                      '; it is the leftover of a failed REINDEX CONCURRENTLY, and the index it was to replace is still there'
                                  WHEN i.indisunique THEN
                                      '; as a unique index it cannot be rebuilt until duplicate keys are removed'
                                  ELSE '' END),
           CASE
               WHEN c.relname::pg_catalog.text ~ '_cc(new|old)[0-9]*$' THEN
                   pg_catalog.format('DROP INDEX CONCURRENTLY %s;', o.identity)
               ELSE pg_catalog.format('REINDEX INDEX CONCURRENTLY %s;', o.identity)
           END,
           n.nspname::pg_catalog.text
      FROM pg_catalog.pg_index AS i
      JOIN pg_catalog.pg_class AS c ON c.oid OPERATOR(pg_catalog.=) i.indexrelid
      JOIN pg_catalog.pg_namespace AS n ON n.oid OPERATOR(pg_catalog.=) c.relnamespace
      CROSS JOIN LATERAL pg_catalog.pg_identify_object('pg_catalog.pg_class'::pg_catalog.regclass, c.oid, 0) AS o
     WHERE NOT i.indisvalid
       AND n.nspname OPERATOR(pg_catalog.<>) ALL ('{pg_catalog,information_schema,schema_guard}'::pg_catalog.name[])
       AND n.nspname::pg_catalog.text !~ '^pg_(toast|temp_|toast_temp_)'
       AND NOT EXISTS (SELECT FROM pg_catalog.pg_stat_progress_create_index AS p
                        WHERE p.index_relid OPERATOR(pg_catalog.=) i.indexrelid)
    UNION ALL
    -- CHECK and foreign key constraints added NOT VALID and never validated.
    SELECT 'warning', 'not_valid_constraint', 'constraint', o.identity, NULL,
           t.identity,
           pg_catalog.format('constraint %I on table %s is NOT VALID: rows that existed when it was added have never been checked',
                             con.conname, t.identity),
           pg_catalog.format('ALTER TABLE %s VALIDATE CONSTRAINT %I;', t.identity, con.conname),
           n.nspname::pg_catalog.text
      FROM pg_catalog.pg_constraint AS con
      JOIN pg_catalog.pg_class AS c ON c.oid OPERATOR(pg_catalog.=) con.conrelid
      JOIN pg_catalog.pg_namespace AS n ON n.oid OPERATOR(pg_catalog.=) c.relnamespace
      CROSS JOIN LATERAL pg_catalog.pg_identify_object('pg_catalog.pg_constraint'::pg_catalog.regclass, con.oid, 0) AS o
      CROSS JOIN LATERAL pg_catalog.pg_identify_object('pg_catalog.pg_class'::pg_catalog.regclass, c.oid, 0) AS t
     WHERE NOT con.convalidated
       AND con.contype OPERATOR(pg_catalog.=) ANY ('{c,f}'::pg_catalog."char"[])
       AND n.nspname OPERATOR(pg_catalog.<>) ALL ('{pg_catalog,information_schema,schema_guard}'::pg_catalog.name[])
       AND n.nspname::pg_catalog.text !~ '^pg_(toast|temp_|toast_temp_)'
    UNION ALL
    -- Foreign keys whose referencing columns lead no index: every DELETE
    -- or key UPDATE on the referenced table scans the referencing table.
    SELECT 'warning', 'foreign_key_without_index', 'constraint', o.identity, NULL,
           t.identity,
           pg_catalog.format('foreign key %I on table %s has no index on (%s): each DELETE or key UPDATE on %s scans all of %s',
                             con.conname, t.identity, k.cols,
                             (pg_catalog.pg_identify_object('pg_catalog.pg_class'::pg_catalog.regclass, con.confrelid, 0)).identity,
                             t.identity),
           CASE WHEN c.relkind OPERATOR(pg_catalog.=) 'p' THEN
               -- partitioned tables cannot be indexed concurrently
               pg_catalog.format('CREATE INDEX ON %s (%s);', t.identity, k.cols)
           ELSE
               pg_catalog.format('CREATE INDEX CONCURRENTLY ON %s (%s);', t.identity, k.cols)
           END,
           n.nspname::pg_catalog.text
      FROM pg_catalog.pg_constraint AS con
      JOIN pg_catalog.pg_class AS c ON c.oid OPERATOR(pg_catalog.=) con.conrelid
      JOIN pg_catalog.pg_namespace AS n ON n.oid OPERATOR(pg_catalog.=) c.relnamespace
      CROSS JOIN LATERAL pg_catalog.pg_identify_object('pg_catalog.pg_constraint'::pg_catalog.regclass, con.oid, 0) AS o
      CROSS JOIN LATERAL pg_catalog.pg_identify_object('pg_catalog.pg_class'::pg_catalog.regclass, c.oid, 0) AS t
      CROSS JOIN LATERAL (
          SELECT pg_catalog.string_agg(pg_catalog.quote_ident(a.attname), ', ' ORDER BY u.ord) AS cols
            FROM pg_catalog.unnest(con.conkey) WITH ORDINALITY AS u(attnum, ord)
            JOIN pg_catalog.pg_attribute AS a
              ON a.attrelid OPERATOR(pg_catalog.=) con.conrelid
             AND a.attnum OPERATOR(pg_catalog.=) u.attnum) AS k
     WHERE con.contype OPERATOR(pg_catalog.=) 'f'
       AND con.conparentid OPERATOR(pg_catalog.=) 0
       AND n.nspname OPERATOR(pg_catalog.<>) ALL ('{pg_catalog,information_schema,schema_guard}'::pg_catalog.name[])
       AND n.nspname::pg_catalog.text !~ '^pg_(toast|temp_|toast_temp_)'
       AND NOT EXISTS (
           SELECT FROM pg_catalog.pg_index AS ix
            WHERE ix.indrelid OPERATOR(pg_catalog.=) con.conrelid
              AND ix.indpred IS NULL
              AND (ix.indkey::pg_catalog.int2[])[0:pg_catalog.cardinality(con.conkey) OPERATOR(pg_catalog.-) 1]
                  OPERATOR(pg_catalog.@>) con.conkey)
    UNION ALL
    -- Triggers left disabled (ENABLE REPLICA / ALWAYS are deliberate).
    SELECT 'warning', 'disabled_trigger', 'trigger', o.identity, NULL,
           t.identity,
           pg_catalog.format('trigger %I on table %s is disabled', tg.tgname, t.identity),
           pg_catalog.format('ALTER TABLE %s ENABLE TRIGGER %I;', t.identity, tg.tgname),
           n.nspname::pg_catalog.text
      FROM pg_catalog.pg_trigger AS tg
      JOIN pg_catalog.pg_class AS c ON c.oid OPERATOR(pg_catalog.=) tg.tgrelid
      JOIN pg_catalog.pg_namespace AS n ON n.oid OPERATOR(pg_catalog.=) c.relnamespace
      CROSS JOIN LATERAL pg_catalog.pg_identify_object('pg_catalog.pg_trigger'::pg_catalog.regclass, tg.oid, 0) AS o
      CROSS JOIN LATERAL pg_catalog.pg_identify_object('pg_catalog.pg_class'::pg_catalog.regclass, c.oid, 0) AS t
     WHERE tg.tgenabled OPERATOR(pg_catalog.=) 'D' AND NOT tg.tgisinternal
       AND n.nspname OPERATOR(pg_catalog.<>) ALL ('{pg_catalog,information_schema,schema_guard}'::pg_catalog.name[])
    UNION ALL
    -- Constraints whose enforcement triggers are disabled (DISABLE TRIGGER
    -- ALL): a foreign key that is not enforced, one row per constraint.
    SELECT DISTINCT 'warning', 'disabled_trigger', 'constraint', o.identity, NULL::pg_catalog.int4,
           t.identity,
           pg_catalog.format('constraint %I on table %s is not enforced: its triggers on table %s are disabled',
                             con.conname, ct.identity, t.identity),
           pg_catalog.format('ALTER TABLE %s ENABLE TRIGGER ALL;', t.identity),
           n.nspname::pg_catalog.text
      FROM pg_catalog.pg_trigger AS tg
      JOIN pg_catalog.pg_constraint AS con ON con.oid OPERATOR(pg_catalog.=) tg.tgconstraint
      JOIN pg_catalog.pg_class AS c ON c.oid OPERATOR(pg_catalog.=) tg.tgrelid
      JOIN pg_catalog.pg_namespace AS n ON n.oid OPERATOR(pg_catalog.=) c.relnamespace
      CROSS JOIN LATERAL pg_catalog.pg_identify_object('pg_catalog.pg_constraint'::pg_catalog.regclass, con.oid, 0) AS o
      CROSS JOIN LATERAL pg_catalog.pg_identify_object('pg_catalog.pg_class'::pg_catalog.regclass, c.oid, 0) AS t
      CROSS JOIN LATERAL pg_catalog.pg_identify_object('pg_catalog.pg_class'::pg_catalog.regclass, con.conrelid, 0) AS ct
     WHERE tg.tgenabled OPERATOR(pg_catalog.=) 'D' AND tg.tgisinternal
       AND n.nspname OPERATOR(pg_catalog.<>) ALL ('{pg_catalog,information_schema,schema_guard}'::pg_catalog.name[])
    UNION ALL
    -- Functions in procedural languages schema_guard does not read.
    SELECT 'info', 'unchecked_language',
           CASE p.prokind WHEN 'p' THEN 'procedure' ELSE 'function' END,
           o.identity, NULL, l.lanname::pg_catalog.text,
           pg_catalog.format('functions in language %s are not checked', l.lanname),
           NULL,
           n.nspname::pg_catalog.text
      FROM pg_catalog.pg_proc AS p
      JOIN pg_catalog.pg_language AS l ON l.oid OPERATOR(pg_catalog.=) p.prolang
      JOIN pg_catalog.pg_namespace AS n ON n.oid OPERATOR(pg_catalog.=) p.pronamespace
      CROSS JOIN LATERAL pg_catalog.pg_identify_object('pg_catalog.pg_proc'::pg_catalog.regclass, p.oid, 0) AS o
     WHERE l.lanispl
       AND l.lanname OPERATOR(pg_catalog.<>) ALL ('{plpgsql,sql}'::pg_catalog.name[])
       AND p.oid OPERATOR(pg_catalog.>=) 16384::pg_catalog.oid
       AND n.nspname::pg_catalog.text !~ '^pg_(temp_|toast_temp_)'
$$;

CREATE FUNCTION schema_guard._severity_rank(severity pg_catalog.text)
RETURNS pg_catalog.int4
LANGUAGE plpgsql IMMUTABLE STRICT
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    rank pg_catalog.int4;
BEGIN
    rank := CASE pg_catalog.lower(severity)
                WHEN 'error' THEN 1 WHEN 'warning' THEN 2 WHEN 'info' THEN 3
            END;
    IF rank IS NULL THEN
        RAISE EXCEPTION 'invalid severity "%"', severity
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'Valid severities are error, warning and info.';
    END IF;
    RETURN rank;
END
$$;

CREATE FUNCTION schema_guard.validate(schemas pg_catalog.name[] DEFAULT NULL,
                                      min_severity pg_catalog.text DEFAULT 'info')
RETURNS TABLE (severity pg_catalog.text, "check" pg_catalog.text,
               object_type pg_catalog.text, object_name pg_catalog.text,
               line pg_catalog.int4, referenced pg_catalog.text,
               message pg_catalog.text, hint pg_catalog.text)
LANGUAGE plpgsql VOLATILE
AS $$
DECLARE
    max_rank pg_catalog.int4 :=
        schema_guard._severity_rank(COALESCE(min_severity, 'info'));
    missing pg_catalog.name;
BEGIN
    -- a filter that matches nothing would make a pipeline pass silently
    IF pg_catalog.cardinality(schemas) OPERATOR(pg_catalog.=) 0 THEN
        RAISE EXCEPTION 'no schema given'
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'Pass NULL to check every schema.';
    END IF;
    SELECT s INTO missing
      FROM pg_catalog.unnest(schemas) AS s
     WHERE NOT EXISTS (SELECT FROM pg_catalog.pg_namespace AS n
                        WHERE n.nspname OPERATOR(pg_catalog.=) s)
     LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'schema "%" does not exist', missing
            USING ERRCODE = 'invalid_schema_name';
    END IF;
    RETURN QUERY
    SELECT f.severity, f."check", f.object_type, f.object_name, f.line,
           f.referenced, f.message, f.hint
      FROM (SELECT * FROM schema_guard._body_findings(pg_catalog.current_setting('search_path'))
            UNION ALL
            SELECT * FROM schema_guard._schema_hazards()) AS f
     WHERE (schemas IS NULL OR f.schema_name OPERATOR(pg_catalog.=) ANY (schemas))
       AND schema_guard._severity_rank(f.severity) OPERATOR(pg_catalog.<=) max_rank
     ORDER BY schema_guard._severity_rank(f.severity),
              f."check" COLLATE pg_catalog."C",
              f.object_name COLLATE pg_catalog."C", f.line NULLS FIRST,
              f.referenced COLLATE pg_catalog."C" NULLS FIRST,
              f.message COLLATE pg_catalog."C";
END
$$;
COMMENT ON FUNCTION schema_guard.validate(pg_catalog.name[], pg_catalog.text) IS
    'Every broken reference in function and trigger bodies, and every schema hazard, with a hint to fix it; optionally only in some schemas or above a severity.';

CREATE VIEW schema_guard.report AS
    SELECT * FROM schema_guard.validate();
COMMENT ON VIEW schema_guard.report IS
    'The rows of schema_guard.validate().';
GRANT SELECT ON schema_guard.report TO PUBLIC;

CREATE FUNCTION schema_guard.assert_valid(schemas pg_catalog.name[] DEFAULT NULL)
RETURNS pg_catalog.void
LANGUAGE plpgsql VOLATILE
AS $$
DECLARE
    errors pg_catalog.int8;
    lines pg_catalog.text;
BEGIN
    SELECT pg_catalog.count(*),
           pg_catalog.string_agg(pg_catalog.format('%s %s%s: %s.',
                                     pg_catalog.initcap(v.object_type), v.object_name,
                                     ' line ' OPERATOR(pg_catalog.||) v.line, v.message),
                                 E'\n')
      INTO errors, lines
      FROM schema_guard.validate(schemas, 'error') AS v;
    IF errors OPERATOR(pg_catalog.>) 0 THEN
        RAISE EXCEPTION 'schema_guard found % error%', errors,
                        CASE WHEN errors OPERATOR(pg_catalog.=) 1 THEN '' ELSE 's' END
            USING ERRCODE = 'invalid_object_definition',
                  DETAIL = lines,
                  HINT = 'Each of these fails every time that code runs. SELECT * FROM schema_guard.report shows how to fix them.';
    END IF;
END
$$;
COMMENT ON FUNCTION schema_guard.assert_valid(pg_catalog.name[]) IS
    'Raises one error listing every error-severity row of validate(), or returns quietly; for pipelines.';

-- The functions that exist already are analysed by the first DDL command
-- that is judged (or by rebuild()), with that session's search_path.
CREATE FUNCTION schema_guard._start_catalog()
RETURNS pg_catalog.void
LANGUAGE C VOLATILE
AS 'MODULE_PATHNAME', 'sg_start_catalog';
REVOKE ALL ON FUNCTION schema_guard._start_catalog() FROM PUBLIC;
SELECT schema_guard._start_catalog();
