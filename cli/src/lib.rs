//! The pieces of the `xuetong` command line that other front ends and the
//! tests share: reading and writing a bundle folder on disk (the Python
//! bindings use the same folder type, so a folder reads the same way from
//! the shell and from Python), printing that survives a closed pipe,
//! progress bars, and the season's HTML report.

pub mod folder;
pub mod output;
pub mod progress;
pub mod report;
