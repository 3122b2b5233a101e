//! A bundle stored as a folder of files.

use std::fs::File;
use std::io::{self, Read, Write};
use std::path::PathBuf;

use xuetong::bundle::{BundleSink, BundleSource};

/// A bundle folder on disk.
#[derive(Debug)]
pub struct Folder {
    root: PathBuf,
}

impl Folder {
    /// The bundle in `root`.
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Self { root: root.into() }
    }
}

impl BundleSource for Folder {
    fn file_names(&self) -> io::Result<Vec<String>> {
        let mut names = Vec::new();
        for entry in std::fs::read_dir(&self.root)? {
            let entry = entry?;
            if entry.file_type()?.is_file() {
                names.push(entry.file_name().to_string_lossy().into_owned());
            }
        }
        names.sort();
        Ok(names)
    }

    fn open(&self, name: &str) -> io::Result<Option<Box<dyn Read + '_>>> {
        match File::open(self.root.join(name)) {
            Ok(file) => Ok(Some(Box::new(io::BufReader::with_capacity(1 << 20, file)))),
            Err(error) if error.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(error) => Err(error),
        }
    }
}

impl BundleSink for Folder {
    fn create(&mut self, name: &str) -> io::Result<Box<dyn Write + '_>> {
        std::fs::create_dir_all(&self.root)?;
        let file = File::create(self.root.join(name))?;
        Ok(Box::new(io::BufWriter::with_capacity(1 << 20, file)))
    }
}
