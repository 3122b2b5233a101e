//! A bundle stored as a folder of files on disk.

use std::fs::File;
use std::io::{self, Read};
use std::path::PathBuf;

use xuetong::bundle::BundleSource;

/// The bundle in a folder: each regular file is a file of the bundle.
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn example_bundle_reads_clean() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/bundle");
        let (bundle, report) = xuetong::bundle::read_bundle(&Folder::new(root)).unwrap();
        assert!(report.is_clean(), "{:?}", report.problems);
        assert!(!bundle.scans.is_empty());
    }

    #[test]
    fn missing_folder_is_an_io_error() {
        let folder = Folder::new("/nonexistent/xuetong-bundle");
        assert!(xuetong::bundle::read_bundle(&folder).is_err());
    }
}
