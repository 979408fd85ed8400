-- Self-references, ON UPDATE before ON DELETE, COLLATE NOCASE, a view on a
-- view, and an INSTEAD OF trigger.
CREATE TABLE categories (id INTEGER PRIMARY KEY, parent_id INTEGER REFERENCES categories(id) ON DELETE SET NULL, name TEXT NOT NULL COLLATE NOCASE, UNIQUE (parent_id, name));
CREATE TABLE products (id INTEGER PRIMARY KEY, category_id INTEGER NOT NULL, sku TEXT NOT NULL, FOREIGN KEY (category_id) REFERENCES categories (id) ON UPDATE CASCADE ON DELETE RESTRICT);
CREATE UNIQUE INDEX products_sku ON products (sku COLLATE NOCASE);
CREATE VIEW product_names AS SELECT p.id, p.sku, c.name AS category FROM products p JOIN categories c ON c.id = p.category_id;
CREATE VIEW product_count AS SELECT category, count(*) AS n FROM product_names GROUP BY category;
CREATE TRIGGER product_names_insert INSTEAD OF INSERT ON product_names BEGIN INSERT INTO products (sku, category_id) SELECT new.sku, id FROM categories WHERE name = new.category; END;
INSERT INTO categories VALUES (1, NULL, 'root'), (2, 1, 'Tea'), (3, 1, 'Coffee');
INSERT INTO products VALUES (10, 2, 'GREEN'), (11, 3, 'ARABICA');
