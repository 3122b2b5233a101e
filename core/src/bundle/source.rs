//! Where a bundle's files come from and where they go.
//!
//! The core never opens files itself: a caller hands it a [`BundleSource`]
//! (a folder, an archive, files uploaded in a browser) and a [`BundleSink`].

use std::collections::BTreeMap;
use std::io::{self, Read, Write};

/// The files of a bundle, by name.
pub trait BundleSource {
    /// The names of every file in the bundle (no folders).
    ///
    /// # Errors
    ///
    /// Returns the I/O error of listing the files.
    fn file_names(&self) -> io::Result<Vec<String>>;

    /// Opens the file `name`, or returns `None` when there is no such file.
    ///
    /// # Errors
    ///
    /// Returns the I/O error of opening the file.
    fn open(&self, name: &str) -> io::Result<Option<Box<dyn Read + '_>>>;

    /// Returns the size of the file `name` in bytes, when the source can
    /// tell it without reading the file. Reading uses it to size the rows of
    /// a large file once rather than growing them, so a wrong size costs
    /// time but never changes what is read. The default returns `None`.
    fn size(&self, name: &str) -> Option<u64> {
        let _ = name;
        None
    }
}

/// Where the files of a written bundle go.
pub trait BundleSink {
    /// Creates (or replaces) the file `name` and returns a writer for it.
    ///
    /// # Errors
    ///
    /// Returns the I/O error of creating the file.
    fn create(&mut self, name: &str) -> io::Result<Box<dyn Write + '_>>;

    /// Removes the file `name` if there is one, so that a file the bundle
    /// does not write is not left over from an earlier write.
    ///
    /// # Errors
    ///
    /// Returns the I/O error of removing the file. A missing file is no
    /// error.
    fn remove(&mut self, name: &str) -> io::Result<()>;
}

/// A bundle held in memory, for tests, browsers and generated data.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MemoryBundle {
    /// The files by name.
    pub files: BTreeMap<String, Vec<u8>>,
}

impl MemoryBundle {
    /// An empty bundle.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds (or replaces) a file.
    pub fn insert(&mut self, name: impl Into<String>, bytes: impl Into<Vec<u8>>) {
        self.files.insert(name.into(), bytes.into());
    }
}

impl BundleSource for MemoryBundle {
    fn file_names(&self) -> io::Result<Vec<String>> {
        Ok(self.files.keys().cloned().collect())
    }

    fn open(&self, name: &str) -> io::Result<Option<Box<dyn Read + '_>>> {
        Ok(self
            .files
            .get(name)
            .map(|bytes| Box::new(bytes.as_slice()) as Box<dyn Read>))
    }

    fn size(&self, name: &str) -> Option<u64> {
        self.files.get(name).map(|bytes| bytes.len() as u64)
    }
}

impl BundleSink for MemoryBundle {
    fn create(&mut self, name: &str) -> io::Result<Box<dyn Write + '_>> {
        let buffer = self.files.entry(name.to_owned()).or_default();
        buffer.clear();
        Ok(Box::new(buffer))
    }

    fn remove(&mut self, name: &str) -> io::Result<()> {
        self.files.remove(name);
        Ok(())
    }
}
