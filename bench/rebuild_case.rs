//! Issue 5's rebuild case, shared by `benches/rebuild.rs` (criterion, vs
//! the floor) and `bench/peers/rebuild_ours` (the peer comparison): the
//! history, the database it starts from, and the floor — the same 12 steps
//! sent by hand through rusqlite.

use migrate_dsl::migration;
use migrate_dsl::rusqlite::Connection;
use migrate_dsl::{Options, Target};
use std::path::Path;

migration! {
    pub static ITEMS;
    revision "0001" {
        create table items {
            id integer primary key,
            name text not null,
            qty integer not null,
            price real,
            note text,
        }
        create index items_name on items (name);
        create index items_qty_price on items (qty, price);
        create table orders { id integer primary key, item_id integer references items (id) }
    }
    revision "0002" {
        batch alter table items recreate = always { alter column qty drop not null; }
    }
}

migration! {
    /// The same change as planned (`recreate = auto`): in place on SQLite
    /// 3.53 and later (`ALTER COLUMN … DROP NOT NULL`), no copy.
    pub static ITEMS_PLANNED;
    revision "0001" {
        create table items {
            id integer primary key,
            name text not null,
            qty integer not null,
            price real,
            note text,
        }
        create index items_name on items (name);
        create index items_qty_price on items (qty, price);
        create table orders { id integer primary key, item_id integer references items (id) }
    }
    revision "0002" {
        batch alter table items { alter column qty drop not null; }
    }
}

/// The 12 steps by hand, with the statements the runtime sends (the new
/// table's definition as the model renders it).
const FLOOR: &str = r#"
BEGIN IMMEDIATE;
CREATE TABLE "_migrate_tmp_items" ("id" INTEGER PRIMARY KEY, "name" TEXT NOT NULL, "qty" INTEGER, "price" REAL, "note" TEXT);
INSERT INTO "_migrate_tmp_items" ("id", "name", "qty", "price", "note") SELECT "id", "name", "qty", "price", "note" FROM "items";
DROP TABLE "items";
ALTER TABLE "_migrate_tmp_items" RENAME TO "items";
CREATE INDEX "items_name" ON "items" ("name");
CREATE INDEX "items_qty_price" ON "items" ("qty", "price");
"#;

migration! {
    /// A DEFAULT changed (revision 0001 as in [`ITEMS`]): an edit of the
    /// definition after a read-only scan for rows stored before the column
    /// was added (none here).
    pub static ITEMS_DEFAULT;
    revision "0001" {
        create table items {
            id integer primary key,
            name text not null,
            qty integer not null,
            price real,
            note text,
        }
        create index items_name on items (name);
        create index items_qty_price on items (qty, price);
        create table orders { id integer primary key, item_id integer references items (id) }
    }
    revision "0002" {
        batch alter table items { alter column price set default (0); }
    }
}

migration! {
    /// The same DEFAULT change by the rebuild.
    pub static ITEMS_DEFAULT_FORCED;
    revision "0001" {
        create table items {
            id integer primary key,
            name text not null,
            qty integer not null,
            price real,
            note text,
        }
        create index items_name on items (name);
        create index items_qty_price on items (qty, price);
        create table orders { id integer primary key, item_id integer references items (id) }
    }
    revision "0002" {
        batch alter table items recreate = always { alter column price set default (0); }
    }
}

/// Creates the database at `path` at revision 0001 with `rows` items and
/// `rows / 10` orders (deterministic values; a third of the notes NULL).
pub fn prepare(path: &Path, rows: u64) {
    let mut conn = Connection::open(path).unwrap();
    ITEMS
        .migrate(&mut conn, Target::UpTo("0001"), &Options::default())
        .unwrap();
    conn.execute_batch(&format!(
        "BEGIN;
         WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {rows})
         INSERT INTO items (id, name, qty, price, note)
           SELECT i, 'item ' || (i * 7919 % {rows}), i % 100, (i % 1000) / 10.0,
                  CASE WHEN i % 3 = 0 THEN NULL ELSE 'note ' || i END FROM n;
         WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {rows} / 10)
         INSERT INTO orders (id, item_id) SELECT i, i * 10 FROM n;
         COMMIT;"
    ))
    .unwrap();
}

/// Rebuilds `items` by the 12 steps without migrate-dsl: foreign keys off
/// outside the transaction, create, copy, drop, rename, indexes, foreign
/// key check of `items` and `orders`, commit, foreign keys back on.
pub fn floor(conn: &Connection) {
    conn.pragma_update(None, "foreign_keys", false).unwrap();
    conn.execute_batch(FLOOR).unwrap();
    for table in ["items", "orders"] {
        let violations: i64 = conn
            .query_row(
                "SELECT count(*) FROM pragma_foreign_key_check(?1)",
                [table],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(violations, 0);
    }
    conn.execute_batch("COMMIT").unwrap();
    conn.pragma_update(None, "foreign_keys", true).unwrap();
}
