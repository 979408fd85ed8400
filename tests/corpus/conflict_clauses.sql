-- What the DSL cannot state (conflict clauses): kept as raw SQL with a
-- comment; the other tables still become DSL.
CREATE TABLE tags (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE ON CONFLICT REPLACE);
CREATE TABLE post_tags (post_id INTEGER NOT NULL, tag_id INTEGER NOT NULL REFERENCES tags(id) ON DELETE CASCADE, PRIMARY KEY (post_id, tag_id) ON CONFLICT IGNORE) WITHOUT ROWID;
CREATE TABLE posts (id INTEGER PRIMARY KEY, title TEXT);
INSERT INTO tags VALUES (1, 'rust'), (2, 'sql');
INSERT INTO post_tags VALUES (1, 1), (1, 2);
INSERT INTO posts VALUES (1, 'x');
