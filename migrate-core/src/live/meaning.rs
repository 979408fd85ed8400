//! Whether two `CREATE` statements mean the same schema object, and if
//! not, the first property in which they differ.
//!
//! A database made by another tool spells the same table differently: a
//! table-level `PRIMARY KEY (id)` for a column-level one, `DEFAULT 0` for
//! `DEFAULT (0)`, `NOT NULL PRIMARY KEY` for `PRIMARY KEY NOT NULL`, other
//! quoting, case and spacing, `((lower(x)))` for `(lower(x))`, `ON UPDATE`
//! before `ON DELETE`, an explicit `NULL`. None of that is a difference.
//! What is compared:
//!
//! - tables: the columns in order (name, declared type, NOT NULL with its
//!   conflict clause, default, collation, generated), the primary key, the
//!   UNIQUE, CHECK and foreign key constraints as sets (a constraint's name
//!   only where the expected definition names it; conflict clauses and a
//!   foreign key's `MATCH` always), `WITHOUT ROWID` and `STRICT`;
//! - indexes: the table, uniqueness, the keys and the `WHERE`;
//! - views and triggers: their SQL token by token (`same_sql`).
//!
//! Expressions are compared as token sequences with case, quoting, spacing
//! and redundant parentheses (around the whole expression, an identifier, a
//! literal or a call) removed. A conflict clause changes what an INSERT
//! does, so a table that has one the expected definition lacks (or the
//! reverse) differs: a rebuild from the expected definition would drop it.

use crate::ddl::{self, Fragment, IndexDef, KeyDef, TableDef};
use crate::op::Conflict;
use crate::same_sql;

/// `None` when `expected` and `actual` define the same object; otherwise
/// the first difference, e.g. ``column `bar`: declared type: expected
/// `varchar(512)`, found `text` ``.
///
/// ```
/// use migrate_dsl_core::meaning::difference;
///
/// let ours = r#"CREATE TABLE "t" ("id" integer PRIMARY KEY, "n" integer NOT NULL DEFAULT (0))"#;
/// let theirs = "CREATE TABLE t (id INTEGER NOT NULL, n INTEGER DEFAULT 0 NOT NULL, PRIMARY KEY (id))";
/// assert_eq!(difference(ours, theirs), None);
/// let theirs = "create table T ([id] INTEGER primary key, `n` INTEGER default 1)";
/// assert_eq!(difference(ours, theirs), Some("column `n`: NOT NULL: expected yes, found no".into()));
/// ```
pub fn difference(expected: &str, actual: &str) -> Option<String> {
    if let (Some(e), Some(a)) = (ddl::parse_table(expected), ddl::parse_table(actual)) {
        return tables(&e, &a);
    }
    if let (Some(e), Some(a)) = (ddl::parse_index(expected), ddl::parse_index(actual)) {
        return indexes(&e, &a);
    }
    if let (Some(e), Some(a)) = (ddl::parse_trigger(expected), ddl::parse_trigger(actual)) {
        return triggers(&e, &a);
    }
    if let (Some(e), Some(a)) = (ddl::view_query(expected), ddl::view_query(actual)) {
        return (!same_sql::equivalent(&e, &a))
            .then(|| format!("query: expected `{e}`, found `{a}`"));
    }
    if same_sql::equivalent(expected, actual) {
        None
    } else {
        Some("the definition differs".to_owned())
    }
}

fn lower(s: &str) -> String {
    s.to_ascii_lowercase()
}

fn yes(b: bool) -> &'static str {
    if b {
        "yes"
    } else {
        "no"
    }
}

fn shown(v: &Option<String>) -> String {
    v.as_ref()
        .map_or_else(|| "none".to_owned(), |v| format!("`{v}`"))
}

/// A conflict clause for messages: `` `ON CONFLICT IGNORE` `` or `none`.
fn conflict(c: Option<Conflict>) -> String {
    c.map_or_else(
        || "none".to_owned(),
        |c| format!("`ON CONFLICT {}`", c.sql()),
    )
}

/// A constraint's name for messages: `` `name` `` or `none`.
fn name_of(n: &Option<String>) -> String {
    shown(n)
}

fn fragment(f: &Option<Fragment>) -> Option<String> {
    f.as_ref().map(Fragment::normalized)
}

/// A declared type for comparison: case and spacing do not matter.
fn declared(ty: &str) -> String {
    lower(&ty.split_whitespace().collect::<Vec<_>>().join(" "))
}

/// A collation for comparison: BINARY is the default.
fn collation(c: &Option<String>) -> Option<String> {
    c.as_deref().map(lower).filter(|c| c != "binary")
}

fn key_columns(k: &KeyDef) -> Vec<(String, bool)> {
    k.columns.iter().map(|(c, d)| (lower(c), *d)).collect()
}

fn key_text(k: &KeyDef) -> String {
    k.columns
        .iter()
        .map(|(c, desc)| {
            if *desc {
                format!("{c} desc")
            } else {
                c.clone()
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Whether SQLite never stores NULL in `column` whatever is written: the
/// rowid alias (`integer primary key`), or a primary key column of a
/// WITHOUT ROWID table.
fn implies_not_null(t: &TableDef, column: &str) -> bool {
    let Some(key) = &t.primary_key else {
        return false;
    };
    let in_key = key
        .columns
        .iter()
        .any(|(c, _)| c.eq_ignore_ascii_case(column));
    let alias = key.columns.len() == 1
        && in_key
        && t.columns
            .iter()
            .any(|c| c.name.eq_ignore_ascii_case(column) && declared(&c.ty) == "integer");
    in_key && (t.without_rowid || alias)
}

/// Names count only where the expected definition gives one.
fn same_name(expected: &Option<String>, actual: &Option<String>) -> bool {
    match (expected, actual) {
        (None, _) => true,
        (Some(e), Some(a)) => e.eq_ignore_ascii_case(a),
        (Some(_), None) => false,
    }
}

fn tables(e: &TableDef, a: &TableDef) -> Option<String> {
    for (i, ec) in e.columns.iter().enumerate() {
        let Some(ac) = a.columns.get(i) else {
            return Some(format!("column `{}`: expected, not found", ec.name));
        };
        if lower(&ec.name) != lower(&ac.name) {
            return Some(format!(
                "column {}: expected `{}`, found `{}`",
                i + 1,
                ec.name,
                ac.name
            ));
        }
        let what = |p: &str, x: String, y: String| {
            Some(format!(
                "column `{}`: {p}: expected {x}, found {y}",
                ec.name
            ))
        };
        if declared(&ec.ty) != declared(&ac.ty) {
            return what(
                "declared type",
                format!("`{}`", ec.ty),
                format!("`{}`", ac.ty),
            );
        }
        if ec.not_null != ac.not_null && !implies_not_null(e, &ec.name) {
            return what("NOT NULL", yes(ec.not_null).into(), yes(ac.not_null).into());
        }
        if ec.not_null_conflict != ac.not_null_conflict {
            return what(
                "NOT NULL's conflict clause",
                conflict(ec.not_null_conflict),
                conflict(ac.not_null_conflict),
            );
        }
        let (ed, ad) = (fragment(&ec.default), fragment(&ac.default));
        if ed != ad {
            return what("default", shown(&ed), shown(&ad));
        }
        if collation(&ec.collate) != collation(&ac.collate) {
            return what("collation", shown(&ec.collate), shown(&ac.collate));
        }
        let generated = |c: &ddl::ColumnDef| {
            c.generated.as_ref().map(|(e, stored)| {
                format!(
                    "AS ({}) {}",
                    e.normalized(),
                    if *stored { "STORED" } else { "VIRTUAL" }
                )
            })
        };
        if generated(ec) != generated(ac) {
            return what("generated", shown(&generated(ec)), shown(&generated(ac)));
        }
    }
    if let Some(extra) = a.columns.get(e.columns.len()) {
        return Some(format!("column `{}`: not expected, found", extra.name));
    }
    let pk = |k: &Option<KeyDef>| {
        k.as_ref().map(|k| {
            let auto = if k.autoincrement {
                " autoincrement"
            } else {
                ""
            };
            format!("({}){auto}", key_text(k))
        })
    };
    match (&e.primary_key, &a.primary_key) {
        (None, None) => {}
        (Some(x), Some(y))
            if key_columns(x) == key_columns(y) && x.autoincrement == y.autoincrement =>
        {
            if let Some(d) = key_details(x, y) {
                return Some(format!("primary key ({}): {d}", key_text(x)));
            }
        }
        _ => {
            return Some(format!(
                "primary key: expected {}, found {}",
                shown(&pk(&e.primary_key)),
                shown(&pk(&a.primary_key))
            ))
        }
    }
    // UNIQUE and CHECK: each expected one is found by its definition, then
    // its name and conflict clause are compared.
    let found_unique = |u: &KeyDef| {
        let same = a
            .uniques
            .iter()
            .filter(|v| key_columns(u) == key_columns(v));
        same.clone()
            .find(|v| key_details(u, v).is_none())
            .or_else(|| same.clone().find(|v| same_name(&u.name, &v.name)))
            .or_else(|| same.clone().next())
    };
    for u in &e.uniques {
        let Some(v) = found_unique(u) else {
            return Some(format!("UNIQUE ({}): expected, not found", key_text(u)));
        };
        if let Some(d) = key_details(u, v) {
            return Some(format!("UNIQUE ({}): {d}", key_text(u)));
        }
    }
    if let Some(u) = a
        .uniques
        .iter()
        .find(|u| !e.uniques.iter().any(|v| key_columns(v) == key_columns(u)))
    {
        return Some(format!("UNIQUE ({}): not expected, found", key_text(u)));
    }
    let check = |c: &ddl::CheckDef| c.expr.normalized();
    let check_details = |x: &ddl::CheckDef, y: &ddl::CheckDef| {
        details(&x.name, &y.name, x.on_conflict, y.on_conflict)
    };
    for c in &e.checks {
        let same = a.checks.iter().filter(|d| check(c) == check(d));
        let found = same
            .clone()
            .find(|d| check_details(c, d).is_none())
            .or_else(|| same.clone().find(|d| same_name(&c.name, &d.name)))
            .or_else(|| same.clone().next());
        let Some(d) = found else {
            return Some(format!("CHECK ({}): expected, not found", check(c)));
        };
        if let Some(diff) = check_details(c, d) {
            return Some(format!("CHECK ({}): {diff}", check(c)));
        }
    }
    if let Some(c) = a
        .checks
        .iter()
        .find(|c| !e.checks.iter().any(|d| check(c) == check(d)))
    {
        return Some(format!("CHECK ({}): not expected, found", check(c)));
    }
    let norm_fk = |f: &ddl::ForeignKeyDef| {
        (
            f.columns.iter().map(|c| lower(c)).collect::<Vec<_>>(),
            lower(&f.parent),
            f.parent_columns
                .iter()
                .map(|c| lower(c))
                .collect::<Vec<_>>(),
            f.on_delete.clone(),
            f.on_update.clone(),
            f.deferred,
            f.match_kind.clone().filter(|m| m != "SIMPLE"),
        )
    };
    // A key without parent columns names the parent's primary key: it
    // matches one that spells those columns out.
    let same_fk = |x: &ddl::ForeignKeyDef, y: &ddl::ForeignKeyDef| {
        let (a, b) = (norm_fk(x), norm_fk(y));
        a.0 == b.0
            && a.1 == b.1
            && (a.2.is_empty() || b.2.is_empty() || a.2 == b.2)
            && a.3 == b.3
            && a.4 == b.4
            && a.5 == b.5
            && a.6 == b.6
            && same_name(&x.name, &y.name)
    };
    let describe = |f: &ddl::ForeignKeyDef| {
        format!(
            "foreign key ({}) references {} ({}){}{}{}{}",
            f.columns.join(", "),
            f.parent,
            f.parent_columns.join(", "),
            f.on_delete
                .as_ref()
                .map_or_else(String::new, |a| format!(" on delete {a}")),
            f.on_update
                .as_ref()
                .map_or_else(String::new, |a| format!(" on update {a}")),
            if f.deferred {
                " deferrable initially deferred"
            } else {
                ""
            },
            f.match_kind
                .as_ref()
                .map_or_else(String::new, |m| format!(" match {}", lower(m)))
        )
    };
    if let Some(f) = e
        .foreign_keys
        .iter()
        .find(|f| !a.foreign_keys.iter().any(|g| same_fk(f, g)))
    {
        // The same key but for its name or MATCH: say which.
        let loose = |k: &ddl::ForeignKeyDef| ddl::ForeignKeyDef {
            name: None,
            match_kind: None,
            ..k.clone()
        };
        if let Some(g) = a
            .foreign_keys
            .iter()
            .find(|g| same_fk(&loose(f), &loose(g)))
        {
            return Some(if same_name(&f.name, &g.name) {
                format!(
                    "{}: MATCH: expected {}, found {}",
                    describe(f),
                    shown(&f.match_kind),
                    shown(&g.match_kind)
                )
            } else {
                format!(
                    "{}: name: expected {}, found {}",
                    describe(f),
                    name_of(&f.name),
                    name_of(&g.name)
                )
            });
        }
        return Some(format!("{}: expected, not found", describe(f)));
    }
    if let Some(f) = a
        .foreign_keys
        .iter()
        .find(|f| !e.foreign_keys.iter().any(|g| same_fk(g, f)))
    {
        return Some(format!("{}: not expected, found", describe(f)));
    }
    if e.without_rowid != a.without_rowid {
        return Some(format!(
            "WITHOUT ROWID: expected {}, found {}",
            yes(e.without_rowid),
            yes(a.without_rowid)
        ));
    }
    if e.strict != a.strict {
        return Some(format!(
            "STRICT: expected {}, found {}",
            yes(e.strict),
            yes(a.strict)
        ));
    }
    None
}

/// How two constraints of the same definition differ in name (where the
/// expected one has a name) or conflict clause.
fn details(
    expected_name: &Option<String>,
    actual_name: &Option<String>,
    expected: Option<Conflict>,
    actual: Option<Conflict>,
) -> Option<String> {
    if !same_name(expected_name, actual_name) {
        return Some(format!(
            "name: expected {}, found {}",
            name_of(expected_name),
            name_of(actual_name)
        ));
    }
    (expected != actual).then(|| {
        format!(
            "conflict clause: expected {}, found {}",
            conflict(expected),
            conflict(actual)
        )
    })
}

fn key_details(e: &KeyDef, a: &KeyDef) -> Option<String> {
    details(&e.name, &a.name, e.on_conflict, a.on_conflict)
}

/// Statements for comparison: a final `;` does not count.
fn statements(body: &str) -> &str {
    body.trim().trim_end_matches(';').trim_end()
}

fn triggers(e: &ddl::TriggerDef, a: &ddl::TriggerDef) -> Option<String> {
    let event = |t: &ddl::TriggerDef| {
        let cols: Vec<String> = t.update_of.iter().map(|c| lower(c)).collect();
        format!("{} {} {}", t.timing, t.event, cols.join(", "))
    };
    if event(e) != event(a) || lower(&e.table) != lower(&a.table) {
        return Some(format!(
            "event: expected `{} on {}`, found `{} on {}`",
            event(e).trim_end(),
            e.table,
            event(a).trim_end(),
            a.table
        ));
    }
    let when = |t: &ddl::TriggerDef| {
        t.when
            .as_deref()
            .and_then(ddl::tokenize)
            .map(|toks| Fragment(toks).normalized())
    };
    if when(e) != when(a) {
        return Some(format!(
            "WHEN: expected {}, found {}",
            shown(&e.when),
            shown(&a.when)
        ));
    }
    if !same_sql::equivalent(statements(&e.body), statements(&a.body)) {
        return Some(format!(
            "statements: expected `{}`, found `{}`",
            statements(&e.body),
            statements(&a.body)
        ));
    }
    None
}

fn indexes(e: &IndexDef, a: &IndexDef) -> Option<String> {
    if lower(&e.table) != lower(&a.table) {
        return Some(format!(
            "table: expected `{}`, found `{}`",
            e.table, a.table
        ));
    }
    if e.unique != a.unique {
        return Some(format!(
            "UNIQUE: expected {}, found {}",
            yes(e.unique),
            yes(a.unique)
        ));
    }
    let keys = |i: &IndexDef| {
        i.keys
            .iter()
            .map(|k| {
                let mut s = k.expr.normalized();
                if let Some(c) = collation(&k.collate) {
                    s.push_str(&format!(" collate {c}"));
                }
                if k.desc {
                    s.push_str(" desc");
                }
                s
            })
            .collect::<Vec<_>>()
            .join(", ")
    };
    if keys(e) != keys(a) {
        return Some(format!(
            "keys: expected `({})`, found `({})`",
            keys(e),
            keys(a)
        ));
    }
    let (ef, af) = (fragment(&e.filter), fragment(&a.filter));
    if ef != af {
        return Some(format!(
            "WHERE: expected {}, found {}",
            shown(&ef),
            shown(&af)
        ));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::difference;

    #[test]
    fn other_tools_spellings_are_the_same_table() {
        let ours = r#"CREATE TABLE "item" ("id" integer PRIMARY KEY AUTOINCREMENT, "sku" varchar(36) NOT NULL UNIQUE, "qty" integer NOT NULL DEFAULT (0), "price" decimal(10, 2), "parent_id" integer REFERENCES "item" ("id") ON DELETE CASCADE ON UPDATE SET NULL, "note" text COLLATE "nocase", "total" real GENERATED ALWAYS AS (price * qty) VIRTUAL, CONSTRAINT "ck_qty" CHECK (qty >= 0))"#;
        for theirs in [
            "CREATE TABLE item (id INTEGER PRIMARY KEY AUTOINCREMENT, sku VARCHAR(36) NOT NULL UNIQUE, qty INTEGER DEFAULT 0 NOT NULL, price DECIMAL(10,2) NULL, parent_id INTEGER REFERENCES item ON UPDATE SET NULL ON DELETE CASCADE, note TEXT COLLATE NOCASE, total REAL AS ((price * qty)), CONSTRAINT ck_qty CHECK ((qty >= 0)))",
            "create table `item` (\n  [id] integer not null primary key autoincrement,\n  \"sku\" varchar( 36 ) unique not null,\n  qty integer not null default (0),\n  price decimal(10, 2),\n  parent_id integer,\n  note text collate nocase,\n  total real generated always as (price * qty),\n  constraint ck_qty check (qty >= 0),\n  foreign key (parent_id) references item (id) on delete cascade on update set null\n)",
        ] {
            // `not null` on the rowid alias changes nothing.
            assert_eq!(difference(ours, theirs), None, "{theirs}");
        }
    }

    #[test]
    fn table_level_and_column_level_keys_are_the_same() {
        assert_eq!(
            difference(
                r#"CREATE TABLE "m" ("a" integer NOT NULL, "b" text NOT NULL, PRIMARY KEY ("a", "b"))"#,
                "CREATE TABLE m (a INTEGER NOT NULL, b TEXT NOT NULL, CONSTRAINT m_pk PRIMARY KEY (a, b))"
            ),
            None
        );
        assert_eq!(
            difference(
                r#"CREATE TABLE "t" ("id" integer PRIMARY KEY, "e" text UNIQUE)"#,
                "CREATE TABLE t (id integer, e text, PRIMARY KEY (id), UNIQUE (e))"
            ),
            None
        );
    }

    #[test]
    fn real_differences_name_the_property() {
        let ours = r#"CREATE TABLE "t" ("id" integer PRIMARY KEY, "bar" varchar(512) NOT NULL DEFAULT ('x'))"#;
        for (theirs, want) in [
            ("CREATE TABLE t (id integer primary key, bar text not null default 'x')", "column `bar`: declared type: expected `varchar(512)`, found `text`"),
            ("CREATE TABLE t (id integer primary key, bar varchar(512) default 'x')", "column `bar`: NOT NULL: expected yes, found no"),
            ("CREATE TABLE t (id integer primary key, bar varchar(512) not null default 'y')", "column `bar`: default: expected `'x'`, found `'y'`"),
            ("CREATE TABLE t (id integer primary key, bar varchar(512) not null default 'x', extra)", "column `extra`: not expected, found"),
            ("CREATE TABLE t (id bigint primary key, bar varchar(512) not null default 'x')", "column `id`: declared type: expected `integer`, found `bigint`"),
        ] {
            assert_eq!(difference(ours, theirs).as_deref(), Some(want), "{theirs}");
        }
    }

    #[test]
    fn conflict_clauses_are_part_of_the_meaning() {
        let plain =
            "CREATE TABLE t (id integer PRIMARY KEY, e text NOT NULL UNIQUE, n int, CHECK (n > 0))";
        for (theirs, want) in [
            (
                "CREATE TABLE t (id integer PRIMARY KEY, e text NOT NULL UNIQUE ON CONFLICT IGNORE, n int, CHECK (n > 0))",
                "UNIQUE (e): conflict clause: expected none, found `ON CONFLICT IGNORE`",
            ),
            (
                "CREATE TABLE t (id integer PRIMARY KEY ON CONFLICT REPLACE, e text NOT NULL UNIQUE, n int, CHECK (n > 0))",
                "primary key (id): conflict clause: expected none, found `ON CONFLICT REPLACE`",
            ),
            (
                "CREATE TABLE t (id integer PRIMARY KEY, e text NOT NULL ON CONFLICT FAIL UNIQUE, n int, CHECK (n > 0))",
                "column `e`: NOT NULL's conflict clause: expected none, found `ON CONFLICT FAIL`",
            ),
            (
                "CREATE TABLE t (id integer PRIMARY KEY, e text NOT NULL UNIQUE, n int, CHECK (n > 0) ON CONFLICT ROLLBACK)",
                "CHECK (n > 0): conflict clause: expected none, found `ON CONFLICT ROLLBACK`",
            ),
        ] {
            assert_eq!(difference(plain, theirs).as_deref(), Some(want), "{theirs}");
            // The same clause on both sides, however spelled, is no difference.
            assert_eq!(difference(theirs, &theirs.to_lowercase()), None, "{theirs}");
        }
        // `NULL ON CONFLICT …` is read by SQLite and ignored.
        assert_eq!(
            difference(
                "CREATE TABLE t (a text)",
                "CREATE TABLE t (a text NULL ON CONFLICT IGNORE)"
            ),
            None
        );
    }

    #[test]
    fn a_difference_in_a_constraints_name_says_so() {
        let ours = r#"CREATE TABLE "m" ("uuid" text NOT NULL, "user_uuid" text NOT NULL, CONSTRAINT "pk_m" PRIMARY KEY ("uuid", "user_uuid"), CONSTRAINT "uq_u" UNIQUE ("user_uuid"), CONSTRAINT "fk_u" FOREIGN KEY ("user_uuid") REFERENCES "u" ("id"))"#;
        for (theirs, want) in [
            (
                "CREATE TABLE m (uuid text NOT NULL, user_uuid text NOT NULL, PRIMARY KEY (uuid, user_uuid), CONSTRAINT uq_u UNIQUE (user_uuid), CONSTRAINT fk_u FOREIGN KEY (user_uuid) REFERENCES u (id))",
                "primary key (uuid, user_uuid): name: expected `pk_m`, found none",
            ),
            (
                "CREATE TABLE m (uuid text NOT NULL, user_uuid text NOT NULL, CONSTRAINT pk_m PRIMARY KEY (uuid, user_uuid), CONSTRAINT other UNIQUE (user_uuid), CONSTRAINT fk_u FOREIGN KEY (user_uuid) REFERENCES u (id))",
                "UNIQUE (user_uuid): name: expected `uq_u`, found `other`",
            ),
            (
                "CREATE TABLE m (uuid text NOT NULL, user_uuid text NOT NULL, CONSTRAINT pk_m PRIMARY KEY (uuid, user_uuid), CONSTRAINT uq_u UNIQUE (user_uuid), FOREIGN KEY (user_uuid) REFERENCES u (id))",
                "foreign key (user_uuid) references u (id): name: expected `fk_u`, found none",
            ),
        ] {
            assert_eq!(difference(ours, theirs).as_deref(), Some(want), "{theirs}");
        }
    }

    #[test]
    fn a_foreign_keys_match_is_compared() {
        assert_eq!(
            difference(
                "CREATE TABLE c (p int REFERENCES p (id))",
                "CREATE TABLE c (p int REFERENCES p (id) MATCH FULL)"
            )
            .as_deref(),
            Some("foreign key (p) references p (id): MATCH: expected none, found `FULL`")
        );
        assert_eq!(
            difference(
                "CREATE TABLE c (p int REFERENCES p (id))",
                "CREATE TABLE c (p int REFERENCES p (id) MATCH SIMPLE)"
            ),
            None
        );
    }

    #[test]
    fn triggers_and_views_compare_as_parsed() {
        let ours = r#"CREATE TRIGGER "t" AFTER UPDATE OF "a" ON "x" WHEN new.a IS NOT old.a BEGIN INSERT INTO log (v) VALUES (new.a); END"#;
        let theirs = "create trigger t after update of a on x for each row when (new.a is not old.a)\nbegin\n  insert into log(v) values (new.a);\nend";
        assert_eq!(difference(ours, theirs), None);
        assert_eq!(
            difference(
                ours,
                "CREATE TRIGGER t AFTER UPDATE ON x BEGIN INSERT INTO log (v) VALUES (new.a); END"
            )
            .as_deref(),
            Some("event: expected `after update a on x`, found `after update on x`")
        );
        assert_eq!(
            difference(
                r#"CREATE VIEW "v" AS SELECT a FROM "x""#,
                "create view v as select A from x"
            ),
            None
        );
        assert!(difference(
            r#"CREATE VIEW "v" AS SELECT a FROM x"#,
            "CREATE VIEW v AS SELECT b FROM x"
        )
        .is_some());
    }

    #[test]
    fn indexes_compare_keys_and_where_as_parsed() {
        let ours =
            r#"CREATE UNIQUE INDEX "ix" ON "t" (lower(email), "b" DESC) WHERE deleted IS NULL"#;
        assert_eq!(
            difference(
                ours,
                "create unique index ix on t ((lower(email)), b desc) where (deleted is null)"
            ),
            None
        );
        assert_eq!(
            difference(
                ours,
                "create unique index ix on t (lower(email), b) where deleted is null"
            )
            .as_deref(),
            Some("keys: expected `(lower ( email ), b desc)`, found `(lower ( email ), b)`")
        );
        assert_eq!(
            difference(
                ours,
                "create index ix on t (lower(email), b desc) where deleted is null"
            )
            .as_deref(),
            Some("UNIQUE: expected yes, found no")
        );
    }
}
