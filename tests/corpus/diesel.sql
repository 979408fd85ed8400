-- Diesel: hand-written up.sql files, BIGINT keys (not rowid aliases),
-- TIMESTAMP, BOOLEAN NOT NULL DEFAULT 0, TEXT NOT NULL PRIMARY KEY.
CREATE TABLE __diesel_schema_migrations (
       version VARCHAR(50) PRIMARY KEY NOT NULL,
       run_on TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE TABLE users (
  id BIGINT PRIMARY KEY NOT NULL,
  name TEXT NOT NULL,
  hair_color TEXT,
  created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE TABLE posts (
  id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
  user_id BIGINT NOT NULL REFERENCES users (id),
  title VARCHAR NOT NULL,
  body TEXT NOT NULL,
  published BOOLEAN NOT NULL DEFAULT 0
);
CREATE TABLE api_tokens (
  token TEXT NOT NULL PRIMARY KEY,
  user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  expires_at TIMESTAMP
);
INSERT INTO __diesel_schema_migrations (version) VALUES ('20240101120000');
INSERT INTO users (id, name, hair_color) VALUES (100, 'Sean', 'black'), (205, 'Tess', NULL);
INSERT INTO posts (user_id, title, body, published) VALUES (100, 'Hi', 'Body', 1), (205, 'Draft', '', 0);
INSERT INTO api_tokens VALUES ('t-1', 100, NULL), ('t-2', 205, '2030-01-01 00:00:00');
