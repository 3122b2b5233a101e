//! The season run: one pipeline from a bundle to everything the platform,
//! the district and the credit bank need.
//!
//! [`run_season`] chains the engines on a [`Bundle`](crate::bundle::Bundle)
//! with explicit [`SeasonOptions`]:
//!
//! 1. attendance: scans judged into one record per learner and session,
//!    rejected and duplicate scans, rates and completion per learner and
//!    course ([`crate::attendance`]);
//! 2. outcomes: attended minutes and completions made into learning
//!    outcomes, followed by the bundle's own outcomes;
//! 3. credits: the rule set (the one given, else the bundle's `rules.json`,
//!    else the built-in `community`) applied to the outcomes, and the
//!    result appended to the previous ledger ([`crate::credit`]);
//! 4. clubs: every club evaluated for every year of the season with the
//!    default scorecard, check-ins per activity taken from the attendance
//!    records ([`crate::club`]);
//! 5. statistics: the figures of [`crate::stats`] for the platform and
//!    each district and street, and on request each venue, category,
//!    course and club ([`ScopeKind`]), over the season's period: from its
//!    first session or outcome day to the recording date
//!    ([`Season::statistics`]);
//! 6. the district learning index: the default index of [`crate::index`]
//!    over the districts' statistics ([`Season::index`]).
//!
//! The [`Season`] it returns is written by [`write_output`] file by file
//! ([`OutputFile`]): attendance tables, outcomes, the ledger as a table and
//! as a document, transcripts, the credit-bank deposit batch, xAPI
//! statements, club evaluations, statistics and the learning index. Transcripts, the
//! deposit batch and xAPI statements are derived while writing, so a large
//! season never keeps them in memory.
//!
//! Everything is deterministic: the same bundle and options give the same
//! bytes, whatever the order of the bundle's rows. The crate has no clock:
//! the evaluation time is an option, and [`default_as_of`] offers the latest
//! instant the bundle mentions that could be accepted.
//!
//! # Example
//!
//! ```
//! use xuetong::attendance::AttendancePolicy;
//! use xuetong::bundle::{MemoryBundle, read_bundle};
//! use xuetong::problem::Locale;
//! use xuetong::season::{OutputFile, SeasonOptions, default_as_of, run_season, write_output};
//!
//! let mut files = MemoryBundle::new();
//! files.insert("venues.csv", "id,name,tier,time_zone\n\
//!     9a4b6c1e-5d2f-4e8a-9b1c-3d5e7f9a1b2c,Qiantang District College,district,Asia/Shanghai\n");
//! files.insert("courses.csv", "id,title,category,provider_venue_id\n\
//!     7c9e6679-7425-40de-944b-e07fc1f90ae7,Tai chi,tai_chi,9a4b6c1e-5d2f-4e8a-9b1c-3d5e7f9a1b2c\n");
//! files.insert("sessions.csv", "id,course_id,venue_id,date,start_time,end_time\n\
//!     2b0c6b8e-1f7a-4f0e-9d57-6a3c9c0f7e11,7c9e6679-7425-40de-944b-e07fc1f90ae7,\
//!     9a4b6c1e-5d2f-4e8a-9b1c-3d5e7f9a1b2c,2026-03-02,09:00,10:30\n");
//! let (bundle, report) = read_bundle(&files)?;
//! assert!(report.is_clean());
//!
//! let as_of = default_as_of(&bundle, &AttendancePolicy::default()).expect("the bundle has a session");
//! let season = run_season(&bundle, SeasonOptions::new(as_of, "https://learn.example.org"))
//!     .expect("the options are valid");
//! assert_eq!(season.summary.sessions_held, 1);
//!
//! let mut csv = Vec::new();
//! write_output(&season, OutputFile::CourseResults, &mut csv, Locale::En)?;
//! assert!(csv.starts_with(b"course_id,learner_id,"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod clubs;
mod options;
mod output;
mod run;
mod statistics;
mod trail;

pub use clubs::ClubEvaluation;
pub use options::{SeasonOptions, default_as_of, default_time_zone};
pub use output::{
    OutputFile, REJECTED_ROWS_FILE, write_attendance_output, write_output, write_outputs,
    write_rejected_rows, write_rejected_rows_file,
};
pub use run::{
    Season, SeasonStep, SeasonSummary, run_season, run_season_alongside, run_season_observed,
    run_season_with_scans, season_rules,
};
pub use statistics::{ScopeKind, ScopeStatistics};
