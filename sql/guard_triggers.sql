--
-- guard_triggers: NEW.col and OLD.col in trigger functions, counted for the
-- table of each trigger that runs the function; CREATE TRIGGER and DROP
-- TRIGGER; DROP TRIGGER, CREATE, DROP, ENABLE and DISABLE RULE of what
-- takes a write.
--
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS schema_guard CASCADE;
RESET client_min_messages;
CREATE SCHEMA guard_triggers;
SET search_path = guard_triggers;

CREATE TABLE articles (id int PRIMARY KEY, title text, updated_at timestamptz,
                       slug text);
CREATE TABLE comments (id int PRIMARY KEY, body text, updated_at timestamptz);
CREATE TABLE article_log (article_id int, old_title text);

-- Shared by both tables: assigns NEW.updated_at.
CREATE FUNCTION touch() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.updated_at := now();
    RETURN NEW;
END
$$;
CREATE TRIGGER articles_touch BEFORE UPDATE ON articles
    FOR EACH ROW EXECUTE FUNCTION touch();
CREATE TRIGGER comments_touch BEFORE UPDATE ON comments
    FOR EACH ROW EXECUTE FUNCTION touch();

-- Reads NEW.title and writes NEW.slug.
CREATE FUNCTION make_slug() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.slug := lower(replace(NEW.title, ' ', '-'));
    RETURN NEW;
END
$$;
CREATE TRIGGER articles_slug BEFORE INSERT ON articles
    FOR EACH ROW EXECUTE FUNCTION make_slug();

-- Reads OLD.id and OLD.title.
CREATE FUNCTION log_title_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO article_log (article_id, old_title) VALUES (OLD.id, OLD.title);
    RETURN NULL;
END
$$;
CREATE TRIGGER articles_log AFTER UPDATE OF title ON articles
    FOR EACH ROW EXECUTE FUNCTION log_title_change();

-- Calls upper() on NEW.body.
CREATE FUNCTION reject_spam() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF upper(NEW.body) LIKE '%SPAM%' THEN
        RAISE EXCEPTION 'spam';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER comments_spam BEFORE INSERT ON comments
    FOR EACH ROW EXECUTE FUNCTION reject_spam();

INSERT INTO articles (id, title) VALUES (1, 'Hello World');
INSERT INTO comments (id, body) VALUES (1, 'nice');

-- Refused: the shared function assigns NEW.updated_at; only the trigger on
-- comments is named, as only comments loses the column.
ALTER TABLE comments DROP COLUMN updated_at;
SELECT column_name FROM information_schema.columns
 WHERE table_schema = 'guard_triggers' AND table_name = 'comments'
 ORDER BY ordinal_position;

-- Refused: the same for articles, through its own trigger.
ALTER TABLE articles RENAME COLUMN updated_at TO modified_at;
SELECT count(*) FROM information_schema.columns
 WHERE table_schema = 'guard_triggers' AND column_name = 'updated_at';

-- Refused: make_slug() reads NEW.title.  log_title_change() reads
-- OLD.title too, but is not listed: the cascade drops its trigger
-- (AFTER UPDATE OF title) as well.
ALTER TABLE articles DROP COLUMN title CASCADE;

-- Refused: make_slug() assigns NEW.slug.
ALTER TABLE articles DROP COLUMN slug;

-- Refused: log_title_change() reads OLD.id.
ALTER TABLE articles DROP COLUMN id;

-- Nothing changed: every trigger still works.
UPDATE articles SET title = 'Hello Again' WHERE id = 1;
SELECT id, title, slug, updated_at IS NOT NULL AS touched FROM articles;
SELECT * FROM article_log;

-- Refused: ALTER COLUMN TYPE makes NEW.body an integer, which upper()
-- does not take.
ALTER TABLE comments ALTER COLUMN body TYPE int USING length(body);
SELECT body FROM comments;

-- Allowed: a type change that keeps every use valid (NEW.slug is still
-- assigned text).
ALTER TABLE articles ALTER COLUMN slug TYPE varchar(200);

-- Allowed: a column no trigger function uses.
ALTER TABLE comments ADD COLUMN flagged boolean;
ALTER TABLE comments DROP COLUMN flagged;

-- Allowed: a column of the same name on a table whose triggers do not use
-- it (article_log has no trigger).
ALTER TABLE article_log ADD COLUMN updated_at timestamptz;
ALTER TABLE article_log DROP COLUMN updated_at;

--
-- DROP TRIGGER and CREATE TRIGGER
--

-- Allowed: dropping a trigger breaks nothing...
DROP TRIGGER comments_touch ON comments;

-- ...and then comments may lose the column the function used through it.
ALTER TABLE comments DROP COLUMN updated_at;

-- WARNING: a new trigger runs touch() on a table without updated_at; the
-- trigger is created.
CREATE TRIGGER comments_touch BEFORE UPDATE ON comments
    FOR EACH ROW EXECUTE FUNCTION touch();
SELECT tgname FROM pg_trigger WHERE tgrelid = 'comments'::regclass ORDER BY tgname;
DROP TRIGGER comments_touch ON comments;

-- ERROR with schema_guard.function_check = error: no trigger is created.
SET schema_guard.function_check = error;
CREATE TRIGGER comments_touch BEFORE UPDATE ON comments
    FOR EACH ROW EXECUTE FUNCTION touch();
SELECT count(*) FROM pg_trigger WHERE tgrelid = 'comments'::regclass;
-- In a transaction: allowed once the column is there by COMMIT, refused
-- if it is not.
BEGIN;
CREATE TRIGGER comments_touch BEFORE UPDATE ON comments
    FOR EACH ROW EXECUTE FUNCTION touch();
ALTER TABLE comments ADD COLUMN updated_at timestamptz;
COMMIT;
CREATE TABLE replies (id int, body text);
BEGIN;
CREATE TRIGGER replies_touch BEFORE UPDATE ON replies
    FOR EACH ROW EXECUTE FUNCTION touch();
COMMIT;
RESET schema_guard.function_check;
SELECT tgname FROM pg_trigger WHERE tgrelid IN ('comments'::regclass, 'replies'::regclass)
 ORDER BY tgname;
DROP TRIGGER comments_touch ON comments;
ALTER TABLE comments DROP COLUMN updated_at;

-- Refused: the INSTEAD OF trigger of a view that a body inserts into, or
-- the DO INSTEAD rule of a view that a body deletes from, is what makes
-- the view take the write.
CREATE VIEW article_titles AS SELECT DISTINCT title FROM articles;
CREATE FUNCTION add_title() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO articles (id, title) VALUES (length(NEW.title), NEW.title);
    RETURN NEW;
END
$$;
CREATE TRIGGER article_titles_insert INSTEAD OF INSERT ON article_titles
    FOR EACH ROW EXECUTE FUNCTION add_title();
CREATE RULE article_titles_delete AS ON DELETE TO article_titles
    DO INSTEAD DELETE FROM articles WHERE title = OLD.title;
CREATE FUNCTION suggest_title(p_title text) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO article_titles VALUES (p_title);
END
$$;
CREATE FUNCTION retract_title(p_title text) RETURNS void
LANGUAGE sql AS $$
    DELETE FROM article_titles WHERE title = p_title
$$;
DROP TRIGGER article_titles_insert ON article_titles;
DROP RULE article_titles_delete ON article_titles;
SELECT suggest_title('Views'), retract_title('Views');
-- Allowed: once no body writes through the view.
DROP FUNCTION suggest_title(text), retract_title(text);
DROP TRIGGER article_titles_insert ON article_titles;
DROP RULE article_titles_delete ON article_titles;

-- Refused: a conditional DO INSTEAD rule makes a view that a body inserts
-- into no longer automatically updatable.
CREATE VIEW article_ids AS SELECT id, title FROM articles;
CREATE FUNCTION add_article(p_id int) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO article_ids (id, title) VALUES (p_id, 'new');
END
$$;
CREATE RULE article_ids_insert AS ON INSERT TO article_ids
    WHERE NEW.id < 0 DO INSTEAD NOTHING;
-- Allowed: an unconditional one takes the INSERT.
CREATE OR REPLACE RULE article_ids_insert AS ON INSERT TO article_ids
    DO INSTEAD INSERT INTO articles (id, title) VALUES (NEW.id, NEW.title);
-- Refused: disabling the DO INSTEAD rule that takes an INSERT which gives
-- the table's NOT NULL column no value.
CREATE TABLE drafts (id int, body text NOT NULL);
CREATE RULE drafts_to_articles AS ON INSERT TO drafts
    DO INSTEAD INSERT INTO articles (id, title) VALUES (NEW.id, 'draft');
CREATE FUNCTION add_draft(p_id int) RETURNS void
LANGUAGE sql AS $$
    INSERT INTO drafts (id) VALUES (p_id)
$$;
ALTER TABLE drafts DISABLE RULE drafts_to_articles;
SELECT add_article(100), add_draft(101);

-- Quiet: a new trigger on a table that has every field the function uses.
CREATE TABLE pages (id int, updated_at timestamptz);
CREATE TRIGGER pages_touch BEFORE UPDATE ON pages
    FOR EACH ROW EXECUTE FUNCTION touch();

-- Allowed: DROP FUNCTION ... CASCADE removes the function with its
-- triggers: gone, not broken.
DROP FUNCTION make_slug() CASCADE;
ALTER TABLE articles DROP COLUMN slug;

-- Clean up.
SET client_min_messages = warning;
DROP SCHEMA guard_triggers CASCADE;
RESET client_min_messages;
