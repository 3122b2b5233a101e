//! A bundle stored as a folder of files.

use std::fs::File;
use std::io::{self, Read, Write};
use std::path::PathBuf;

use xuetong::bundle::{BundleSink, BundleSource, CSV_FILES, RULES_FILE};

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

/// Returns whether a folder called `name` is listed: one named like a
/// bundle file or like a data file, such as `Rules.json`.
fn folder_listed(name: &str) -> bool {
    let lower = name.to_lowercase();
    name == RULES_FILE
        || CSV_FILES.iter().any(|&(file, _)| file == name)
        || lower.ends_with(".csv")
        || lower.ends_with(".json")
}

impl BundleSource for Folder {
    fn file_names(&self) -> io::Result<Vec<String>> {
        let mut names = Vec::new();
        for entry in std::fs::read_dir(&self.root)? {
            let entry = entry?;
            let name = entry.file_name().to_string_lossy().into_owned();
            // A link to a file is a file of the bundle. A broken link is
            // listed too, so that opening it fails. A folder is left out
            // unless it is named like a bundle file, so that reading it
            // fails rather than run without, say, the bundle's rules, or
            // like a data file, so that it is reported as unknown.
            let kind = entry.file_type()?;
            let folder = entry.path().is_dir();
            if kind.is_file() || kind.is_symlink() && !folder || folder && folder_listed(&name) {
                names.push(name);
            }
        }
        names.sort();
        Ok(names)
    }

    fn open(&self, name: &str) -> io::Result<Option<Box<dyn Read + '_>>> {
        let path = self.root.join(name);
        match File::open(&path) {
            Ok(file) => Ok(Some(Box::new(io::BufReader::with_capacity(1 << 20, file)))),
            // Absent only when nothing is there: a broken link is an error.
            Err(error)
                if error.kind() == io::ErrorKind::NotFound
                    && std::fs::symlink_metadata(&path).is_err() =>
            {
                Ok(None)
            }
            Err(error) => Err(error),
        }
    }

    fn size(&self, name: &str) -> Option<u64> {
        let metadata = std::fs::metadata(self.root.join(name)).ok()?;
        metadata.is_file().then_some(metadata.len())
    }
}

impl BundleSink for Folder {
    fn create(&mut self, name: &str) -> io::Result<Box<dyn Write + '_>> {
        std::fs::create_dir_all(&self.root)?;
        let file = File::create(self.root.join(name))?;
        Ok(Box::new(io::BufWriter::with_capacity(1 << 20, file)))
    }

    fn remove(&mut self, name: &str) -> io::Result<()> {
        match std::fs::remove_file(self.root.join(name)) {
            Err(error) if error.kind() == io::ErrorKind::NotFound => Ok(()),
            result => result,
        }
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("xuetong-cli-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn linked_files_are_part_of_the_bundle() {
        let dir = scratch("links");
        let shared = dir.join("shared-venues.txt");
        std::fs::write(&shared, "id\n").unwrap();
        let bundle = dir.join("bundle");
        std::fs::create_dir_all(bundle.join("old")).unwrap();
        std::fs::create_dir_all(bundle.join("rules.json")).unwrap();
        std::fs::create_dir_all(bundle.join("Scans.CSV")).unwrap();
        std::os::unix::fs::symlink(&shared, bundle.join("venues.csv")).unwrap();
        std::os::unix::fs::symlink(dir.join("gone.csv"), bundle.join("scans.csv")).unwrap();
        let folder = Folder::new(&bundle);
        assert_eq!(
            folder.file_names().unwrap(),
            ["Scans.CSV", "rules.json", "scans.csv", "venues.csv"],
            "a folder is listed only when named like a bundle or data file"
        );
        assert!(folder.open("venues.csv").unwrap().is_some());
        assert!(
            folder.open("scans.csv").is_err(),
            "a broken link is an error"
        );
        assert!(folder.open("courses.csv").unwrap().is_none());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
