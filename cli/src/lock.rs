//! The lock that keeps two runs from writing into one output folder.

use std::fs::{File, OpenOptions, TryLockError};
use std::io;
use std::path::{Path, PathBuf};

/// The name of the lock file inside the output folder. It is hidden and is
/// not an output. A run leaves it in the folder, because a run that opened
/// it just before it was removed would lock a file without a name while the
/// next run locks a new one. Only a failed run that created the folder
/// removes it.
pub(crate) const LOCK_FILE: &str = ".xuetong.lock";

/// An exclusive lock on an output folder, held until it is dropped or the
/// process ends. The operating system releases it when the process is
/// killed, so a lock never outlives its run.
#[derive(Debug)]
pub(crate) struct OutputLock {
    /// The open lock file, which holds the lock.
    file: File,
    /// The output folder.
    out: PathBuf,
    /// The outermost folder of the output folder's path that did not exist
    /// before the lock was taken.
    created: Option<PathBuf>,
    /// Whether the file is locked: false when the file system cannot lock
    /// files and the run goes on without the lock.
    locked: bool,
}

/// The reason the lock could not be taken.
#[derive(Debug)]
pub(crate) enum LockError {
    /// Another process holds the lock.
    Busy,
    /// The output folder could not be created.
    CreateFolder(io::Error),
    /// The lock file's name is taken by a folder, a symbolic link or some
    /// other entry that is not a regular file.
    NotAFile(PathBuf),
    /// The lock file could not be created or locked.
    Failed(io::Error),
}

impl OutputLock {
    /// Creates the folder `out` when it is missing and locks its lock file.
    /// On a file system that cannot lock files, it returns a value whose
    /// [`OutputLock::is_locked`] is false.
    ///
    /// # Errors
    ///
    /// Returns [`LockError::Busy`] when another process holds the lock,
    /// [`LockError::CreateFolder`] when the folder cannot be made,
    /// [`LockError::NotAFile`] when the lock file's name is taken by
    /// something else, and [`LockError::Failed`] when the lock file cannot
    /// be made or locked.
    pub(crate) fn acquire(out: &Path) -> Result<Self, LockError> {
        let created = out
            .ancestors()
            .take_while(|folder| !folder.as_os_str().is_empty() && !folder.exists())
            .last()
            .map(Path::to_path_buf);
        std::fs::create_dir_all(out).map_err(LockError::CreateFolder)?;
        let file = match open_lock_file(&out.join(LOCK_FILE)) {
            Ok(file) => file,
            Err(error) => {
                if let Some(created) = &created {
                    remove_created(out, created);
                }
                return Err(error);
            }
        };
        let mut lock = OutputLock {
            file,
            out: out.to_path_buf(),
            created,
            locked: true,
        };
        match decide(lock.file.try_lock()) {
            Decision::Locked => {}
            Decision::Unlocked => {
                lock.locked = false;
                return Ok(lock);
            }
            Decision::Busy => return Err(LockError::Busy),
            Decision::Failed(error) => {
                lock.release_after_failure();
                return Err(LockError::Failed(error));
            }
        }
        // A run that ended in failure may have removed the lock file after
        // this process opened it, in which case the lock is on a file that
        // the next run cannot see.
        if !lock.is_still_named() {
            return Err(LockError::Busy);
        }
        Ok(lock)
    }

    /// Tells whether the folder is locked. It is not when the file system
    /// cannot lock files.
    pub(crate) fn is_locked(&self) -> bool {
        self.locked
    }

    /// Releases the lock after a run that failed, removing the folders that
    /// [`OutputLock::acquire`] created, with the lock file, when nothing
    /// else was written into them. A failed run so leaves no new folder.
    pub(crate) fn release_after_failure(self) {
        let Some(created) = &self.created else {
            return;
        };
        let _ = std::fs::remove_file(self.out.join(LOCK_FILE));
        remove_created(&self.out, created);
    }

    /// Checks that the locked file is still the one named [`LOCK_FILE`].
    #[cfg(unix)]
    fn is_still_named(&self) -> bool {
        use std::os::unix::fs::MetadataExt;
        let (Ok(locked), Ok(named)) = (
            self.file.metadata(),
            std::fs::metadata(self.out.join(LOCK_FILE)),
        ) else {
            return false;
        };
        locked.dev() == named.dev() && locked.ino() == named.ino()
    }

    /// Checks that the locked file is still the one named [`LOCK_FILE`].
    // NOTE: only Unix compares the file with its name. Elsewhere a lock
    // file removed by a failed run is taken as still in place.
    #[cfg(not(unix))]
    fn is_still_named(&self) -> bool {
        true
    }
}

/// The next step of [`OutputLock::acquire`] after it tried to lock the
/// lock file.
#[derive(Debug)]
enum Decision {
    /// Keep the lock.
    Locked,
    /// Go on without a lock, because the file system cannot lock files.
    Unlocked,
    /// Report that another process holds the lock.
    Busy,
    /// Report the error.
    Failed(io::Error),
}

/// Maps the result of [`File::try_lock`] to the next step. A file system or
/// platform on which locks are unsupported lets the run go on unlocked,
/// rather than stop every run into the folder.
fn decide(result: Result<(), TryLockError>) -> Decision {
    match result {
        Ok(()) => Decision::Locked,
        Err(TryLockError::WouldBlock) => Decision::Busy,
        Err(TryLockError::Error(error)) if error.kind() == io::ErrorKind::Unsupported => {
            Decision::Unlocked
        }
        Err(TryLockError::Error(error)) => Decision::Failed(error),
    }
}

/// Removes the folders from `out` up to `created`, the outermost one that a
/// run made, while they are empty.
fn remove_created(out: &Path, created: &Path) {
    // Only empty folders are removed: another program may have put files in
    // them meanwhile.
    for folder in out.ancestors() {
        if std::fs::remove_dir(folder).is_err() || folder == created {
            break;
        }
    }
}

/// Opens the lock file at `path`, creating it when missing, without
/// truncating it and without following a symbolic link.
fn open_lock_file(path: &Path) -> Result<File, LockError> {
    // A symbolic link would make the run create or lock a file outside the
    // output folder. A folder cannot be opened for writing, and opening a
    // FIFO would wait for a reader.
    if std::fs::symlink_metadata(path).is_ok_and(|entry| !entry.is_file()) {
        return Err(LockError::NotAFile(path.to_path_buf()));
    }
    let file = lock_file_options(true).open(path).or_else(|error| {
        // A lock needs no write access, so a lock file that another user
        // made and this user may only read still works.
        if error.kind() == io::ErrorKind::PermissionDenied {
            lock_file_options(false).open(path).map_err(|_| error)
        } else {
            Err(error)
        }
    });
    file.map_err(|error| {
        // The entry may have been replaced by a link or a folder since the
        // check above.
        if std::fs::symlink_metadata(path).is_ok_and(|entry| !entry.is_file()) {
            LockError::NotAFile(path.to_path_buf())
        } else {
            LockError::Failed(error)
        }
    })
}

/// Returns the options that open the lock file: for writing, created when
/// missing, or else for reading only.
fn lock_file_options(write: bool) -> OpenOptions {
    let mut options = OpenOptions::new();
    if write {
        options.write(true).create(true).truncate(false);
    } else {
        options.read(true);
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NOFOLLOW);
    }
    options
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decide_maps_lock_results() {
        assert!(matches!(decide(Ok(())), Decision::Locked));
        assert!(matches!(
            decide(Err(TryLockError::WouldBlock)),
            Decision::Busy
        ));
        let unsupported = io::Error::from(io::ErrorKind::Unsupported);
        assert!(matches!(
            decide(Err(TryLockError::Error(unsupported))),
            Decision::Unlocked
        ));
        let denied = io::Error::from(io::ErrorKind::PermissionDenied);
        assert!(matches!(
            decide(Err(TryLockError::Error(denied))),
            Decision::Failed(error) if error.kind() == io::ErrorKind::PermissionDenied
        ));
    }
}
