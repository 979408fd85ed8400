//! Pass cases: SQLite spellings real applications write are accepted,
//! rendered as SQLite expects, and behave as SQLite defines them.

use crate::common::*;
use migrate_dsl::migration;

migration! {
    static SPELLINGS;

    revision "0001_types" {
        create table item {
            id integer primary key,
            sku char(36) not null unique,
            title varchar(512) not null,
            price decimal(10, 2) not null default 0,
            ratio double precision default -1.5,
            stock unsigned big int default +3,
            seen_at timestamp with time zone,
            created_at datetime not null default current_timestamp,
            created_on date default current_date,
            created_time text default current_time,
            active boolean not null default true,
            archived bool default false,
            note text null,
            blob_any,
            total real generated always as (price * stock),
        }
    }

    revision "0002_kept_for_numbering" {}

    revision "0003_forward_keys" {
        alter table item add column last_order integer references orders (id) on delete set null;
        create table line {
            id integer primary key,
            order_id integer not null references orders (id) on delete cascade,
        }
        create table orders { id integer primary key, placed_at datetime }
    }

    revision "0004_trigger_is" {
        create table audit { item_id integer, what text }
        create trigger item_title after update on item when "new.title IS NOT old.title"
            as "INSERT INTO audit (item_id, what) VALUES (new.id, 'title')";
    }

    revision "0005_fts5" {
        sql "CREATE VIRTUAL TABLE item_fts USING fts5(title, content='item', content_rowid='id')"
            creates table item_fts (title);
        create trigger item_ai after insert on item
            as "INSERT INTO item_fts(rowid, title) VALUES (new.id, new.title)";
        create trigger item_ad after delete on item
            as "INSERT INTO item_fts(item_fts, rowid, title) VALUES ('delete', old.id, old.title)";
        create trigger item_au after update on item
            as "INSERT INTO item_fts(item_fts, rowid, title) VALUES ('delete', old.id, old.title); INSERT INTO item_fts(rowid, title) VALUES (new.id, new.title)";
        create view item_hits as "SELECT rowid, title, rank FROM item_fts";
    }

    revision "0006_repair" {
        batch alter table item recreate = always {}
    }

    revision "0007_more_sqlite" {
        create table tally { title text primary key, n integer not null default 0 }
        // An upsert's `excluded`, RAISE, ISNULL, a window frame the
        // checker's parser cannot read (SQLite judges it), json_each.
        create trigger item_tally after insert on item
            as "INSERT INTO tally (title, n) VALUES (new.title, 1)
                ON CONFLICT (title) DO UPDATE SET n = tally.n + excluded.n";
        create trigger item_guard before update on item when "new.title ISNULL"
            as "SELECT RAISE(ABORT, 'a title is required')";
        create view ranked as "
            SELECT title, sum(n) OVER (ORDER BY n GROUPS BETWEEN 1 PRECEDING AND CURRENT ROW EXCLUDE TIES) AS s
            FROM tally";
        create view parts as "SELECT j.value AS part FROM item, json_each('[1, 2]') AS j";
    }
}

#[test]
fn real_world_spellings_apply_and_behave_as_sqlite_defines() {
    let db = TempDb::new();
    let mut conn = db.open();
    SPELLINGS.apply_pending(&mut conn).unwrap();
    let sql = schema_sql(&conn, "item").unwrap();
    for part in [
        "\"sku\" char(36) UNIQUE NOT NULL",
        "\"title\" varchar(512) NOT NULL",
        "\"seen_at\" timestamp with time zone",
        "\"stock\" unsigned big int",
        "\"blob_any\"",
        "\"last_order\" integer REFERENCES \"orders\" (\"id\") ON DELETE SET NULL",
    ] {
        assert!(sql.contains(part), "{part} in {sql}");
    }
    conn.execute("INSERT INTO item (sku, title) VALUES ('a', 'Widget')", [])
        .unwrap();
    let (price, ratio, stock, active, archived, created): (i64, f64, i64, i64, i64, String) = conn
        .query_row(
            "SELECT price, ratio, stock, active, archived, created_at FROM item",
            [],
            |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                ))
            },
        )
        .unwrap();
    assert_eq!((price, ratio, stock, active, archived), (0, -1.5, 3, 1, 0));
    assert_eq!(created.len(), "2026-01-01 00:00:00".len(), "{created}");
    // Affinity: `decimal` is NUMERIC, `varchar` TEXT, `unsigned big int`
    // INTEGER, no type BLOB.
    conn.execute(
        "UPDATE item SET price = '12.50', title = 42, stock = '7', blob_any = '8'",
        [],
    )
    .unwrap();
    let types: (String, String, String, String) = conn
        .query_row(
            "SELECT typeof(price), typeof(title), typeof(stock), typeof(blob_any) FROM item",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .unwrap();
    assert_eq!(
        types,
        (
            "real".into(),
            "text".into(),
            "integer".into(),
            "text".into()
        )
    );
    // The forward key works, the trigger with IS fires, FTS stays in sync.
    conn.execute("INSERT INTO orders (id) VALUES (1)", [])
        .unwrap();
    conn.execute("INSERT INTO line (order_id) VALUES (1)", [])
        .unwrap();
    conn.execute("DELETE FROM orders", []).unwrap();
    let lines: i64 = conn
        .query_row("SELECT count(*) FROM line", [], |r| r.get(0))
        .unwrap();
    assert_eq!(lines, 0, "ON DELETE CASCADE through the forward key");
    conn.execute("UPDATE item SET title = 'Gadget'", [])
        .unwrap();
    let hits: i64 = conn
        .query_row(
            "SELECT count(*) FROM item_fts WHERE item_fts MATCH 'gadget'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(hits, 1);
    conn.execute("INSERT INTO item (sku, title) VALUES ('b', 'Gadget')", [])
        .unwrap();
    let n: i64 = conn
        .query_row("SELECT n FROM tally WHERE title = 'Gadget'", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(n, 1, "the upsert trigger ran");
    let refused = conn
        .execute("UPDATE item SET title = NULL", [])
        .unwrap_err();
    assert!(
        refused.to_string().contains("a title is required"),
        "{refused}"
    );
    assert_healthy(&conn);
}
