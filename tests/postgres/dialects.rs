//! Two dialects without rewriting (issue 27): a history written once for
//! SQLite and PostgreSQL, in SQLite's spellings where PostgreSQL has the
//! same thing under another name.

use super::catalog;
use super::server::{self, database};

migrate_dsl::migration! {
    /// Types as SQLite applications write them; PostgreSQL is sent its own
    /// names (`docs/DSL.md`, "PostgreSQL").
    static SPELLINGS;
    dialects sqlite, postgres;
    revision "0001" {
        create table events {
            id integer primary key,
            at datetime not null,
            stamped datetime(3),
            payload blob,
            title nvarchar(40) not null,
            code nchar(2),
            score double,
            level tinyint,
            rank mediumint,
            big unsigned big int,
            notes clob
        }
        insert into events (id, at, stamped, payload, title, code, score, level, rank, big, notes)
            values (1, "2024-05-01 10:00:00", "2024-05-01 10:00:00.125", b"\x00\xff", "launch", "fr", 1.5, 3, 70000, 9000000000, "long text");
    }
    revision "0002" {
        batch alter table events {
            add column seen datetime;
            alter column level type mediumint;
        }
    }
    revision "0003" {
        batch alter table events recreate = always {
            alter column score type real;
        }
    }
}

#[test]
fn sqlite_spellings_of_postgres_types_are_sent_as_postgres_names() {
    let db = database("spellings");
    let mut client = db.connect();
    SPELLINGS.apply_pending(&mut client).unwrap();
    let columns: Vec<String> = catalog(&mut client)
        .into_iter()
        .filter(|l| l.starts_with("column events."))
        .collect();
    for expected in [
        "column events.at timestamp without time zone not null -",
        "column events.stamped timestamp(3) without time zone null -",
        "column events.payload bytea null -",
        "column events.title character varying(40) not null -",
        "column events.code character(2) null -",
        "column events.level integer null -",
        "column events.rank integer null -",
        "column events.big bigint null -",
        "column events.notes text null -",
        "column events.seen timestamp without time zone null -",
        "column events.score real null -",
    ] {
        assert!(
            columns.iter().any(|c| c == expected),
            "{expected} in {columns:#?}"
        );
    }
    // The values arrived as the types say.
    let row = client
        .query_one(
            "SELECT at::text, stamped::text, payload, title, code FROM events",
            &[],
        )
        .unwrap();
    assert_eq!(row.get::<_, String>(0), "2024-05-01 10:00:00");
    assert_eq!(row.get::<_, String>(1), "2024-05-01 10:00:00.125");
    assert_eq!(row.get::<_, Vec<u8>>(2), [0x00, 0xff]);
    assert_eq!(row.get::<_, String>(3), "launch");
    assert_eq!(row.get::<_, String>(4), "fr");
    // No drift, and every revision undone and done again the same.
    assert!(SPELLINGS.check(&mut client).unwrap().is_empty());
    migrate_dsl::testing::postgres::assert_history_consistent(&SPELLINGS, server::server());
}

#[test]
fn sqlite_keeps_the_types_as_written() {
    let mut conn = migrate_dsl::rusqlite::Connection::open_in_memory().unwrap();
    SPELLINGS.apply_pending(&mut conn).unwrap();
    let sql: String = conn
        .query_row(
            "SELECT sql FROM sqlite_schema WHERE name = 'events'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    for written in [
        "\"at\" datetime NOT NULL",
        "\"payload\" blob",
        "\"title\" nvarchar(40) NOT NULL",
    ] {
        assert!(sql.contains(written), "{written} in {sql}");
    }
    assert!(SPELLINGS.check(&mut conn).unwrap().is_empty());
}

migrate_dsl::migration! {
    /// A data change each engine writes in its own SQL, and one both read.
    static PER_DIALECT;
    dialects sqlite, postgres;
    revision "0001" {
        create table sessions { id integer primary key, token text, created text }
        insert into sessions (id) values (1), (2);
    }
    revision "0002" {
        sql sqlite: "UPDATE sessions SET token = lower(hex(randomblob(16)))",
            postgres: "UPDATE sessions SET token = md5(random()::text || id::text)"
            touches (sessions);
        sql "UPDATE sessions SET created = 'then' WHERE created IS NULL" touches (sessions);
    }
}

/// The tokens of `rows`: 32 lower-case hex digits each, all different.
fn assert_tokens(tokens: &[String]) {
    assert_eq!(tokens.len(), 2);
    for t in tokens {
        assert!(
            t.len() == 32
                && t.chars()
                    .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase()),
            "{t}"
        );
    }
    assert_ne!(tokens[0], tokens[1]);
}

#[test]
fn raw_sql_per_dialect_runs_each_engines_own_statements() {
    let db = database("per_dialect_sql");
    let mut client = db.connect();
    PER_DIALECT.apply_pending(&mut client).unwrap();
    let rows = client
        .query("SELECT token, created FROM sessions ORDER BY id", &[])
        .unwrap();
    let tokens: Vec<String> = rows.iter().map(|r| r.get(0)).collect();
    assert_tokens(&tokens);
    assert!(rows.iter().all(|r| r.get::<_, String>(1) == "then"));

    let mut conn = migrate_dsl::rusqlite::Connection::open_in_memory().unwrap();
    PER_DIALECT.apply_pending(&mut conn).unwrap();
    let mut stmt = conn
        .prepare("SELECT token FROM sessions ORDER BY id")
        .unwrap();
    let tokens: Vec<String> = stmt
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_tokens(&tokens);

    // The offline scripts carry each engine's statements.
    let sqlite = PER_DIALECT
        .script(
            migrate_dsl::Dialect::Sqlite,
            None,
            migrate_dsl::Target::Head,
        )
        .unwrap();
    let postgres = PER_DIALECT
        .script(
            migrate_dsl::Dialect::Postgres,
            None,
            migrate_dsl::Target::Head,
        )
        .unwrap();
    assert!(
        sqlite.contains("randomblob") && !sqlite.contains("md5("),
        "{sqlite}"
    );
    assert!(
        postgres.contains("md5(") && !postgres.contains("randomblob"),
        "{postgres}"
    );
}

migrate_dsl::migration! {
    /// Foreign keys to tables made later in the same revision, as SQLite
    /// allows: PostgreSQL gets each key once its parent exists.
    static FORWARD;
    dialects sqlite, postgres;
    revision "0001" {
        create table documents {
            id integer primary key,
            folder_id integer references folders on delete cascade,
            owner_id integer,
            foreign key (owner_id) references owners (id)
        }
        create table folders { id integer primary key, name text not null }
        insert into folders (id, name) values (1, "inbox");
        create table owners { id integer primary key }
    }
    revision "0002" {
        create table notes { id integer primary key, document_id integer references documents }
    }
}

#[test]
fn a_foreign_key_to_a_table_made_later_in_the_revision() {
    let db = database("forward_keys");
    let mut client = db.connect();
    FORWARD.apply_pending(&mut client).unwrap();
    let keys: Vec<String> = catalog(&mut client)
        .into_iter()
        .filter(|l| l.starts_with("constraint documents.fk_"))
        .collect();
    assert_eq!(
        keys,
        [
            "constraint documents.fk_documents_folder_id_folders FOREIGN KEY (folder_id) REFERENCES folders(id) ON DELETE CASCADE",
            "constraint documents.fk_documents_owner_id_owners FOREIGN KEY (owner_id) REFERENCES owners(id)",
        ]
    );
    // Enforced: a document in a folder that does not exist is refused.
    let refused = client.execute("INSERT INTO documents (id, folder_id) VALUES (1, 42)", &[]);
    assert!(refused.is_err());
    client
        .execute("INSERT INTO documents (id, folder_id) VALUES (1, 1)", &[])
        .unwrap();
    assert!(FORWARD.check(&mut client).unwrap().is_empty());
    migrate_dsl::testing::postgres::assert_history_consistent(&FORWARD, server::server());

    // SQLite: the same history, the keys inline as written.
    let mut conn = migrate_dsl::rusqlite::Connection::open_in_memory().unwrap();
    FORWARD.apply_pending(&mut conn).unwrap();
    assert!(FORWARD.check(&mut conn).unwrap().is_empty());
}

migrate_dsl::migration! {
    /// The same from a revision file.
    static FROM_FILES;
    dialects sqlite, postgres;
    revisions from "revisions";
}

#[test]
fn a_revision_file_writes_sql_per_dialect_in_single_quotes() {
    let db = database("per_dialect_file");
    let mut client = db.connect();
    FROM_FILES.apply_pending(&mut client).unwrap();
    let token: String = client
        .query_one("SELECT token FROM sessions", &[])
        .unwrap()
        .get(0);
    assert_eq!(token.len(), 8, "{token}");
    let mut conn = migrate_dsl::rusqlite::Connection::open_in_memory().unwrap();
    FROM_FILES.apply_pending(&mut conn).unwrap();
    let token: String = conn
        .query_row("SELECT token FROM sessions", [], |r| r.get(0))
        .unwrap();
    assert_eq!(token.len(), 8, "{token}");
}
