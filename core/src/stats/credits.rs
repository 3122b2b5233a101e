//! Credits earned in a scope and period, read from a credit ledger.

use serde::Serialize;

use crate::decimal::Credits;

/// The credits earned under one rule set.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RuleSetCredits {
    /// The rule set.
    pub rule_set_id: String,
    /// The sum of the entries counted.
    pub amount: Credits,
    /// The entries counted.
    pub entries: u64,
    /// Entries of the period whose outcomes lie only partly in the scope, or
    /// are partly unknown, and so are not counted (always 0 for area
    /// scopes, which count by learner).
    pub entries_partly_in_scope: u64,
}
