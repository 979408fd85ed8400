//! `fmt`: revision files laid out one way — indented four spaces per
//! level of `{ }`, `( )` and `[ ]`, no trailing whitespace, at most one
//! blank line in a row, one newline at the end.
//!
//! Only whitespace at the start and end of lines changes, never inside a
//! string literal or a block comment that spans lines, so every token —
//! and the revision's checksum, which ignores formatting anyway — stays
//! the same.

/// `source` laid out as described above.
pub(super) fn format(source: &str) -> String {
    let mut scan = Scan::default();
    let mut lines: Vec<String> = Vec::new();
    for line in source.lines() {
        if scan.inside() {
            // The rest of a string or comment: as written.
            lines.push(line.to_owned());
        } else {
            let text = line.trim();
            if text.is_empty() {
                if lines.last().is_some_and(|l| !l.is_empty()) {
                    lines.push(String::new());
                }
            } else {
                let closing = text
                    .chars()
                    .take_while(|c| matches!(c, '}' | ')' | ']'))
                    .count();
                let level = scan.depth.saturating_sub(closing);
                lines.push(format!("{}{text}", "    ".repeat(level)));
            }
        }
        scan.line(line);
        if !scan.inside() {
            if let Some(last) = lines.last_mut() {
                let trimmed = last.trim_end().len();
                last.truncate(trimmed);
            }
        }
    }
    while lines.last().is_some_and(String::is_empty) {
        lines.pop();
    }
    let mut out = lines.join("\n");
    out.push('\n');
    out
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
    use super::format;

    #[test]
    fn indents_by_nesting_and_tidies_blank_lines() {
        let messy = "  create table users {\nid integer primary key,   \n      email text not null,\n}\n\n\n\ncreate index users_email on users (\nemail\n);\n\n";
        let tidy = "create table users {\n    id integer primary key,\n    email text not null,\n}\n\ncreate index users_email on users (\n    email\n);\n";
        assert_eq!(format(messy), tidy);
        assert_eq!(format(tidy), tidy, "formatting twice changes nothing");
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
}
