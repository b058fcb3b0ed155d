--
-- guard_not_null: ADD COLUMN ... NOT NULL without a default, SET NOT NULL
-- and DROP DEFAULT on a NOT NULL column (also through a parent table),
-- while a body inserts into the table without that column (also through a
-- view).
--
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS schema_guard CASCADE;
RESET client_min_messages;
CREATE SCHEMA guard_not_null;
SET search_path = guard_not_null;

CREATE TABLE documents (id serial PRIMARY KEY, title text NOT NULL, note text);
CREATE FUNCTION add_document(p_title text) RETURNS int
LANGUAGE sql AS $$
    INSERT INTO documents (title) VALUES (p_title) RETURNING id
$$;
CREATE PROCEDURE add_documents_from(p_prefix text)
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO documents (title)
    SELECT p_prefix || g FROM generate_series(1, 2) AS g;
END
$$;

--
-- ADD COLUMN ... NOT NULL
--

-- Refused: a NOT NULL column without a default, while two bodies insert
-- rows without it.
ALTER TABLE documents ADD COLUMN file_path text NOT NULL;
SELECT column_name FROM information_schema.columns
 WHERE table_schema = 'guard_not_null' AND table_name = 'documents'
 ORDER BY ordinal_position;

-- Allowed: with a default every INSERT gets a value.
ALTER TABLE documents ADD COLUMN kind text NOT NULL DEFAULT 'plain';

-- Allowed: a nullable column.
ALTER TABLE documents ADD COLUMN summary text;

-- Allowed: an identity column and a generated column fill themselves.
ALTER TABLE documents ADD COLUMN seq int GENERATED ALWAYS AS IDENTITY;
ALTER TABLE documents ADD COLUMN title_length int
    GENERATED ALWAYS AS (length(title)) STORED NOT NULL;
SELECT add_document('first');
CALL add_documents_from('batch ');
SELECT id, title, kind, seq, title_length FROM documents ORDER BY id;

--
-- SET NOT NULL
--

-- Refused: note is left out by both inserts.
DELETE FROM documents;
ALTER TABLE documents ALTER COLUMN note SET NOT NULL;
SELECT is_nullable FROM information_schema.columns
 WHERE table_schema = 'guard_not_null' AND table_name = 'documents'
   AND column_name = 'note';

-- Allowed: every INSERT supplies the column.
CREATE TABLE tags (id int NOT NULL, label text);
CREATE FUNCTION add_tag(p_id int, p_label text) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO tags (id, label) VALUES (p_id, p_label);
END
$$;
ALTER TABLE tags ALTER COLUMN label SET NOT NULL;

-- Allowed: an INSERT without a column list supplies every column.
CREATE TABLE pairs (a int, b int);
CREATE FUNCTION add_pair(p_a int, p_b int) RETURNS void
LANGUAGE sql AS $$ INSERT INTO pairs VALUES (p_a, p_b) $$;
ALTER TABLE pairs ALTER COLUMN b SET NOT NULL;

-- Refused: an INSERT without a column list that has fewer values.
ALTER TABLE pairs ALTER COLUMN b DROP NOT NULL;
CREATE FUNCTION add_half_pair(p_a int) RETURNS void
LANGUAGE sql AS $$ INSERT INTO pairs VALUES (p_a) $$;
ALTER TABLE pairs ALTER COLUMN b SET NOT NULL;
SELECT is_nullable FROM information_schema.columns
 WHERE table_schema = 'guard_not_null' AND table_name = 'pairs'
   AND column_name = 'b';

-- Refused: INSERT ... DEFAULT VALUES supplies no column.
CREATE TABLE events (id serial, at timestamptz);
CREATE FUNCTION add_event() RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO events DEFAULT VALUES;
END
$$;
ALTER TABLE events ALTER COLUMN at SET NOT NULL;
SELECT is_nullable FROM information_schema.columns
 WHERE table_schema = 'guard_not_null' AND table_name = 'events'
   AND column_name = 'at';

-- Allowed: with a default, the same INSERT gets a value.
ALTER TABLE events ALTER COLUMN at SET DEFAULT now();
ALTER TABLE events ALTER COLUMN at SET NOT NULL;

--
-- DROP DEFAULT
--

-- Refused: the NOT NULL column's default is what the INSERT relies on.
ALTER TABLE events ALTER COLUMN at DROP DEFAULT;
SELECT column_default FROM information_schema.columns
 WHERE table_schema = 'guard_not_null' AND table_name = 'events'
   AND column_name = 'at';

-- Refused: the incident replayed: a column added NOT NULL with a default,
-- then the default dropped.
ALTER TABLE documents ADD COLUMN file_path text NOT NULL DEFAULT '';
ALTER TABLE documents ALTER COLUMN file_path DROP DEFAULT;
SELECT column_default FROM information_schema.columns
 WHERE table_schema = 'guard_not_null' AND table_name = 'documents'
   AND column_name = 'file_path';

-- Allowed: DROP DEFAULT on a nullable column.
ALTER TABLE documents ALTER COLUMN summary SET DEFAULT 'none';
ALTER TABLE documents ALTER COLUMN summary DROP DEFAULT;

-- Allowed: DROP DEFAULT on a NOT NULL column every INSERT supplies.
ALTER TABLE tags ALTER COLUMN label SET DEFAULT 'x';
ALTER TABLE tags ALTER COLUMN label DROP DEFAULT;

--
-- Through a parent: SET NOT NULL and DROP DEFAULT apply to inheritance
-- children and partitions too, unless ONLY.
--
CREATE TABLE items (id int, owner text DEFAULT 'nobody', note text);
CREATE TABLE archived_items () INHERITS (items);
CREATE TABLE tickets (id int, owner text DEFAULT 'nobody') PARTITION BY LIST (id);
CREATE TABLE tickets_1 PARTITION OF tickets FOR VALUES IN (1);
CREATE FUNCTION archive_item(p_id int) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO archived_items (id) VALUES (p_id);
END
$$;
CREATE FUNCTION add_ticket() RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO tickets_1 (id) VALUES (1);
END
$$;
-- Refused: the child's note becomes NOT NULL.
ALTER TABLE items ALTER COLUMN note SET NOT NULL;
-- Allowed: owner has a default.
ALTER TABLE items ALTER COLUMN owner SET NOT NULL;
-- Refused: the child's default goes too.
ALTER TABLE items ALTER COLUMN owner DROP DEFAULT;
-- Allowed: ONLY the parent's default.
ALTER TABLE ONLY items ALTER COLUMN owner DROP DEFAULT;
-- Allowed: the partition's column has a default; refused: dropping it.
ALTER TABLE tickets ALTER COLUMN owner SET NOT NULL;
ALTER TABLE tickets ALTER COLUMN owner DROP DEFAULT;

--
-- A BEFORE INSERT trigger that may fill the column: not a block; validate()
-- lists the INSERT as a warning.
--
CREATE TABLE notes (id serial PRIMARY KEY, body text NOT NULL, author text);
CREATE FUNCTION add_note(p_body text) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO notes (body) VALUES (p_body);
END
$$;
CREATE FUNCTION fill_author() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.author := coalesce(NEW.author, current_user);
    RETURN NEW;
END
$$;
CREATE TRIGGER fill_author BEFORE INSERT ON notes
    FOR EACH ROW EXECUTE FUNCTION fill_author();
ALTER TABLE notes ALTER COLUMN author SET NOT NULL;
SELECT add_note('hello');
SELECT body, author = current_user AS filled FROM notes;
SELECT severity, "check", object_name, line, message
  FROM schema_guard.validate(ARRAY['guard_not_null']);

-- A BEFORE INSERT trigger that fills a NOT NULL column makes inserts that
-- leave it out uncertain, not broken; dropping the trigger breaks them.
CREATE TABLE orders (id int, created_by text NOT NULL);
CREATE FUNCTION fill_created_by() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.created_by := current_user;
    RETURN NEW;
END
$$;
CREATE TRIGGER orders_created_by BEFORE INSERT ON orders
    FOR EACH ROW EXECUTE FUNCTION fill_created_by();
CREATE FUNCTION add_order(p_id int) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO orders (id) VALUES (p_id);
END
$$;
-- Refused: without the trigger, add_order() fails.
DROP TRIGGER orders_created_by ON orders;
-- Refused too: a disabled trigger fills nothing.
ALTER TABLE orders DISABLE TRIGGER orders_created_by;
-- Allowed: a trigger in its place.
CREATE TRIGGER orders_created_by_2 BEFORE INSERT ON orders
    FOR EACH ROW EXECUTE FUNCTION fill_created_by();
DROP TRIGGER orders_created_by ON orders;

-- The same with the trigger on a partition of a partitioned table: an
-- INSERT into the partitioned table runs it.  Creating it makes the insert
-- uncertain (validate() says so at once); dropping it is refused.
CREATE TABLE parted_orders (id int, created_by text NOT NULL) PARTITION BY RANGE (id);
CREATE TABLE parted_orders_1 PARTITION OF parted_orders FOR VALUES FROM (0) TO (100);
SET client_min_messages = error;
CREATE FUNCTION add_parted_order(p_id int) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO parted_orders (id) VALUES (p_id);
END
$$;
RESET client_min_messages;
SELECT severity, "check" FROM schema_guard.validate(ARRAY['guard_not_null'])
 WHERE object_name LIKE 'guard_not_null.add_parted_order%';
CREATE TRIGGER parted_orders_1_created_by BEFORE INSERT ON parted_orders_1
    FOR EACH ROW EXECUTE FUNCTION fill_created_by();
SELECT severity, "check" FROM schema_guard.validate(ARRAY['guard_not_null'])
 WHERE object_name LIKE 'guard_not_null.add_parted_order%';
DROP TRIGGER parted_orders_1_created_by ON parted_orders_1;
SELECT add_parted_order(1);

--
-- Through views: an INSERT into an automatically updatable view (or a view
-- of one) gives the table behind it no value for the columns the view
-- does not show.
--
CREATE TABLE letters (id int PRIMARY KEY, body text, sender text, stamp text);
CREATE VIEW letter_bodies AS SELECT id, body FROM letters;
CREATE VIEW letter_bodies_top AS SELECT * FROM letter_bodies;
CREATE VIEW letter_senders AS SELECT id, body, sender FROM letters;
CREATE FUNCTION post_letter(p_id int) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO letter_bodies_top (id, body) VALUES (p_id, 'hello');
END
$$;
CREATE FUNCTION post_signed_letter(p_id int) RETURNS void
LANGUAGE sql AS $$
    INSERT INTO letter_senders VALUES (p_id, 'hi', 'me')
$$;
-- Refused: sender becomes NOT NULL; post_letter() cannot give it.
ALTER TABLE letters ALTER COLUMN sender SET NOT NULL;
-- Allowed: stamp has a default; then refused: dropping the default.
ALTER TABLE letters ALTER COLUMN stamp SET DEFAULT 'none',
    ALTER COLUMN stamp SET NOT NULL;
ALTER TABLE letters ALTER COLUMN stamp DROP DEFAULT;
SELECT post_letter(1), post_signed_letter(2);

-- Clean up.
SET client_min_messages = warning;
DROP SCHEMA guard_not_null CASCADE;
RESET client_min_messages;
