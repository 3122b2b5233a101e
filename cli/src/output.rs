//! Printing for the command line: lines to standard output that stop
//! quietly when the reader has gone (`xuetong call ... | head`), messages to
//! standard error, and counts with the right plural.

use std::fmt;
use std::io::{self, Write};
use std::sync::atomic::{AtomicBool, Ordering};

/// Set once a write to standard output failed, most often because the
/// reading end of a pipe was closed; later lines are then dropped.
static STDOUT_CLOSED: AtomicBool = AtomicBool::new(false);

/// Writes one line to standard output. When the output is closed (a
/// closed pipe gives `BrokenPipe`) or fails otherwise, this and every later
/// line are dropped instead of ending the program with a panic, as
/// `println!` would.
pub fn line(text: fmt::Arguments<'_>) {
    if STDOUT_CLOSED.load(Ordering::Relaxed) {
        return;
    }
    let mut stdout = io::stdout().lock();
    let written = stdout
        .write_fmt(text)
        .and_then(|()| stdout.write_all(b"\n"))
        .and_then(|()| stdout.flush());
    if written.is_err() {
        STDOUT_CLOSED.store(true, Ordering::Relaxed);
    }
}

/// Writes one line to standard error, ignoring a failure to do so: there
/// is nowhere left to report it.
pub fn error_line(text: fmt::Arguments<'_>) {
    let mut stderr = io::stderr().lock();
    let _ = stderr
        .write_fmt(text)
        .and_then(|()| stderr.write_all(b"\n"));
}

/// Prints a line to standard output, like `println!` without the panic on
/// a closed pipe.
#[macro_export]
macro_rules! say {
    ($($arg:tt)*) => {
        $crate::output::line(format_args!($($arg)*))
    };
}

/// Prints a line to standard error, like `eprintln!` without the panic.
#[macro_export]
macro_rules! complain {
    ($($arg:tt)*) => {
        $crate::output::error_line(format_args!($($arg)*))
    };
}

/// Writes `count` with thousands separators and the noun in the singular
/// or plural as it needs: `1 row`, `0 rows`, `12,345 rows`.
///
/// # Example
///
/// ```
/// use xuetong_cli::output::counted;
///
/// assert_eq!(counted(1, "row", "rows"), "1 row");
/// assert_eq!(counted(2, "row", "rows"), "2 rows");
/// assert_eq!(counted(1_234_567, "scan", "scans"), "1,234,567 scans");
/// ```
pub fn counted(count: u64, singular: &str, plural: &str) -> String {
    let noun = if count == 1 { singular } else { plural };
    format!("{} {noun}", grouped(count))
}

/// Writes a whole number with a comma between groups of three digits.
pub fn grouped(number: u64) -> String {
    let digits = number.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (position, digit) in digits.chars().enumerate() {
        if position > 0 && (digits.len() - position).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_take_the_right_plural() {
        assert_eq!(counted(0, "row", "rows"), "0 rows");
        assert_eq!(counted(1, "row", "rows"), "1 row");
        assert_eq!(counted(2, "entry", "entries"), "2 entries");
    }

    #[test]
    fn numbers_are_grouped_by_thousands() {
        assert_eq!(grouped(0), "0");
        assert_eq!(grouped(999), "999");
        assert_eq!(grouped(1000), "1,000");
        assert_eq!(grouped(54_611), "54,611");
        assert_eq!(grouped(24_000_000), "24,000,000");
    }
}
