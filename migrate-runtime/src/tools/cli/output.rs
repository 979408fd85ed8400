//! Where a command's results go: text for people (coloured when stdout is
//! a terminal), or one JSON document; errors as one message on stderr, or
//! with `--json` as one JSON object on stdout.

use std::io::{IsTerminal, Write};

/// The output of one command.
pub(super) struct Output {
    /// `--json`.
    pub(super) json: bool,
    colour: bool,
    colour_err: bool,
}

impl Output {
    pub(super) fn new(json: bool) -> Self {
        let plain = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        Output {
            json,
            colour: !json && !plain && std::io::stdout().is_terminal(),
            colour_err: !plain && std::io::stderr().is_terminal(),
        }
    }

    /// Prints text (ends it with a newline).
    pub(super) fn text(&self, text: &str) {
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "{}", text.trim_end_matches('\n'));
    }

    /// Prints one JSON document.
    pub(super) fn json(&self, value: &serde_json::Value) {
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "{value:#}");
    }

    /// Prints the command's error: one line on stderr, or with `--json`
    /// one JSON object on stdout.
    pub(super) fn error(&self, failure: &super::commands::Failure) {
        if self.json {
            self.json(&failure.to_json());
            return;
        }
        let mut err = std::io::stderr().lock();
        let label = paint(self.colour_err, "31;1", "error:");
        let _ = writeln!(err, "{label} {}", failure.message);
    }

    /// `text` in green (applied, done) on a terminal.
    pub(super) fn good(&self, text: &str) -> String {
        paint(self.colour, "32", text)
    }

    /// `text` in yellow (pending, to look at) on a terminal.
    pub(super) fn notable(&self, text: &str) -> String {
        paint(self.colour, "33", text)
    }

    /// `text` in red (a problem) on a terminal.
    pub(super) fn bad(&self, text: &str) -> String {
        paint(self.colour, "31", text)
    }
}

fn paint(on: bool, code: &str, text: &str) -> String {
    if on {
        format!("\x1b[{code}m{text}\x1b[0m")
    } else {
        text.to_owned()
    }
}

/// Lines of cells, each column as wide as its widest cell (the last one
/// left ragged). Widths count characters; colour is applied after.
pub(super) fn table(rows: &[Vec<String>], paint: impl Fn(usize, &str) -> String) -> String {
    let columns = rows.iter().map(Vec::len).max().unwrap_or(0);
    let widths: Vec<usize> = (0..columns)
        .map(|c| {
            rows.iter()
                .filter_map(|r| r.get(c))
                .map(|s| s.chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut out = String::new();
    for row in rows {
        let mut line = String::new();
        for (c, cell) in row.iter().enumerate() {
            let pad = widths[c].saturating_sub(cell.chars().count());
            line.push_str(&paint(c, cell));
            if c + 1 < row.len() {
                line.push_str(&" ".repeat(pad + 2));
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}
