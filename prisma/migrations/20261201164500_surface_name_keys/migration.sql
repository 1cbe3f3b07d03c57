-- Look-alike names. Usernames and worker names are unique by their key: NFKC (compatibility
-- forms folded: fullwidth, ligatures, superscripts), then lower case. The key is a generated
-- column with a unique index, so the database enforces the rule whatever path writes a name;
-- src/lib/names.ts mirrors it. Invisible and bidi-control characters are refused by the
-- application before a name gets here.
--
-- Existing rows whose keys collide: the oldest keeps its name (lowest id for users, earliest
-- created_at for workers) and the later ones get a suffix of their own id. Nothing is deleted,
-- and a user's alias name#id keeps its id, which is what identifies the account.

-- Users -----------------------------------------------------------------------------------------
WITH ranked AS (
  SELECT id, row_number() OVER (PARTITION BY lower(normalize(username, NFKC)) ORDER BY id) AS n
    FROM users
)
UPDATE users u SET username = u.username || '_' || u.id
  FROM ranked r WHERE r.id = u.id AND r.n > 1;

ALTER TABLE users ADD COLUMN username_key text GENERATED ALWAYS AS (lower(normalize(username, NFKC))) STORED;
DROP INDEX IF EXISTS users_username_lower_key;
CREATE UNIQUE INDEX users_username_key_key ON users (username_key);

-- Workers ---------------------------------------------------------------------------------------
WITH ranked AS (
  SELECT id, row_number() OVER (PARTITION BY lower(normalize(name, NFKC)) ORDER BY created_at, id) AS n
    FROM workers
)
UPDATE workers w SET name = w.name || '_' || left(w.id::text, 8)
  FROM ranked r WHERE r.id = w.id AND r.n > 1;

ALTER TABLE workers ADD COLUMN name_key text GENERATED ALWAYS AS (lower(normalize(name, NFKC))) STORED;
CREATE UNIQUE INDEX workers_name_key_key ON workers (name_key);
