//! The native part of the Python package `xuetong` (the module
//! `xuetong._core`), and the Arrow tables it is built on.
//!
//! The Arrow conversions ([`tables`]), the panic guard ([`guard`]) and the
//! thread pools ([`pool`]) are plain Rust and tested with `cargo test`;
//! bundle folders are read with the command line's folder type, so they
//! read the same from both. The Python module itself is behind the
//! `python` feature, which maturin turns on when it builds the package;
//! without it the crate needs no Python.

pub mod guard;
pub mod pool;
pub mod tables;

#[cfg(feature = "python")]
mod python;
