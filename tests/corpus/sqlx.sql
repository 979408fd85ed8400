-- sqlx: migrations/*.sql, a table referencing one created after it (SQLite
-- resolves foreign keys when used), BLOB checksums, BOOLEAN NOT NULL.
CREATE TABLE _sqlx_migrations (
    version BIGINT PRIMARY KEY,
    description TEXT NOT NULL,
    installed_on TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    success BOOLEAN NOT NULL,
    checksum BLOB NOT NULL,
    execution_time BIGINT NOT NULL
);
CREATE TABLE sessions (
    id TEXT NOT NULL PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    expires_at TIMESTAMP NOT NULL,
    data BLOB
);
CREATE TABLE users (
    id INTEGER PRIMARY KEY NOT NULL,
    username TEXT NOT NULL UNIQUE COLLATE NOCASE,
    created_at TIMESTAMP NOT NULL DEFAULT (datetime('now'))
);
CREATE TABLE todos (
    id INTEGER PRIMARY KEY NOT NULL,
    description TEXT NOT NULL,
    done BOOLEAN NOT NULL DEFAULT FALSE
);
INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) VALUES (20240101, 'init', 1, X'DEADBEEF', 1200);
INSERT INTO users (id, username) VALUES (1, 'ann'), (2, 'Bob');
INSERT INTO sessions VALUES ('s1', 1, '2030-01-01', X'00FF'), ('s2', 2, '2030-01-02', NULL);
INSERT INTO todos (description, done) VALUES ('write', 0), ('ship', 1);
