//! The native part of the Python package `xuetong` (the module
//! `xuetong._core`), and the Arrow tables it is built on.
//!
//! The Arrow conversions ([`tables`]), the bundle folder ([`folder`]) and the
//! panic guard ([`guard`]) are plain Rust and tested with `cargo test`. The
//! Python module itself is behind the `python` feature, which maturin turns
//! on when it builds the package; without it the crate needs no Python.

pub mod folder;
pub mod guard;
pub mod tables;

#[cfg(feature = "python")]
mod python;
