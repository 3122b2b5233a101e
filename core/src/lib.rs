//! `xuetong` models community and lifelong-learning platforms: learners, a
//! tiered venue network, courses and sessions, enrolment, QR check-in and
//! attendance, learning credits and a district learning index.
//!
//! The crate is pure: it reads from the readers and writes to the writers it
//! is handed, and never touches the file system, the network or the clock.
//! The same functions serve Rust services, the Python bindings, the
//! WebAssembly bindings and the command line.
//!
//! # Conventions
//!
//! - Every input record ([`model`]) has a flat JSON form and a CSV row with
//!   the same field names, and `validate()` returns every problem it finds.
//! - A problem ([`problem::Problem`]) is data: a stable code from the
//!   catalogue, a path to the field, a message in English or Simplified
//!   Chinese, and parameters.
//! - Instants are UTC; local dates and times carry an IANA time zone.
//! - Credits are exact hundredths ([`decimal::Credits`]), never floats.
//!
//! # Example
//!
//! ```
//! use xuetong::model::Learner;
//! use xuetong::problem::Path;
//! use xuetong::record::Record;
//!
//! let input = serde_json::json!({
//!     "source_system": "platform",
//!     "source_key": "L-0001",
//!     "display_name": "王秀英",
//!     "birth_date": "1957-02-29",
//!     "phone": "13800000000",
//! });
//! let problems = Learner::from_json(&input, &Path::root()).unwrap_err();
//! let codes: Vec<&str> = problems.iter().map(|p| p.code.as_str()).collect();
//! assert_eq!(codes, ["personal_data_field", "invalid_date"]);
//! ```

#![cfg_attr(
    not(test),
    warn(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]

pub mod api;
pub mod attendance;
pub mod bundle;
pub mod club;
mod codes;
pub mod credit;
pub mod decimal;
pub mod enrolment;
pub mod field;
pub mod id;
pub mod import;
pub mod index;
pub mod model;
pub mod problem;
pub mod record;
pub mod sample;
pub mod schedule;
pub mod season;
pub mod stats;
#[cfg(all(test, feature = "parallel"))]
mod test_pool;
