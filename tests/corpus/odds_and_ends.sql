-- Things found in databases that grew for years: ANALYZE statistics, an
-- R*Tree index with its shadow tables, a table made by CREATE TABLE … AS
-- SELECT, IF NOT EXISTS everywhere, a temp-looking name, comments in DDL.
CREATE TABLE IF NOT EXISTS places (
    id INTEGER PRIMARY KEY, -- the key
    name TEXT NOT NULL /* display name */ COLLATE NOCASE,
    lat REAL, lon REAL
);
CREATE INDEX IF NOT EXISTS places_name ON places (name);
CREATE VIRTUAL TABLE places_box USING rtree(id, min_lat, max_lat, min_lon, max_lon);
CREATE TABLE place_names AS SELECT id, name FROM places;
CREATE TABLE "tmp_import" (line INT, raw BLOB);
INSERT INTO places VALUES (1, 'Oslo', 59.9, 10.7), (2, 'Bergen', 60.4, 5.3);
INSERT INTO places_box VALUES (1, 59.8, 60.0, 10.6, 10.8);
INSERT INTO place_names SELECT id, name FROM places;
ANALYZE;
