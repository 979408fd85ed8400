//! One trybuild case per diagnostic of `migration!` (and of the API's
//! `Database` bound, `api/`): each `.stderr` shows the
//! message and the span on the offending token.

#[test]
fn diagnostics() {
    let t = trybuild::TestCases::new();
    t.compile_fail("ui-tests/*/*.rs");
}
