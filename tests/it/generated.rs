//! Generated columns survive rebuilds and are never written by the copy
//! (docs/REBUILD_CASES.md, case 27).

use crate::common::*;
use migrate_dsl::migration;

migration! {
    static GENERATED;
    revision "0001" {
        create table item {
            id integer primary key,
            price real not null,
            qty integer not null,
            total real as (price * qty) stored,
            label text as ('#' || id) virtual,
        }
        insert into item (id, price, qty) values (1, 2.5, 4), (2, 1.0, 3);
    }
    revision "0002" {
        batch alter table item recreate = always {
            add column note text;
            rename column qty to quantity;
            add column doubled integer as (quantity * 2) virtual;
        }
    }
}

#[test]
fn case_d27_generated_columns_exist_after_a_rebuild_and_are_not_copied() {
    let db = TempDb::new();
    let mut conn = db.open();
    GENERATED.apply_pending(&mut conn).unwrap();
    let sql = schema_sql(&conn, "item").unwrap();
    assert!(
        sql.contains("\"total\" real GENERATED ALWAYS AS (price * \"quantity\") STORED"),
        "{sql}"
    );
    assert!(
        sql.contains("\"label\" text GENERATED ALWAYS AS ('#' || id) VIRTUAL"),
        "{sql}"
    );
    conn.execute(
        "INSERT INTO item (id, price, quantity) VALUES (3, 2.0, 5)",
        [],
    )
    .unwrap();
    let rows: Vec<(i64, f64, String, i64)> = conn
        .prepare("SELECT id, total, label, doubled FROM item ORDER BY id")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(
        rows,
        [
            (1, 10.0, "#1".to_owned(), 8),
            (2, 3.0, "#2".to_owned(), 6),
            (3, 10.0, "#3".to_owned(), 10)
        ]
    );
    assert_healthy(&conn);
}
