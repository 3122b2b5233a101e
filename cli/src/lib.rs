//! The pieces of the `xuetong` command line that other front ends share:
//! reading and writing a bundle folder on disk. The Python bindings use the
//! same folder type, so a folder reads the same way from the shell and from
//! Python.

pub mod folder;
