//! The checks of an `--out` folder, and the reports of failures to write into it.

use std::io;
use std::path::{Path, PathBuf};

use xuetong::bundle::BundleError;
use xuetong_cli::complain;

use crate::{EXIT_BAD_INPUT, EXIT_FAILURE};

/// Returns why `out` is neither a folder nor a path where a folder can be
/// made, as a message that ends in what to do, or `None` when it is fine.
/// A part of the path that is a file, a symbolic link to nothing or a loop
/// of links is a problem, and a symbolic link to a folder is followed.
/// `contents` names what the folder is for, such as "the outputs".
pub(crate) fn out_folder_problem(out: &Path, contents: &str) -> Option<String> {
    // A trailing slash makes lstat follow a final symbolic link and fail on
    // a file, so the lookups use the path rebuilt without it.
    let path: PathBuf = out.components().collect();
    // The deepest part of the path that exists as an entry, link or not.
    // The empty path above a relative `out` is the working folder.
    let entry = path
        .ancestors()
        .take_while(|path| !path.as_os_str().is_empty())
        .find(|path| std::fs::symlink_metadata(path).is_ok())?;
    let subject = if entry == out {
        format!("--out {}", out.display())
    } else {
        format!(
            "--out {} cannot be made because {}",
            out.display(),
            entry.display()
        )
    };
    match std::fs::metadata(entry) {
        Ok(metadata) if metadata.is_dir() => None,
        Ok(_) if entry == out => Some(format!("{subject} is a file; give a folder for {contents}")),
        Ok(_) => Some(format!(
            "{subject} is a file, not a folder; give another --out folder"
        )),
        Err(error) => Some(broken_link(entry, &subject, &error)),
    }
}

/// Returns what to do about `error`, from making or writing the `--out`
/// folder, when the choice of folder caused it and so it is bad input. The
/// causes are a folder that this user may not write into, a path too long
/// and a folder where the system makes no new entries.
pub(crate) fn out_error_fix(error: &io::Error) -> Option<&'static str> {
    match error.kind() {
        io::ErrorKind::PermissionDenied | io::ErrorKind::ReadOnlyFilesystem => {
            Some("give a folder that you may write to")
        }
        io::ErrorKind::InvalidFilename => Some("give a shorter --out path"),
        // `out_folder_problem` has found that the deepest existing part of
        // the path is a folder, so "not found" means that the system makes
        // no entries there, as Linux's /proc does. A folder removed by
        // another program during the run gets this fix message too.
        io::ErrorKind::NotFound => {
            Some("the system does not let a folder be made there, so give another --out folder")
        }
        _ => None,
    }
}

/// Prints `error`, from writing a bundle into the `--out` folder `out`,
/// with what to do, and returns the exit code: bad input when
/// [`out_error_fix`] finds the cause in the choice of folder, else failure.
pub(crate) fn report_bundle_write_error(out: &Path, error: BundleError) -> u8 {
    let BundleError::Io {
        action,
        file,
        source,
    } = error;
    let (fix, code) = match out_error_fix(&source) {
        Some(fix) => (fix, EXIT_BAD_INPUT),
        None => (
            "check that the folder is writable and the disk has room",
            EXIT_FAILURE,
        ),
    };
    complain!(
        "error: failed to write the bundle to {}: failed to {action} {file}: {source}; {fix}",
        out.display()
    );
    code
}

/// Describes the symbolic link `link` that `metadata` failed to follow
/// with `error`, for the message that starts with `subject`.
fn broken_link(link: &Path, subject: &str, error: &io::Error) -> String {
    if error.kind() == io::ErrorKind::NotFound
        && let Some(target) = missing_target(link)
    {
        return format!(
            "{subject} is a symbolic link to {}, which does not exist; create that folder or give another --out folder",
            target.display()
        );
    }
    #[cfg(unix)]
    if error.raw_os_error() == Some(libc::ELOOP) {
        return format!(
            "{subject} is a symbolic link in a loop of links (too many levels of symbolic links); fix the link or give another --out folder"
        );
    }
    format!(
        "{subject} is a symbolic link that cannot be followed: {error}; fix the link or give another --out folder"
    )
}

/// Follows the chain of symbolic links that starts at `link` and returns
/// the path at its end when nothing is there, or `None` when something is.
fn missing_target(link: &Path) -> Option<PathBuf> {
    let mut link = link.to_path_buf();
    // Linux follows at most 40 links in a row.
    for _ in 0..40 {
        // A relative target is relative to the folder of the link.
        let target = link.parent()?.join(std::fs::read_link(&link).ok()?);
        match std::fs::symlink_metadata(&target) {
            Ok(entry) if entry.is_symlink() => link = target,
            Ok(_) => return None,
            Err(_) => return Some(target),
        }
    }
    None
}
