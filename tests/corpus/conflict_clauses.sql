-- Conflict clauses on every constraint that takes one, column and table
-- level: the DSL states them, so every table here becomes DSL but one. A
-- foreign key's MATCH is what the DSL cannot state: that table is kept as
-- raw SQL with a comment.
CREATE TABLE tags (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE ON CONFLICT REPLACE);
CREATE TABLE post_tags (post_id INTEGER NOT NULL, tag_id INTEGER NOT NULL REFERENCES tags(id) ON DELETE CASCADE, PRIMARY KEY (post_id, tag_id) ON CONFLICT IGNORE) WITHOUT ROWID;
CREATE TABLE posts (id INTEGER PRIMARY KEY ON CONFLICT FAIL AUTOINCREMENT, title TEXT NOT NULL ON CONFLICT IGNORE, slug TEXT, body TEXT NULL ON CONFLICT ABORT,
    CONSTRAINT posts_slug UNIQUE (slug) ON CONFLICT ROLLBACK, CHECK (length(title) > 0) ON CONFLICT ABORT);
CREATE TABLE links (post_id INTEGER REFERENCES posts (id) MATCH FULL, url TEXT NOT NULL);
INSERT INTO tags VALUES (1, 'rust'), (2, 'sql');
INSERT INTO post_tags VALUES (1, 1), (1, 2);
INSERT INTO posts VALUES (1, 'x', 'x', NULL);
INSERT INTO links VALUES (1, 'https://example.org');
