//! A history kept one revision per file (`revisions from "dir";`, issue
//! 15), mixed with inline revisions: ordered by file name, ids from the
//! file stem unless the file says otherwise, hooks and `down` blocks as
//! inline. (Errors pointing into a file: `ui-tests/revision_files.rs`.)

use crate::common::*;
use migrate_dsl::rusqlite::Connection;
use migrate_dsl::{migration, BoxError};

fn welcome(conn: &Connection) -> Result<(), BoxError> {
    conn.execute(
        "INSERT INTO users (id, email) VALUES (1, 'welcome@example.com')",
        [],
    )?;
    conn.execute("INSERT INTO posts (user_id, title) VALUES (1, 'hello')", [])?;
    Ok(())
}

migration! {
    static FROM_FILES;
    revision "0000_inline_first" {
        create table settings { key text primary key, value text }
    }
    revisions from "revisions";
    revision "0100_inline_after" {
        create view post_titles as "SELECT title FROM posts";
    }
}

#[test]
fn revisions_come_from_files_in_name_order() {
    let ids: Vec<&str> = FROM_FILES.revisions().iter().map(|r| r.id()).collect();
    assert_eq!(
        ids,
        [
            "0000_inline_first",
            "0001_users",
            "0002_posts_and_a_welcome",
            "0003_titles",
            "0100_inline_after"
        ]
    );
    // The build read every file of the directory, and knows the
    // directory: a file added since is listed (and only while it exists).
    assert_eq!(
        FROM_FILES.unbuilt_revision_files(),
        Vec::<std::path::PathBuf>::new()
    );
    {
        struct Remove(std::path::PathBuf);
        impl Drop for Remove {
            fn drop(&mut self) {
                let _ = std::fs::remove_file(&self.0);
            }
        }
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("it/revisions");
        let added = Remove(dir.join(format!("9999_added_{}.mig", std::process::id())));
        std::fs::write(&added.0, "create table later { id integer primary key }\n").unwrap();
        assert_eq!(
            FROM_FILES.unbuilt_revision_files(),
            [added.0.canonicalize().unwrap()]
        );
    }
    let db = TempDb::new();
    let mut conn = db.open();
    FROM_FILES.apply_pending(&mut conn).unwrap();
    assert_eq!(strings(&conn, "SELECT title FROM post_titles"), ["hello"]);
    conn.execute("INSERT INTO posts (user_id) VALUES (1)", [])
        .unwrap();
    assert_eq!(
        strings(&conn, "SELECT title FROM posts ORDER BY id"),
        ["hello", "untitled"]
    );
    // The `down` block of a file.
    FROM_FILES
        .migrate(
            &mut conn,
            migrate_dsl::Target::DownTo("0002_posts_and_a_welcome"),
            &Default::default(),
        )
        .unwrap();
    assert!(schema_sql(&conn, "posts_user").is_none());
    migrate_dsl::testing::assert_history_consistent(&FROM_FILES);
}
