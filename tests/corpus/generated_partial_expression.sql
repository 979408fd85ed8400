-- Generated columns (stored and virtual), partial, expression, DESC and
-- COLLATE indexes.
CREATE TABLE orders (
  id INTEGER PRIMARY KEY,
  qty INTEGER NOT NULL,
  unit_price REAL NOT NULL,
  total REAL GENERATED ALWAYS AS (qty * unit_price) STORED,
  label TEXT AS ('#' || id) VIRTUAL,
  status TEXT NOT NULL DEFAULT 'new',
  deleted_at TEXT,
  email TEXT
);
CREATE INDEX orders_open ON orders (status) WHERE deleted_at IS NULL;
CREATE UNIQUE INDEX orders_email_ci ON orders (lower(email)) WHERE email IS NOT NULL;
CREATE INDEX orders_total_desc ON orders (total DESC, id);
CREATE INDEX orders_status_nocase ON orders (status COLLATE NOCASE);
INSERT INTO orders (id, qty, unit_price, email) VALUES (1, 2, 1.5, 'A@x.io'), (4, 1, 10, NULL);
