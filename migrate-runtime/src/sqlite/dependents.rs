//! Views and triggers SQLite can no longer compile: checked before and
//! after a rebuild, so a change that breaks one (a column it uses dropped,
//! a table it reads gone) is refused naming it, while one that was already
//! broken before is reported and never blamed.
//!
//! SQLite compiles a trigger when it prepares a statement that fires it, so
//! a table's (or view's) triggers are checked by preparing — never running
//! — an `INSERT`, `UPDATE` and `DELETE` for the events they have.

use crate::error::{Context, Error, ErrorKind};
use crate::report::AlreadyBroken;
use migrate_dsl_core::ddl;
use migrate_dsl_core::plan::ObjectKind;
use migrate_dsl_core::{render, sql};
use rusqlite::Connection;

/// A view or trigger that does not compile.
pub(crate) struct Broken {
    /// A view or a trigger.
    pub(crate) kind: ObjectKind,
    /// Its name.
    pub(crate) name: String,
    /// For a trigger, the table or view it is on; for a view, itself.
    pub(crate) on: String,
    /// Its SQL.
    pub(crate) sql: String,
    /// SQLite's error.
    pub(crate) source: rusqlite::Error,
}

impl Broken {
    /// The report's entry for an object broken before `revision` ran.
    pub(crate) fn already(&self, revision: &str) -> AlreadyBroken {
        AlreadyBroken {
            revision: revision.to_owned(),
            kind: self.kind,
            name: self.name.clone(),
            message: self.source.to_string(),
        }
    }
}

/// Every view and trigger of the main schema that SQLite cannot compile.
pub(crate) fn broken(conn: &Connection) -> Result<Vec<Broken>, Error> {
    let mut objects: Vec<(ObjectKind, String, String, String)> =
        crate::sqlite::catalog::objects(conn, "main")?
            .into_iter()
            .filter(|o| matches!(o.kind, ObjectKind::View | ObjectKind::Trigger))
            .map(|o| (o.kind, o.name, o.table, o.sql))
            .collect();
    // Views first, each kind by name: the order errors are reported in.
    objects.sort_by(|a, b| (a.0 != ObjectKind::View, &a.1).cmp(&(b.0 != ObjectKind::View, &b.1)));
    let mut out = Vec::new();
    for (kind, name, on, sql) in objects {
        let statements = if kind == ObjectKind::View {
            vec![format!("SELECT * FROM main.{} LIMIT 0", sql::ident(&name))]
        } else {
            firing(conn, &on, &sql)
        };
        // Prepared, never run: compile checks, not statements sent (a
        // failure here is the object's, so no fault is injected into them).
        let failed = statements.iter().find_map(|s| conn.prepare(s).err());
        if let Some(source) = failed {
            out.push(Broken {
                kind,
                name,
                on,
                sql,
                source,
            });
        }
    }
    Ok(out)
}

/// The statement that makes SQLite compile trigger `sql` on `table`.
fn firing(conn: &Connection, table: &str, sql: &str) -> Vec<String> {
    let Some(event) = ddl::parse_trigger(sql).map(|t| t.event) else {
        return Vec::new();
    };
    let target = format!("main.{}", sql::ident(table));
    render::firing_sql(&target, &[event.as_str()], &writable_columns(conn, table))
}

/// The columns an UPDATE may set (not generated).
fn writable_columns(conn: &Connection, table: &str) -> Vec<String> {
    let Ok(mut stmt) = conn.prepare(render::WRITABLE_COLUMNS_SQL) else {
        return Vec::new();
    };
    let rows = stmt.query_map([table], |r| r.get(0));
    rows.map(|rows| rows.filter_map(Result::ok).collect())
        .unwrap_or_default()
}

/// Fails, naming it, on the first view or trigger that does not compile
/// now and did compile before (`broken_before`): what `operation` of
/// `revision`, changing `table`, broke.
pub(crate) fn check(
    conn: &Connection,
    broken_before: &[Broken],
    revision: &str,
    operation: &str,
    table: &str,
) -> Result<(), Error> {
    let was_broken = |b: &Broken| {
        broken_before
            .iter()
            .any(|x| x.kind == b.kind && x.name.eq_ignore_ascii_case(&b.name))
    };
    let Some(b) = broken(conn)?.into_iter().find(|b| !was_broken(b)) else {
        return Ok(());
    };
    let kind = match b.kind {
        ObjectKind::View => ErrorKind::Broken(crate::error::Broken::BrokenView {
            view: b.name,
            view_sql: b.sql,
            source: b.source,
        }),
        _ => ErrorKind::Broken(crate::error::Broken::BrokenTrigger {
            trigger: b.name,
            on: b.on,
            trigger_sql: b.sql,
            source: b.source,
        }),
    };
    Err(Error::at(
        Context::revision(revision)
            .operation(operation)
            .table(table),
        kind,
    ))
}

/// Whether a statement can break a view or trigger that SQLite does not
/// re-check by itself: a table dropped, or altered.
pub(crate) fn may_break(sql: &str) -> bool {
    // Asked of every schema statement: no allocation.
    let mut words = sql.split_whitespace();
    let (Some(verb), Some(object)) = (words.next(), words.next()) else {
        return false;
    };
    (verb.eq_ignore_ascii_case("DROP") || verb.eq_ignore_ascii_case("ALTER"))
        && object.eq_ignore_ascii_case("TABLE")
}

/// Removes the objects in `broken` (see [`put_back`]): SQLite refuses
/// `RENAME COLUMN`, `DROP COLUMN` and `RENAME TABLE` while any view or
/// trigger of the database does not compile, even one that has nothing to
/// do with the change. Inside the revision's transaction, so a failure puts
/// them back too.
pub(crate) fn set_aside(conn: &Connection, broken: &[Broken]) -> Result<(), Error> {
    for b in in_order(broken) {
        let drop = format!(
            "DROP {} main.{}",
            b.kind.as_str().to_ascii_uppercase(),
            sql::ident(&b.name)
        );
        send(conn, &drop, "set a broken object aside")?;
    }
    Ok(())
}

/// Recreates the objects [`set_aside`] removed, from their SQL verbatim:
/// they are as they were, still broken.
pub(crate) fn put_back(conn: &Connection, broken: &[Broken]) -> Result<(), Error> {
    for b in in_order(broken).into_iter().rev() {
        send(conn, &b.sql, "put a broken object back")?;
    }
    Ok(())
}

/// Triggers first (one may be on a broken view), views after.
fn in_order(broken: &[Broken]) -> Vec<&Broken> {
    let mut order: Vec<&Broken> = broken
        .iter()
        .filter(|b| b.kind == ObjectKind::Trigger)
        .collect();
    order.extend(broken.iter().filter(|b| b.kind == ObjectKind::View));
    order
}

fn send(conn: &Connection, sql: &str, action: &str) -> Result<(), Error> {
    crate::fault::checked(|| conn.execute_batch(sql)).map_err(|source| {
        Error::from(ErrorKind::Connection {
            action: format!("{action} ({sql})"),
            source,
        })
    })
}
