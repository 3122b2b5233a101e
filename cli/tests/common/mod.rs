//! Helpers shared by the command-line test files: the built binary and
//! scratch folders that clean up after themselves.

#![allow(dead_code)] // each test file uses its own subset

use std::ops::Deref;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

pub const BIN: &str = env!("CARGO_BIN_EXE_xuetong");

/// Returns the repository root, one level above `cli/`.
pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("cli/ is inside the repository")
        .to_path_buf()
}

/// Runs the binary with `args`, no standard input, and captures its output.
pub fn xuetong(args: &[&str]) -> Output {
    Command::new(BIN)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("the binary runs")
}

/// A fresh, empty folder for one test, removed again when it is dropped,
/// so that a season's outputs (over 100 MB for the OULAD run) do not pile
/// up in the temporary folder run after run. Set `XUETONG_KEEP_SCRATCH=1`
/// to keep them for inspection.
#[derive(Debug)]
pub struct Scratch(PathBuf);

impl Scratch {
    pub fn new(name: &str) -> Self {
        let dir = std::env::temp_dir().join(format!("xuetong-test-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("the temporary folder is writable");
        Scratch(dir)
    }
}

impl Deref for Scratch {
    type Target = Path;

    fn deref(&self) -> &Path {
        &self.0
    }
}

impl AsRef<Path> for Scratch {
    fn as_ref(&self) -> &Path {
        &self.0
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        if std::env::var_os("XUETONG_KEEP_SCRATCH").is_none() {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }
}

/// The name of the lock file that a run keeps in its output folder.
pub const LOCK_FILE: &str = ".xuetong.lock";

/// Locks the output folder `out` as a run that is still writing into it
/// does, creating the folder when missing. The lock is held until the
/// returned file is dropped.
pub fn hold_lock(out: &Path) -> std::fs::File {
    std::fs::create_dir_all(out).expect("the output folder can be made");
    let file = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(false)
        .open(out.join(LOCK_FILE))
        .expect("the lock file can be made");
    file.try_lock().expect("no other process holds the lock");
    file
}

/// Returns the names of the entries of `folder`, sorted.
pub fn listing(folder: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(folder)
        .expect("the folder is readable")
        .map(|entry| {
            let entry = entry.expect("the folder is readable");
            entry.file_name().to_string_lossy().into_owned()
        })
        .collect();
    names.sort();
    names
}

/// Creates the folder `read-only` in `parent`, with empty files named
/// `files` in it, and removes its write permission. Returns `None` when this
/// user may write into it anyway, as root may, because the test then has
/// nothing to check.
#[cfg(unix)]
pub fn read_only_folder(parent: &Path, files: &[&str]) -> Option<PathBuf> {
    use std::os::unix::fs::PermissionsExt;
    let folder = parent.join("read-only");
    std::fs::create_dir(&folder).expect("the folder can be made");
    for file in files {
        std::fs::write(folder.join(file), "").expect("the file can be written");
    }
    std::fs::set_permissions(&folder, std::fs::Permissions::from_mode(0o555))
        .expect("the folder's permissions can be set");
    if std::fs::write(folder.join("probe"), "").is_ok() {
        eprintln!("skipped: this user may write into a read-only folder, as root may");
        return None;
    }
    Some(folder)
}
