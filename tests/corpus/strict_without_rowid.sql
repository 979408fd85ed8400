-- STRICT and WITHOUT ROWID tables, alone and together.
CREATE TABLE kv (k TEXT PRIMARY KEY, v ANY, updated INT NOT NULL) STRICT, WITHOUT ROWID;
CREATE TABLE counters (name TEXT NOT NULL, n INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (name)) WITHOUT ROWID;
CREATE TABLE measurements (id INTEGER PRIMARY KEY, sensor TEXT NOT NULL, value REAL NOT NULL, at INTEGER NOT NULL) STRICT;
CREATE INDEX measurements_sensor_at ON measurements (sensor, at);
INSERT INTO kv VALUES ('a', 1, 10), ('b', 'two', 11), ('c', X'03', 12);
INSERT INTO counters VALUES ('visits', 42);
INSERT INTO measurements VALUES (3, 'temp', 21.5, 1700000000), (8, 'temp', 22.0, 1700000060);
