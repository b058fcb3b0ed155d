-- The processing_jobs incident, replayed with schema_guard installed.
\set VERBOSITY default
\pset footer off

CREATE EXTENSION schema_guard CASCADE;

\echo
\echo '== An application: documents are queued for processing by a trigger'
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

CREATE FUNCTION add_document(p_title text) RETURNS int
LANGUAGE sql AS $$
    INSERT INTO documents (title) VALUES (p_title) RETURNING id
$$;

\echo
\echo '== What uses processing_jobs? PostgreSQL does not know; schema_guard does:'
SELECT function, line, access, column_name, triggers
  FROM schema_guard.dependents('processing_jobs'::regclass);

\echo
\echo '== A migration drops the "unused" table. Without schema_guard this succeeds'
\echo '== and every INSERT into documents fails from then on. With it:'
DROP TABLE processing_jobs;

\echo
\echo '== Nothing was dropped; the application still works:'
SELECT add_document('quarterly report') AS document_id;
SELECT document_id, status FROM processing_jobs;

\echo
\echo '== The other classic: a NOT NULL column, added with a default that is then'
\echo '== dropped, while code still inserts without it:'
ALTER TABLE documents ADD COLUMN file_path text NOT NULL DEFAULT '';
ALTER TABLE documents ALTER COLUMN file_path DROP DEFAULT;

\echo
\echo '== Breaks that exist already (made with the guard in warn mode, or before'
\echo '== schema_guard was installed) are all reported at once, with the fix:'
SET schema_guard.mode = warn;
ALTER TABLE processing_jobs RENAME COLUMN status TO state;
RESET schema_guard.mode;
CREATE INDEX CONCURRENTLY jobs_document_idx ON processing_jobs (document_id);
ALTER TABLE processing_jobs ADD CONSTRAINT jobs_document_fk
    FOREIGN KEY (document_id) REFERENCES documents NOT VALID;

\x on
SELECT * FROM schema_guard.validate();
\x off
