//! The lock that keeps two runs from writing into one output folder.

use std::fs::{File, OpenOptions, TryLockError};
use std::io;
use std::path::{Component, Path, PathBuf};

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
    /// before the lock was taken. It is `None` when the path goes through
    /// `..` below that folder.
    // NOTE: so a failed run into `new/../old` leaves the empty folder `new`.
    created: Option<PathBuf>,
    /// Whether the file is locked: false when the file system cannot lock
    /// files and the run goes on without the lock.
    locked: bool,
}

/// The reason the lock could not be taken.
#[derive(Debug)]
pub(crate) enum LockError {
    /// Another process holds the lock, or other processes removed the lock
    /// file each time it was opened.
    Busy,
    /// The output folder could not be created.
    CreateFolder(io::Error),
    /// The lock file's name is taken by a folder, a symbolic link or some
    /// other entry that is not a regular file.
    NotAFile(PathBuf),
    /// The lock file could not be created or locked.
    Failed(io::Error),
    /// The folder is locked, but a file cannot be created in it.
    NotWritable(io::Error),
}

impl OutputLock {
    /// Creates the folder `out` when it is missing and locks its lock file.
    /// On a file system that cannot lock files, it returns a value whose
    /// [`OutputLock::is_locked`] is false.
    ///
    /// # Errors
    ///
    /// Returns [`LockError::Busy`] when another process holds the lock or
    /// the lock file is removed on each of [`LOCK_ATTEMPTS`] attempts,
    /// [`LockError::CreateFolder`] when the folder cannot be made,
    /// [`LockError::NotAFile`] when the lock file's name is taken by
    /// something else, [`LockError::Failed`] when the lock file cannot be
    /// made or locked, and [`LockError::NotWritable`] when no file can be
    /// created in the folder.
    pub(crate) fn acquire(out: &Path) -> Result<Self, LockError> {
        let lock = Self::acquire_checking(out, OutputLock::is_still_named)?;
        // A lock file that this user may read is locked even in a folder
        // that the user may not write into, where the run would fail only
        // at its first output, after reading the whole bundle.
        if let Err(error) = check_writable(out) {
            lock.release_after_failure();
            return Err(LockError::NotWritable(error));
        }
        Ok(lock)
    }

    /// Runs [`OutputLock::acquire`] with `is_still_named` as the check that
    /// the locked file still has its name, which a test can make fail.
    fn acquire_checking(
        out: &Path,
        mut is_still_named: impl FnMut(&OutputLock) -> bool,
    ) -> Result<Self, LockError> {
        let created = out
            .ancestors()
            .take_while(|folder| !folder.as_os_str().is_empty() && !folder.exists())
            .last()
            .filter(|created| is_below(out, created))
            .map(Path::to_path_buf);
        let mut attempt = 1;
        loop {
            let mut lock = Self::open(out, created.clone())?;
            let result = lock.file.try_lock();
            match decide(result, attempt, || is_still_named(&lock)) {
                Decision::Locked => return Ok(lock),
                Decision::Unlocked => {
                    lock.locked = false;
                    return Ok(lock);
                }
                Decision::Retry => attempt += 1,
                Decision::Busy => return Err(LockError::Busy),
                Decision::Failed(error) => {
                    lock.release_after_failure();
                    return Err(LockError::Failed(error));
                }
            }
        }
    }

    /// Creates the folder `out` when it is missing and opens its lock file,
    /// without locking it. On failure, it removes the folders from `out` up
    /// to `created`, the outermost one that did not exist before.
    fn open(out: &Path, created: Option<PathBuf>) -> Result<Self, LockError> {
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
        Ok(OutputLock {
            file,
            out: out.to_path_buf(),
            created,
            locked: true,
        })
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
    /// Open the lock file and lock it again, because the file that was
    /// locked is no longer the one named [`LOCK_FILE`].
    Retry,
    /// Report that another process holds the lock.
    Busy,
    /// Report the error.
    Failed(io::Error),
}

/// How many times [`OutputLock::acquire`] opens and locks the lock file
/// while other processes keep removing it.
const LOCK_ATTEMPTS: u32 = 3;

/// Maps the result of [`File::try_lock`] on the `attempt`-th opened lock
/// file to the next step. A file system or platform on which locks are
/// unsupported lets the run go on unlocked, rather than stop every run into
/// the folder. `is_still_named` checks that the file still has its name.
fn decide(
    result: Result<(), TryLockError>,
    attempt: u32,
    is_still_named: impl FnOnce() -> bool,
) -> Decision {
    let held_elsewhere = match result {
        Ok(()) => false,
        Err(TryLockError::WouldBlock) => true,
        Err(TryLockError::Error(error)) if error.kind() == io::ErrorKind::Unsupported => {
            return Decision::Unlocked;
        }
        Err(TryLockError::Error(error)) => return Decision::Failed(error),
    };
    // A run that failed in a folder it created removes the lock file before
    // it releases the lock. A process that opened the file just before then
    // finds the lock held, or takes it, on a file that the next run cannot
    // see. The file now at that name, if any, may be free.
    if !is_still_named() {
        return if attempt < LOCK_ATTEMPTS {
            Decision::Retry
        } else {
            Decision::Busy
        };
    }
    if held_elsewhere {
        Decision::Busy
    } else {
        Decision::Locked
    }
}

/// Tells whether `out` names a folder inside `folder`, or `folder` itself,
/// by names alone. A `..` in the part of `out` below `folder` leads out of
/// it: in `new/../old`, only `new` is missing, yet `old` may be a folder
/// that existed before and must not be removed.
fn is_below(out: &Path, folder: &Path) -> bool {
    out.strip_prefix(folder).is_ok_and(|rest| {
        rest.components()
            .all(|part| matches!(part, Component::Normal(_)))
    })
}

/// The name of the empty file that [`OutputLock::acquire`] creates and
/// removes at once, in the locked folder, to check that it is writable.
const PROBE_FILE: &str = ".xuetong.probe";

/// Creates the file [`PROBE_FILE`] in the folder `out` and removes it,
/// which fails when this user may not create files there.
fn check_writable(out: &Path) -> io::Result<()> {
    let probe = out.join(PROBE_FILE);
    // `create_new` never follows a symbolic link. A file of that name is
    // left only by a run killed between making and removing it.
    let created = OpenOptions::new().write(true).create_new(true).open(&probe);
    if created
        .as_ref()
        .is_err_and(|error| error.kind() == io::ErrorKind::AlreadyExists)
    {
        std::fs::remove_file(&probe)?;
        OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&probe)?;
    } else {
        created?;
    }
    std::fs::remove_file(&probe)
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

    /// Returns a check of the file's name that finds `named`.
    fn named(named: bool) -> impl FnOnce() -> bool {
        move || named
    }

    #[test]
    fn decide_maps_lock_results() {
        assert!(matches!(decide(Ok(()), 1, named(true)), Decision::Locked));
        assert!(matches!(
            decide(Err(TryLockError::WouldBlock), 1, named(true)),
            Decision::Busy
        ));
        let unsupported = io::Error::from(io::ErrorKind::Unsupported);
        assert!(matches!(
            decide(Err(TryLockError::Error(unsupported)), 1, named(true)),
            Decision::Unlocked
        ));
        let denied = io::Error::from(io::ErrorKind::PermissionDenied);
        assert!(matches!(
            decide(Err(TryLockError::Error(denied)), 1, named(true)),
            Decision::Failed(error) if error.kind() == io::ErrorKind::PermissionDenied
        ));
    }

    #[test]
    fn failed_run_keeps_a_folder_reached_by_dot_dot() {
        let scratch =
            std::env::temp_dir().join(format!("xuetong-lock-dotdot-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&scratch);
        let existing = scratch.join("existing");
        std::fs::create_dir_all(&existing).unwrap();
        let out = scratch.join("new").join("..").join("existing");

        let lock = OutputLock::acquire(&out).unwrap();
        lock.release_after_failure();

        assert!(
            existing.is_dir(),
            "the failed run removed a folder it did not make"
        );
        std::fs::remove_dir_all(&scratch).unwrap();
    }

    #[test]
    fn acquire_retries_a_renamed_lock_file() {
        let out = std::env::temp_dir().join(format!("xuetong-lock-retry-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&out);
        let mut checks = 0;

        let renamed_each_time = OutputLock::acquire_checking(&out, |_| {
            checks += 1;
            assert!(
                checks <= LOCK_ATTEMPTS,
                "check {checks} after the last attempt"
            );
            false
        });

        assert!(matches!(renamed_each_time, Err(LockError::Busy)));
        assert_eq!(checks, LOCK_ATTEMPTS);

        let mut checks = 0;
        let renamed_once = OutputLock::acquire_checking(&out, |_| {
            checks += 1;
            checks > 1
        });

        let lock = renamed_once.expect("the second attempt takes the lock");
        assert_eq!(checks, 2);
        assert!(lock.is_locked());
        let other = File::open(out.join(LOCK_FILE)).unwrap();
        assert!(matches!(other.try_lock(), Err(TryLockError::WouldBlock)));
        drop(lock);
        std::fs::remove_dir_all(&out).unwrap();
    }

    #[test]
    fn decide_retries_a_removed_lock_file() {
        for attempt in 1..LOCK_ATTEMPTS {
            assert!(
                matches!(decide(Ok(()), attempt, named(false)), Decision::Retry),
                "locked, attempt {attempt}"
            );
            assert!(
                matches!(
                    decide(Err(TryLockError::WouldBlock), attempt, named(false)),
                    Decision::Retry
                ),
                "held elsewhere, attempt {attempt}"
            );
        }
        assert!(matches!(
            decide(Ok(()), LOCK_ATTEMPTS, named(false)),
            Decision::Busy
        ));
        assert!(matches!(
            decide(Err(TryLockError::WouldBlock), LOCK_ATTEMPTS, named(false)),
            Decision::Busy
        ));
        assert!(matches!(
            decide(Ok(()), LOCK_ATTEMPTS, named(true)),
            Decision::Locked
        ));
    }
}
