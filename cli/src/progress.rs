//! Progress bars for long steps: drawn on standard error when it is a
//! terminal, and hidden otherwise, so that pipes and log files stay clean.

use std::io::{self, IsTerminal, Read};
use std::path::PathBuf;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};
use xuetong::bundle::BundleSource;

use crate::folder::Folder;

/// Makes the progress bars of one command.
#[derive(Clone, Copy, Debug)]
pub struct Progress {
    visible: bool,
}

impl Progress {
    /// Bars that show when standard error is a terminal.
    pub fn for_terminal() -> Self {
        Self {
            visible: io::stderr().is_terminal(),
        }
    }

    /// Bars that never show, for tests and pipes.
    pub fn hidden() -> Self {
        Self { visible: false }
    }

    /// A bar over `total` bytes.
    pub fn bytes(self, total: u64, message: &'static str) -> ProgressBar {
        self.bar(
            total,
            message,
            "{msg:>10} [{bar:30}] {binary_bytes}/{binary_total_bytes} ({eta})",
        )
    }

    /// A bar over `total` items, such as files written.
    pub fn items(self, total: u64, message: &'static str) -> ProgressBar {
        self.bar(
            total,
            message,
            "{msg:>10} [{bar:30}] {pos}/{len} {wide_msg}",
        )
    }

    /// A spinner for a step whose length is not known, with the step's name
    /// as its message.
    pub fn spinner(self, message: &'static str) -> ProgressBar {
        if !self.visible {
            return ProgressBar::hidden();
        }
        let bar = ProgressBar::new_spinner().with_message(message);
        if let Ok(style) = ProgressStyle::with_template("{spinner} {msg} ({elapsed})") {
            bar.set_style(style);
        }
        bar.enable_steady_tick(Duration::from_millis(120));
        bar
    }

    fn bar(self, total: u64, message: &'static str, template: &str) -> ProgressBar {
        if !self.visible {
            return ProgressBar::hidden();
        }
        let bar = ProgressBar::new(total).with_message(message);
        if let Ok(style) = ProgressStyle::with_template(template) {
            bar.set_style(style.progress_chars("=> "));
        }
        bar
    }
}

/// A bundle folder whose reads advance a progress bar by the bytes read.
#[derive(Debug)]
pub struct CountedFolder {
    folder: Folder,
    bar: ProgressBar,
}

impl CountedFolder {
    /// The bundle in `root`, advancing `bar`.
    pub fn new(root: impl Into<PathBuf>, bar: ProgressBar) -> Self {
        Self {
            folder: Folder::new(root),
            bar,
        }
    }

    /// The total size of the bundle's files, for the length of the bar; 0
    /// when the folder cannot be listed.
    pub fn total_bytes(root: &std::path::Path) -> u64 {
        let Ok(entries) = std::fs::read_dir(root) else {
            return 0;
        };
        entries
            .flatten()
            .filter_map(|entry| entry.metadata().ok())
            .filter(|metadata| metadata.is_file())
            .map(|metadata| metadata.len())
            .sum()
    }
}

impl BundleSource for CountedFolder {
    fn file_names(&self) -> io::Result<Vec<String>> {
        self.folder.file_names()
    }

    fn open(&self, name: &str) -> io::Result<Option<Box<dyn Read + '_>>> {
        let Some(reader) = self.folder.open(name)? else {
            return Ok(None);
        };
        self.bar.set_message(name.to_owned());
        Ok(Some(Box::new(self.bar.wrap_read(reader))))
    }

    fn size(&self, name: &str) -> Option<u64> {
        self.folder.size(name)
    }
}
