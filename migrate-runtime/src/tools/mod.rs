//! The developer tools, apart from the run: the command line (`cli/`,
//! feature `cli`: its commands, `new`, `fmt`) and `dump`, which prints a
//! live database as `migration!` source to adopt it.

#[cfg(feature = "cli")]
#[cfg_attr(docsrs, doc(cfg(feature = "cli")))]
pub mod cli;
pub(crate) mod dump;
