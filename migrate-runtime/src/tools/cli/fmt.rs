//! `fmt`: revision files laid out one way — indented four spaces per
//! level of `{ }`, `( )` and `[ ]`, and a line that continues a statement
//! (`as "…"` under `create trigger …`) one level more, no trailing
//! whitespace, at most one blank line in a row, one newline at the end —
//! and the body of each
//! `migration!` block in a Rust file laid out the same way, one level
//! deeper than the line that opens it.
//!
//! Only whitespace at the start and end of lines changes, never inside a
//! string literal or a block comment that spans lines, so every token —
//! and the revision's checksum, which ignores formatting anyway — stays
//! the same. Outside its `migration!` blocks a Rust file is left as
//! written (rustfmt's; rustfmt leaves the blocks alone).

/// `source`, a revision file, laid out as described above.
pub(super) fn format(source: &str) -> String {
    let lines: Vec<&str> = source.lines().collect();
    let mut out = layout(&lines, "").join("\n");
    out.push('\n');
    out
}

/// `lines` laid out, each line that is not the rest of a string or
/// comment indented by `indent` plus its nesting; no blank lines at
/// either end.
fn layout(lines: &[&str], indent: &str) -> Vec<String> {
    let mut scan = Scan::default();
    let mut out: Vec<String> = Vec::new();
    // How the last line of code ended, and whether it continued a
    // statement.
    let mut last: Option<char> = None;
    let mut continued = false;
    for line in lines {
        if scan.inside() {
            // The rest of a string or comment: as written.
            out.push((*line).to_owned());
            if let Some(end) = line.trim_end().chars().last() {
                last = Some(end);
            }
        } else {
            let text = line.trim();
            if text.is_empty() {
                if out.last().is_some_and(|l| !l.is_empty()) {
                    out.push(String::new());
                }
            } else {
                let closing = text
                    .chars()
                    .take_while(|c| matches!(c, '}' | ')' | ']'))
                    .count();
                // A statement goes on where the line before ended in none
                // of `; { } ( [ ,` — or in `,` inside a continued statement
                // (`values (1),` / `(2);`).
                let continues = closing == 0
                    && last.is_some_and(|c| {
                        !matches!(c, ';' | '{' | '}' | '(' | '[' | ',') || (c == ',' && continued)
                    });
                let level = scan.depth.saturating_sub(closing) + usize::from(continues);
                out.push(format!("{indent}{}{text}", "    ".repeat(level)));
                if let Some(end) = code_end(text) {
                    last = Some(end);
                    continued = continues;
                }
            }
        }
        scan.line(line);
        if !scan.inside() {
            if let Some(last) = out.last_mut() {
                let trimmed = last.trim_end().len();
                last.truncate(trimmed);
            }
        }
    }
    while out.last().is_some_and(String::is_empty) {
        out.pop();
    }
    out
}

/// `source`, a Rust file, with the body of every `migration!` block laid
/// out (see the module documentation), and how many blocks it holds. A
/// block is laid out when its opening delimiter ends a line and its
/// closing one starts a line (the way rustfmt writes macro calls); any
/// other block is left as written.
pub(super) fn format_rust(source: &str) -> (String, usize) {
    // Line endings as the file has them: `\r\n` when it uses them.
    let crlf = source.contains("\r\n");
    let end = if crlf { "\r" } else { "" };
    let lines: Vec<&str> = source
        .split('\n')
        .map(|l| l.strip_suffix('\r').unwrap_or(l))
        .collect();
    let mut out: Vec<String> = Vec::with_capacity(lines.len());
    let mut blocks = 0;
    let mut scan = Scan::default();
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        let opens = !scan.inside() && opens_block(line);
        let depth = scan.depth;
        scan.line(line);
        out.push(format!(
            "{line}{}",
            if i + 1 < lines.len() { end } else { "" }
        ));
        i += 1;
        if !opens || scan.depth != depth + 1 {
            continue;
        }
        blocks += 1;
        // The body: up to the line that starts by closing the block.
        let start = i;
        while i < lines.len()
            && (scan.inside()
                || scan.depth != depth + 1
                || !lines[i].trim_start().starts_with(['}', ')', ']']))
        {
            scan.line(lines[i]);
            i += 1;
        }
        if i == lines.len() {
            // Never closed: not a block this can lay out.
            out.extend(source.split('\n').skip(start).map(str::to_owned));
            break;
        }
        let indent: String = line.chars().take_while(|c| c.is_whitespace()).collect();
        let body = layout(&lines[start..i], &format!("{indent}    "));
        out.extend(body.into_iter().map(|l| format!("{l}{end}")));
        // The closing line, at the opening line's indentation.
        let closing = lines[i];
        scan.line(closing);
        let last = i + 1 == lines.len();
        out.push(format!(
            "{indent}{}{}",
            closing.trim(),
            if last { "" } else { end }
        ));
        i += 1;
    }
    (out.join("\n"), blocks)
}

/// Whether `line` opens a `migration!` block on its own: `migration! {`,
/// `migrate_dsl::migration!(`, … with nothing after the delimiter.
fn opens_block(line: &str) -> bool {
    let text = line.trim();
    let Some(head) = text
        .strip_suffix(['{', '(', '['])
        .map(str::trim_end)
        .and_then(|t| t.strip_suffix("migration!"))
    else {
        return false;
    };
    head.is_empty()
        || head.strip_suffix("::").is_some_and(|path| {
            path.split("::").all(|part| {
                !part.is_empty() && part.chars().all(|c| c.is_alphanumeric() || c == '_')
            })
        })
}

/// The last character of `line` that is code (not a `//` comment).
fn code_end(line: &str) -> Option<char> {
    let mut in_string = false;
    let mut escaped = false;
    let mut last = None;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        if in_string {
            match (escaped, c) {
                (false, '\\') => escaped = true,
                (false, '"') => in_string = false,
                _ => escaped = false,
            }
        } else if c == '/' && chars.peek() == Some(&'/') {
            break;
        } else if c == '"' {
            in_string = true;
        }
        if !c.is_whitespace() {
            last = Some(c);
        }
    }
    last
}

/// Where a scan of the text stands at the end of a line.
#[derive(Default)]
struct Scan {
    /// Open `{`, `(` and `[`.
    depth: usize,
    /// Nesting of `/* */` comments.
    comment: usize,
    /// Inside a string literal: `Some(None)` a plain one, `Some(Some(n))`
    /// a raw one closed by `"` and `n` `#`.
    string: Option<Option<usize>>,
}

impl Scan {
    fn inside(&self) -> bool {
        self.comment > 0 || self.string.is_some()
    }

    fn line(&mut self, line: &str) {
        let chars: Vec<char> = line.chars().collect();
        let mut i = 0;
        while i < chars.len() {
            let c = chars[i];
            let next = chars.get(i + 1).copied();
            if let Some(raw) = self.string {
                match (raw, c) {
                    (None, '\\') => i += 1,
                    (None, '"') => self.string = None,
                    (Some(n), '"')
                        if chars[i + 1..].iter().take(n).filter(|&&h| h == '#').count() == n =>
                    {
                        self.string = None;
                        i += n;
                    }
                    _ => {}
                }
            } else if self.comment > 0 {
                match (c, next) {
                    ('*', Some('/')) => {
                        self.comment -= 1;
                        i += 1;
                    }
                    ('/', Some('*')) => {
                        self.comment += 1;
                        i += 1;
                    }
                    _ => {}
                }
            } else {
                match (c, next) {
                    ('/', Some('/')) => return,
                    ('/', Some('*')) => {
                        self.comment = 1;
                        i += 1;
                    }
                    ('"', _) => self.string = Some(None),
                    ('r', Some('"' | '#')) if !ident_before(&chars, i) => {
                        let hashes = chars[i + 1..].iter().take_while(|&&h| h == '#').count();
                        if chars.get(i + 1 + hashes) == Some(&'"') {
                            self.string = Some(Some(hashes));
                            i += 1 + hashes;
                        }
                    }
                    ('\'', _) => {
                        // A character literal: `'x'` or `'\n'`.
                        let len = if next == Some('\\') { 4 } else { 3 };
                        if chars.get(i + len - 1) == Some(&'\'') {
                            i += len - 1;
                        }
                    }
                    ('{' | '(' | '[', _) => self.depth += 1,
                    ('}' | ')' | ']', _) => self.depth = self.depth.saturating_sub(1),
                    _ => {}
                }
            }
            i += 1;
        }
    }
}

/// Whether `chars[i]` continues an identifier (`for"` is no raw string;
/// `br"…"` is one).
fn ident_before(chars: &[char], i: usize) -> bool {
    i.checked_sub(1)
        .and_then(|p| chars.get(p))
        .is_some_and(|c| (c.is_alphanumeric() || *c == '_') && *c != 'b')
}

#[cfg(test)]
mod tests {
    use super::{format, format_rust};

    #[test]
    fn indents_by_nesting_and_tidies_blank_lines() {
        let messy = "  create table users {\nid integer primary key,   \n      email text not null,\n}\n\n\n\ncreate index users_email on users (\nemail\n);\n\n";
        let tidy = "create table users {\n    id integer primary key,\n    email text not null,\n}\n\ncreate index users_email on users (\n    email\n);\n";
        assert_eq!(format(messy), tidy);
        assert_eq!(format(tidy), tidy, "formatting twice changes nothing");
    }

    #[test]
    fn a_continuation_line_keeps_its_indentation() {
        let source = "create trigger t after insert on x\n    when \"new.a > 0\"\n    as \"INSERT INTO log (v) VALUES (new.a)\";\ncreate view v\n    as \"SELECT 1\"; // one\ninsert into t (a) values\n    (1),\n    (2);\ncreate table u {\n    id integer primary key,\n    n integer,\n}\n";
        assert_eq!(format(source), source);
        let flat: String = source.lines().map(|l| format!("{}\n", l.trim())).collect();
        assert_eq!(format(&flat), source);
    }

    #[test]
    fn strings_and_comments_spanning_lines_are_left_as_written() {
        let source = "sql \"UPDATE t\n   SET a = '{'\n      WHERE b\" touches (t);\n/* a note\n      kept {\n*/\nrun  r#\"not\n  { a string\"#;\n  // a comment {\n  drop table x;\n";
        let out = format(source);
        assert!(
            out.contains("\"UPDATE t\n   SET a = '{'\n      WHERE b\" touches (t);"),
            "{out}"
        );
        assert!(out.contains("/* a note\n      kept {\n*/"), "{out}");
        assert!(out.contains("\n  { a string\"#;"), "{out}");
        // Braces in strings and comments do not count.
        assert!(out.ends_with("// a comment {\ndrop table x;\n"), "{out}");
        assert_eq!(format(&out), out);
    }

    #[test]
    fn only_whitespace_changes() {
        let source = "revision \"0007\" {\n\tbatch alter table t { alter column a set default ('x'); }\n  run  hook ;\n}";
        let strip = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
        assert_eq!(strip(&format(source)), strip(source));
    }

    #[test]
    fn migration_blocks_in_rust_files_are_laid_out_and_nothing_else() {
        let source = "use  migrate_dsl::migration;\n\nfn  main( ) {\n    migrate_dsl::migration! {\n  static M;\n\n\n         revision \"0001\" {\ncreate table t { id integer primary key }   \n  }\n        }\n  let x = [\n1 ];\n}\n";
        let (out, blocks) = format_rust(source);
        assert_eq!(blocks, 1);
        assert_eq!(
            out,
            "use  migrate_dsl::migration;\n\nfn  main( ) {\n    migrate_dsl::migration! {\n        static M;\n\n        revision \"0001\" {\n            create table t { id integer primary key }\n        }\n    }\n  let x = [\n1 ];\n}\n"
        );
        assert_eq!(format_rust(&out), (out.clone(), 1), "twice changes nothing");
        let strip = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
        assert_eq!(strip(&out), strip(source));
    }

    #[test]
    fn parenthesized_blocks_and_crlf_files_keep_their_form() {
        let source =
            "migration!(\r\nstatic M;\r\n   revision \"1\" { drop table t; }\r\n);\r\nfn f() {}";
        let (out, blocks) = format_rust(source);
        assert_eq!(blocks, 1);
        assert_eq!(
            out,
            "migration!(\r\n    static M;\r\n    revision \"1\" { drop table t; }\r\n);\r\nfn f() {}"
        );
    }

    #[test]
    fn blocks_it_cannot_lay_out_are_left_as_written() {
        for source in [
            // The delimiter does not end its line.
            "migration! { static M;\n  revision \"1\" {}\n}\n",
            // In a string and in comments.
            "let s = \"\nmigration! {\n  x\n}\";\n",
            "/*\nmigration! {\n  x\n}\n*/\n// migration! {\n",
            // Never closed.
            "migration! {\n   static M;\n",
            // Not the macro.
            "my_migration! {\n  x\n}\n",
        ] {
            assert_eq!(format_rust(source).0, source);
        }
        assert_eq!(format_rust("migration! {\n   static M;\n").1, 1);
    }
}
