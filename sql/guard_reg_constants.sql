--
-- guard_reg_constants: objects that bodies name by a constant of a reg*
-- type, which parse analysis looks up: text search configurations
-- (to_tsvector('cfg', ...)) and dictionaries, operators, schemas and
-- collations, as sequences (nextval('seq')), functions and types already
-- are.  Dropping or renaming them is judged.
--
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS schema_guard CASCADE;
RESET client_min_messages;
CREATE SCHEMA guard_reg_constants;
SET search_path = guard_reg_constants;

CREATE TEXT SEARCH CONFIGURATION doc_cfg (COPY = english);
CREATE TEXT SEARCH DICTIONARY doc_dict (TEMPLATE = simple);
CREATE SCHEMA guard_reg_constants_app;
CREATE FUNCTION int_eq(int, int) RETURNS bool LANGUAGE sql AS 'SELECT $1 = $2';
CREATE OPERATOR === (LEFTARG = int, RIGHTARG = int, FUNCTION = int_eq);
CREATE TABLE docs (id int, body text);
CREATE FUNCTION tsv(t text) RETURNS tsvector LANGUAGE plpgsql AS $$
BEGIN
    RETURN to_tsvector('doc_cfg', t);
END
$$;
CREATE FUNCTION search(q text) RETURNS SETOF int LANGUAGE sql AS $$
    SELECT id FROM docs WHERE to_tsvector('doc_cfg', body) @@ plainto_tsquery('doc_cfg', q)
$$;
CREATE FUNCTION lexize(t text) RETURNS text[] LANGUAGE sql AS $$
    SELECT ts_lexize('doc_dict', t)
$$;
CREATE FUNCTION named_objects() RETURNS text LANGUAGE plpgsql AS $$
BEGIN
    RETURN 'guard_reg_constants_app'::regnamespace::text
        || '===(int,int)'::regoperator::text;
END
$$;
-- A built-in configuration is nothing to record.
CREATE FUNCTION english_tsv(t text) RETURNS tsvector LANGUAGE sql AS $$
    SELECT to_tsvector('english', t)
$$;
SELECT tsv('running dogs'), lexize('Dogs'), named_objects(), english_tsv('dogs');
SELECT line, kind, access, object_type, object_identity, resolves
  FROM schema_guard.dependencies('tsv(text)');
SELECT line, kind, object_type, object_identity
  FROM schema_guard.dependencies('named_objects()');
SELECT count(*) AS english_refs FROM schema_guard.dependencies('english_tsv(text)');

-- Refused: each is still used.
ALTER TEXT SEARCH CONFIGURATION doc_cfg RENAME TO other_cfg;
DROP TEXT SEARCH CONFIGURATION doc_cfg;
DROP TEXT SEARCH DICTIONARY doc_dict;
ALTER SCHEMA guard_reg_constants_app RENAME TO guard_reg_constants_app2;
DROP SCHEMA guard_reg_constants_app;
DROP OPERATOR === (int, int);
SELECT tsv('still works');

-- Allowed: an unused configuration; and the used one once the functions
-- use another (in one transaction).
CREATE TEXT SEARCH CONFIGURATION unused_cfg (COPY = simple);
DROP TEXT SEARCH CONFIGURATION unused_cfg;
BEGIN;
ALTER TEXT SEARCH CONFIGURATION doc_cfg RENAME TO other_cfg;
CREATE OR REPLACE FUNCTION tsv(t text) RETURNS tsvector LANGUAGE plpgsql AS $$
BEGIN
    RETURN to_tsvector('other_cfg', t);
END
$$;
CREATE OR REPLACE FUNCTION search(q text) RETURNS SETOF int LANGUAGE sql AS $$
    SELECT id FROM docs WHERE to_tsvector('other_cfg', body) @@ plainto_tsquery('other_cfg', q)
$$;
COMMIT;
SELECT tsv('renamed');

-- A configuration created later makes a body that named it work: the
-- function is analysed again.
SET client_min_messages = error;
CREATE FUNCTION later_tsv(t text) RETURNS tsvector LANGUAGE plpgsql AS $$
BEGIN
    RETURN to_tsvector('later_cfg', t);
END
$$;
RESET client_min_messages;
SELECT count(*) AS findings FROM schema_guard.validate(ARRAY['guard_reg_constants'])
 WHERE object_name LIKE 'guard_reg_constants.later\_tsv%';
CREATE TEXT SEARCH CONFIGURATION later_cfg (COPY = simple);
SELECT count(*) AS findings FROM schema_guard.validate(ARRAY['guard_reg_constants'])
 WHERE object_name LIKE 'guard_reg_constants.later\_tsv%';

SET client_min_messages = warning;
RESET search_path;
DROP SCHEMA guard_reg_constants, guard_reg_constants_app CASCADE;
RESET client_min_messages;
