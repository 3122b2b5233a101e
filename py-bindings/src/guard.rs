//! Keeping Rust panics away from Python.
//!
//! The core is written not to panic, but a panic that slipped through must
//! not reach Python as pyo3's `PanicException`, which derives from
//! `BaseException` and escapes `except Exception`. Every entry point of the
//! module runs its work through [`catch`] and raises the library's own
//! error instead.

use std::any::Any;
use std::panic::{AssertUnwindSafe, catch_unwind};

/// A panic caught at the boundary, with its message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Panicked {
    /// The panic's message, or a placeholder when it carried none.
    pub message: String,
}

impl std::fmt::Display for Panicked {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "internal error in xuetong: {}; this is a bug, please report it with the input that caused it",
            self.message
        )
    }
}

/// Runs `work`, turning a panic into [`Panicked`].
///
/// `work` may leave shared state half-changed when it panics; the callers
/// pass closures over values they own or only read, so nothing observes it.
pub fn catch<T>(work: impl FnOnce() -> T) -> Result<T, Panicked> {
    catch_unwind(AssertUnwindSafe(work)).map_err(|payload| Panicked {
        message: panic_message(payload.as_ref()),
    })
}

fn panic_message(payload: &(dyn Any + Send)) -> String {
    if let Some(text) = payload.downcast_ref::<&str>() {
        (*text).to_owned()
    } else if let Some(text) = payload.downcast_ref::<String>() {
        text.clone()
    } else {
        "a panic without a message".to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn value_passes_through() {
        assert_eq!(catch(|| 7), Ok(7));
    }

    #[test]
    #[allow(clippy::panic, reason = "the test panics on purpose")]
    fn panic_becomes_error() {
        let caught = catch(|| -> u8 { panic!("index {} out of range", 3) }).unwrap_err();
        assert_eq!(caught.message, "index 3 out of range");
        assert!(caught.to_string().starts_with("internal error in xuetong"));
    }
}
