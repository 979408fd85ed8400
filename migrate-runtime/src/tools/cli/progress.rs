//! A progress bar on stderr while a rebuild copies rows (`indicatif`, fed
//! by [`Options::progress`]); nothing when stderr is not a terminal.

use crate::options::Options;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use std::sync::{Arc, Mutex};

/// `options` with a progress bar per rebuilt table, when stderr is a
/// terminal.
pub(super) fn bar(options: Options) -> Options {
    if !std::io::stderr().is_terminal() {
        return options;
    }
    let current: Arc<Mutex<Option<(String, ProgressBar)>>> = Arc::default();
    options.progress(move |p| {
        let Ok(mut current) = current.lock() else {
            return;
        };
        let key = format!("{} {}", p.revision, p.table);
        if current.as_ref().is_none_or(|(k, _)| *k != key) {
            if let Some((_, done)) = current.take() {
                done.finish();
            }
            let bar =
                ProgressBar::with_draw_target(Some(p.rows_total), ProgressDrawTarget::stderr());
            if let Ok(style) =
                ProgressStyle::with_template("{msg} {wide_bar} {pos}/{len} rows ({eta})")
            {
                bar.set_style(style);
            }
            bar.set_message(format!("{}: rebuilding {}", p.revision, p.table));
            *current = Some((key, bar));
        }
        if let Some((_, bar)) = current.as_ref() {
            bar.set_position(p.rows_copied);
            if p.rows_copied >= p.rows_total {
                bar.finish();
            }
        }
    })
}
