//! The catalogue of problem codes, assembled from the modules that report
//! them. A module with codes adds its `CODES` slice here, under a group name
//! used as the heading in `docs/error-codes.md`.

use crate::problem::CodeInfo;

/// Every module's codes with a group name, in the order they are documented.
pub(crate) static ALL: &[(&str, &[CodeInfo])] = &[
    ("Fields", crate::problem::codes::CODES),
    ("Records", crate::model::codes::CODES),
    ("Sessions in time", crate::schedule::codes::CODES),
    ("Enrolment and eligibility", crate::enrolment::codes::CODES),
    ("Bundles", crate::bundle::codes::CODES),
    ("Learning clubs", crate::club::codes::CODES),
    ("Learning index", crate::index::codes::CODES),
    ("Statistics", crate::stats::codes::CODES),
    ("Attendance", crate::attendance::codes::CODES),
    ("Operation API", crate::api::codes::CODES),
    ("Credits", crate::credit::codes::CODES),
    ("Importers", crate::import::codes::CODES),
];
