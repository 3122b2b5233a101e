//! Learning credits: rules as data, an engine that turns outcomes into
//! credits, an append-only ledger, transcripts, and exports to a credit bank
//! and to an xAPI learning record store.
//!
//! # Overview
//!
//! - A [`RuleSet`] is a versioned document (format `xuetong.credit-rules/1`)
//!   of [`Rule`]s and [`Cap`]s. Built-in rule sets live in [`presets`]; a
//!   bundle may carry its own in `rules.json`, read by [`parse_rule_set`].
//! - [`compute_credits`] applies a rule set to outcomes in a
//!   [`CreditContext`] (courses, venues, taxonomy, learners) and returns a
//!   [`Computation`]: proposed entries plus the reason for everything not
//!   credited.
//! - A [`Ledger`] records computations append-only, with deterministic entry
//!   ids, revocations, expiries and adjustments; balances are derived.
//! - [`transcript`] groups a learner's entries by rule set, year, kind and
//!   category, each total listing its entries.
//! - [`deposit_batch`] writes a credit-bank deposit batch (JSON Lines) with
//!   idempotency keys; [`xapi`] builds xAPI 1.0.3 statements.
//!
//! Amounts are [`Credits`](crate::decimal::Credits) throughout: formulas
//! give exact fractions, and each rule rounds once, at its stated stage.
//! The crate has no clock, so recording and expiry dates are arguments.

mod bank;
mod digest;
mod engine;
mod exact;
mod ledger;
mod parse;
mod pool;
pub mod presets;
mod rule;
mod transcript;
pub mod xapi;

pub use bank::{
    DEPOSIT_FORMAT, Deposit, DepositBatch, DepositBatchSummary, DepositOperation, DepositOptions,
    batch_deposits, deposit_batch, deposit_batch_summary,
};
pub use engine::{
    Accrual, Computation, CreditContext, SkipReason, Skipped, compute_credits, expiry_date,
};
pub use ledger::{Adjustment, Balance, Basis, CapNote, Entry, EntryKind, LEDGER_FORMAT, Ledger};
#[cfg(feature = "full-api")]
pub(crate) use parse::is_identifier;
pub use parse::{parse_rule_set, rule_set_from_json};
pub use rule::{
    Cap, Dedup, Formula, Gates, Limit, Match, MonthDay, Period, RULE_SET_FORMAT, Rounding,
    RoundingMode, Rule, RuleSet, RuleSetPin, RuleSetStatus, Scope, Stage, StageKind, TableKey,
    Window,
};
pub use transcript::{
    CategoryTotal, KindTotal, RuleSetTranscript, Transcript, YearTotal, transcript,
};

/// Codes for rule files, ledgers and exports.
pub mod codes {
    crate::define_codes! {
        /// An evaluation time whose local date, the date credits are recorded on, falls outside the years 0001 to 9999.
        AS_OF_OUT_OF_RANGE = "as_of_out_of_range",
            en: "as_of {value} falls on {date} in {time_zone}, and credits recorded on that date would carry a year outside 0001 to 9999; use an as_of whose date in {time_zone} lies within those years",
            zh: "as_of {value} 在 {time_zone} 为 {date}，学分记入日期的年份将超出 0001 至 9999；请改用在 {time_zone} 的日期位于这些年份之内的 as_of";
        /// A rule set, rule or cap id that is not a lowercase identifier.
        INVALID_RULE_ID = "invalid_rule_id",
            en: "{field} must be an identifier of lowercase letters, digits and underscores that starts with a letter, such as course_hours, got \"{value}\"",
            zh: "{field} 应为以小写字母开头、由小写字母、数字和下划线组成的标识符（例如 course_hours），实际为“{value}”";
        /// Two rules or caps of one rule set with the same id: a cap may not share the id of a rule either.
        DUPLICATE_RULE_ID = "duplicate_rule_id",
            en: "id \"{value}\" is used twice in the rule set; give each rule and each cap its own id",
            zh: "规则集中 id“{value}”重复；每条规则和每个上限须有各自的 id";
        /// A rule set without rules.
        EMPTY_RULE_SET = "empty_rule_set",
            en: "a rule set needs at least one rule in rules",
            zh: "规则集的 rules 中至少须有一条规则";
        /// A cap scope that names a rule the rule set does not have.
        UNKNOWN_RULE_ID = "unknown_rule_id",
            en: "the rule set has no rule \"{value}\"; name one of its rules",
            zh: "规则集中没有规则“{value}”；请填写已有规则的 id";
        /// A formula that needs a field the matched outcome kind does not have.
        FORMULA_NOT_APPLICABLE = "formula_not_applicable",
            en: "the {formula} formula needs {needs}, which outcomes of kind {kind} do not have; remove the kind from match.kinds or use another formula",
            zh: "{formula} 公式需要{needs}，而 {kind} 类学习成果没有；请从 match.kinds 中删除该类型或改用其他公式";
        /// A table key that the table's lookup can never produce.
        INVALID_TABLE_KEY = "invalid_table_key",
            en: "table key \"{value}\" is not a valid {key} key; use one of {allowed}",
            zh: "表格键“{value}”不是有效的 {key} 键；请使用以下之一：{allowed}";
        /// A rounding stage that sums over a rolling period.
        ROLLING_STAGE_PERIOD = "rolling_stage_period",
            en: "a rounding stage cannot sum over rolling days, because the windows overlap; use calendar_year, year_from, semester or lifetime",
            zh: "舍入阶段不能按滚动天数汇总（窗口相互重叠）；请使用 calendar_year、year_from、semester 或 lifetime";
        /// A day of the year that is not written MM-DD or is 29 February.
        INVALID_MONTH_DAY = "invalid_month_day",
            en: "{field} must be a day of the year written MM-DD, such as 09-01, other than 02-29, got \"{value}\"",
            zh: "{field} 应为 MM-DD 格式的日期（例如 09-01），且不能是 02-29，实际为“{value}”";
        /// Semester starts that are fewer than two or repeat.
        INVALID_SEMESTER_STARTS = "invalid_semester_starts",
            en: "a semester period needs at least two different start days in starts, got {value}",
            zh: "学期周期的 starts 中至少须有两个不同的开始日期，实际为 {value}";
        /// A cap limit without exactly one of amount and count.
        INVALID_LIMIT = "invalid_limit",
            en: "a cap limit has exactly one of amount (credits) and count (credited records)",
            zh: "上限须且只能填写 amount（学分）与 count（计入次数）之一";
        /// A published rule set version whose rules differ from the ones a ledger recorded under it.
        RULE_SET_CHANGED = "rule_set_changed",
            en: "rule set {id} version {version} differs from the one this ledger already recorded under that version; a published rule set is frozen, so publish the change as a new version",
            zh: "规则集 {id} 第 {version} 版与本账本此前使用的同版本规则不一致；已发布的规则集不可修改，请以新版本发布";
        /// A draft rule set used to write a ledger.
        RULE_SET_NOT_PUBLISHED = "rule_set_not_published",
            en: "rule set {id} version {version} is a draft; set its status to published before recording credits, or use preview_credits",
            zh: "规则集 {id} 第 {version} 版仍为草稿；记入学分前请将其状态设为 published，或使用 preview_credits 预览";
        /// A rule set name that no built-in rule set has.
        UNKNOWN_RULE_SET = "unknown_rule_set",
            en: "no built-in rule set \"{value}\"; call list_rule_sets for the built-in ones, or give the rule set document itself",
            zh: "没有名为“{value}”的内置规则集；调用 list_rule_sets 查看内置规则集，或直接提供规则集文档";
        /// An entry id that the ledger does not have.
        ENTRY_NOT_FOUND = "entry_not_found",
            en: "the ledger has no entry {entry_id}; check the id",
            zh: "账本中没有条目 {entry_id}；请检查 id";
        /// A second reversal of the same entry: revoked or expired twice, expired after its revocation, or revoked while its expiry is unrevoked.
        ALREADY_REVOKED = "already_revoked",
            en: "entry {entry_id} was already reversed by entry {revoked_by}; an entry is revoked or expired once",
            zh: "条目 {entry_id} 已被条目 {revoked_by} 冲销；一个条目只能被撤销或过期一次";
        /// A reversal whose learner, rule set, date, kind or category differs from the entry it reverses.
        REVERSAL_MISMATCH = "reversal_mismatch",
            en: "entry {entry_id} reverses entry {target_id} but has another {field}; a reversal keeps the learner, rule set, date, kind and category of the entry it reverses",
            zh: "条目 {entry_id} 冲销条目 {target_id}，但两者的 {field} 不同；冲销条目须与被冲销条目的学习者、规则集、日期、类型和类别一致";
        /// An expiry of an entry that is not an accrual.
        EXPIRY_OF_NON_ACCRUAL = "expiry_of_non_accrual",
            en: "entry {entry_id} expires entry {target_id}, which is a {kind} entry; only accruals expire",
            zh: "条目 {entry_id} 使条目 {target_id} 过期，但后者是 {kind} 条目；只有记入条目会过期";
        /// A revocation of a revocation.
        REVOKE_OF_REVOKE = "revoke_of_revoke",
            en: "entry {entry_id} is a revocation, which cannot itself be revoked; record a new accrual or an adjustment instead",
            zh: "条目 {entry_id} 本身是撤销记录，不能再被撤销；请改为新增记入或调整";
        /// Two entries of a ledger with the same id.
        DUPLICATE_ENTRY_ID = "duplicate_entry_id",
            en: "entry id {entry_id} appears more than once in the ledger; an entry is appended once",
            zh: "条目 id {entry_id} 在账本中出现多次；每个条目只能追加一次";
        /// A reversal whose amount is not the opposite of the entry it reverses.
        REVOKE_AMOUNT_MISMATCH = "revoke_amount_mismatch",
            en: "entry {entry_id} has amount {value} but reverses an entry of the opposite amount {expected}",
            zh: "条目 {entry_id} 的金额为 {value}，而它冲销的条目对应金额应为 {expected}";
        /// A ledger entry that cannot be read.
        INVALID_LEDGER_ENTRY = "invalid_ledger_entry",
            en: "invalid ledger entry: {detail}",
            zh: "账本条目无效：{detail}";
        /// An adjustment of zero credits.
        ZERO_ADJUSTMENT = "zero_adjustment",
            en: "{field} of an adjustment must not be zero",
            zh: "调整的 {field} 不能为零";
        /// An amount, or a sum of one learner's amounts, too large for an amount of credits.
        AMOUNT_OVERFLOW = "amount_overflow",
            en: "the credits of learner {learner_id} at {at} add up to more than {max}, the largest amount of credits; look there for a mistaken amount, credit value, formula or number of minutes",
            zh: "学习者 {learner_id} 在 {at} 处的学分合计超过学分数额上限 {max}；请检查该处是否有错误的数额、学分值、公式或分钟数";
        /// A recording date earlier than the latest one already in the ledger.
        RECORDED_BEFORE_LEDGER = "recorded_before_ledger",
            en: "recorded_on {value} is earlier than {latest}, the latest recording date in the ledger; entries are appended in date order, so record on {latest} or later",
            zh: "recorded_on {value} 早于账本中最晚的记录日期 {latest}；条目按日期顺序追加，请使用 {latest} 或之后的日期";
        /// Credits dated after the day they are recorded.
        OCCURRED_AFTER_RECORDING = "occurred_after_recording",
            en: "{field} {value} is later than the recording date {recorded_on}; credits are recorded only for learning that has happened",
            zh: "{field} {value} 晚于记录日期 {recorded_on}；只能为已经发生的学习记入学分";
        /// An expiry date later than the day the expiry is recorded.
        EXPIRY_AFTER_RECORDING = "expiry_after_recording",
            en: "as_of {value} is later than the recording date {recorded_on}; credits expire only as of a day that has come, so use {recorded_on} or earlier",
            zh: "as_of {value} 晚于记录日期 {recorded_on}；学分只能按已到来的日期过期，请使用 {recorded_on} 或更早的日期";
        /// A stored ledger entry whose digest does not match its content and the digest before it.
        LEDGER_TAMPERED = "ledger_tampered",
            en: "entry {index} ({entry_id}) does not match its digest, so the ledger was edited at this entry or just before it (an entry changed, inserted, removed or moved); restore the ledger from a trusted copy",
            zh: "第 {index} 个条目（{entry_id}）与其摘要不符，说明账本在该条目处或紧邻其前被改动（条目被修改、插入、删除或移动）；请从可信副本恢复账本";
        /// A home page, activity base or platform that is not an absolute http or https URL without user info, query or fragment, or that has a port other than a number from 0 to 65535.
        INVALID_IRI = "invalid_iri",
            en: "{field} must be an absolute http or https URL with a port from 0 to 65535 if it has one, and no spaces, user info, query or fragment, such as https://learn.example.org, got \"{value}\"",
            zh: "{field} 应为端口（如有）在 0 到 65535 之间、不含空格、用户信息、查询串和片段的绝对 http 或 https 网址（例如 https://learn.example.org），实际为“{value}”";
    }
}
