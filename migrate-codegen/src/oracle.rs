//! SQLite as the last judge of the SQL in a history.
//!
//! The checker reads SQL with a parser that does not know every SQLite
//! construct, and what it cannot read it leaves opaque rather than refuse
//! (valid SQLite is never refused). So once a history passes the checker,
//! its plans are replayed here on an in-memory SQLite, statement by
//! statement, and after each one SQLite compiles whatever the statement may
//! have changed or broken: `SELECT *` from the table or view, and for a
//! table the `INSERT`, `UPDATE` and `DELETE` that fire its triggers and
//! evaluate its defaults; likewise every view and trigger whose SQL names
//! it. SQLite's own error (a misspelled function, a column a trigger still
//! uses, syntax the parser lacked and SQLite also refuses) becomes a
//! diagnostic on the operation, pointing at the word SQLite names when the
//! operation wrote it.
//!
//! Rows are never kept: `insert` and data-only `sql` run in a savepoint
//! that is rolled back, so a later constraint never fails on sample data.
//! Hooks (`run`) are Rust code and are not run.

use migrate_dsl_core::check::Checked;
use migrate_dsl_core::op::{
    BatchAlter, Change, ColumnAlter, ColumnConstraintKind, ColumnDef, Expr, History, IndexTarget,
    Op, TableConstraintKind,
};
use migrate_dsl_core::plan::{DefinitionEdit, InPlaceStep, Rebuild, RebuildStep, Step, Strategy};
use migrate_dsl_core::{render, sql, Diagnostic, Loc};
use rusqlite::Connection;

/// What SQLite refused: the statement and its message, and the object it
/// was compiling when that was not the statement's own table.
struct Problem {
    sql: String,
    message: String,
    /// The byte offset in `sql` of the token SQLite stopped at.
    offset: Option<usize>,
    broken: Option<(String, String)>,
}

/// Replays `checked` (the plans of `history`) on SQLite; returns SQLite's
/// objections, at most one per operation. A statement SQLite does not
/// execute ends the replay: what follows would build on a schema the model
/// does not describe.
pub(crate) fn check(history: &History, checked: &Checked) -> Vec<Diagnostic> {
    let Ok(conn) = Connection::open_in_memory() else {
        return Vec::new();
    };
    // One transaction for the whole replay: nothing is ever committed.
    if conn
        .execute_batch("PRAGMA foreign_keys = OFF; BEGIN")
        .is_err()
    {
        return Vec::new();
    }
    let mut out = Vec::new();
    let revisions = history.revisions.iter().zip(&checked.plans);
    for ((rev, plan), origins) in revisions.zip(&checked.origins) {
        // What the current operation's steps touched: compiled once all of
        // them ran (`replace view` drops before it creates).
        let mut touched: Vec<String> = Vec::new();
        for (i, (step, &index)) in plan.steps.iter().zip(origins).enumerate() {
            let Some(op) = rev.ops.get(index) else {
                continue;
            };
            match run(&conn, step) {
                Ok(Some(name)) => touched.push(name),
                Ok(None) => {}
                Err(problem) => {
                    out.push(diagnostic(op, &problem));
                    return out;
                }
            }
            let op_ends = origins.get(i + 1) != Some(&index);
            if op_ends {
                let reach = reach(op);
                let problem = touched
                    .drain(..)
                    .find_map(|t| probe_around(&conn, &t, reach).err());
                if let Some(problem) = problem {
                    out.push(diagnostic(op, &problem));
                }
            }
        }
    }
    out
}

/// What an operation can break, so what is compiled after it.
#[derive(Clone, Copy, PartialEq)]
enum Reach {
    /// Nothing that is not compiled by running it (an index).
    Nothing,
    /// The object it creates (its triggers, defaults, generated columns).
    Itself,
    /// The object and everything whose SQL names it (a drop, rename,
    /// alter or rebuild).
    Around,
}

fn reach(op: &Op) -> Reach {
    match op {
        Op::CreateIndex(_) => Reach::Nothing,
        Op::CreateTable(_) | Op::CreateView(_) | Op::CreateTrigger(_) | Op::Sql(_) => Reach::Itself,
        Op::IfExists(inner) => reach(inner),
        _ => Reach::Around,
    }
}

/// Runs one step: `Err` when SQLite refused it; else the table or view it
/// changed, if any.
fn run(conn: &Connection, step: &Step) -> Result<Option<String>, Problem> {
    Ok(match step {
        Step::Insert(st) => {
            rolled_back(conn, &st.sql)?;
            None
        }
        Step::Execute(st) => {
            execute(conn, &st.sql)?;
            Some(st.table.to_string())
        }
        Step::RawSql(raw) if raw.creates.is_none() => {
            data_only(conn, &raw.statement.sql)?;
            None
        }
        Step::RawSql(raw) => {
            execute(conn, &raw.statement.sql)?;
            Some(raw.statement.table.to_string())
        }
        Step::Rebuild(r) => {
            rebuild(conn, r)?;
            Some(r.table.to_string())
        }
        // What the runtime does on this SQLite: the statements where it
        // has them (no rows here, so the counts before them are moot),
        // else the edit of the definition, else the rebuild.
        Step::AlterInPlace(a) => {
            let linked = u32::try_from(rusqlite::version_number()).unwrap_or(0);
            match (a.strategy(linked, false), &a.native, &a.edit) {
                (Strategy::InPlace, Some(native), _) => {
                    for s in native.steps.iter() {
                        if let InPlaceStep::Execute(st) = s {
                            execute(conn, &st.sql)?;
                        }
                    }
                }
                (Strategy::EditDefinition, _, Some(edit)) => {
                    edit_definition(conn, &a.fallback.table, &edit.sql)?
                }
                _ => rebuild(conn, &a.fallback)?,
            }
            Some(a.fallback.table.to_string())
        }
        Step::Hook(_) => None,
    })
}

fn execute(conn: &Connection, statements: &str) -> Result<(), Problem> {
    conn.execute_batch(statements).map_err(|e| Problem {
        sql: statements.to_owned(),
        message: message(&e),
        offset: error_offset(&e, statements),
        broken: None,
    })
}

/// Where in `statements` SQLite stopped: its offset is into the statement
/// it was preparing, the tail of `statements`.
fn error_offset(e: &rusqlite::Error, statements: &str) -> Option<usize> {
    let rusqlite::Error::SqlInputError { sql, offset, .. } = e else {
        return None;
    };
    let offset = usize::try_from(*offset).ok()?;
    statements
        .len()
        .checked_sub(sql.len())
        .map(|start| start + offset)
}

/// Runs data statements and undoes them: they are checked, nothing kept.
fn rolled_back(conn: &Connection, statements: &str) -> Result<(), Problem> {
    execute(conn, "SAVEPOINT \"_migrate_oracle\"")?;
    let result = execute(conn, statements);
    execute(
        conn,
        "ROLLBACK TO \"_migrate_oracle\"; RELEASE \"_migrate_oracle\"",
    )?;
    result
}

/// Runs `sql` declared to change only data, and undoes it; a schema change
/// in it is refused, as the runtime would refuse it.
fn data_only(conn: &Connection, statements: &str) -> Result<(), Problem> {
    let before = schema(conn);
    execute(conn, "SAVEPOINT \"_migrate_oracle\"")?;
    let result = execute(conn, statements).map(|()| schema(conn));
    execute(
        conn,
        "ROLLBACK TO \"_migrate_oracle\"; RELEASE \"_migrate_oracle\"",
    )?;
    let after = result?;
    let changed: Vec<String> = after
        .iter()
        .filter(|o| !before.contains(o))
        .map(|(kind, name, _, _)| format!("creates or changes {kind} `{name}`"))
        .chain(
            before
                .iter()
                .filter(|o| !after.iter().any(|a| a.0 == o.0 && a.1 == o.1))
                .map(|(kind, name, _, _)| format!("drops {kind} `{name}`")),
        )
        .collect();
    if changed.is_empty() {
        return Ok(());
    }
    Err(Problem {
        sql: statements.to_owned(),
        message: format!(
            "this `sql` changes the schema ({}), which the history would not know",
            changed.join(", ")
        ),
        offset: None,
        broken: None,
    })
}

/// What the rebuild leaves, by the steps of [`Rebuild::procedure`] that
/// change the schema: the column renames, the new definition, its indexes
/// and triggers. There are no rows here, so instead of creating the new
/// table under its temporary name, copying and renaming it (an `ALTER
/// TABLE … RENAME` reparses the whole schema), the old table is dropped
/// and the definition created under the table's own name (its foreign keys
/// already name it).
fn rebuild(conn: &Connection, r: &Rebuild) -> Result<(), Problem> {
    let mut create = None;
    for step in r.procedure() {
        match step {
            RebuildStep::RenameColumn(sql) => execute(conn, sql)?,
            RebuildStep::Create(sql) => create = Some(sql),
            RebuildStep::DropOld(sql) => {
                execute(conn, &sql)?;
                let sql = create.unwrap_or_default();
                execute(
                    conn,
                    &sql.replacen(&sql::ident(&r.temp_table), &sql::ident(&r.table), 1),
                )?;
            }
            RebuildStep::Recreate(st) => execute(conn, &st.sql)?,
            // Checks of rows and of the live database, and the swap.
            RebuildStep::CheckDrift
            | RebuildStep::CheckNotNull(_)
            | RebuildStep::CheckConstraint(_)
            | RebuildStep::SaveSequence
            | RebuildStep::Copy(_)
            | RebuildStep::RenameNew(_)
            | RebuildStep::RestoreSequence
            | RebuildStep::CheckDependents
            | RebuildStep::CheckForeignKeys => {}
        }
    }
    Ok(())
}

/// Writes `definition` over table `table`'s, as the runtime's edit does,
/// and has SQLite read the schema again (a definition it cannot parse
/// fails here).
fn edit_definition(conn: &Connection, table: &str, definition: &str) -> Result<(), Problem> {
    let problem = |sql: &str| {
        let sql = sql.to_owned();
        move |e: rusqlite::Error| Problem {
            message: message(&e),
            sql,
            offset: None,
            broken: None,
        }
    };
    let version: i64 = conn
        .query_row("PRAGMA schema_version", [], |r| r.get(0))
        .map_err(problem("PRAGMA schema_version"))?;
    execute(conn, "PRAGMA writable_schema = ON")?;
    let written = conn
        .execute(DefinitionEdit::WRITE_SQL, [definition, table])
        .map_err(problem(definition));
    execute(
        conn,
        &format!(
            "PRAGMA schema_version = {}; PRAGMA writable_schema = OFF",
            version + 1
        ),
    )?;
    written?;
    conn.query_row("SELECT count(*) FROM sqlite_schema", [], |_| Ok(()))
        .map_err(problem(definition))
}

/// Compiles `name` and, with [`Reach::Around`], every view and trigger
/// whose SQL names it.
fn probe_around(conn: &Connection, name: &str, reach: Reach) -> Result<(), Problem> {
    if reach == Reach::Nothing {
        return Ok(());
    }
    let mut targets = vec![name.to_owned()];
    if reach == Reach::Around {
        let lower = name.to_lowercase();
        for (kind, object, table, sql) in schema(conn) {
            if (kind == "view" || kind == "trigger") && sql.to_lowercase().contains(&lower) {
                let target = if kind == "view" { object } else { table };
                if !targets.iter().any(|t| t.eq_ignore_ascii_case(&target)) {
                    targets.push(target);
                }
            }
        }
    }
    for target in targets {
        probe(conn, &target)?;
    }
    Ok(())
}

/// `(type, name, tbl_name, sql)` of every object.
fn schema(conn: &Connection) -> Vec<(String, String, String, String)> {
    let Ok(mut stmt) = conn.prepare(
        "SELECT type, name, tbl_name, coalesce(sql, '') FROM sqlite_schema WHERE name NOT LIKE 'sqlite_%'",
    ) else {
        return Vec::new();
    };
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)));
    rows.map(|rows| rows.filter_map(Result::ok).collect())
        .unwrap_or_default()
}

/// Prepares (never runs) what makes SQLite compile table or view `name`
/// with its triggers, defaults and generated columns.
fn probe(conn: &Connection, name: &str) -> Result<(), Problem> {
    let found = conn.query_row(
        "SELECT type, name, coalesce(sql, ''), \
         EXISTS (SELECT 1 FROM sqlite_schema AS t WHERE t.type = 'trigger' AND t.tbl_name = s.name) \
         FROM sqlite_schema AS s WHERE s.type IN ('table', 'view') AND s.name = ?1 COLLATE NOCASE",
        [name],
        |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?, r.get::<_, bool>(3)?)),
    );
    let Ok((kind, real, create, has_triggers)) = found else {
        return Ok(());
    };
    let ident = sql::ident(&real);
    let mut statements = vec![format!("SELECT * FROM {ident}")];
    let virtual_table = create
        .trim_start()
        .get(..14)
        .is_some_and(|s| s.eq_ignore_ascii_case("create virtual"));
    if (kind == "table" && !virtual_table) || (kind == "view" && has_triggers) {
        let columns = writable_columns(conn, &real);
        statements.extend(render::firing_sql(
            &ident,
            &["insert", "delete", "update"],
            &columns,
        ));
    }
    for statement in statements {
        if let Err(e) = conn.prepare(&statement) {
            // A view takes only the events it has an INSTEAD OF trigger for.
            if kind == "view" && message(&e).contains("because it is a view") {
                continue;
            }
            return Err(Problem {
                offset: error_offset(&e, &statement),
                sql: statement,
                message: message(&e),
                broken: Some((kind.clone(), real.clone())),
            });
        }
    }
    Ok(())
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

fn message(e: &rusqlite::Error) -> String {
    match e {
        rusqlite::Error::SqliteFailure(_, Some(msg)) => msg.clone(),
        rusqlite::Error::SqlInputError { msg, .. } => msg.clone(),
        other => other.to_string(),
    }
}

/// The diagnostic for `problem`, on the word SQLite names when the
/// operation wrote it, else on the operation.
fn diagnostic(op: &Op, problem: &Problem) -> Diagnostic {
    let word = named_word(&problem.message);
    let at = problem
        .offset
        .and_then(|offset| offset_loc(op, &problem.sql, offset))
        .or_else(|| {
            let w = word.as_deref()?;
            let in_sql = exprs(op).into_iter().find_map(|e| word_loc(e, w));
            in_sql.or_else(|| changed_column(op, w))
        })
        .or_else(|| match exprs(op).as_slice() {
            [only] => Some(only.at),
            _ => None,
        })
        .unwrap_or_else(|| Op::at(op));
    let own = problem.broken.as_ref().filter(|(_, name)| {
        !op_table(op).is_some_and(|t| t.eq_ignore_ascii_case(name))
            && !matches!(op, Op::CreateView(v) if v.name.same(name))
    });
    let message = match own {
        Some((kind, name)) => format!(
            "after this, SQLite cannot use {kind} `{name}`: {}",
            problem.message
        ),
        None => format!("SQLite refuses this: {}", problem.message),
    };
    let help = match own {
        Some((kind, _)) => format!(
            "the {kind}'s SQL (or a trigger on it) still relies on what this changes; change or drop it first (SQLite failed on `{}`)",
            problem.sql
        ),
        None => format!("the statement SQLite refused: `{}`", problem.sql),
    };
    let mut diagnostic = Diagnostic::new(at, message);
    diagnostic.help = Some(help);
    diagnostic
}

/// The fragment of `op` that SQLite's `offset` into `sql` falls in: the
/// token there when the macro recorded it, else the fragment.
fn offset_loc(op: &Op, sql: &str, offset: usize) -> Option<Loc> {
    exprs(op).into_iter().find_map(|e| {
        let text = e.text.trim();
        let lead = e.text.len() - e.text.trim_start().len();
        if text.is_empty() {
            return None;
        }
        sql.match_indices(text).find_map(|(start, _)| {
            (start..=start + text.len())
                .contains(&offset)
                .then(|| e.loc_of(offset - start + lead))
        })
    })
}

/// The name in an SQLite message: `no such function: lenght`,
/// `no such column: t.x`, `near "SELEC": syntax error`, `table t has no
/// column named x`.
fn named_word(message: &str) -> Option<String> {
    let raw = if let Some(rest) = message.strip_prefix("near \"") {
        rest.split('"').next()?
    } else if let Some(i) = message.find("no column named ") {
        &message[i + "no column named ".len()..]
    } else {
        message.rsplit(": ").next()?
    };
    let word = raw.trim().trim_end_matches("()");
    let word = word.rsplit('.').next()?.trim_matches('"');
    (!word.is_empty() && word.chars().all(|c| c.is_alphanumeric() || c == '_'))
        .then(|| word.to_owned())
}

/// Where `word` is written in `e`: its own token when the macro recorded
/// it, else the whole expression.
fn word_loc(e: &Expr, word: &str) -> Option<Loc> {
    let text = e.text.to_ascii_lowercase();
    let word = word.to_ascii_lowercase();
    let is_ident = |c: char| c.is_alphanumeric() || c == '_';
    let mut from = 0;
    while let Some(i) = text[from..].find(&word) {
        let start = from + i;
        let end = start + word.len();
        let before = text[..start]
            .chars()
            .next_back()
            .is_none_or(|c| !is_ident(c));
        let after = text[end..].chars().next().is_none_or(|c| !is_ident(c));
        if before && after {
            return Some(e.loc_of(start));
        }
        from = end;
    }
    None
}

/// Where a batch block names column `word` in a change (`drop column
/// score;` when SQLite says "no such column: score").
fn changed_column(op: &Op, word: &str) -> Option<Loc> {
    let Op::Batch(b) = op else { return None };
    b.changes.iter().find_map(|c| {
        let name = match c {
            Change::DropColumn(n) => n,
            Change::RenameColumn { from, .. } => from,
            Change::AlterColumn { column, .. } => column,
            _ => return None,
        };
        name.same(word).then_some(name.at)
    })
}

/// The SQL fragments an operation wrote.
fn exprs(op: &Op) -> Vec<&Expr> {
    fn column<'a>(c: &'a ColumnDef, out: &mut Vec<&'a Expr>) {
        out.extend(c.default.iter());
        out.extend(c.generated.iter().map(|g| &g.expr));
        for k in &c.constraints {
            if let ColumnConstraintKind::Check(e) = &k.kind {
                out.push(e);
            }
        }
    }
    let mut out = Vec::new();
    match op {
        Op::CreateTable(ct) => {
            for c in &ct.columns {
                column(c, &mut out);
            }
            for k in &ct.constraints {
                if let TableConstraintKind::Check(e) = &k.kind {
                    out.push(e);
                }
            }
        }
        Op::CreateIndex(ci) => {
            for k in &ci.keys {
                if let IndexTarget::Expr(e) = &k.target {
                    out.push(e);
                }
            }
            out.extend(ci.filter.iter());
        }
        Op::CreateView(v) => out.push(&v.query),
        Op::CreateTrigger(t) => {
            out.extend(t.when.iter());
            out.push(&t.body);
        }
        Op::Sql(raw) => out.push(&raw.sql),
        Op::Batch(BatchAlter { changes, .. }) => {
            for change in changes {
                match change {
                    Change::AddColumn(c) => column(c, &mut out),
                    Change::AddConstraint(k) => {
                        if let TableConstraintKind::Check(e) = &k.kind {
                            out.push(e);
                        }
                    }
                    Change::AlterColumn {
                        alter: ColumnAlter::SetDefault(e),
                        ..
                    } => out.push(e),
                    _ => {}
                }
            }
        }
        Op::IfExists(inner) => return exprs(inner),
        _ => {}
    }
    out
}

/// The table an operation changes, when it changes one.
fn op_table(op: &Op) -> Option<&str> {
    Some(match op {
        Op::CreateTable(ct) => &ct.name.text,
        Op::Batch(b) => &b.table.text,
        Op::CreateIndex(ci) => &ci.table.text,
        Op::CreateTrigger(t) => &t.table.text,
        Op::Insert(i) => &i.table.text,
        Op::IfExists(inner) => return op_table(inner),
        _ => return None,
    })
}
