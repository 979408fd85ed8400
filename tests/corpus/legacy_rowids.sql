-- Tables whose rowid is not a column (no primary key; INT PRIMARY KEY is no
-- alias; TEXT key), with gaps in their rowids, and untyped columns.
CREATE TABLE log (at TEXT NOT NULL, level TEXT, msg);
CREATE TABLE files (path TEXT PRIMARY KEY, content BLOB, size INT NOT NULL DEFAULT 0);
CREATE TABLE t_int (id INT PRIMARY KEY, v);
INSERT INTO log VALUES ('t1', 'info', 'a'), ('t2', 'warn', 'b'), ('t3', 'info', 'c'), ('t4', 'error', 4);
DELETE FROM log WHERE at = 't2';
INSERT INTO files VALUES ('/a', X'00', 1), ('/b', NULL, 0);
INSERT INTO t_int VALUES (5, 'five'), (9, 9.5);
DELETE FROM t_int WHERE id = 5;
INSERT INTO t_int VALUES (6, NULL);
