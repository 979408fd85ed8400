//! The command line, mounted for a small history in one line:
//!
//! ```sh
//! cargo run --example cli -- --database notes.db up --create
//! cargo run --example cli -- --database notes.db status
//! cargo run --example cli -- --help
//! ```

use migrate_dsl::rusqlite::Connection;
use migrate_dsl::{migration, BoxError};

migration! {
    /// A notes application's history.
    static MIGRATIONS;

    revision "0001_notes" {
        create table notes {
            id integer primary key,
            title varchar(200) not null,
            body text,
            created_at datetime not null default (current_timestamp),
        }
        create index notes_created on notes (created_at);
    }

    revision "0002_tags" {
        create table tags { id integer primary key, name text not null unique }
        create table note_tags {
            note_id integer not null references notes on delete cascade,
            tag_id integer not null references tags on delete cascade,
            primary key (note_id, tag_id),
        }
    }

    revision "0003_pinned" {
        batch alter table notes {
            add column pinned boolean not null default (false);
            alter column title set default ("untitled");
        }
        run pin_welcome_note;
        down {
            batch alter table notes {
                drop column pinned;
                alter column title drop default;
            }
        }
    }
}

/// Pins the note titled "welcome", if there is one.
fn pin_welcome_note(conn: &Connection) -> Result<(), BoxError> {
    conn.execute("UPDATE notes SET pinned = 1 WHERE title = 'welcome'", [])?;
    Ok(())
}

fn main() -> std::process::ExitCode {
    migrate_dsl::cli::main(&MIGRATIONS)
}
