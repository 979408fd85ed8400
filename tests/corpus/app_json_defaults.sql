-- A small application's hand-written schema: JSON, DOUBLE PRECISION,
-- UNSIGNED BIG INT, NUMERIC(p, s), expression defaults, a view and a
-- trigger with RAISE.
CREATE TABLE settings (key TEXT PRIMARY KEY NOT NULL, value TEXT, updated_at DATETIME DEFAULT CURRENT_TIMESTAMP);
CREATE TABLE events (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  kind TEXT NOT NULL CHECK (kind IN ('a', 'b')),
  payload JSON,
  ts INTEGER NOT NULL DEFAULT (strftime('%s', 'now')),
  ratio DOUBLE PRECISION DEFAULT -1.5,
  n UNSIGNED BIG INT,
  amount NUMERIC(20, 4),
  uuid CHAR(36) NOT NULL DEFAULT (lower(hex(randomblob(16))))
);
CREATE INDEX events_kind_ts ON events (kind, ts DESC);
CREATE VIEW recent_events AS SELECT id, kind, ts FROM events WHERE ts > strftime('%s', 'now') - 86400;
CREATE TRIGGER events_no_negative BEFORE INSERT ON events WHEN new.ts < 0 BEGIN SELECT RAISE(ABORT, 'negative ts'); END;
INSERT INTO settings (key, value) VALUES ('theme', 'dark');
INSERT INTO events (kind, payload, ts, n, amount) VALUES ('a', '{"x": 1}', 1700000000, 18446744073709, 12.3456), ('b', NULL, 1700000100, NULL, NULL);
